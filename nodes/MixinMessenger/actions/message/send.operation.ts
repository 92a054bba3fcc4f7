import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { mixinClient } from '../client';
import { finalizeMessage, messageContentProperties, readMessageDraft, sentMessageOutput } from './content';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send', 'sendMany'] } },
	messageContentProperties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const client = await mixinClient(this);
	const draft = await readMessageDraft(this, i, client.botUserId);
	const message = await finalizeMessage(client, draft);
	const { response, createdConversation } = await client.sendMessage(message);
	return sentMessageOutput(message, response, createdConversation ? { created_conversation: true } : {});
}
