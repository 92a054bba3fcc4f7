import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ItemWithBinary, type ItemResult } from '../../../common/router';
import { requireText, requireUuid } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';

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
];

export const description = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const attachmentId = requireUuid(this.getNodeParameter('attachmentId', i), 'Attachment ID');
	const download = this.getNodeParameter('download', i, false) as boolean;
	const property = download ? requireText(this.getNodeParameter('binaryPropertyName', i), 'Put Output File in Field') : '';
	const client = await mixinClient(this);
	const { upload_url: _presigned, ...attachment } = await client.getAttachment(attachmentId);
	if (!download) return attachment;
	const { bytes, contentType } = await client.download(attachment.view_url);
	const fileName = attachment.view_url.split('?')[0].split('/').pop() || attachmentId;
	const binary = await this.helpers.prepareBinaryData(bytes, fileName, contentType);
	return new ItemWithBinary({ ...attachment, size: bytes.length }, { [property]: binary });
}
