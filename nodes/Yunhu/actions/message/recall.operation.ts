import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { chatKey, chatProperties, readChat } from '../../helpers/chat';
import { botClient, chosenApi, userClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{ displayName: 'Message ID', name: 'messageId', type: 'string', required: true, default: '' },
	...chatProperties('ID of the chat the message is in'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['recall'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const api = chosenApi(this);
	const msgId = requireText(this.getNodeParameter('messageId', i), 'Message ID');
	const chat = readChat(this, i, api);
	if (api === 'userApi') await (await userClient(this)).recall([msgId], chat.chatId, chat.chatType);
	else await (await botClient(this)).recall(msgId, chat.chatId, chat.recvType);
	return { msgId, chatId: chat.chatId, chatType: chat.recvType, recalled: true };
}

export function orderKey(this: IExecuteFunctions, i: number): string {
	return chatKey(this, i);
}
