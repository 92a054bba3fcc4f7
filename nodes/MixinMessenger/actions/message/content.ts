import { randomUUID } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import {
	optionalUuid,
	parseJsonParameter,
	requireLength,
	requireNumber,
	requireText,
	requireUuid,
} from '../../../common/validate';
import { MAX_MESSAGE_BYTES, messageBytes, type MixinClient, type OutgoingMessage } from '../../transport/api';
import { encodeMessageData } from '../../transport/signing';
import { readRecipient, recipientProperties } from './recipient';

/** Categories a bot may send through POST /messages. */
export const KNOWN_CATEGORIES = [
	'PLAIN_TEXT',
	'PLAIN_POST',
	'PLAIN_IMAGE',
	'PLAIN_DATA',
	'PLAIN_STICKER',
	'PLAIN_CONTACT',
	'PLAIN_AUDIO',
	'PLAIN_VIDEO',
	'PLAIN_LIVE',
	'PLAIN_LOCATION',
	'APP_CARD',
	'APP_BUTTON_GROUP',
	'MESSAGE_RECALL',
] as const;

export const MAX_BUTTONS = 18;
const MEDIA_TYPES = ['image', 'file', 'audio', 'video'];
const CATEGORY_OF: Record<string, string> = {
	text: 'PLAIN_TEXT',
	post: 'PLAIN_POST',
	image: 'PLAIN_IMAGE',
	file: 'PLAIN_DATA',
	sticker: 'PLAIN_STICKER',
	contact: 'PLAIN_CONTACT',
	appCard: 'APP_CARD',
	audio: 'PLAIN_AUDIO',
	live: 'PLAIN_LIVE',
	video: 'PLAIN_VIDEO',
	location: 'PLAIN_LOCATION',
	buttonGroup: 'APP_BUTTON_GROUP',
};

const show = (types: string[]) => ({ show: { messageType: types } });
const showMedia = (types: string[], source: string) => ({ show: { messageType: types, mediaSource: [source] } });

