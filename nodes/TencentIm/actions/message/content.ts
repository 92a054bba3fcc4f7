import { createHash, randomInt } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { oncePerRun } from '../../../common/options';
import { parseJsonParameter, requireNumber, requireText } from '../../../common/validate';
import { MAX_MSG_LIFETIME_SECONDS, type MessageRequest, type MsgElement } from '../../transport/api';
import { optionalUserId } from '../accounts';

const ELEMENT_TYPES = ['TIMTextElem', 'TIMFaceElem', 'TIMLocationElem', 'TIMCustomElem', 'TIMImageElem', 'TIMFileElem', 'TIMSoundElem', 'TIMVideoFileElem'];
const MEDIA = ['image', 'file', 'sound', 'video'];
const IMAGE_FORMATS = { JPG: 1, GIF: 2, PNG: 3, BMP: 4, Other: 255 };
/** Tells clients to download media from the URL given, the only way the REST API can carry media. */
const DOWNLOAD_FROM_URL = 2;

const forType = (types: string[]) => ({ show: { type: types } });

/** Message body and options, shared by Send and Send to Many. */
export const messageProperties: INodeProperties[] = [
	{
		displayName: 'Message Body',
		name: 'bodyInput',
		type: 'options',
		options: [
			{ name: 'Elements', value: 'elements', description: 'Build the message from elements below' },
			{ name: 'JSON (MsgBody)', value: 'json', description: "Give Tencent's MsgBody array directly" },
		],
		default: 'elements',
	},
	{
		displayName: 'Elements',
		name: 'elements',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Element',
		default: { element: [{ type: 'text', text: '' }] },
		description: 'One message can combine several elements, but at most one custom element',
		displayOptions: { show: { bodyInput: ['elements'] } },
		options: [
			{
				displayName: 'Element',
				name: 'element',
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- the element type decides which fields show, so it comes first
				values: [
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items
						options: [
							{ name: 'Text', value: 'text' },
							{ name: 'Face', value: 'face' },
							{ name: 'Location', value: 'location' },
							{ name: 'Custom', value: 'custom' },
							{ name: 'Image (URL)', value: 'image' },
							{ name: 'File (URL)', value: 'file' },
							{ name: 'Sound (URL)', value: 'sound' },
							{ name: 'Video (URL)', value: 'video' },
						],
						default: 'text',
					},
					{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 3 }, default: '', displayOptions: forType(['text']) },
					{ displayName: 'Face Index', name: 'index', type: 'number', default: 0, description: 'App-defined face number', displayOptions: forType(['face']) },
					{ displayName: 'Data', name: 'data', type: 'string', default: '', description: 'Face data, or the payload of a custom element', displayOptions: forType(['face', 'custom']) },
					{ displayName: 'Description', name: 'desc', type: 'string', default: '', description: 'Location description, or the push text of a custom element', displayOptions: forType(['location', 'custom']) },
					{ displayName: 'Latitude', name: 'latitude', type: 'number', typeOptions: { numberPrecision: 7 }, default: 0, displayOptions: forType(['location']) },
					{ displayName: 'Longitude', name: 'longitude', type: 'number', typeOptions: { numberPrecision: 7 }, default: 0, displayOptions: forType(['location']) },
					{ displayName: 'Ext', name: 'ext', type: 'string', default: '', description: 'Passed to APNs as ext', displayOptions: forType(['custom']) },
					{ displayName: 'Sound', name: 'sound', type: 'string', default: '', description: 'Custom APNs sound file', displayOptions: forType(['custom']) },
					{ displayName: 'URL', name: 'url', type: 'string', default: '', description: 'Where clients download the file (HTTPS recommended)', displayOptions: forType(MEDIA) },
					{ displayName: 'UUID', name: 'uuid', type: 'string', default: '', description: 'Globally unique ID of the file; an MD5 of the URL when empty', displayOptions: forType(MEDIA) },
					{ displayName: 'Size (Bytes)', name: 'size', type: 'number', default: 0, displayOptions: forType(MEDIA) },
					{ displayName: 'Width', name: 'width', type: 'number', default: 0, description: 'Image width in pixels', displayOptions: forType(['image']) },
					{ displayName: 'Height', name: 'height', type: 'number', default: 0, description: 'Image height in pixels', displayOptions: forType(['image']) },
					{
						displayName: 'Image Format',
						name: 'imageFormat',
						type: 'options',
						options: Object.entries(IMAGE_FORMATS).map(([name, value]) => ({ name, value })),
						default: 255,
						displayOptions: forType(['image']),
					},
					{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', displayOptions: forType(['file']) },
					{ displayName: 'Duration (Seconds)', name: 'seconds', type: 'number', default: 0, displayOptions: forType(['sound', 'video']) },
					{ displayName: 'Video Format', name: 'videoFormat', type: 'string', default: 'mp4', displayOptions: forType(['video']) },
					{ displayName: 'Thumbnail URL', name: 'thumbUrl', type: 'string', default: '', displayOptions: forType(['video']) },
					{ displayName: 'Thumbnail Width', name: 'thumbWidth', type: 'number', default: 0, displayOptions: forType(['video']) },
					{ displayName: 'Thumbnail Height', name: 'thumbHeight', type: 'number', default: 0, displayOptions: forType(['video']) },
					{ displayName: 'Thumbnail Size (Bytes)', name: 'thumbSize', type: 'number', default: 0, displayOptions: forType(['video']) },
					{ displayName: 'Thumbnail Format', name: 'thumbFormat', type: 'string', default: 'JPG', displayOptions: forType(['video']) },
				],
			},
		],
	},
	{
		displayName: 'MsgBody (JSON)',
		name: 'msgBodyJson',
		type: 'json',
		default: '[{ "MsgType": "TIMTextElem", "MsgContent": { "Text": "hello" } }]',
		description: "Tencent's MsgBody: an array of {MsgType, MsgContent} elements",
		displayOptions: { show: { bodyInput: ['json'] } },
	},
	{
		displayName: 'Message Options',
		name: 'messageOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Cloud Custom Data', name: 'cloudCustomData', type: 'string', default: '', description: 'Stored with the message and returned in history' },
			{
				displayName: 'Do Not Increase Badge (iOS)',
				name: 'noBadge',
				type: 'boolean',
				default: false,
				description: 'Whether the app badge stays as it is (ApnsInfo.BadgeMode 1)',
			},
			{ displayName: 'From Account', name: 'fromAccount', type: 'string', default: '', description: 'Send as this account instead of the admin' },
			{
				displayName: 'Message Lifetime (Seconds)',
				name: 'msgLifeTime',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_MSG_LIFETIME_SECONDS },
				default: MAX_MSG_LIFETIME_SECONDS,
				description: 'How long an offline recipient can still receive it, 0 to 604800; 0 delivers only to online devices',
			},
			{ displayName: 'MsgRandom', name: 'msgRandom', type: 'number', default: 0, description: 'Random 32-bit number of the message; a new one is made when empty or 0. Tencent treats a resend with the same MsgRandom within 120 seconds as the same message.' },
			{ displayName: 'MsgSeq', name: 'msgSeq', type: 'number', default: 0, description: 'Sequence number ordering messages sent in the same second; when 0 the node numbers the items of a run in order' },
			{ displayName: 'Push Disabled', name: 'pushDisabled', type: 'boolean', default: false, description: 'Whether to send no offline push notification' },
			{ displayName: 'Push Ext', name: 'pushExt', type: 'string', default: '', description: 'Data passed through with the push notification' },
			{ displayName: 'Push Sound', name: 'pushSound', type: 'string', default: '', description: 'Sound file of the push notification (iOS and Android)' },
			{ displayName: 'Push Text', name: 'pushDesc', type: 'string', default: '', description: 'Text of the offline push notification' },
			{ displayName: 'Push Title', name: 'pushTitle', type: 'string', default: '', description: 'Title of the offline push notification' },
			{ displayName: 'Read Receipt', name: 'needReadReceipt', type: 'boolean', default: false, description: 'Whether the message asks for a read receipt' },
			{
				displayName: 'Send Controls',
				name: 'sendMsgControl',
				type: 'multiOptions',
				options: [
					{ name: 'No Last Message Update', value: 'NoLastMsg', description: "Do not update the conversation list's last message" },
					{ name: 'No Unread Count', value: 'NoUnread', description: 'Do not count it as unread' },
					{ name: 'Respect Do Not Disturb', value: 'WithMuteNotifications' },
					{ name: 'Skip Moderation', value: 'NoMsgCheck' },
				],
				default: [],
			},
			{
				displayName: 'Sync to Sender',
				name: 'syncOtherMachine',
				type: 'options',
				options: [
					{ name: 'Default (Store in Sender History)', value: 0 },
					{ name: 'Sync to Sender Devices and History', value: 1 },
					{ name: 'Do Not Store for Sender', value: 2 },
				],
				default: 0,
			},
		],
	},
];

