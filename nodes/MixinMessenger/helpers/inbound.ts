/**
 * What the Mixin Messenger Trigger makes of Blaze pushes: the event kinds a user can choose, and a MessageView (or a
 * receipt) decoded into an item. Pure functions; the trigger adds attachment URLs and files.
 */
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { parseJsonOrUndefined } from '../../common/settle';
import { uniqueConversationId } from '../transport/signing';

interface EventKind extends INodePropertyOptions {
	value: string;
	/** The message categories of this kind; none for receipts and the catch-all. */
	categories: string[];
	/** Its payload names an attachment. */
	attachment?: boolean;
	/** Its payload is UTF-8 text rather than JSON. */
	text?: boolean;
}

/** The kinds of push the trigger can emit, in the order the events list shows them. */
export const EVENT_KINDS: EventKind[] = [
	{
		name: 'Text',
		value: 'text',
		categories: ['PLAIN_TEXT'],
		text: true,
		description: 'Also what a tapped "input:" button of an app card or button group sends',
	},
	{ name: 'Post (Markdown)', value: 'post', categories: ['PLAIN_POST'], text: true },
	{ name: 'Image', value: 'image', categories: ['PLAIN_IMAGE'], attachment: true },
	{ name: 'File', value: 'file', categories: ['PLAIN_DATA'], attachment: true },
	{ name: 'Audio', value: 'audio', categories: ['PLAIN_AUDIO'], attachment: true },
	{ name: 'Video', value: 'video', categories: ['PLAIN_VIDEO'], attachment: true },
	{ name: 'Sticker', value: 'sticker', categories: ['PLAIN_STICKER'] },
	{ name: 'Contact Card', value: 'contact', categories: ['PLAIN_CONTACT'] },
	{ name: 'Location', value: 'location', categories: ['PLAIN_LOCATION'] },
	{ name: 'Live Stream', value: 'live', categories: ['PLAIN_LIVE'] },
	{
		name: 'App Card or Buttons',
		value: 'card',
		categories: ['APP_CARD', 'APP_BUTTON_GROUP'],
		description:
			'Cards and button groups other bots send (taps on "input:" buttons arrive as text)',
	},
	{ name: 'Message Recalled', value: 'recall', categories: ['MESSAGE_RECALL'] },
	{
		name: 'Group Membership Changed',
		value: 'conversation',
		categories: ['SYSTEM_CONVERSATION'],
		description: 'Someone joined, left, was added, removed or made admin in a group the bot is in',
	},
	{
		name: 'Transfer Received',
		value: 'transfer',
		categories: ['SYSTEM_ACCOUNT_SNAPSHOT', 'SYSTEM_SAFE_SNAPSHOT'],
		description: 'A payment to the bot (a snapshot)',
	},
	{
		name: 'Delivery Receipt',
		value: 'delivered',
		categories: [],
		description: 'A message the bot sent reached the user',
	},
	{
		name: 'Read Receipt',
		value: 'read',
		categories: [],
		description: 'The user read a message the bot sent',
	},
	{
		name: 'Any Other Message',
		value: 'other',
		categories: [],
		description:
			'Categories not listed above (transcripts, pins, encrypted messages …), with their raw data_base64',
	},
];

/** What a new trigger listens for: everything a user can send the bot. */
export const DEFAULT_EVENTS = [
	'text',
	'post',
	'image',
	'file',
	'audio',
	'video',
	'sticker',
	'contact',
	'location',
	'live',
];

const KIND_OF_CATEGORY = new Map(
	EVENT_KINDS.flatMap((kind) => kind.categories.map((c) => [c, kind] as const)),
);
const OTHER = EVENT_KINDS.find((kind) => kind.value === 'other')!;

export function kindOfCategory(category: string): EventKind {
	return KIND_OF_CATEGORY.get(category) ?? OTHER;
}

export interface DecodedMessage {
	event: string;
	json: IDataObject;
	/** The attachment a media message names, to look up its view URL. */
	attachmentId?: string;
}

/** The payload bytes: `data_base64` (base64url) or the legacy `data` (standard base64); Node reads both alphabets. */
function payloadOf(view: IDataObject): Buffer {
	const encoded =
		typeof view.data_base64 === 'string' && view.data_base64 !== '' ? view.data_base64 : view.data;
	return Buffer.from(typeof encoded === 'string' ? encoded : '', 'base64');
}

/**
 * A MessageView as an item: its own fields (minus the encoded data), the kind as `event`, whether it came in a 1:1
 * chat or a group, and the payload decoded — `text` for text and posts, `content` (the payload's JSON) for the rest;
 * a payload that does not decode stays as `data_base64`, with `decode_error` saying why.
 */
export function decodeMessage(view: IDataObject, botUserId: string): DecodedMessage {
	const { data: _data, data_base64: _dataBase64, type: _type, ...fields } = view;
	const category = String(view.category ?? '');
	const kind = kindOfCategory(category);
	const payload = payloadOf(view);
	const userId = String(view.user_id ?? '').toLowerCase();
	const json: IDataObject = {
		event: kind.value,
		...fields,
		conversation_type:
			String(view.conversation_id ?? '').toLowerCase() === uniqueConversationId(botUserId, userId)
				? 'CONTACT'
				: 'GROUP',
	};
	if (kind.text) {
		json.text = payload.toString('utf8');
		return { event: kind.value, json };
	}
	if (kind === OTHER) {
		json.data_base64 = payload.toString('base64url');
		return { event: kind.value, json };
	}
	const parsed = parseJsonOrUndefined(payload.toString('utf8'));
	if (!parsed || parsed.value === null || typeof parsed.value !== 'object') {
		json.data_base64 = payload.toString('base64url');
		json.decode_error = `the ${category} payload is not a JSON object or array`;
		return { event: kind.value, json };
	}
	json.content = parsed.value as IDataObject;
	const attachmentId = (parsed.value as IDataObject).attachment_id;
	if (kind.attachment && typeof attachmentId === 'string' && attachmentId !== '') {
		return { event: kind.value, json, attachmentId };
	}
	return { event: kind.value, json };
}

/** A receipt (ACKNOWLEDGE_MESSAGE_RECEIPT push) as an item; undefined for statuses the trigger does not know. */
export function decodeReceipt(data: IDataObject): { event: string; json: IDataObject } | undefined {
	const status = String(data.status ?? '');
	const event = status === 'READ' ? 'read' : status === 'DELIVERED' ? 'delivered' : undefined;
	if (!event) return undefined;
	return { event, json: { event, ...data } };
}

/** A file name for a downloaded attachment: the file's own name, else its id with an extension from the type. */
export function attachmentFileName(
	content: IDataObject,
	attachmentId: string,
	mimeType?: string,
): string {
	if (typeof content.name === 'string' && content.name.trim() !== '') return content.name;
	const subtype = /^[\w.+-]+\/([\w.+-]+)/.exec(mimeType ?? String(content.mime_type ?? ''))?.[1];
	const extension = subtype ? `.${subtype.replace(/^x-/, '').replace(/\+.*$/, '')}` : '';
	return `${attachmentId}${extension}`;
}
