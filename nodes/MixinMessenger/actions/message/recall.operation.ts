import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUuid } from '../../../common/validate';
import { encodeMessageData, recallMessageId } from '../../transport/signing';
import { mixinClient } from '../../helpers/client';
import { sentMessageOutput } from '../../helpers/output';
import { recipientKey, recipientProperties, resolveRecipient } from '../../helpers/recipient';

const properties: INodeProperties[] = [
	...recipientProperties,
	{
		displayName: 'Message ID to Recall',
		name: 'recallMessageId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of a message the bot sent in this conversation',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['recall'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const client = await mixinClient(this);
	const recipient = await resolveRecipient(this, i, client.botUserId);
	const target = requireUuid(this.getNodeParameter('recallMessageId', i), 'Message ID to Recall');
	const message = {
		...recipient,
		// derived from the recalled message: a second run sends the same id, and Mixin keeps one recall
		message_id: recallMessageId(target),
		category: 'MESSAGE_RECALL',
		data_base64: encodeMessageData(JSON.stringify({ message_id: target })),
	};
	const { response } = await client.sendMessage(message);
	return sentMessageOutput(message, response, { recalled_message_id: target });
}

export function orderKey(this: IExecuteFunctions, i: number): string {
	return recipientKey(this, i);
}
