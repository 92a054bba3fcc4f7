import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { BatchOutcome, PreparedItem } from '../../../common/router';
import { settle } from '../../../common/settle';
import { mixinClient } from '../../helpers/client';
import { finalizeMessage, readMessageDraft, type MessageDraft } from '../../helpers/draft';
import { sentMessageOutput } from '../../helpers/output';
import type { OutgoingMessage } from '../../transport/api';

/** Send Many shares Send's fields (see send.operation.ts); it only changes how items are sent. */
export const description: INodeProperties[] = [
	{
		displayName:
			'Sends every input item as one message, batched into requests of up to 100 messages and 1 MB. Mixin does not guarantee the order of messages to the same user within one batch: use Send when order matters.',
		name: 'sendManyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['message'], operation: ['sendMany'] } },
	},
];

export async function prepareItem(this: IExecuteFunctions, i: number): Promise<MessageDraft> {
	const client = await mixinClient(this);
	return await readMessageDraft(this, i, client.botUserId);
}

export async function executeBatch(
	this: IExecuteFunctions,
	items: Array<PreparedItem<MessageDraft>>,
): Promise<BatchOutcome[]> {
	const client = await mixinClient(this);
	const outcomes: BatchOutcome[] = new Array(items.length);
	// uploads first: an item whose upload fails is reported alone, the others are still sent
	const ready: Array<{ n: number; message: OutgoingMessage }> = [];
	for (const [n, { value: draft }] of items.entries()) {
		const finished = await settle(finalizeMessage(client, draft));
		if (finished.ok) ready.push({ n, message: finished.value });
		else outcomes[n] = { ok: false, error: finished.error };
	}
	const results = await client.sendMessages(ready.map((r) => r.message));
	results.forEach((result, k) => {
		outcomes[ready[k].n] = result.ok
			? {
					ok: true,
					result: sentMessageOutput(result.message, result.response, {
						batch_size: result.batchSize,
						...(result.createdConversation ? { created_conversation: true } : {}),
					}),
				}
			: { ok: false, error: result.error };
	});
	return outcomes;
}
