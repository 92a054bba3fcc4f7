import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUserId, requireUserIdList } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Account',
		name: 'toAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'Whose unread counts to read',
	},
	{
		displayName: 'Peer Accounts',
		name: 'peerAccounts',
		type: 'string',
		default: '',
		description:
			'Count per conversation partner (comma-separated); the total over all conversations when empty',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getUnreadCount'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const account = requireUserId(this.getNodeParameter('toAccount', i), 'Account');
	const rawPeers = this.getNodeParameter('peerAccounts', i, '') as string | string[];
	const peers = (Array.isArray(rawPeers) ? rawPeers.length > 0 : String(rawPeers).trim() !== '')
		? requireUserIdList(rawPeers, 'Peer Accounts')
		: [];
	const client = await tencentClient(this);
	const counts = await client.unreadCount(account, peers);
	if (counts.total !== undefined) return { To_Account: account, AllC2CUnreadMsgNum: counts.total };
	return {
		To_Account: account,
		C2CUnreadMsgNumList: counts.perPeer ?? [],
		...(counts.errors && counts.errors.length > 0 ? { ErrorList: counts.errors } : {}),
	};
}
