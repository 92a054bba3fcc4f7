import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { sendAndWait, sendAndWaitProperties } from '../../../common/sendAndWait';
import { readChat, chatProperties } from '../../helpers/chat';
import { botClient, chosenApi, userClient } from '../../helpers/client';
import { MAX_TEXT_CHARS, type DraftContent } from '../../helpers/content';
import { botContent, CONTENT_TYPE, readMessageId, userContent } from '../../helpers/message';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendAndWait'] } },
	[...chatProperties('ID of the user or group to ask'), ...sendAndWaitProperties],
);

/**
 * The question as a text message with one row of link buttons (action type 1) to the signed resume URLs, then the
 * execution waits. Through the client API the message ID is made before the first attempt, so a retry cannot post
 * twice; the Open API has no such key, so its send is not repeated once it may have arrived.
 */
export async function executeOnce(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const api = chosenApi(this);
	const chat = readChat(this, 0, api);
	const msgId = api === 'userApi' ? readMessageId(this, 0) : undefined;
	return await sendAndWait(this, async ({ message, links }) => {
		if ([...message].length > MAX_TEXT_CHARS) {
			throw new InputError('Message', `"Message" may be at most ${MAX_TEXT_CHARS} characters`);
		}
		const draft: DraftContent = {
			kind: 'text',
			text: message,
			buttons: [links.map((link) => ({ text: link.label, actionType: 1 as const, url: link.url }))],
		};
		if (api === 'userApi') {
			const client = await userClient(this);
			const { content } = userContent(draft);
			await client.sendMessage({
				msg_id: msgId,
				chat_id: chat.chatId,
				chat_type: chat.chatType,
				content,
				content_type: CONTENT_TYPE.text,
			});
			return;
		}
		const client = await botClient(this);
		await client.send({
			recvId: chat.chatId,
			recvType: chat.recvType,
			contentType: 'text',
			content: botContent(draft),
		});
	});
}