export const messageContentProperties: INodeProperties[] = [
	...recipientProperties,
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'Post (Markdown)', value: 'post' },
			{ name: 'Image', value: 'image' },
			{ name: 'File', value: 'file' },
			{ name: 'Audio', value: 'audio' },
			{ name: 'Video', value: 'video' },
			{ name: 'Sticker', value: 'sticker' },
			{ name: 'Contact', value: 'contact' },
			{ name: 'App Card', value: 'appCard' },
			{ name: 'Button Group', value: 'buttonGroup' },
			{ name: 'Live', value: 'live' },
			{ name: 'Location', value: 'location' },
			{ name: 'Raw (Category + Data)', value: 'raw' },
		],
		default: 'text',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		displayOptions: show(['text']),
	},
	{
		displayName: 'Markdown',
		name: 'post',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
		description: 'The post, written in Markdown',
		displayOptions: show(['post']),
	},
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		options: [
			{ name: 'Binary Data', value: 'binary', description: 'Upload a binary property of the input item first' },
			{ name: 'Existing Attachment', value: 'attachment', description: 'An attachment already uploaded' },
		],
		default: 'binary',
		displayOptions: show(MEDIA_TYPES),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the file',
		displayOptions: showMedia(MEDIA_TYPES, 'binary'),
	},
	{
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: showMedia(MEDIA_TYPES, 'attachment'),
	},
	{
		displayName: 'MIME Type',
		name: 'mimeType',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'image/jpeg',
		displayOptions: showMedia(MEDIA_TYPES, 'attachment'),
	},
	{
		displayName: 'Size (Bytes)',
		name: 'size',
		type: 'number',
		required: true,
		default: 0,
		displayOptions: showMedia(MEDIA_TYPES, 'attachment'),
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		description: "Name shown to the recipient; the binary's file name when empty",
		displayOptions: show(['file']),
	},
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		required: true,
		default: 0,
		description: 'Width in pixels',
		displayOptions: show(['image', 'video', 'live']),
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		required: true,
		default: 0,
		description: 'Height in pixels',
		displayOptions: show(['image', 'video', 'live']),
	},
	{
		displayName: 'Duration (Ms)',
		name: 'duration',
		type: 'number',
		required: true,
		default: 0,
		description: 'Length in milliseconds, as Mixin clients expect',
		displayOptions: show(['audio', 'video']),
	},
	{
		displayName: 'Sticker ID',
		name: 'stickerId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['sticker']),
	},
	{
		displayName: 'Contact User ID',
		name: 'contactUserId',
		type: 'string',
		required: true,
		default: '',
		description: 'The user whose contact card to share',
		displayOptions: show(['contact']),
	},
	{
		displayName: 'Title',
		name: 'cardTitle',
		type: 'string',
		required: true,
		default: '',
		description: '1–36 characters',
		displayOptions: show(['appCard']),
	},
	{
		displayName: 'Description',
		name: 'cardDescription',
		type: 'string',
		required: true,
		default: '',
		description: '1–1024 characters',
		displayOptions: show(['appCard']),
	},
	{
		displayName: 'Action URL',
		name: 'cardAction',
		type: 'string',
		required: true,
		default: '',
		description: "Opened when the card is tapped; must match the app's resource patterns",
		displayOptions: show(['appCard']),
	},
	{
		displayName: 'Icon URL',
		name: 'cardIconUrl',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['appCard']),
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Button',
		default: {},
		description: `1–${MAX_BUTTONS} buttons`,
		displayOptions: show(['buttonGroup']),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{ displayName: 'Label', name: 'label', type: 'string', default: '' },
					{ displayName: 'Color', name: 'color', type: 'color', default: '#2F80ED' },
					{ displayName: 'Action URL', name: 'action', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Stream URL',
		name: 'liveUrl',
		type: 'string',
		required: true,
		default: '',
		description: 'HLS (.m3u8) address of the stream',
		displayOptions: show(['live']),
	},
	{
		displayName: 'Thumbnail URL',
		name: 'liveThumbUrl',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['live']),
	},
	{
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		typeOptions: { numberPrecision: 7 },
		required: true,
		default: 0,
		displayOptions: show(['location']),
	},
	{
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		typeOptions: { numberPrecision: 7 },
		required: true,
		default: 0,
		displayOptions: show(['location']),
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'string',
		required: true,
		default: 'PLAIN_TEXT',
		description: `One of ${KNOWN_CATEGORIES.join(', ')}`,
		displayOptions: show(['raw']),
	},
	{
		displayName: 'Data',
		name: 'rawData',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		description: 'The payload: plain text for PLAIN_TEXT and PLAIN_POST, JSON for the other categories',
		displayOptions: show(['raw']),
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'App ID',
				name: 'appId',
				type: 'string',
				default: '',
				description: "App card's app ID; the bot's own when empty",
			},
			{
				displayName: 'Location Address',
				name: 'locationAddress',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Location Name',
				name: 'locationName',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '',
				description:
					'UUID for the new message; a random one when empty. Give a stable one to make a send idempotent across executions.',
			},
			{
				displayName: 'MIME Type Override',
				name: 'mimeTypeOverride',
				type: 'string',
				default: '',
				description: "Use instead of the binary data's own MIME type",
			},
			{
				displayName: 'Quote Message ID',
				name: 'quoteMessageId',
				type: 'string',
				default: '',
				description: 'Reply to this message',
			},
			{
				displayName: 'Shareable',
				name: 'shareable',
				type: 'boolean',
				default: true,
				description: 'Whether app cards and live cards may be forwarded',
			},
			{
				displayName: 'Silent',
				name: 'silent',
				type: 'boolean',
				default: false,
				description: 'Whether to deliver without a push notification',
			},
			{
				displayName: 'Sticker Album ID',
				name: 'albumId',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Sticker Name',
				name: 'stickerName',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Thumbnail (Base64)',
				name: 'thumbnail',
				type: 'string',
				default: '',
				description: 'A small preview image for image and video messages, base64 encoded',
			},
			{
				displayName: 'Waveform (Base64)',
				name: 'waveform',
				type: 'string',
				default: '',
				description: 'Audio waveform bytes, base64 encoded',
			},
		],
	},
];

