import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { optionalUnixSeconds } from '../../../common/time';
import { requireNumber } from '../../../common/validate';
import { requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const DAY_SECONDS = 86_400;

const properties: INodeProperties[] = [
	{
		displayName: 'Account',
		name: 'operatorAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'Whose view of the conversation to read',
	},
	{
		displayName: 'Peer Account',
		name: 'peerAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'The other party of the conversation',
	},
	{
		displayName: 'From',
		name: 'minTime',
		type: 'dateTime',
		default: '',
		description: 'Earliest message time (a date, or Unix seconds); 7 days ago when empty',
	},
	{
		displayName: 'To',
		name: 'maxTime',
		type: 'dateTime',
		default: '',
		description: 'Latest message time (a date, or Unix seconds); now when empty',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['list'] } },
	properties,
);

/** One output item per message, newest first; recalled messages are included and marked. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const operator = requireUserId(this.getNodeParameter('operatorAccount', i), 'Account');
	const peer = requireUserId(this.getNodeParameter('peerAccount', i), 'Peer Account');
	const zone = this.getTimezone();
	const maxTime =
		optionalUnixSeconds(this.getNodeParameter('maxTime', i, ''), 'To', zone) ??
		Math.floor(Date.now() / 1000);
	const minTime =
		optionalUnixSeconds(this.getNodeParameter('minTime', i, ''), 'From', zone) ??
		maxTime - 7 * DAY_SECONDS;
	if (minTime > maxTime) throw new InputError('From', '"From" is later than "To"');
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll
		? undefined
		: requireNumber(this.getNodeParameter('limit', i), 'Limit', { min: 1, integer: true });
	const client = await tencentClient(this);
	const messages = await client.listMessages({ operator, peer, minTime, maxTime, limit });
	return messages.map((m) => ({ ...m, recalled: m.MsgFlagBits === 8 }) as IDataObject);
}
