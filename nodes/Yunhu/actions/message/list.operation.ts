import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireNumber, requireText } from '../../../common/validate';
import { chatProperties, readChat, type Chat } from '../../helpers/chat';
import { botClient, chosenApi, userClient } from '../../helpers/client';
import { botListItem, userListItem } from '../../helpers/output';
import type { YunhuBotClient } from '../../transport/botApi';
import type { YunhuUserClient } from '../../transport/userApi';

/** Messages asked for per call when paging. */
const PAGE = 30;

const properties: INodeProperties[] = [
	...chatProperties('ID of the user, group or bot whose chat to read'),
	{
		displayName: 'Messages',
		name: 'window',
		type: 'options',
		options: [
			{
				name: 'Latest (or Before a Message)',
				value: 'before',
				description: 'Newest first, going back in time',
			},
			{
				name: 'After a Sequence Number',
				value: 'afterSeq',
				description: 'Everything after a msg_seq, oldest first',
			},
			{
				name: 'Around a Message',
				value: 'around',
				description: 'A message and the ones just before it',
			},
		],
		default: 'before',
		displayOptions: { show: { authentication: ['userApi'] } },
	},
	{
		displayName: 'Messages',
		name: 'window',
		type: 'options',
		options: [
			{
				name: 'Latest (or Before a Message)',
				value: 'before',
				description: 'Newest first, going back in time',
			},
			{
				name: 'Around a Message',
				value: 'around',
				description: 'A message with the ones before and after it',
			},
		],
		default: 'before',
		displayOptions: { show: { authentication: ['botApi'] } },
	},
	{
		displayName: 'Before Message ID',
		name: 'beforeMessageId',
		type: 'string',
		default: '',
		description: 'Start just before this message; the newest messages when empty',
		displayOptions: { show: { window: ['before'] } },
	},
	{
		displayName: 'After Sequence Number',
		name: 'afterSeq',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'The msg_seq to start after (that message itself is not included)',
		displayOptions: { show: { window: ['afterSeq'] } },
	},
	{
		displayName: 'Message ID',
		name: 'aroundMessageId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { window: ['around'] } },
	},
	{
		displayName: 'Messages Before',
		name: 'countBefore',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 10,
		displayOptions: { show: { window: ['around'] } },
	},
	{
		displayName: 'Messages After',
		name: 'countAfter',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 10,
		displayOptions: { show: { window: ['around'], authentication: ['botApi'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { window: ['before', 'afterSeq'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { window: ['before', 'afterSeq'], returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['list'] } },
	properties,
);

type Page = (anchor: string | undefined, size: number) => Promise<IDataObject[]>;

/**
 * Newest first: pages go back from the anchor until a page comes back short (or only the anchor), or the limit is
 * reached. Each page is oldest first, as Yunhu answers.
 */
async function pageBackwards(
	page: Page,
	limit: number,
	idOf: (m: IDataObject) => string,
	start?: string,
) {
	const out: IDataObject[] = [];
	const seen = new Set<string>();
	let anchor = start;
	for (;;) {
		const size = Math.min(PAGE, limit - out.length);
		const raw = await page(anchor, size);
		const batch = raw.filter((m) => idOf(m) !== anchor && !seen.has(idOf(m))).reverse();
		for (const m of batch) seen.add(idOf(m));
		out.push(...batch.slice(0, limit - out.length));
		if (batch.length === 0 || raw.length < size || out.length >= limit) return out;
		anchor = idOf(batch[batch.length - 1]);
	}
}

/**
 * Everything after sequence number `start`, oldest first. list-message-by-seq answers only the newest ~30 when asked
 * from further back, so a gap before its first message is filled by paging back with list-message.
 */
async function listAfterSeq(
	client: YunhuUserClient,
	chat: Chat,
	start: number,
	limit: number,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let from = start;
	for (;;) {
		const batch = (await client.listAfterSeq(chat.chatId, chat.chatType, from)).filter(
			(m) => Number(m.msg_seq) > from,
		);
		if (batch.length === 0) return out.slice(0, limit);
		const first = Math.min(...batch.map((m) => Number(m.msg_seq)));
		if (first > from + 1) {
			const gap: IDataObject[] = [];
			let anchor = String(batch.find((m) => Number(m.msg_seq) === first)?.msg_id);
			for (;;) {
				const older = (await client.listBefore(chat.chatId, chat.chatType, PAGE, anchor)).filter(
					(m) => Number(m.msg_seq) > from && Number(m.msg_seq) < first,
				);
				gap.unshift(...older);
				const lowest = Math.min(...older.map((m) => Number(m.msg_seq)));
				if (older.length === 0 || lowest <= from + 1) break;
				anchor = String(older.find((m) => Number(m.msg_seq) === lowest)?.msg_id);
			}
			out.push(...gap.sort((a, b) => Number(a.msg_seq) - Number(b.msg_seq)));
		}
		out.push(...batch.sort((a, b) => Number(a.msg_seq) - Number(b.msg_seq)));
		if (out.length >= limit) return out.slice(0, limit);
		from = Math.max(...batch.map((m) => Number(m.msg_seq)));
	}
}

async function listAsUser(
	ctx: IExecuteFunctions,
	i: number,
	client: YunhuUserClient,
	chat: Chat,
	limit: number,
) {
	const window = ctx.getNodeParameter('window', i) as string;
	const item = (m: IDataObject) => userListItem(m, chat);
	if (window === 'around') {
		const msgId = requireText(ctx.getNodeParameter('aroundMessageId', i), 'Message ID');
		const count = requireNumber(ctx.getNodeParameter('countBefore', i), 'Messages Before', {
			min: 0,
			integer: true,
		});
		return (await client.listAround(chat.chatId, chat.chatType, msgId, count)).map(item);
	}
	if (window === 'afterSeq') {
		const start = requireNumber(ctx.getNodeParameter('afterSeq', i), 'After Sequence Number', {
			min: 0,
			integer: true,
		});
		return (await listAfterSeq(client, chat, start, limit)).map(item);
	}
	const before = String(ctx.getNodeParameter('beforeMessageId', i, '') ?? '').trim() || undefined;
	const messages = await pageBackwards(
		async (anchor, size) => await client.listBefore(chat.chatId, chat.chatType, size, anchor),
		limit,
		(m) => String(m.msg_id),
		before,
	);
	return messages.map(item);
}

async function listAsBot(
	ctx: IExecuteFunctions,
	i: number,
	client: YunhuBotClient,
	chat: Chat,
	limit: number,
) {
	const window = ctx.getNodeParameter('window', i) as string;
	const query = { chatId: chat.chatId, chatType: chat.recvType };
	if (window === 'around') {
		const messageId = requireText(ctx.getNodeParameter('aroundMessageId', i), 'Message ID');
		const before = requireNumber(ctx.getNodeParameter('countBefore', i), 'Messages Before', {
			min: 0,
			integer: true,
		});
		const after = requireNumber(ctx.getNodeParameter('countAfter', i), 'Messages After', {
			min: 0,
			integer: true,
		});
		return (await client.messages({ ...query, messageId, before, after })).map(botListItem);
	}
	const start = String(ctx.getNodeParameter('beforeMessageId', i, '') ?? '').trim() || undefined;
	const messages = await pageBackwards(
		// with an anchor Yunhu returns it too; it is dropped from each page
		async (anchor, size) => await client.messages({ ...query, messageId: anchor, before: size }),
		limit,
		(m) => String(m.msgId),
		start,
	);
	return messages.map(botListItem);
}

/** One output item per message, content decoded. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const api = chosenApi(this);
	const chat = readChat(this, i, api);
	const window = this.getNodeParameter('window', i) as string;
	const returnAll =
		window !== 'around' && (this.getNodeParameter('returnAll', i, false) as boolean);
	const limit =
		window === 'around' || returnAll
			? Infinity
			: requireNumber(this.getNodeParameter('limit', i), 'Limit', { min: 1, integer: true });
	if (api === 'userApi') return await listAsUser(this, i, await userClient(this), chat, limit);
	return await listAsBot(this, i, await botClient(this), chat, limit);
}
