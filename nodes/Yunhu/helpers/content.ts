/**
 * What a Yunhu message says, whichever API sends it: the Content Type dropdown (per API), every type's fields next
 * to the code that reads them, buttons and @mentions. Reading sends nothing; files from binary fields are read
 * here and uploaded later (see message.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readBinaryFile, type BinaryFile } from '../../common/binary';
import { InputError } from '../../common/errors';
import { parseJsonParameter, requireNumber, requireText } from '../../common/validate';
import type { BotButton } from '../transport/botApi';
import type { YunhuApi } from './client';

export type ContentKind =
	| 'text'
	| 'markdown'
	| 'html'
	| 'image'
	| 'file'
	| 'video'
	| 'audio'
	| 'sticker'
	| 'form'
	| 'article';

export type MediaKind = 'image' | 'file' | 'video' | 'audio';

const MEDIA: MediaKind[] = ['image', 'file', 'video', 'audio'];
const TEXTUAL: ContentKind[] = ['text', 'markdown', 'html'];

/** Yunhu documents no length limit for a message body; the node keeps bodies to a size its apps display. */
export const MAX_TEXT_CHARS = 20_000;

const KIND_NAMES: Record<ContentKind, string> = {
	text: 'Text',
	markdown: 'Markdown',
	html: 'HTML',
	image: 'Image',
	file: 'File',
	video: 'Video',
	audio: 'Audio',
	sticker: 'Sticker',
	form: 'Form',
	article: 'Article',
};

/** What each API can send. */
export const KINDS_OF: Record<YunhuApi, ContentKind[]> = {
	userApi: [
		'text',
		'markdown',
		'html',
		'image',
		'file',
		'video',
		'audio',
		'sticker',
		'form',
		'article',
	],
	botApi: ['text', 'markdown', 'html', 'image', 'file', 'video'],
};

const show = (kinds: ContentKind[], extra: IDataObject = {}) => ({
	show: { contentType: kinds, ...extra },
});

function contentTypeProperty(api: YunhuApi, kinds: ContentKind[]): INodeProperties {
	return {
		displayName: 'Content Type',
		name: 'contentType',
		type: 'options',
		options: kinds.map((k) => ({ name: KIND_NAMES[k], value: k })),
		default: 'text',
		displayOptions: { show: { authentication: [api] } },
	};
}

const ACTIONS: Record<string, BotButton['actionType']> = { openUrl: 1, copy: 2, report: 3 };

export const buttonsProperty: INodeProperties = {
	displayName: 'Buttons',
	name: 'buttons',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Button',
	default: {},
	displayOptions: show(TEXTUAL),
	options: [
		{
			displayName: 'Button',
			name: 'button',
			values: [
				{
					displayName: 'Action',
					name: 'action',
					type: 'options',
					options: [
						{ name: 'Open URL', value: 'openUrl' },
						{ name: 'Copy Text', value: 'copy' },
						{ name: 'Report to the Bot', value: 'report' },
					],
					default: 'openUrl',
					description: 'What a tap does; a report reaches the bot as a button.report.inline event',
				},
				{
					displayName: 'Row',
					name: 'row',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 1,
					description: 'Buttons with the same row number sit side by side',
				},
				{ displayName: 'Text', name: 'text', type: 'string', default: '' },
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					displayOptions: { show: { action: ['openUrl'] } },
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'The text copied, or the value reported to the bot',
					displayOptions: { show: { action: ['copy', 'report'] } },
				},
			],
		},
	],
};

export const mentionsProperty: INodeProperties = {
	displayName: 'Mentions',
	name: 'mentions',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Mention',
	default: {},
	description: 'Users to @mention; "@Name" is added to the text where it is missing',
	displayOptions: show(TEXTUAL),
	options: [
		{
			displayName: 'Mention',
			name: 'mention',
			values: [
				{ displayName: 'User ID', name: 'userId', type: 'string', default: '' },
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					description: 'The name shown after the @',
				},
			],
		},
	],
};

