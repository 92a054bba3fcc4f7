import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { BATCH_MAX_RECIPIENTS, BATCH_RECIPIENTS_PER_MINUTE } from '../../transport/api';
import { requireUserIdList } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';
import { messageProperties, msgSeqBase, readMessage } from '../../helpers/messageOptions';

const properties: INodeProperties[] = [
	{
		displayName: 'To Accounts',
		name: 'toAccounts',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description: `UserIDs of the recipients, separated by commas or new lines (or an array from an expression). Sent in calls of up to ${BATCH_MAX_RECIPIENTS} (fewer when long IDs would pass 8 KB), at most ${BATCH_RECIPIENTS_PER_MINUTE} recipients a minute.`,
	},
	...messageProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendToMany'] } },
	properties,
);

/** One output item per recipient, saying whether Tencent accepted the message for it. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const recipients = requireUserIdList(this.getNodeParameter('toAccounts', i), 'To Accounts');
	const message = readMessage(this, i, await msgSeqBase(this));
	const client = await tencentClient(this);
	const outcomes = await client.batchSendMessage(recipients, message);
	return outcomes.map((o) => ({
		To_Account: o.To_Account,
		sent: o.ok,
		...(o.MsgKey ? { MsgKey: o.MsgKey } : {}),
		...(o.ok ? {} : { ErrorCode: o.ErrorCode, error: o.error }),
		MsgRandom: o.MsgRandom,
	}));
}