function md5(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex');
}

function url(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!/^https?:\/\/\S+$/i.test(text)) throw new InputError(field, `"${field}" must be an http(s):// URL`);
	return text;
}

function positive(value: unknown, field: string): number {
	return requireNumber(value, field, { min: 1, integer: true });
}

function byteSize(value: unknown, field: string): number {
	return requireNumber(value ?? 0, field, { min: 0, integer: true });
}

/** One element from the UI fields, with the fields Tencent requires for REST-sent media. */
function buildElement(e: IDataObject, n: number): MsgElement {
	const f = (name: string) => `Elements › ${n + 1} › ${name}`;
	switch (e.type) {
		case 'text':
			return { MsgType: 'TIMTextElem', MsgContent: { Text: requireText(e.text, f('Text')) } };
		case 'face':
			return { MsgType: 'TIMFaceElem', MsgContent: { Index: requireNumber(e.index, f('Face Index'), { integer: true }), Data: String(e.data ?? '') } };
		case 'location':
			return {
				MsgType: 'TIMLocationElem',
				MsgContent: {
					Desc: String(e.desc ?? ''),
					Latitude: requireNumber(e.latitude, f('Latitude'), { min: -90, max: 90 }),
					Longitude: requireNumber(e.longitude, f('Longitude'), { min: -180, max: 180 }),
				},
			};
		case 'custom': {
			const content: IDataObject = { Data: requireText(e.data, f('Data')) };
			if (e.desc) content.Desc = String(e.desc);
			if (e.ext) content.Ext = String(e.ext);
			if (e.sound) content.Sound = String(e.sound);
			return { MsgType: 'TIMCustomElem', MsgContent: content };
		}
		case 'image': {
			const address = url(e.url, f('URL'));
			const info = { Size: byteSize(e.size, f('Size (Bytes)')), Width: positive(e.width, f('Width')), Height: positive(e.height, f('Height')), URL: address };
			return {
				MsgType: 'TIMImageElem',
				MsgContent: {
					UUID: String(e.uuid || md5(address)),
					ImageFormat: Number(e.imageFormat ?? 255),
					// original, large and thumbnail all point at the given image
					ImageInfoArray: [1, 2, 3].map((Type) => ({ Type, ...info })),
				},
			};
		}
		case 'file': {
			const address = url(e.url, f('URL'));
			return {
				MsgType: 'TIMFileElem',
				MsgContent: {
					Url: address,
					UUID: String(e.uuid || md5(address)),
					FileSize: byteSize(e.size, f('Size (Bytes)')),
					FileName: requireText(e.fileName, f('File Name')),
					Download_Flag: DOWNLOAD_FROM_URL,
				},
			};
		}
		case 'sound': {
			const address = url(e.url, f('URL'));
			return {
				MsgType: 'TIMSoundElem',
				MsgContent: {
					Url: address,
					UUID: String(e.uuid || md5(address)),
					Size: byteSize(e.size, f('Size (Bytes)')),
					Second: requireNumber(e.seconds, f('Duration (Seconds)'), { min: 0, integer: true }),
					Download_Flag: DOWNLOAD_FROM_URL,
				},
			};
		}
		case 'video': {
			const address = url(e.url, f('URL'));
			const thumb = url(e.thumbUrl, f('Thumbnail URL'));
			return {
				MsgType: 'TIMVideoFileElem',
				MsgContent: {
					VideoUrl: address,
					VideoUUID: String(e.uuid || md5(address)),
					VideoSize: byteSize(e.size, f('Size (Bytes)')),
					VideoSecond: requireNumber(e.seconds, f('Duration (Seconds)'), { min: 0, integer: true }),
					VideoFormat: String(e.videoFormat || 'mp4'),
					VideoDownloadFlag: DOWNLOAD_FROM_URL,
					ThumbUrl: thumb,
					ThumbUUID: md5(thumb),
					ThumbSize: byteSize(e.thumbSize, f('Thumbnail Size (Bytes)')),
					ThumbWidth: positive(e.thumbWidth, f('Thumbnail Width')),
					ThumbHeight: positive(e.thumbHeight, f('Thumbnail Height')),
					ThumbFormat: String(e.thumbFormat || 'JPG'),
					ThumbDownloadFlag: DOWNLOAD_FROM_URL,
				},
			};
		}
		default:
			throw new InputError(f('Type'), `"${f('Type')}" ${String(e.type)} is not an element type`);
	}
}

