import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{ displayName: 'Reader Account', name: 'reportAccount', type: 'string', required: true, default: '', description: 'Whose unread messages to clear' },
	{ displayName: 'Peer Account', name: 'peerAccount', type: 'string', required: true, default: '', description: 'The conversation partner whose messages become read' },
	{
		displayName: 'Read Up To',
		name: 'readTime',
		type: 'dateTime',
		default: '',
		description: 'Messages up to this time become read; all of them when empty',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['markRead'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const reader = requireUserId(this.getNodeParameter('reportAccount', i), 'Reader Account');
	const peer = requireUserId(this.getNodeParameter('peerAccount', i), 'Peer Account');
	const raw = this.getNodeParameter('readTime', i, '') as string;
	let readTime: number | undefined;
	if (raw) {
		const ms = Date.parse(raw);
		if (!Number.isFinite(ms)) throw new InputError('Read Up To', '"Read Up To" is not a date');
		readTime = Math.floor(ms / 1000);
	}
	const client = await tencentClient(this);
	await client.markRead(reader, peer, readTime);
	return { Report_Account: reader, Peer_Account: peer, ...(readTime !== undefined ? { MsgReadTime: readTime } : {}), read: true };
}
