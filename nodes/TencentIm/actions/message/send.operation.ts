import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';
import { messageProperties, msgSeqBase, readMessage } from '../../helpers/messageOptions';

const properties: INodeProperties[] = [
	{
		displayName: 'To Account',
		name: 'toAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'UserID of the recipient; it must have been imported',
	},
	...messageProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const toAccount = requireUserId(this.getNodeParameter('toAccount', i), 'To Account');
	const message = readMessage(this, i, await msgSeqBase(this));
	const client = await tencentClient(this);
	const sent = await client.sendMessage(toAccount, message);
	return {
		...sent,
		To_Account: toAccount,
		...(message.From_Account ? { From_Account: message.From_Account } : {}),
		MsgRandom: message.MsgRandom,
		MsgSeq: message.MsgSeq,
	};
}

/** Messages from one account to another keep their order. */
export function orderKey(this: IExecuteFunctions, i: number): string {
	const from = String(
		(this.getNodeParameter('messageOptions', i, {}) as { fromAccount?: string }).fromAccount ?? '',
	);
	return `${from}>${String(this.getNodeParameter('toAccount', i, ''))}`;
}
