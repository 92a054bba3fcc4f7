import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchOutcome, PreparedItem } from '../../../common/router';
import { requireUuid } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';
import type { Acknowledgement } from '../../transport/api';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the received message to acknowledge',
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Read', value: 'READ', description: 'Blue double tick' },
			{ name: 'Delivered', value: 'DELIVERED', description: 'Grey double tick' },
		],
		default: 'READ',
	},
	{
		displayName: 'Acknowledgements are sent for all input items together, in requests of up to 100',
		name: 'ackNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['acknowledgement'], operation: ['ack'] } },
	properties,
);

export async function prepareItem(this: IExecuteFunctions, i: number): Promise<Acknowledgement> {
	const status = this.getNodeParameter('status', i) as Acknowledgement['status'];
	return { message_id: requireUuid(this.getNodeParameter('messageId', i), 'Message ID'), status };
}

export async function executeBatch(
	this: IExecuteFunctions,
	items: Array<PreparedItem<Acknowledgement>>,
): Promise<BatchOutcome[]> {
	const client = await mixinClient(this);
	const errors = await client.acknowledge(items.map((item) => item.value));
	return items.map(({ value }, n) =>
		errors[n]
			? { ok: false, error: errors[n] }
			: { ok: true, result: { ...value, acknowledged: true } },
	);
}