/** Media to upload before the message can be built. */
interface PendingUpload {
	bytes: Buffer;
	mimeType: string;
	fileName?: string;
}

/** Everything about one item's message that could be checked without sending anything. */
export interface MessageDraft {
	itemIndex: number;
	message: Omit<OutgoingMessage, 'data_base64'>;
	/** Payload; for media read from binary, attachment fields are filled in after the upload. */
	payload: string | IDataObject | IDataObject[];
	upload?: PendingUpload;
	/** The finished message, once nothing is left to upload. */
	assembled?: OutgoingMessage;
}

function additional(ctx: IExecuteFunctions, i: number): IDataObject {
	return ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
}

function base64Field(value: unknown, field: string): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const text = value.trim();
	if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new InputError(field, `"${field}" must be base64`);
	return text;
}

function requireHttpUrl(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!/^(https?|mixin):\/\/\S+$/i.test(text)) {
		throw new InputError(field, `"${field}" must be an http(s):// or mixin:// URL`);
	}
	return text;
}

async function readMedia(ctx: IExecuteFunctions, i: number, type: string, extra: IDataObject) {
	const source = ctx.getNodeParameter('mediaSource', i) as string;
	if (source === 'binary') {
		const property = requireText(ctx.getNodeParameter('binaryPropertyName', i), 'Input Binary Field');
		const meta = ctx.helpers.assertBinaryData(i, property);
		const bytes = await ctx.helpers.getBinaryDataBuffer(i, property);
		if (bytes.length === 0) throw new InputError('Input Binary Field', `binary field "${property}" is empty`);
		const mimeType = (extra.mimeTypeOverride as string) || meta.mimeType || 'application/octet-stream';
		const fields: IDataObject = { mime_type: mimeType, size: bytes.length };
		return { fields, upload: { bytes, mimeType, fileName: meta.fileName } as PendingUpload };
	}
	const fields: IDataObject = {
		attachment_id: requireUuid(ctx.getNodeParameter('attachmentId', i), 'Attachment ID'),
		mime_type: requireText(ctx.getNodeParameter('mimeType', i), 'MIME Type'),
		size: requireNumber(ctx.getNodeParameter('size', i), 'Size (Bytes)', { min: 1, integer: true }),
	};
	if (type === 'audio' && fields.mime_type !== 'audio/ogg') {
		throw new InputError('MIME Type', 'audio messages must be audio/ogg (Opus)');
	}
	return { fields, upload: undefined };
}

function dimensions(ctx: IExecuteFunctions, i: number): IDataObject {
	return {
		width: requireNumber(ctx.getNodeParameter('width', i), 'Width', { min: 1, integer: true }),
		height: requireNumber(ctx.getNodeParameter('height', i), 'Height', { min: 1, integer: true }),
	};
}

function duration(ctx: IExecuteFunctions, i: number): number {
	return requireNumber(ctx.getNodeParameter('duration', i), 'Duration (Ms)', { min: 1, integer: true });
}

