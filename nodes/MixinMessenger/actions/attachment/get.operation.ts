import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	extensionOfMediaType,
	isGenericMediaType,
	mediaTypeOfFileName,
	sniffMediaType,
} from '../../../common/binary';
import { ItemWithBinary, type ItemResult } from '../../../common/router';
import { requireText, requireUuid } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';
import { attachmentFileOptions, readMediaTypeOption } from './file';

const properties: INodeProperties[] = [
	{
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		required: true,
		default: '',
	},
	{
		displayName: 'Download File',
		name: 'download',
		type: 'boolean',
		default: false,
		description: 'Whether to download the file into a binary field as well',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		displayOptions: { show: { download: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description:
			"Mixin keeps no name or type with an attachment: map them from the message that carried it (its data's name and mime_type)",
		displayOptions: { show: { download: [true] } },
		options: attachmentFileOptions('worked out from the file itself'),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['get'] } },
	properties,
);

/**
 * The downloaded file's type: as given, else what the storage said if it says anything, else what the given
 * name's extension or the first bytes show; its name: as given, else the attachment id with the type's extension.
 */
function describeFile(
	attachmentId: string,
	bytes: Buffer,
	contentType: string | undefined,
	given: { fileName: string; mimeType?: string },
) {
	const givenName = given.fileName;
	const mimeType =
		given.mimeType ??
		(isGenericMediaType(contentType) ? undefined : contentType) ??
		(givenName ? mediaTypeOfFileName(givenName) : undefined) ??
		sniffMediaType(bytes) ??
		'application/octet-stream';
	const fileName = givenName || `${attachmentId}.${extensionOfMediaType(mimeType) ?? 'bin'}`;
	return { mimeType, fileName };
}

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const attachmentId = requireUuid(this.getNodeParameter('attachmentId', i), 'Attachment ID');
	const download = this.getNodeParameter('download', i, false) as boolean;
	const property = download
		? requireText(this.getNodeParameter('binaryPropertyName', i), 'Put Output File in Field')
		: '';
	const options = download ? (this.getNodeParameter('options', i, {}) as IDataObject) : {};
	// checked before anything is fetched
	const given = {
		fileName: String(options.fileName ?? '').trim(),
		mimeType: readMediaTypeOption(options.mimeType),
	};
	const client = await mixinClient(this);
	const { upload_url: _presigned, ...attachment } = await client.getAttachment(attachmentId);
	if (!download) return attachment;
	const { bytes, contentType } = await client.download(attachment.view_url);
	const { mimeType, fileName } = describeFile(
		attachment.attachment_id ?? attachmentId,
		bytes,
		contentType,
		given,
	);
	const binary = await this.helpers.prepareBinaryData(bytes, fileName, mimeType);
	return new ItemWithBinary(
		{ ...attachment, size: bytes.length, mime_type: mimeType, file_name: fileName },
		{ [property]: binary },
	);
}
