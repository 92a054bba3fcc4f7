import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { extensionOfMediaType } from '../../../common/binary';
import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';
import { attachmentFileOptions, readMediaTypeOption } from './file';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the file to upload',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: attachmentFileOptions("the binary field's"),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['upload'] } },
	properties,
);

/**
 * Mixin keeps no type or name with an attachment (the upload must be application/octet-stream, as presigned), so
 * they are returned with it, for the message that sends it and for Get, which names the downloaded file.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const property = requireText(
		this.getNodeParameter('binaryPropertyName', i),
		'Input Binary Field',
	);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const meta = this.helpers.assertBinaryData(i, property);
	const mimeType =
		readMediaTypeOption(options.mimeType) ?? (meta.mimeType || 'application/octet-stream');
	const bytes = await this.helpers.getBinaryDataBuffer(i, property);
	if (bytes.length === 0)
		throw new InputError('Input Binary Field', `binary field "${property}" is empty`);
	const client = await mixinClient(this);
	const attachment = await client.uploadAttachment(bytes);
	const named = String(options.fileName ?? '').trim() || meta.fileName;
	const fileName =
		named || `${attachment.attachment_id}.${extensionOfMediaType(mimeType) ?? 'bin'}`;
	return { ...attachment, mime_type: mimeType, size: bytes.length, file_name: fileName };
}
