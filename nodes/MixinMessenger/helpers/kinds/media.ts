import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { requireNumber, requireText, requireUuid } from '../../../common/validate';
import { base64Field, readDimensions, readDuration } from './fields';
import { forKinds, type KindInput, type MessageKind, type PendingUpload } from './types';

/** Kinds whose content is an attachment. */
export const MEDIA_KINDS = ['image', 'file', 'audio', 'video'];

/** Where the attachment comes from, shared by all media kinds. */
export const mediaSourceProperties: INodeProperties[] = [
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		options: [
			{ name: 'Binary Data', value: 'binary', description: 'Upload a binary property of the input item first' },
			{ name: 'Existing Attachment', value: 'attachment', description: 'An attachment already uploaded' },
		],
		default: 'binary',
		displayOptions: forKinds(MEDIA_KINDS),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the file',
		displayOptions: forKinds(MEDIA_KINDS, { mediaSource: ['binary'] }),
	},
	{
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: forKinds(MEDIA_KINDS, { mediaSource: ['attachment'] }),
	},
	{
		displayName: 'MIME Type',
		name: 'mimeType',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'image/jpeg',
		displayOptions: forKinds(MEDIA_KINDS, { mediaSource: ['attachment'] }),
	},
	{
		displayName: 'Size (Bytes)',
		name: 'size',
		type: 'number',
		required: true,
		default: 0,
		displayOptions: forKinds(MEDIA_KINDS, { mediaSource: ['attachment'] }),
	},
];

const mimeTypeOverride: INodeProperties = {
	displayName: 'MIME Type Override',
	name: 'mimeTypeOverride',
	type: 'string',
	default: '',
	description: "Use instead of the binary data's own MIME type",
};

const thumbnailOption: INodeProperties = {
	displayName: 'Thumbnail (Base64)',
	name: 'thumbnail',
	type: 'string',
	default: '',
	description: 'A small preview image for image and video messages, base64 encoded',
};

/** The media types Mixin's clients can show for each kind; parameters (`; codecs=opus`) are allowed. */
const MEDIA_TYPE_OF: Record<string, { test: (essence: string, codecs?: string) => boolean; expected: string }> = {
	image: { test: (t) => t.startsWith('image/'), expected: 'an image/* type' },
	audio: {
		test: (t, codecs) => t === 'audio/ogg' && (codecs === undefined || codecs === 'opus'),
		expected: 'audio/ogg with Opus: Mixin clients play nothing else',
	},
	video: { test: (t) => t === 'video/mp4', expected: 'video/mp4: Mixin clients play nothing else' },
};

function checkMediaType(kind: string, mimeType: string, field: string): void {
	const rule = MEDIA_TYPE_OF[kind];
	const [essence, ...parameters] = mimeType.split(';').map((p) => p.trim().toLowerCase());
	const codecs = parameters.find((p) => p.startsWith('codecs='))?.slice('codecs='.length).replace(/"/g, '');
	if (rule && !rule.test(essence, codecs)) {
		throw new InputError(field, `"${field}" is ${mimeType}; ${kind} messages must be ${rule.expected}`);
	}
}

/** The attachment fields of one item, and the bytes to upload when they come from a binary field. */
async function readMedia(
	{ ctx, i, extra }: KindInput,
	kind: string,
): Promise<{ fields: IDataObject; upload?: PendingUpload }> {
	const source = ctx.getNodeParameter('mediaSource', i) as string;
	if (source === 'binary') {
		const property = requireText(ctx.getNodeParameter('binaryPropertyName', i), 'Input Binary Field');
		const meta = ctx.helpers.assertBinaryData(i, property);
		const override = String(extra.mimeTypeOverride ?? '').trim();
		const mimeType = override || meta.mimeType || 'application/octet-stream';
		checkMediaType(kind, mimeType, override ? 'MIME Type Override' : 'Input Binary Field');
		const bytes = await ctx.helpers.getBinaryDataBuffer(i, property);
		if (bytes.length === 0) throw new InputError('Input Binary Field', `binary field "${property}" is empty`);
		return { fields: { mime_type: mimeType, size: bytes.length }, upload: { bytes, mimeType, fileName: meta.fileName } };
	}
	const fields: IDataObject = {
		attachment_id: requireUuid(ctx.getNodeParameter('attachmentId', i), 'Attachment ID'),
		mime_type: requireText(ctx.getNodeParameter('mimeType', i), 'MIME Type'),
		size: requireNumber(ctx.getNodeParameter('size', i), 'Size (Bytes)', { min: 1, integer: true }),
	};
	checkMediaType(kind, fields.mime_type as string, 'MIME Type');
	return { fields };
}

export const image: MessageKind = {
	value: 'image',
	name: 'Image',
	properties: [],
	additionalOptions: [mimeTypeOverride, thumbnailOption],
	async read(input) {
		const media = await readMedia(input, 'image');
		const payload: IDataObject = { ...media.fields, ...readDimensions(input.ctx, input.i) };
		const thumbnail = base64Field(input.extra.thumbnail, 'Thumbnail (Base64)');
		if (thumbnail) payload.thumbnail = thumbnail;
		return { category: 'PLAIN_IMAGE', payload, upload: media.upload };
	},
};

export const video: MessageKind = {
	value: 'video',
	name: 'Video',
	properties: [],
	additionalOptions: [mimeTypeOverride, thumbnailOption],
	async read(input) {
		const media = await readMedia(input, 'video');
		const payload: IDataObject = { ...media.fields, ...readDimensions(input.ctx, input.i) };
		payload.duration = readDuration(input.ctx, input.i);
		const thumbnail = base64Field(input.extra.thumbnail, 'Thumbnail (Base64)');
		if (thumbnail) payload.thumbnail = thumbnail;
		return { category: 'PLAIN_VIDEO', payload, upload: media.upload };
	},
};

export const file: MessageKind = {
	value: 'file',
	name: 'File',
	properties: [
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description: "Name shown to the recipient; the binary's file name when empty",
			displayOptions: forKinds(['file']),
		},
	],
	additionalOptions: [mimeTypeOverride],
	async read(input) {
		const media = await readMedia(input, 'file');
		const name = (input.ctx.getNodeParameter('fileName', input.i, '') as string).trim() || media.upload?.fileName || '';
		return {
			category: 'PLAIN_DATA',
			payload: { ...media.fields, name: requireText(name, 'File Name') },
			upload: media.upload,
		};
	},
};

export const audio: MessageKind = {
	value: 'audio',
	name: 'Audio',
	properties: [],
	additionalOptions: [
		mimeTypeOverride,
		{
			displayName: 'Waveform (Base64)',
			name: 'waveform',
			type: 'string',
			default: '',
			description: 'Audio waveform bytes, base64 encoded',
		},
	],
	async read(input) {
		const media = await readMedia(input, 'audio');
		const payload: IDataObject = { ...media.fields, duration: readDuration(input.ctx, input.i) };
		const waveform = base64Field(input.extra.waveform, 'Waveform (Base64)');
		if (waveform) payload.waveform = waveform;
		return { category: 'PLAIN_AUDIO', payload, upload: media.upload };
	},
};