/** Build the category and payload of one item's message. */
async function readPayload(
	ctx: IExecuteFunctions,
	i: number,
	type: string,
	extra: IDataObject,
	botUserId: string,
): Promise<{ category: string; payload: MessageDraft['payload']; upload?: PendingUpload }> {
	switch (type) {
		case 'text':
			return { category: 'PLAIN_TEXT', payload: requireText(ctx.getNodeParameter('text', i), 'Text') };
		case 'post':
			return { category: 'PLAIN_POST', payload: requireText(ctx.getNodeParameter('post', i), 'Markdown') };
		case 'image':
		case 'video': {
			const media = await readMedia(ctx, i, type, extra);
			const payload: IDataObject = { ...media.fields, ...dimensions(ctx, i) };
			if (type === 'video') payload.duration = duration(ctx, i);
			const thumbnail = base64Field(extra.thumbnail, 'Thumbnail (Base64)');
			if (thumbnail) payload.thumbnail = thumbnail;
			return { category: CATEGORY_OF[type], payload, upload: media.upload };
		}
		case 'file': {
			const media = await readMedia(ctx, i, type, extra);
			const name = (ctx.getNodeParameter('fileName', i, '') as string).trim() || media.upload?.fileName || '';
			return {
				category: 'PLAIN_DATA',
				payload: { ...media.fields, name: requireText(name, 'File Name') },
				upload: media.upload,
			};
		}
		case 'audio': {
			const media = await readMedia(ctx, i, type, extra);
			const payload: IDataObject = { ...media.fields, duration: duration(ctx, i) };
			const waveform = base64Field(extra.waveform, 'Waveform (Base64)');
			if (waveform) payload.waveform = waveform;
			return { category: 'PLAIN_AUDIO', payload, upload: media.upload };
		}
		case 'sticker': {
			const payload: IDataObject = { sticker_id: requireUuid(ctx.getNodeParameter('stickerId', i), 'Sticker ID') };
			if (extra.stickerName) payload.name = String(extra.stickerName);
			const albumId = optionalUuid(extra.albumId, 'Sticker Album ID');
			if (albumId) payload.album_id = albumId;
			return { category: 'PLAIN_STICKER', payload };
		}
		case 'contact':
			return {
				category: 'PLAIN_CONTACT',
				payload: { user_id: requireUuid(ctx.getNodeParameter('contactUserId', i), 'Contact User ID') },
			};
		case 'appCard':
			return {
				category: 'APP_CARD',
				payload: {
					app_id: optionalUuid(extra.appId, 'App ID') ?? botUserId,
					icon_url: requireHttpUrl(ctx.getNodeParameter('cardIconUrl', i), 'Icon URL'),
					title: requireLength(requireText(ctx.getNodeParameter('cardTitle', i), 'Title'), 'Title', 1, 36),
					description: requireLength(
						requireText(ctx.getNodeParameter('cardDescription', i), 'Description'),
						'Description',
						1,
						1024,
					),
					action: requireHttpUrl(ctx.getNodeParameter('cardAction', i), 'Action URL'),
					shareable: extra.shareable !== false,
				},
			};
		case 'buttonGroup': {
			const raw = (ctx.getNodeParameter('buttons', i, {}) as { button?: IDataObject[] }).button ?? [];
			if (raw.length < 1 || raw.length > MAX_BUTTONS) {
				throw new InputError('Buttons', `"Buttons" must hold 1–${MAX_BUTTONS} buttons, got ${raw.length}`);
			}
			const payload = raw.map((b, n) => {
				const color = String(b.color ?? '').trim();
				if (!/^#[0-9a-f]{6}$/i.test(color)) {
					throw new InputError('Buttons', `button ${n + 1}: "Color" must look like #RRGGBB`);
				}
				return {
					label: requireLength(requireText(b.label, `Buttons › ${n + 1} › Label`), `Buttons › ${n + 1} › Label`, 1, 36),
					color: color.toUpperCase(),
					action: requireHttpUrl(b.action, `Buttons › ${n + 1} › Action URL`),
				};
			});
			return { category: 'APP_BUTTON_GROUP', payload };
		}
		case 'live':
			return {
				category: 'PLAIN_LIVE',
				payload: {
					...dimensions(ctx, i),
					thumb_url: requireHttpUrl(ctx.getNodeParameter('liveThumbUrl', i), 'Thumbnail URL'),
					url: requireHttpUrl(ctx.getNodeParameter('liveUrl', i), 'Stream URL'),
					shareable: extra.shareable !== false,
				},
			};
		case 'location': {
			const payload: IDataObject = {
				latitude: requireNumber(ctx.getNodeParameter('latitude', i), 'Latitude', { min: -90, max: 90 }),
				longitude: requireNumber(ctx.getNodeParameter('longitude', i), 'Longitude', { min: -180, max: 180 }),
			};
			if (extra.locationName) payload.name = String(extra.locationName);
			if (extra.locationAddress) payload.address = String(extra.locationAddress);
			return { category: 'PLAIN_LOCATION', payload };
		}
		case 'raw': {
			const category = requireText(ctx.getNodeParameter('category', i), 'Category').toUpperCase();
			if (!(KNOWN_CATEGORIES as readonly string[]).includes(category)) {
				throw new InputError('Category', `"Category" ${category} is not one a bot can send (${KNOWN_CATEGORIES.join(', ')})`);
			}
			const data = ctx.getNodeParameter('rawData', i) as unknown;
			if (category === 'PLAIN_TEXT' || category === 'PLAIN_POST') {
				return { category, payload: requireText(data, 'Data') };
			}
			const parsed = parseJsonParameter(data, 'Data');
			if (!parsed || typeof parsed !== 'object') throw new InputError('Data', `"Data" must be a JSON object or array for ${category}`);
			return { category, payload: parsed as IDataObject };
		}
		default:
			throw new InputError('Message Type', `"Message Type" ${type} is not supported`);
	}
}

