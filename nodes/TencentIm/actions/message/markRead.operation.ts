import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { optionalUnixSeconds } from '../../../common/time';
import { requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Reader Account',
		name: 'reportAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'Whose unread messages to clear',
	},
	{
		displayName: 'Peer Account',
		name: 'peerAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'The conversation partner whose messages become read',
	},
	{
		displayName: 'Read Up To',
		name: 'readTime',
		type: 'dateTime',
		default: '',
		description:
			'Messages up to this time (a date, or Unix seconds) become read; all of them when empty',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['markRead'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const reader = requireUserId(this.getNodeParameter('reportAccount', i), 'Reader Account');
	const peer = requireUserId(this.getNodeParameter('peerAccount', i), 'Peer Account');
	const readTime = optionalUnixSeconds(
		this.getNodeParameter('readTime', i, ''),
		'Read Up To',
		this.getTimezone(),
	);
	const client = await tencentClient(this);
	await client.markRead(reader, peer, readTime);
	return {
		Report_Account: reader,
		Peer_Account: peer,
		...(readTime !== undefined ? { MsgReadTime: readTime } : {}),
		read: true,
	};
}