function readBody(ctx: IExecuteFunctions, i: number): MsgElement[] {
	let body: MsgElement[];
	if (ctx.getNodeParameter('bodyInput', i) === 'json') {
		const parsed = parseJsonParameter(ctx.getNodeParameter('msgBodyJson', i), 'MsgBody (JSON)');
		if (!Array.isArray(parsed) || parsed.length === 0) {
			throw new InputError('MsgBody (JSON)', '"MsgBody (JSON)" must be a non-empty array of elements');
		}
		parsed.forEach((e, n) => {
			const el = e as Partial<MsgElement>;
			if (!el || typeof el.MsgType !== 'string' || !ELEMENT_TYPES.includes(el.MsgType) || typeof el.MsgContent !== 'object') {
				throw new InputError('MsgBody (JSON)', `element ${n + 1} of "MsgBody (JSON)" needs a known MsgType and a MsgContent object`);
			}
		});
		body = parsed as MsgElement[];
	} else {
		const elements = (ctx.getNodeParameter('elements', i, {}) as { element?: IDataObject[] }).element ?? [];
		if (elements.length === 0) throw new InputError('Elements', '"Elements" needs at least one element');
		body = elements.map(buildElement);
	}
	if (body.filter((e) => e.MsgType === 'TIMCustomElem').length > 1) {
		throw new InputError('Elements', 'a message may contain at most one custom element');
	}
	return body;
}

