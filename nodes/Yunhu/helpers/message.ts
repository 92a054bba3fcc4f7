/**
 * A read message content made into each API's request: files uploaded first (Qiniu for the client API, the Open
 * API's own upload for bots), then the client API's SendMsgRequest or the Open API's JSON message.
 */
import { randomUUID } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fileExtension, type BinaryFile } from '../../common/binary';
import { InputError } from '../../common/errors';
import { requireText } from '../../common/validate';
import type { ProtoObject } from '../transport/codec';
import {
	BOT_UPLOAD_MAX_BYTES,
	type BotContent,
	type BotMessage,
	type YunhuBotClient,
} from '../transport/botApi';
import {
	IMAGE_CDN,
	MAX_UPLOAD_BYTES,
	MSG_ID_PATTERN,
	type YunhuUserClient,
} from '../transport/userApi';
import type { Chat } from './chat';
import { mediaKindOf, type ContentKind, type DraftContent, type MediaKind } from './content';

/** The client API's content_type numbers (6 article and 10 video are outside the documented enum). */
export const CONTENT_TYPE: Record<ContentKind, number> = {
	text: 1,
	image: 2,
	markdown: 3,
	file: 4,
	form: 5,
	article: 6,
	sticker: 7,
	html: 8,
	video: 10,
	audio: 11,
};

export const userOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'messageOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { authentication: ['userApi'] } },
	options: [
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '',
			description:
				'32 hex characters; a random one when empty. Give a stable one to make a send idempotent across executions.',
		},
		{
			displayName: 'Quote Message ID',
			name: 'quoteMessageId',
			type: 'string',
			default: '',
			description: 'Reply to this message',
		},
		{
			displayName: 'Quote Text',
			name: 'quoteText',
			type: 'string',
			default: '',
			description: 'What the quote shows, e.g. "Ann: the original text"',
		},
	],
};

export const botOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'messageOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { authentication: ['botApi'] } },
	options: [
		{
			displayName: 'Reply To Message ID',
			name: 'parentId',
			type: 'string',
			default: '',
			description: 'Quote this message',
		},
	],
};

/** The msg_id of a client API message, made once per item before the first attempt (or the user's own). */
export function readMessageId(ctx: IExecuteFunctions, i: number): string {
	const options = ctx.getNodeParameter('messageOptions', i, {}) as IDataObject;
	const given = String(options.messageId ?? '')
		.trim()
		.toLowerCase()
		.replace(/-/g, '');
	if (!given) return randomUUID().replace(/-/g, '');
	if (!MSG_ID_PATTERN.test(given))
		throw new InputError('Message ID', '"Message ID" must be 32 hex characters');
	return given;
}

function checkSize(file: BinaryFile, max: number, what: string): void {
	if (file.size > max) {
		throw new InputError(
			'Input Binary Field',
			`the file is ${file.size} bytes; ${what} accepts at most ${max} (${Math.round(max / 1048576)} MB)`,
		);
	}
}

/** A name Yunhu accepts for an upload: with an extension, `.jpg` rather than `.jpeg`. */
function uploadName(file: BinaryFile): string {
	const ext = fileExtension(file.fileName, file.mimeType);
	const base = file.fileName.replace(/\.[A-Za-z0-9]{1,8}$/, '') || 'file';
	const fixed = ext === 'jpeg' ? 'jpg' : ext;
	return fixed ? `${base}.${fixed}` : base;
}

/** Check an upload's size against the API's limit before anything is sent. */
export function checkUpload(draft: DraftContent, api: 'userApi' | 'botApi'): void {
	const kind = mediaKindOf(draft.kind);
	if (!draft.upload || !kind) return;
	if (api === 'userApi') checkSize(draft.upload, MAX_UPLOAD_BYTES, 'Yunhu');
	else
		checkSize(
			draft.upload,
			BOT_UPLOAD_MAX_BYTES[kind as keyof typeof BOT_UPLOAD_MAX_BYTES],
			'the bot API',
		);
}

export interface Uploaded {
	key: string;
	/** Public URL, where Yunhu documents one (images). */
	url?: string;
	hash?: string;
	size: number;
}

/** Upload through the client API: key = MD5 of the bytes plus the extension, as Yunhu's own clients name files. */
export async function uploadAsUser(
	client: YunhuUserClient,
	kind: MediaKind,
	file: BinaryFile,
): Promise<Uploaded> {
	const name = uploadName(file);
	const ext = fileExtension(name, file.mimeType);
	const key = ext ? `${file.md5}.${ext}` : file.md5;
	const done = await client.upload(kind, file.blob, name, key);
	return {
		key: done.key,
		hash: done.hash,
		size: done.fsize ?? file.size,
		...(kind === 'image' ? { url: IMAGE_CDN + done.key } : {}),
	};
}