/** Read and check one item's message; nothing is sent or uploaded here. */
export async function readMessageDraft(ctx: IExecuteFunctions, i: number, botUserId: string): Promise<MessageDraft> {
	const extra = additional(ctx, i);
	const recipient = readRecipient(ctx, i, botUserId);
	const type = ctx.getNodeParameter('messageType', i) as string;
	const { category, payload, upload } = await readPayload(ctx, i, type, extra, botUserId);
	const message: MessageDraft['message'] = {
		...recipient,
		// made once per item, before the first attempt, so every retry carries the same id
		message_id: optionalUuid(extra.messageId, 'Message ID') ?? randomUUID(),
		category,
	};
	const quote = optionalUuid(extra.quoteMessageId, 'Quote Message ID');
	if (quote) message.quote_message_id = quote;
	if (extra.silent === true) message.silent = true;
	const draft: MessageDraft = { itemIndex: i, message, payload, upload };
	if (!upload) draft.assembled = assembleMessage(draft);
	return draft;
}

/** Encode the payload into the message and check the encoded size against Mixin's per-message limit. */
function assembleMessage(draft: MessageDraft): OutgoingMessage {
	const payload = typeof draft.payload === 'string' ? draft.payload : JSON.stringify(draft.payload);
	const message = { ...draft.message, data_base64: encodeMessageData(payload) };
	const bytes = messageBytes(message);
	if (bytes > MAX_MESSAGE_BYTES) {
		throw new InputError(
			'Message',
			`the message is ${bytes} bytes once encoded; Mixin accepts at most ${MAX_MESSAGE_BYTES}`,
			'Shorten the text, or send long content as a file.',
		);
	}
	return message;
}

/** Upload the draft's media, if any, and produce the message to send. */
export async function finalizeMessage(client: MixinClient, draft: MessageDraft): Promise<OutgoingMessage> {
	if (draft.assembled) return draft.assembled;
	if (draft.upload && typeof draft.payload === 'object' && !Array.isArray(draft.payload)) {
		const attachment = await client.uploadAttachment(draft.upload.bytes);
		draft.payload = { attachment_id: attachment.attachment_id, ...draft.payload };
		draft.upload = undefined;
	}
	draft.assembled = assembleMessage(draft);
	return draft.assembled;
}

/** The output item of a sent message. */
export function sentMessageOutput(
	message: OutgoingMessage,
	response?: Record<string, unknown>,
	extra: IDataObject = {},
): IDataObject {
	const out: IDataObject = {
		message_id: message.message_id,
		conversation_id: message.conversation_id,
		category: message.category,
	};
	if (message.recipient_id) out.recipient_id = message.recipient_id;
	if (response) {
		for (const [k, v] of Object.entries(response)) if (!(k in out)) out[k] = v as IDataObject[string];
	}
	return { ...out, ...extra };
}
