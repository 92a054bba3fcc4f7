import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { oncePerRun } from '../../common/context';
import { InputError } from '../../common/errors';
import { isUuid, requireText, requireUuid } from '../../common/validate';
import type { MixinClient, UserView } from '../transport/api';
import { uniqueConversationId } from '../transport/signing';
import { mixinClient } from './client';

/** A Mixin ID (identity number): the digits Mixin's apps show on a profile, e.g. 7000123456. */
const MIXIN_ID_RE = /^[0-9]+$/;

/** What a user-id field accepts, for its description. */
export const USER_ID_HINT =
	'a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456)';

/** Who a message goes to: a user (the 1:1 conversation id is derived) or a conversation (groups). */
export const recipientProperties: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'recipientType',
		type: 'options',
		options: [
			{
				name: 'User',
				value: 'user',
				description: 'A user ID; the 1:1 conversation is derived from it',
			},
			{
				name: 'Conversation',
				value: 'conversation',
				description: 'A conversation ID, e.g. a group',
			},
		],
		default: 'user',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e8e8cd79-cd40-4796-8c54-3a13cfe50115 or 7000123456',
		description: `The recipient: ${USER_ID_HINT}. A Mixin ID is looked up once per run.`,
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
		description: `In a group, send only to this member (${USER_ID_HINT}); leave empty to send to everyone`,
		displayOptions: { show: { recipientType: ['conversation'] } },
	},
];

export interface Recipient {
	conversation_id: string;
	recipient_id?: string;
}

/**
 * A user id from a field that takes a UUID or a Mixin ID. A Mixin ID is looked up with GET /search/:id once per
 * run (a missing user too, so every item naming it fails alike without another search).
 */
export async function resolveUserId(
	ctx: IExecuteFunctions,
	client: MixinClient,
	value: unknown,
	field: string,
): Promise<string> {
	const text = requireText(value, field);
	if (isUuid(text)) return text.toLowerCase();
	if (!MIXIN_ID_RE.test(text)) {
		throw new InputError(field, `"${field}" must be ${USER_ID_HINT}, got "${text.slice(0, 60)}"`);
	}
	const user: UserView | undefined = await oncePerRun(
		ctx,
		`mixin:search:${text}`,
		async () => await client.searchUser(text),
	);
	if (!user?.user_id || !isUuid(user.user_id)) {
		throw new InputError(field, `"${field}": no Mixin user has Mixin ID ${text}`);
	}
	return user.user_id.toLowerCase();
}

/** Who an item's message goes to: a user by UUID or by Mixin ID (looked up once per run), or a conversation. */
export async function resolveRecipient(
	ctx: IExecuteFunctions,
	i: number,
	botUserId: string,
): Promise<Recipient> {
	const type = ctx.getNodeParameter('recipientType', i) as string;
	if (type !== 'user') {
		const conversationId = requireUuid(
			ctx.getNodeParameter('conversationId', i),
			'Conversation ID',
		);
		const raw = ctx.getNodeParameter('groupRecipientId', i, '');
		if (raw === undefined || raw === null || String(raw).trim() === '')
			return { conversation_id: conversationId };
		const member = await resolveUserId(ctx, await mixinClient(ctx), raw, 'Only To Member');
		return { conversation_id: conversationId, recipient_id: member };
	}
	const userId = await resolveUserId(
		ctx,
		await mixinClient(ctx),
		ctx.getNodeParameter('userId', i),
		'User ID',
	);
	if (userId === botUserId) throw new InputError('User ID', '"User ID" is the bot itself');
	return { conversation_id: uniqueConversationId(botUserId, userId), recipient_id: userId };
}

/** The conversation an item's message goes to, for keeping messages to it in order (no checks, no request). */
export function recipientKey(ctx: IExecuteFunctions, i: number): string {
	const type = ctx.getNodeParameter('recipientType', i) as string;
	const id = String(
		ctx.getNodeParameter(type === 'user' ? 'userId' : 'conversationId', i, '') ?? '',
	);
	return `${type}:${id.trim().toLowerCase()}`;
}
