import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'From Account',
		name: 'fromAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'Who sent the message',
	},
	{
		displayName: 'To Account',
		name: 'toAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'Who received it',
	},
	{
		displayName: 'MsgKey',
		name: 'msgKey',
		type: 'string',
		required: true,
		default: '',
		description: 'The MsgKey the send returned',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['recall'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const from = requireUserId(this.getNodeParameter('fromAccount', i), 'From Account');
	const to = requireUserId(this.getNodeParameter('toAccount', i), 'To Account');
	const msgKey = requireText(this.getNodeParameter('msgKey', i), 'MsgKey');
	if (!/^\d+_\d+_\d+$/.test(msgKey))
		throw new InputError('MsgKey', '"MsgKey" must look like 123_456_1700000000');
	const client = await tencentClient(this);
	await client.recallMessage(from, to, msgKey);
	return { From_Account: from, To_Account: to, MsgKey: msgKey, recalled: true };
}