function optionalUint32(value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '' || value === 0) return undefined;
	return requireNumber(value, field, { min: 1, max: 0xffffffff, integer: true });
}

/**
 * A MsgSeq base for one node run. Tencent orders messages of the same second by MsgSeq and fills a random one when
 * it is missing, so the node numbers the items of a run upwards from this base to keep their order.
 */
export async function msgSeqBase(ctx: IExecuteFunctions): Promise<number> {
	return await oncePerRun(ctx, 'tencentMsgSeqBase', async () => randomInt(1, 0x8000_0000));
}

/** The message of one item, with its MsgRandom and MsgSeq made once here so every retry repeats it exactly. */
export function readMessage(ctx: IExecuteFunctions, i: number, seqBase: number): MessageRequest {
	const options = ctx.getNodeParameter('messageOptions', i, {}) as IDataObject;
	const message: MessageRequest = {
		MsgRandom: optionalUint32(options.msgRandom, 'MsgRandom') ?? randomInt(1, 0x1_0000_0000),
		MsgBody: readBody(ctx, i),
	};
	const from = optionalUserId(options.fromAccount, 'From Account');
	if (from) message.From_Account = from;
	message.MsgSeq = optionalUint32(options.msgSeq, 'MsgSeq') ?? seqBase + i;
	if (options.syncOtherMachine === 1 || options.syncOtherMachine === 2) message.SyncOtherMachine = options.syncOtherMachine;
	if (options.msgLifeTime !== undefined) {
		message.MsgLifeTime = requireNumber(options.msgLifeTime, 'Message Lifetime (Seconds)', { min: 0, max: MAX_MSG_LIFETIME_SECONDS, integer: true });
	}
	if (options.cloudCustomData) message.CloudCustomData = String(options.cloudCustomData);
	const push: IDataObject = {};
	if (options.pushDisabled === true) push.PushFlag = 1;
	if (options.pushTitle) push.Title = String(options.pushTitle);
	if (options.pushDesc) push.Desc = String(options.pushDesc);
	if (options.pushExt) push.Ext = String(options.pushExt);
	const apns: IDataObject = {};
	if (options.noBadge === true) apns.BadgeMode = 1;
	if (options.pushSound) {
		apns.Sound = String(options.pushSound);
		push.AndroidInfo = { Sound: String(options.pushSound) };
	}
	if (Object.keys(apns).length > 0) push.ApnsInfo = apns;
	if (Object.keys(push).length > 0) message.OfflinePushInfo = push;
	const controls = (options.sendMsgControl as string[] | undefined) ?? [];
	if (controls.length > 0) message.SendMsgControl = controls;
	if (options.needReadReceipt === true) message.IsNeedReadReceipt = 1;
	return message;
}
