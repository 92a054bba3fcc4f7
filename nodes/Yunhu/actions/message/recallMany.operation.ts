import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { settle } from '../../../common/settle';
import { chatKey, chatProperties, readChat } from '../../helpers/chat';
import { botClient, chosenApi, userClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Message IDs',
		name: 'messageIds',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description:
			'Messages of one chat, separated by commas or new lines (or an array from an expression)',
	},
	...chatProperties('ID of the chat the messages are in'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['recallMany'] } },
	properties,
);

/**
 * The client API recalls all the messages in one call (all or none); the bot API recalls one message per call, so
 * each message gets its own outcome.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const api = chosenApi(this);
	const raw = this.getNodeParameter('messageIds', i) as unknown;
	const ids = [
		...new Set(
			(Array.isArray(raw) ? raw : String(raw ?? '').split(/[\n,]/))
				.map((v) => String(v).trim())
				.filter(Boolean),
		),
	];
	if (ids.length === 0)
		throw new InputError('Message IDs', '"Message IDs" needs at least one message');
	const chat = readChat(this, i, api);
	if (api === 'userApi') {
		await (await userClient(this)).recall(ids, chat.chatId, chat.chatType);
		return ids.map((msgId) => ({
			msgId,
			chatId: chat.chatId,
			chatType: chat.recvType,
			recalled: true,
		}));
	}
	const client = await botClient(this);
	const out = [];
	let firstError: unknown;
	for (const msgId of ids) {
		const done = await settle(client.recall(msgId, chat.chatId, chat.recvType));
		if (!done.ok) firstError ??= done.error;
		out.push({
			msgId,
			chatId: chat.chatId,
			chatType: chat.recvType,
			recalled: done.ok,
			...(done.ok
				? {}
				: { error: done.error instanceof Error ? done.error.message : String(done.error) }),
		});
	}
	// nothing recalled at all: the item fails with Yunhu's answer
	if (out.every((o) => !o.recalled)) throw firstError;
	return out;
}

export function orderKey(this: IExecuteFunctions, i: number): string {
	return chatKey(this, i);
}
