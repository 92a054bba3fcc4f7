import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { PlatformApiError } from '../../../common/errors';
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
	const sentCount = results.filter((r) => r.ok).length;
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
	// without continue-on-fail the run stops at the first failed item, yet the others already went out: say so
	if (!this.continueOnFail() && sentCount > 0) {
		for (const outcome of outcomes)
			if (!outcome.ok) outcome.error = noteOthersSent(outcome.error, sentCount);
	}
	return outcomes;
}

function noteOthersSent(error: unknown, sentCount: number): unknown {
	if (!(error instanceof PlatformApiError)) return error;
	const note =
		`${sentCount} other message${sentCount === 1 ? ' was' : 's were'} sent. Running the workflow again sends ` +
		'them again unless their items set a Message ID; set the node\'s "On Error" to continue to get one output per item.';
	return new PlatformApiError({
		platform: error.platform,
		code: error.code,
		text: error.text,
		httpStatus: error.httpStatus,
		hint: `${error.hint ?? error.text} ${note}`,
		retryable: error.retryable,
		retryAfterSeconds: error.retryAfterSeconds,
		uncertain: error.uncertain,
	});
}