export async function uploadAsBot(
	client: YunhuBotClient,
	kind: MediaKind,
	file: BinaryFile,
): Promise<Uploaded> {
	if (kind === 'audio') throw new InputError('Content Type', 'the bot API cannot send audio');
	const key = await client.upload(kind, file.blob, uploadName(file));
	return { key, size: file.size, ...(kind === 'image' ? { url: IMAGE_CDN + key } : {}) };
}

/** Upload the draft's file, if any, so the draft carries a key. */
export async function finishContent(
	draft: DraftContent,
	upload: (kind: MediaKind, file: BinaryFile) => Promise<Uploaded>,
): Promise<Uploaded | undefined> {
	const kind = mediaKindOf(draft.kind);
	if (!draft.upload || !kind) return undefined;
	const uploaded = await upload(kind, draft.upload);
	draft.mediaKey = uploaded.key;
	draft.upload = undefined;
	return uploaded;
}

/** The client API's message content (MsgContent) and its top-level fields. */
export function userContent(draft: DraftContent): { content: ProtoObject; commandId?: number } {
	const content: ProtoObject = {};
	switch (draft.kind) {
		case 'text':
		case 'markdown':
		case 'html':
			content.text = draft.text;
			if (draft.buttons) content.buttons = JSON.stringify(draft.buttons);
			if (draft.mentions) content.mentioned_id = draft.mentions.map((m) => m.userId);
			break;
		case 'image':
			content.image = draft.mediaKey;
			break;
		case 'file':
			content.file_url = draft.mediaKey;
			content.file_name = draft.fileName;
			if (draft.fileSize) content.file_size = draft.fileSize;
			break;
		case 'video':
			content.video_url = draft.mediaKey;
			if (draft.fileSize) content.file_size = draft.fileSize;
			break;
		case 'audio':
			content.audio_url = draft.mediaKey;
			content.audio_time = draft.audioSeconds;
			break;
		case 'sticker':
			if (draft.sticker?.image) content.image = draft.sticker.image;
			if (draft.sticker?.expressionId) content.expression_id = draft.sticker.expressionId;
			if (draft.sticker?.itemId) {
				content.sticker_item_id = draft.sticker.itemId;
				content.sticker_pack_id = draft.sticker.packId;
			}
			break;
		case 'form':
			content.form = draft.form?.json;
			return { content, commandId: draft.form?.commandId };
		case 'article':
			content.post_title = draft.article?.title;
			content.post_content = draft.article?.content;
			content.post_content_type = draft.article?.format;
			break;
	}
	return { content };
}

/** The client API's send (or edit) request of one item. */
export function userRequest(
	ctx: IExecuteFunctions,
	i: number,
	msgId: string,
	chat: Chat,
	draft: DraftContent,
): ProtoObject {
	const options = ctx.getNodeParameter('messageOptions', i, {}) as IDataObject;
	const { content, commandId } = userContent(draft);
	const quote = String(options.quoteMessageId ?? '').trim();
	if (quote && options.quoteText) content.quote_msg_text = String(options.quoteText);
	const request: ProtoObject = {
		msg_id: msgId,
		chat_id: chat.chatId,
		chat_type: chat.chatType,
		content,
		content_type: CONTENT_TYPE[draft.kind],
	};
	if (commandId) request.command_id = commandId;
	if (quote) request.quote_msg_id = quote;
	return request;
}

/** The Open API's content of a draft. */
export function botContent(draft: DraftContent): BotContent {
	switch (draft.kind) {
		case 'image':
			return { imageKey: draft.mediaKey };
		case 'file':
			return { fileKey: draft.mediaKey, ...(draft.fileName ? { fileName: draft.fileName } : {}) };
		case 'video':
			return { videoKey: draft.mediaKey };
		default: {
			const content: BotContent = { text: draft.text };
			if (draft.buttons) content.buttons = draft.buttons;
			if (draft.mentions) content.at = draft.mentions.map((m) => m.userId);
			return content;
		}
	}
}

export function botMessage(
	ctx: IExecuteFunctions,
	i: number,
	chat: Chat,
	draft: DraftContent,
): BotMessage {
	const options = ctx.getNodeParameter('messageOptions', i, {}) as IDataObject;
	const message: BotMessage = {
		recvId: chat.chatId,
		recvType: chat.recvType,
		contentType: draft.kind,
		content: botContent(draft),
	};
	const parentId = String(options.parentId ?? '').trim();
	if (parentId) message.parentId = parentId;
	return message;
}

/** A message ID the user gave for an operation on an existing message. */
export function requireMessageId(value: unknown, field: string): string {
	return requireText(value, field);
}
