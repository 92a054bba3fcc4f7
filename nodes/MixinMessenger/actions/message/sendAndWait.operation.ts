import { randomUUID } from 'node:crypto';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { sendAndWait, sendAndWaitProperties, type AnswerLink } from '../../../common/sendAndWait';
import { mixinClient } from '../../helpers/client';
import { recipientProperties, resolveRecipient } from '../../helpers/recipient';
import { MAX_MESSAGE_BYTES, messageBytes, type OutgoingMessage } from '../../transport/api';
import { encodeMessageData } from '../../transport/signing';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendAndWait'] } },
	[
		{
			displayName:
				"The answer buttons open this n8n's resume URL in Mixin's browser: add n8n's domain to the app's Resource Patterns in the Mixin developer dashboard.",
			name: 'resourcePatternsNotice',
			type: 'notice',
			default: '',
		},
		...recipientProperties,
		...sendAndWaitProperties,
	],
);

/** Mixin's button labels are 1–36 characters. */
const MAX_LABEL = 36;
const COLOR: Record<AnswerLink['kind'], string> = {
	approve: '#27AE60',
	decline: '#EB5757',
	respond: '#2F80ED',
};

/**
 * The question as a text message followed by its buttons (an APP_BUTTON_GROUP whose actions are the signed resume
 * URLs), then the execution waits. Both message IDs are made before the first attempt, so a retry cannot post twice.
 */
export async function executeOnce(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await mixinClient(this);
	const recipient = await resolveRecipient(this, 0, client.botUserId);
	return await sendAndWait(
		this,
		async ({ message, links }) => {
			const buttons = links.map((link) => ({
				label: link.label,
				color: COLOR[link.kind],
				action: link.url,
			}));
			const question: OutgoingMessage[] = [
				{
					...recipient,
					message_id: randomUUID(),
					category: 'PLAIN_TEXT',
					data_base64: encodeMessageData(message),
				},
				{
					...recipient,
					message_id: randomUUID(),
					category: 'APP_BUTTON_GROUP',
					data_base64: encodeMessageData(JSON.stringify(buttons)),
				},
			];
			if (messageBytes(question[0]) > MAX_MESSAGE_BYTES) {
				throw new InputError(
					'Message',
					`the message is longer than Mixin's ${MAX_MESSAGE_BYTES} bytes`,
				);
			}
			for (const part of question) await client.sendMessage(part);
		},
		MAX_LABEL,
	);
}
