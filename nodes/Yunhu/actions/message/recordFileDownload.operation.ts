import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { userClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'The file message',
	},
	{
		displayName: 'Download Path',
		name: 'downloadPath',
		type: 'string',
		required: true,
		default: '',
		placeholder: '/storage/emulated/0/Download/report.pdf',
		description: 'Where the file was saved, as Yunhu records it',
	},
];

export const description = updateDisplayOptions(
	{
		show: { resource: ['message'], operation: ['recordFileDownload'], authentication: ['userApi'] },
	},
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const msgId = requireText(this.getNodeParameter('messageId', i), 'Message ID');
	const downloadPath = requireText(this.getNodeParameter('downloadPath', i), 'Download Path');
	await (await userClient(this)).fileDownloadRecord(msgId, downloadPath);
	return { msgId, downloadPath, recorded: true };
}
