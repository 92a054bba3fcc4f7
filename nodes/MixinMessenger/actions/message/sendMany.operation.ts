import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { atItem, type BatchOutcome } from '../../../common/router';
import { mixinClient } from '../client';
import type { OutgoingMessage } from '../../transport/api';
import { finalizeMessage, readMessageDraft, sentMessageOutput, type MessageDraft } from './content';

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

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<BatchOutcome[]> {
	const client = await mixinClient(this);
	const outcomes: BatchOutcome[] = new Array(itemIndexes.length);
	const drafts: MessageDraft[] = [];
	// check every item before anything is uploaded or sent
	for (const i of itemIndexes) {
		try {
			drafts.push(await readMessageDraft(this, i, client.botUserId));
		} catch (error) {
			if (!this.continueOnFail()) throw atItem(error, i);
			outcomes[i] = { ok: false, error };
		}
	}
	const ready: Array<{ itemIndex: number; message: OutgoingMessage }> = [];
	for (const draft of drafts) {
		try {
			ready.push({ itemIndex: draft.itemIndex, message: await finalizeMessage(client, draft) });
		} catch (error) {
			outcomes[draft.itemIndex] = { ok: false, error };
		}
	}
	const results = await client.sendMessages(ready.map((r) => r.message));
	results.forEach((result, n) => {
		const itemIndex = ready[n].itemIndex;
		outcomes[itemIndex] = result.ok
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