/** The content fields of Send (and, for text types, Edit). */
export const contentProperties: INodeProperties[] = [
	contentTypeProperty('userApi', KINDS_OF.userApi),
	contentTypeProperty('botApi', KINDS_OF.botApi),
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		description: `The message: plain text, Markdown or HTML as chosen (at most ${MAX_TEXT_CHARS} characters)`,
		displayOptions: show(TEXTUAL),
	},
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		options: [
			{
				name: 'Binary Data',
				value: 'binary',
				description: 'Upload a binary field of the input item first',
			},
			{
				name: 'Uploaded Key or URL',
				value: 'key',
				description: 'A key an earlier upload returned, or an http(s) URL',
			},
		],
		default: 'binary',
		displayOptions: show(MEDIA),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the file',
		displayOptions: show(MEDIA, { mediaSource: ['binary'] }),
	},
	{
		displayName: 'Key or URL',
		name: 'mediaKey',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1a79a4d60de6718e8e5b326e338ae533.jpg',
		displayOptions: show(MEDIA, { mediaSource: ['key'] }),
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
		displayName: 'Duration (Seconds)',
		name: 'audioSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		required: true,
		default: 1,
		displayOptions: show(['audio']),
	},
	{
		displayName: 'Sticker',
		name: 'stickerSource',
		type: 'options',
		options: [
			{ name: 'Image Key or URL', value: 'image' },
			{ name: 'Personal Sticker ID', value: 'expression' },
			{ name: 'Sticker Pack Item', value: 'pack' },
		],
		default: 'image',
		displayOptions: show(['sticker']),
	},
	{
		displayName: 'Sticker Image',
		name: 'stickerImage',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'expression/abcdef.jpg',
		displayOptions: show(['sticker'], { stickerSource: ['image'] }),
	},
	{
		displayName: 'Personal Sticker ID',
		name: 'expressionId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['sticker'], { stickerSource: ['expression'] }),
	},
	{
		displayName: 'Sticker Item ID',
		name: 'stickerItemId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['sticker'], { stickerSource: ['pack'] }),
	},
	{
		displayName: 'Sticker Pack ID',
		name: 'stickerPackId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['sticker'], { stickerSource: ['pack'] }),
	},
	{
		displayName: 'Form (JSON)',
		name: 'formJson',
		type: 'json',
		required: true,
		default: '{}',
		description: "The form's values keyed by form item ID, as the bot's command form defines them",
		displayOptions: show(['form']),
	},
	{
		displayName: 'Command ID',
		name: 'commandId',
		type: 'number',
		required: true,
		default: 0,
		description: 'The bot command whose form this is',
		displayOptions: show(['form']),
	},
	{
		displayName: 'Title',
		name: 'articleTitle',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['article']),
	},
	{
		displayName: 'Article Text',
		name: 'articleContent',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
		displayOptions: show(['article']),
	},
	{
		displayName: 'Article Format',
		name: 'articleFormat',
		type: 'options',
		options: [
			{ name: 'Text', value: '1' },
			{ name: 'Markdown', value: '2' },
		],
		default: '2',
		displayOptions: show(['article']),
	},
	buttonsProperty,
	mentionsProperty,
];

export interface Mention {
	userId: string;
	name: string;
}

/** One item's message content, read and checked; `upload` is the file still to upload. */
export interface DraftContent {
	kind: ContentKind;
	text?: string;
	buttons?: BotButton[][];
	mentions?: Mention[];
	/** Key or URL of the media, known now or after the upload. */
	mediaKey?: string;
	upload?: BinaryFile;
	fileName?: string;
	fileSize?: number;
	audioSeconds?: number;
	sticker?: { image?: string; expressionId?: string; itemId?: string; packId?: string };
	form?: { json: string; commandId: number };
	article?: { title: string; content: string; format: string };
}

function readButtons(ctx: IExecuteFunctions, i: number): BotButton[][] | undefined {
	const raw = (ctx.getNodeParameter('buttons', i, {}) as { button?: IDataObject[] }).button ?? [];
	if (raw.length === 0) return undefined;
	const rows = new Map<number, BotButton[]>();
	raw.forEach((b, n) => {
		const field = (name: string) => `Buttons › ${n + 1} › ${name}`;
		const actionType = ACTIONS[String(b.action ?? 'openUrl')];
		const button: BotButton = { text: requireText(b.text, field('Text')), actionType };
		if (actionType === 1) {
			const url = requireText(b.url, field('URL'));
			if (!/^https?:\/\/\S+$/i.test(url))
				throw new InputError(field('URL'), `"${field('URL')}" must be an http(s):// URL`);
			button.url = url;
		} else {
			button.value = requireText(b.value, field('Value'));
		}
		const row = requireNumber(b.row ?? 1, field('Row'), { min: 1, integer: true });
		rows.set(row, [...(rows.get(row) ?? []), button]);
	});
	return [...rows.entries()].sort(([a], [b]) => a - b).map(([, buttons]) => buttons);
}

function readMentions(ctx: IExecuteFunctions, i: number): Mention[] | undefined {
	const raw =
		(ctx.getNodeParameter('mentions', i, {}) as { mention?: IDataObject[] }).mention ?? [];
	if (raw.length === 0) return undefined;
	return raw.map((m, n) => ({
		userId: requireText(m.userId, `Mentions › ${n + 1} › User ID`),
		name: requireText(m.name, `Mentions › ${n + 1} › Name`),
	}));
}

