/** Messages as output items: plain JSON with camelCase names, JSON strings parsed, times also as ISO dates. */
import type { IDataObject } from 'n8n-workflow';

import { parseJsonOrUndefined } from '../../common/settle';
import type { Chat } from './chat';

const CONTENT_KIND: Record<number, string> = {
	1: 'text',
	2: 'image',
	3: 'markdown',
	4: 'file',
	5: 'form',
	6: 'article',
	7: 'sticker',
	8: 'html',
	10: 'video',
	11: 'audio',
	13: 'call',
	14: 'a2ui',
};

const CHAT_KIND: Record<number, string> = { 1: 'user', 2: 'group', 3: 'bot' };

function camel(name: string): string {
	return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A string field that carries JSON (buttons, forms) as the value it encodes. */
function parsed(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	return parseJsonOrUndefined(value)?.value ?? value;
}

function camelObject(value: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(value))
		out[camel(k)] = k === 'buttons' || k === 'form' ? (parsed(v) as IDataObject) : v;
	return out;
}

function iso(ms: unknown): string | undefined {
	const n = Number(ms);
	return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : undefined;
}

/** A message of the client API's lists. */
export function userListItem(m: IDataObject, chat: Chat): IDataObject {
	const sender = (m.sender ?? {}) as IDataObject;
	const contentType = Number(m.content_type ?? 0);
	const item: IDataObject = {
		msgId: m.msg_id,
		msgSeq: m.msg_seq,
		chatId: chat.chatId,
		chatType: chat.recvType,
		sender: {
			id: sender.chat_id,
			type: CHAT_KIND[Number(sender.chat_type)] ?? sender.chat_type,
			name: sender.name,
			...(sender.avatar_url ? { avatarUrl: sender.avatar_url } : {}),
		},
		direction: m.direction,
		contentType: CONTENT_KIND[contentType] ?? contentType,
		content: camelObject((m.content ?? {}) as IDataObject),
		sendTime: m.send_time,
		sendDate: iso(m.send_time),
		recalled: Number(m.recall_time ?? 0) > 0,
	};
	if (m.recall_time) item.recallTime = m.recall_time;
	if (m.edit_time) item.editTime = m.edit_time;
	if (m.quote_msg_id) item.quoteMsgId = m.quote_msg_id;
	if (m.cmd) item.command = camelObject(m.cmd as IDataObject);
	return item;
}

/** A message of the Open API's list, which is camelCase already. */
export function botListItem(m: IDataObject): IDataObject {
	return { ...m, sendDate: iso(m.sendTime) };
}
