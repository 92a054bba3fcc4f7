import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { chatKey, chatProperties, readChat } from '../../helpers/chat';
import { botClient, chosenApi, userClient } from '../../helpers/client';
import { buttonsProperty, mentionsProperty, readContent } from '../../helpers/content';
import { botContent, userContent, CONTENT_TYPE } from '../../helpers/message';

/** Yunhu applies edits to text, Markdown and HTML messages only. */
const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'The message to change (sent by this user or bot)',
	},
	...chatProperties('ID of the chat the message is in'),
	{
		displayName: 'Content Type',
		name: 'contentType',
		type: 'options',
		options: [
			{ name: 'HTML', value: 'html' },
			{ name: 'Markdown', value: 'markdown' },
			{ name: 'Text', value: 'text' },
		],
		default: 'text',
		description: 'What the message becomes',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
	},
	buttonsProperty,
	mentionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['edit'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const api = chosenApi(this);
	const msgId = requireText(this.getNodeParameter('messageId', i), 'Message ID');
	const chat = readChat(this, i, api);
	const draft = await readContent(this, i, api);
	if (api === 'userApi') {
		const { content } = userContent(draft);
		const client = await userClient(this);
		await client.sendMessage(
			{
				msg_id: msgId,
				chat_id: chat.chatId,
				chat_type: chat.chatType,
				content,
				content_type: CONTENT_TYPE[draft.kind],
			},
			true,
		);
	} else {
		const client = await botClient(this);
		await client.edit({
			msgId,
			recvId: chat.chatId,
			recvType: chat.recvType,
			contentType: draft.kind,
			content: botContent(draft),
		});
	}
	return {
		msgId,
		chatId: chat.chatId,
		chatType: chat.recvType,
		contentType: draft.kind,
		edited: true,
	};
}

export function orderKey(this: IExecuteFunctions, i: number): string {
	return chatKey(this, i);
}
