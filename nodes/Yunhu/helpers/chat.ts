/** Which chat an operation works on: a user, a group, or (client API only) a bot, by its ID. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { requireText } from '../../common/validate';
import type { RecvType } from '../transport/botApi';
import type { ChatType } from '../transport/userApi';
import type { YunhuApi } from './client';

const CHAT_TYPE: Record<string, ChatType> = { user: 1, group: 2, bot: 3 };

/** The chat fields, for operations of both APIs (a bot cannot talk to another bot). */
export function chatProperties(description = 'ID of the user, group or bot'): INodeProperties[] {
	return [
		{
			displayName: 'Chat Type',
			name: 'chatType',
			type: 'options',
			options: [
				{ name: 'User', value: 'user' },
				{ name: 'Group', value: 'group' },
				{ name: 'Bot', value: 'bot' },
			],
			default: 'user',
			displayOptions: { show: { authentication: ['userApi'] } },
		},
		{
			displayName: 'Chat Type',
			name: 'chatType',
			type: 'options',
			options: [
				{ name: 'User', value: 'user' },
				{ name: 'Group', value: 'group' },
			],
			default: 'user',
			displayOptions: { show: { authentication: ['botApi'] } },
		},
		{
			displayName: 'Chat ID',
			name: 'chatId',
			type: 'string',
			required: true,
			default: '',
			description,
		},
	];
}

export interface Chat {
	chatId: string;
	/** The client API's number (1 user, 2 group, 3 bot). */
	chatType: ChatType;
	/** The Open API's name. */
	recvType: RecvType;
}

export function readChat(ctx: IExecuteFunctions, i: number, api: YunhuApi): Chat {
	const type = ctx.getNodeParameter('chatType', i) as string;
	const chatType = CHAT_TYPE[type];
	if (!chatType || (api === 'botApi' && chatType === 3)) {
		throw new InputError(
			'Chat Type',
			`"Chat Type" ${type} is not one the ${api === 'botApi' ? 'bot' : 'client'} API can reach`,
		);
	}
	const chatId = requireText(ctx.getNodeParameter('chatId', i), 'Chat ID');
	return { chatId, chatType, recvType: type as RecvType };
}

/** The chat an item works on, for keeping its messages in order (no checks, no request). */
export function chatKey(ctx: IExecuteFunctions, i: number): string {
	return `${String(ctx.getNodeParameter('chatType', i, ''))}:${String(ctx.getNodeParameter('chatId', i, ''))}`;
}
