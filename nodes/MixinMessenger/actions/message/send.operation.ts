import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { mixinClient } from '../../helpers/client';
import { finalizeMessage, messageProperties, readMessageDraft } from '../../helpers/draft';
import { sentMessageOutput } from '../../helpers/output';
import { recipientKey } from '../../helpers/recipient';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send', 'sendMany'] } },
	messageProperties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const client = await mixinClient(this);
	const draft = await readMessageDraft(this, i, client.botUserId);
	const message = await finalizeMessage(client, draft);
	const { response, createdConversation } = await client.sendMessage(message);
	return sentMessageOutput(
		message,
		response,
		createdConversation ? { created_conversation: true } : {},
	);
}

export function orderKey(this: IExecuteFunctions, i: number): string {
	return recipientKey(this, i);
}
