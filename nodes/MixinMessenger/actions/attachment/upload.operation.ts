import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the file to upload',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['upload'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const property = requireText(this.getNodeParameter('binaryPropertyName', i), 'Input Binary Field');
	const meta = this.helpers.assertBinaryData(i, property);
	const bytes = await this.helpers.getBinaryDataBuffer(i, property);
	if (bytes.length === 0) throw new InputError('Input Binary Field', `binary field "${property}" is empty`);
	const client = await mixinClient(this);
	const attachment = await client.uploadAttachment(bytes);
	return {
		...attachment,
		mime_type: meta.mimeType,
		size: bytes.length,
		...(meta.fileName ? { file_name: meta.fileName } : {}),
	};
}
