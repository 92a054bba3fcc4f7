/**
 * The messages of Message → Send: each with its type and fields (or the content as JSON), an optional send time and
 * an api_send_id that callbacks echo. Reading checks everything before anything is sent.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { optionalUnixSeconds } from '../../common/time';
import { parseJsonParameter, requireNumber, requireText } from '../../common/validate';
import type { MessageType, OutgoingMessage } from '../transport/api';

const TYPES: Array<{ name: string; value: MessageType }> = [
	{ name: 'Text', value: 'text' },
	{ name: 'Group Announcement', value: 'announcement' },
	{ name: 'Picture', value: 'picture' },
	{ name: 'Link', value: 'link' },
	{ name: 'File', value: 'file' },
	{ name: 'Voice', value: 'voice' },
	{ name: 'Video', value: 'video' },
	{ name: 'Mini Program', value: 'program' },
	{ name: 'Contact Card', value: 'card' },
	{ name: 'Channels (视频号)', value: 'channel' },
];

/** Types whose content Yunzhenji does not document: given as JSON only. */
const JSON_ONLY: MessageType[] = ['card', 'channel'];

const forTypes = (types: MessageType[], fieldsInput = true) => ({
	show: { type: types, ...(fieldsInput ? { contentInput: ['fields'] } : {}) },
});

export const messagesProperty: INodeProperties = {
	displayName: 'Messages',
	name: 'messages',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Message',
	default: { message: [{ type: 'text', text: '' }] },
	description: 'Sent in this order; more than 5 go out in requests of 5',
	options: [
		{
			displayName: 'Message',
			name: 'message',
			// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- the type decides which fields show, so it comes first
			values: [
				{ displayName: 'Type', name: 'type', type: 'options', options: TYPES, default: 'text' },
				{
					displayName: 'Content',
					name: 'contentInput',
					type: 'options',
					options: [
						{ name: 'Fields', value: 'fields' },
						{
							name: 'JSON',
							value: 'json',
							description: "The content object as Yunzhenji's docs show it",
						},
					],
					default: 'fields',
					displayOptions: { hide: { type: JSON_ONLY } },
				},
				{
					displayName: 'Content (JSON)',
					name: 'contentJson',
					type: 'json',
					default: '{}',
					description: 'The message content, e.g. {"items":[{"type":"text","text":"hi"}]} for text',
					displayOptions: { show: { contentInput: ['json'] }, hide: { type: JSON_ONLY } },
				},
				{
					displayName: 'Content (JSON)',
					name: 'contentJson',
					type: 'json',
					default: '{}',
					description: 'The content object of this type, as the platform documents it',
					displayOptions: { show: { type: JSON_ONLY } },
				},
				{
					displayName: 'Text',
					name: 'text',
					type: 'string',
					typeOptions: { rows: 3 },
					default: '',
					displayOptions: forTypes(['text', 'announcement']),
				},
				{
					displayName: 'Mention WXIDs',
					name: 'mentions',
					type: 'string',
					default: '',
					description: 'Group members to @mention before the text, separated by commas',
					displayOptions: forTypes(['text']),
				},
				{
					displayName: 'Emoji',
					name: 'emoji',
					type: 'string',
					default: '',
					placeholder: '[微笑],[OK]',
					description: 'WeCom emoji codes to add after the text, separated by commas',
					displayOptions: forTypes(['text']),
				},
				{
					displayName: 'Title',
					name: 'title',
					type: 'string',
					default: '',
					displayOptions: forTypes(['link', 'file', 'program']),
				},
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					displayOptions: forTypes(['picture', 'link', 'file', 'voice', 'video']),
				},
				{
					displayName: 'Description',
					name: 'desc',
					type: 'string',
					default: '',
					displayOptions: forTypes(['link']),
				},
				{
					displayName: 'Cover URL',
					name: 'cover',
					type: 'string',
					default: '',
					displayOptions: forTypes(['link', 'video', 'program']),
				},
				{
					displayName: 'Duration (Seconds)',
					name: 'duration',
					type: 'number',
					default: 1,
					description: 'Voice: 1 to 60; video: optional',
					displayOptions: forTypes(['voice', 'video']),
				},
				{
					displayName: 'Original Voice Content',
					name: 'orgContent',
					type: 'string',
					default: '',
					description: 'For a voice taken from a received message: its org_content, copied',
					displayOptions: forTypes(['voice']),
				},
				{
					displayName: 'Mini Program App ID',
					name: 'appid',
					type: 'string',
					default: '',
					displayOptions: forTypes(['program']),
				},
				{
					displayName: 'Mini Program Username',
					name: 'username',
					type: 'string',
					default: '',
					placeholder: 'gh_abc123@app',
					displayOptions: forTypes(['program']),
				},
				{
					displayName: 'Page Path',
					name: 'pagepath',
					type: 'string',
					default: '',
					displayOptions: forTypes(['program']),
				},
				{
					displayName: 'Send At',
					name: 'delayedTime',
					type: 'dateTime',
					default: '',
					description: 'Schedule this message (a date, or Unix seconds); at once when empty',
				},
				{
					displayName: 'API Send ID',
					name: 'apiSendId',
					type: 'string',
					default: '',
					description:
						"Echoed in the callbacks; when empty one is made from the execution and the item's position",
				},
			],
		},
	],
};

