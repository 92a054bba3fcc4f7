import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { atItem, type BatchOutcome } from '../../../common/router';
import { requireUuid } from '../../../common/validate';
import type { Acknowledgement } from '../../transport/api';
import { mixinClient } from '../client';

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

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<BatchOutcome[]> {
	const outcomes: BatchOutcome[] = new Array(itemIndexes.length);
	const acks: Array<{ itemIndex: number; ack: Acknowledgement }> = [];
	for (const i of itemIndexes) {
		try {
			const status = this.getNodeParameter('status', i) as Acknowledgement['status'];
			acks.push({ itemIndex: i, ack: { message_id: requireUuid(this.getNodeParameter('messageId', i), 'Message ID'), status } });
		} catch (error) {
			if (!this.continueOnFail()) throw atItem(error, i);
			outcomes[i] = { ok: false, error };
		}
	}
	const client = await mixinClient(this);
	const errors = await client.acknowledge(acks.map((a) => a.ack));
	acks.forEach(({ itemIndex, ack }, n) => {
		outcomes[itemIndex] = errors[n] ? { ok: false, error: errors[n] } : { ok: true, result: { ...ack, acknowledged: true } };
	});
	return outcomes;
}
