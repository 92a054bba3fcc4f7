import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { optionalUuid, requireUuid } from '../../common/validate';
import { uniqueConversationId } from '../transport/signing';

/** Who a message goes to: a user (the 1:1 conversation id is derived) or a conversation (groups). */
export const recipientProperties: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'recipientType',
		type: 'options',
		options: [
			{ name: 'User', value: 'user', description: 'A user ID; the 1:1 conversation is derived from it' },
			{ name: 'Conversation', value: 'conversation', description: 'A conversation ID, e.g. a group' },
		],
		default: 'user',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e8e8cd79-cd40-4796-8c54-3a13cfe50115',
		description: 'The Mixin user ID (UUID) of the recipient',
		displayOptions: { show: { recipientType: ['user'] } },
	},
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		required: true,
		default: '',
		description: 'The conversation ID (UUID), for example of a group the bot is in',
		displayOptions: { show: { recipientType: ['conversation'] } },
	},
	{
		displayName: 'Only To Member',
		name: 'groupRecipientId',
		type: 'string',
		default: '',
		description: 'In a group, send only to this member (user ID); leave empty to send to everyone',
		displayOptions: { show: { recipientType: ['conversation'] } },
	},
];

export interface Recipient {
	conversation_id: string;
	recipient_id?: string;
}

export function readRecipient(ctx: IExecuteFunctions, i: number, botUserId: string): Recipient {
	const type = ctx.getNodeParameter('recipientType', i) as string;
	if (type === 'user') {
		const userId = requireUuid(ctx.getNodeParameter('userId', i), 'User ID');
		if (userId === botUserId) throw new InputError('User ID', '"User ID" is the bot itself');
		return { conversation_id: uniqueConversationId(botUserId, userId), recipient_id: userId };
	}
	const conversationId = requireUuid(ctx.getNodeParameter('conversationId', i), 'Conversation ID');
	const member = optionalUuid(ctx.getNodeParameter('groupRecipientId', i, ''), 'Only To Member');
	return member ? { conversation_id: conversationId, recipient_id: member } : { conversation_id: conversationId };
}

/** The conversation an item's message goes to, for keeping messages to it in order (no checks, no request). */
export function recipientKey(ctx: IExecuteFunctions, i: number): string {
	const type = ctx.getNodeParameter('recipientType', i) as string;
	const id = String(ctx.getNodeParameter(type === 'user' ? 'userId' : 'conversationId', i, '') ?? '');
	return `${type}:${id.trim().toLowerCase()}`;
}