/**
 * Yunhu marks a mention in the text as "@Name" followed by a zero-width space (U+200B), which ends the name (names
 * may hold spaces). Add the mark where a mention's name is missing or unmarked.
 */
export function markMentions(text: string, mentions: Mention[] = []): string {
	let out = text;
	for (const { name } of mentions) {
		const marked = `@${name}\u200b`;
		if (out.includes(marked)) continue;
		const at = out.indexOf(`@${name}`);
		out =
			at >= 0
				? `${out.slice(0, at)}${marked}${out.slice(at + name.length + 1)}`
				: `${out}${out ? ' ' : ''}${marked}`;
	}
	return out;
}

export function readText(ctx: IExecuteFunctions, i: number): string {
	const text = requireText(ctx.getNodeParameter('text', i), 'Text');
	const length = [...text].length;
	if (length > MAX_TEXT_CHARS) {
		throw new InputError(
			'Text',
			`"Text" is ${length} characters long; the node sends at most ${MAX_TEXT_CHARS}`,
		);
	}
	return text;
}

/** Read one item's content for `api`; files from binary fields are read (not uploaded). */
export async function readContent(
	ctx: IExecuteFunctions,
	i: number,
	api: YunhuApi,
): Promise<DraftContent> {
	const kind = ctx.getNodeParameter('contentType', i) as ContentKind;
	if (!KINDS_OF[api].includes(kind)) {
		throw new InputError(
			'Content Type',
			`"Content Type" ${kind} cannot be sent through the ${api === 'botApi' ? 'bot' : 'client'} API`,
		);
	}
	const draft: DraftContent = { kind };
	if (TEXTUAL.includes(kind)) {
		draft.mentions = readMentions(ctx, i);
		draft.text = markMentions(readText(ctx, i), draft.mentions);
		draft.buttons = readButtons(ctx, i);
		return draft;
	}
	if ((MEDIA as string[]).includes(kind)) {
		if (ctx.getNodeParameter('mediaSource', i) === 'binary') {
			draft.upload = await readBinaryFile(ctx, i);
			draft.fileSize = draft.upload.size;
		} else {
			draft.mediaKey = requireText(ctx.getNodeParameter('mediaKey', i), 'Key or URL');
		}
		if (kind === 'file') {
			const name =
				String(ctx.getNodeParameter('fileName', i, '') ?? '').trim() ||
				draft.upload?.fileName ||
				'';
			draft.fileName = requireText(name, 'File Name');
		}
		if (kind === 'audio') {
			draft.audioSeconds = requireNumber(
				ctx.getNodeParameter('audioSeconds', i),
				'Duration (Seconds)',
				{
					min: 1,
					integer: true,
				},
			);
		}
		return draft;
	}
	if (kind === 'sticker') {
		const source = ctx.getNodeParameter('stickerSource', i) as string;
		if (source === 'image')
			draft.sticker = {
				image: requireText(ctx.getNodeParameter('stickerImage', i), 'Sticker Image'),
			};
		else if (source === 'expression') {
			draft.sticker = {
				expressionId: requireText(ctx.getNodeParameter('expressionId', i), 'Personal Sticker ID'),
			};
		} else {
			const id = (name: string, field: string) => {
				const value = requireText(ctx.getNodeParameter(name, i), field);
				if (!/^\d+$/.test(value)) throw new InputError(field, `"${field}" must be a number`);
				return value;
			};
			draft.sticker = {
				itemId: id('stickerItemId', 'Sticker Item ID'),
				packId: id('stickerPackId', 'Sticker Pack ID'),
			};
		}
		return draft;
	}
	if (kind === 'form') {
		const parsed = parseJsonParameter(ctx.getNodeParameter('formJson', i), 'Form (JSON)');
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new InputError('Form (JSON)', '"Form (JSON)" must be a JSON object');
		}
		const commandId = requireNumber(ctx.getNodeParameter('commandId', i), 'Command ID', {
			min: 1,
			integer: true,
		});
		draft.form = { json: JSON.stringify(parsed), commandId };
		return draft;
	}
	if (kind === 'article') {
		draft.article = {
			title: requireText(ctx.getNodeParameter('articleTitle', i), 'Title'),
			content: requireText(ctx.getNodeParameter('articleContent', i), 'Article Text'),
			format: String(ctx.getNodeParameter('articleFormat', i, '2')),
		};
		return draft;
	}
	throw new InputError('Content Type', `"Content Type" ${String(kind)} is not supported`);
}

/** The media kind of a content kind, for uploads. */
export function mediaKindOf(kind: ContentKind): MediaKind | undefined {
	return (MEDIA as string[]).includes(kind) ? (kind as MediaKind) : undefined;
}
