import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{ displayName: 'User ID', name: 'userId', type: 'string', required: true, default: '', description: 'Up to 32 bytes of letters, digits, _ and -' },
	{
		displayName: 'Additional Fields',
		name: 'profile',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Avatar URL', name: 'faceUrl', type: 'string', default: '' },
			{ displayName: 'Nickname', name: 'nick', type: 'string', default: '' },
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['import'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const userId = requireUserId(this.getNodeParameter('userId', i), 'User ID');
	const profile = this.getNodeParameter('profile', i, {}) as { nick?: string; faceUrl?: string };
	const client = await tencentClient(this);
	await client.importAccount(userId, {
		...(profile.nick ? { Nick: profile.nick } : {}),
		...(profile.faceUrl ? { FaceUrl: profile.faceUrl } : {}),
	});
	return { UserID: userId, imported: true };
}