function requireUrl(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!/^https?:\/\/\S+$/i.test(text))
		throw new InputError(field, `"${field}" must be an http(s):// URL`);
	return text;
}

function list(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

/** The content of one message from its fields. */
function contentOf(
	m: IDataObject,
	type: MessageType,
	field: (name: string) => string,
	target: string,
): IDataObject {
	switch (type) {
		case 'text': {
			const text = String(m.text ?? '');
			const items: IDataObject[] = [
				...list(m.mentions).map((wxid) => ({ type: 'at', wxid })),
				...(text ? [{ type: 'text', text }] : []),
				...list(m.emoji).map((code) => ({ type: 'emoji', text: code })),
			];
			if (items.length === 0) throw new InputError(field('Text'), `"${field('Text')}" is required`);
			return { items };
		}
		case 'announcement':
			if (!target.startsWith('R:')) {
				throw new InputError(
					field('Type'),
					`${field('Type')}: a group announcement can only go to a group (a target WXID starting with R:)`,
				);
			}
			return { text: requireText(m.text, field('Text')) };
		case 'picture':
			return { url: requireUrl(m.url, field('URL')) };
		case 'link': {
			const content: IDataObject = {
				title: requireText(m.title, field('Title')),
				url: requireUrl(m.url, field('URL')),
			};
			if (m.desc) content.desc = String(m.desc);
			if (m.cover) content.cover = requireUrl(m.cover, field('Cover URL'));
			return content;
		}
		case 'file':
			return { title: requireText(m.title, field('Title')), url: requireUrl(m.url, field('URL')) };
		case 'voice':
			return {
				url: requireUrl(m.url, field('URL')),
				duration: requireNumber(m.duration, field('Duration (Seconds)'), {
					min: 1,
					max: 60,
					integer: true,
				}),
				org_content: String(m.orgContent ?? ''),
			};
		case 'video': {
			const content: IDataObject = { url: requireUrl(m.url, field('URL')) };
			if (m.cover) content.cover = requireUrl(m.cover, field('Cover URL'));
			if (m.duration !== undefined && m.duration !== '' && Number(m.duration) > 0) {
				content.duration = requireNumber(m.duration, field('Duration (Seconds)'), {
					min: 1,
					integer: true,
				});
			}
			return content;
		}
		case 'program': {
			const content: IDataObject = {
				appid: requireText(m.appid, field('Mini Program App ID')),
				username: requireText(m.username, field('Mini Program Username')),
				title: requireText(m.title, field('Title')),
				pagepath: String(m.pagepath ?? ''),
			};
			if (m.cover) content.cover = requireUrl(m.cover, field('Cover URL'));
			return content;
		}
		default:
			throw new InputError(
				field('Content (JSON)'),
				`"${field('Content (JSON)')}" is required for ${type}`,
			);
	}
}

/** The messages of one item, in order; `idFor(n)` makes the api_send_id of message n when none is given. */
export function readMessages(
	ctx: IExecuteFunctions,
	i: number,
	target: string,
	idFor: (n: number) => string,
): OutgoingMessage[] {
	const raw =
		(ctx.getNodeParameter('messages', i, {}) as { message?: IDataObject[] }).message ?? [];
	if (raw.length === 0) throw new InputError('Messages', '"Messages" needs at least one message');
	const zone = ctx.getTimezone();
	return raw.map((m, n) => {
		const field = (name: string) => `Messages › ${n + 1} › ${name}`;
		const type = String(m.type ?? 'text') as MessageType;
		if (!TYPES.some((t) => t.value === type))
			throw new InputError(field('Type'), `"${field('Type')}" ${type} is not a message type`);
		let content: IDataObject;
		if (JSON_ONLY.includes(type) || m.contentInput === 'json') {
			const parsed = parseJsonParameter(m.contentJson ?? '{}', field('Content (JSON)'));
			if (
				!parsed ||
				typeof parsed !== 'object' ||
				Array.isArray(parsed) ||
				Object.keys(parsed).length === 0
			) {
				throw new InputError(
					field('Content (JSON)'),
					`"${field('Content (JSON)')}" must be a JSON object with the ${type} content`,
				);
			}
			if (type === 'announcement' && !target.startsWith('R:'))
				contentOf({}, 'announcement', field, target);
			content = parsed as IDataObject;
		} else {
			content = contentOf(m, type, field, target);
		}
		const message: OutgoingMessage = { msg_type: type, content };
		const at = optionalUnixSeconds(m.delayedTime, field('Send At'), zone);
		if (at !== undefined) message.delayed_time = at;
		const given = String(m.apiSendId ?? '').trim();
		message.api_send_id = given || idFor(n);
		return message;
	});
}
