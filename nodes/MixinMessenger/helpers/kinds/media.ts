import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import {
	IMAGE_FORMAT_NAMES,
	imageFormat,
	imageSize,
	mp4Info,
	oggOpusDurationMs,
} from '../../../common/mediaInfo';
import { requireNumber, requireText, requireUuid } from '../../../common/validate';
import { base64Field, readDimensions, readDuration, readOverride } from './fields';
import { forKinds, type KindInput, type MessageKind, type PendingUpload } from './types';
import { flatWaveform } from './waveform';

/** Kinds whose content is an attachment. */
export const MEDIA_KINDS = ['image', 'file', 'audio', 'video'];

/** Where the attachment comes from, shared by all media kinds. */
export const mediaSourceProperties: INodeProperties[] = [
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		options: [
			{
				name: 'Binary Data',
				value: 'binary',
				description: 'Upload a binary property of the input item first',
			},
			{
				name: 'Existing Attachment',
				value: 'attachment',
				description: 'An attachment already uploaded',
			},
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

/**
 * Mixin's own clients send a blurred JPEG of at most 64 px a side (Android's blurThumbnail), a few KB; 32 KiB
 * leaves room for a sharper preview and, base64 twice over (about 58 KB), stays well within Mixin's 128 KB message.
 */
export const MAX_THUMBNAIL_BYTES = 32 * 1024;

const thumbnailBinaryOption: INodeProperties = {
	displayName: 'Thumbnail Input Binary Field',
	name: 'thumbnailBinaryProperty',
	type: 'string',
	default: '',
	description: `Name of an input binary field holding a small preview image (PNG, JPEG, GIF or WebP, at most ${MAX_THUMBNAIL_BYTES / 1024} KB) for image and video messages`,
};

/** The media types Mixin's clients can show for each kind; parameters (`; codecs=opus`) are allowed. */
const MEDIA_TYPE_OF: Record<
	string,
	{ test: (essence: string, codecs?: string) => boolean; expected: string }
> = {
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
	const codecs = parameters
		.find((p) => p.startsWith('codecs='))
		?.slice('codecs='.length)
		.replace(/"/g, '');
	if (rule && !rule.test(essence, codecs)) {
		throw new InputError(
			field,
			`"${field}" is ${mimeType}; ${kind} messages must be ${rule.expected}`,
		);
	}
}

/** The attachment fields of one item, and the bytes to upload when they come from a binary field. */
async function readMedia(
	{ ctx, i, extra }: KindInput,
	kind: string,
): Promise<{ fields: IDataObject; upload?: PendingUpload }> {
	const source = ctx.getNodeParameter('mediaSource', i) as string;
	if (source === 'binary') {
		const property = requireText(
			ctx.getNodeParameter('binaryPropertyName', i),
			'Input Binary Field',
		);
		const meta = ctx.helpers.assertBinaryData(i, property);
		const override = String(extra.mimeTypeOverride ?? '').trim();
		const mimeType = override || meta.mimeType || 'application/octet-stream';
		checkMediaType(kind, mimeType, override ? 'MIME Type Override' : 'Input Binary Field');
		const bytes = await ctx.helpers.getBinaryDataBuffer(i, property);
		if (bytes.length === 0)
			throw new InputError('Input Binary Field', `binary field "${property}" is empty`);
		return {
			fields: { mime_type: mimeType, size: bytes.length },
			upload: { bytes, mimeType, fileName: meta.fileName },
		};
	}
	const fields: IDataObject = {
		attachment_id: requireUuid(ctx.getNodeParameter('attachmentId', i), 'Attachment ID'),
		mime_type: requireText(ctx.getNodeParameter('mimeType', i), 'MIME Type'),
		size: requireNumber(ctx.getNodeParameter('size', i), 'Size (Bytes)', { min: 1, integer: true }),
	};
	checkMediaType(kind, fields.mime_type as string, 'MIME Type');
	return { fields };
}

/** "A", "A and B", "A, B and C", each quoted as the fields are in messages. */
function fieldList(fields: string[]): string {
	const quoted = fields.map((f) => `"${f}"`);
	return quoted.length > 1
		? `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`
		: quoted[0];
}

/** A payload field the file can tell, named as its parameter; the display name is for messages. */
type Measure = 'width' | 'height' | 'duration';

const FIELD_OF: Record<Measure, string> = {
	width: 'Width',
	height: 'Height',
	duration: 'Duration (Ms)',
};

/**
 * Width, height and duration of media from a binary field: each one typed (non-zero) is sent as typed, and only
 * the ones left at 0 are read from the file, so a file is parsed only when something is missing. `unreadable`
 * says why the missing ones could not be read.
 */
function fromFile(
	{ ctx, i }: KindInput,
	wanted: Measure[],
	read: () => Partial<Record<Measure, number>> | undefined,
	unreadable: (missing: Measure[]) => string,
): Partial<Record<Measure, number>> {
	const values: Partial<Record<Measure, number>> = {};
	for (const key of wanted) values[key] = readOverride(ctx, i, key, FIELD_OF[key]);
	const missing = wanted.filter((key) => values[key] === undefined);
	if (missing.length === 0) return values;
	const found = read() ?? {};
	const notFound = missing.filter((key) => !found[key]);
	if (notFound.length > 0) {
		const fields = fieldList(notFound.map((key) => FIELD_OF[key]));
		throw new InputError(
			FIELD_OF[notFound[0]],
			`${unreadable(notFound)}; set ${fields}`,
			`The node reads what is left at 0 from the file; type ${fields} to send this file as it is.`,
		);
	}
	for (const key of missing) values[key] = found[key];
	return values;
}

function imageDimensions(input: KindInput, bytes: Buffer): IDataObject {
	return fromFile(
		input,
		['width', 'height'],
		() => imageSize(bytes),
		() => {
			const format = imageFormat(bytes);
			return format
				? `could not read the image size from the ${IMAGE_FORMAT_NAMES[format]} header of "Input Binary Field"`
				: 'could not read the image size: "Input Binary Field" is not a PNG, JPEG, GIF or WebP image';
		},
	);
}

function videoMeasures(input: KindInput, bytes: Buffer): IDataObject {
	return fromFile(
		input,
		['width', 'height', 'duration'],
		() => {
			const info = mp4Info(bytes);
			return info && { width: info.width, height: info.height, duration: info.durationMs };
		},
		(missing) => {
			const size = missing.includes('width') || missing.includes('height');
			const what =
				size && missing.includes('duration') ? 'size and duration' : size ? 'size' : 'duration';
			if (!mp4Info(bytes))
				return `could not read the video ${what}: "Input Binary Field" has no MP4 movie box (moov)`;
			const box = what === 'size' ? 'tkhd' : what === 'duration' ? 'mvhd' : 'mvhd, tkhd';
			return `could not read the video ${what} from the MP4 headers (${box}) of "Input Binary Field"`;
		},
	);
}

function audioDuration(input: KindInput, bytes: Buffer): IDataObject {
	return fromFile(
		input,
		['duration'],
		() => ({ duration: oggOpusDurationMs(bytes) }),
		() => 'could not read the duration from the Ogg Opus pages of "Input Binary Field"',
	);
}

/** The preview of an image or video: typed as base64, or read from a small image in a binary field. */
async function readThumbnail({ ctx, i, extra }: KindInput): Promise<string | undefined> {
	const typed = base64Field(extra.thumbnail, 'Thumbnail (Base64)');
	const property = String(extra.thumbnailBinaryProperty ?? '').trim();
	if (!property) return typed;
	const field = 'Thumbnail Input Binary Field';
	if (typed) throw new InputError(field, `set "Thumbnail (Base64)" or "${field}", not both`);
	if (!ctx.getInputData()[i]?.binary?.[property]) {
		throw new InputError(
			field,
			`"${field}" names binary field "${property}", which the item does not have`,
		);
	}
	const bytes = await ctx.helpers.getBinaryDataBuffer(i, property);
	if (bytes.length === 0)
		throw new InputError(field, `"${field}": binary field "${property}" is empty`);
	if (bytes.length > MAX_THUMBNAIL_BYTES) {
		throw new InputError(
			field,
			`"${field}" holds ${bytes.length} bytes; a thumbnail may have at most ${MAX_THUMBNAIL_BYTES}`,
			"A thumbnail is a tiny preview shown while the media loads: Mixin's own clients send a blurred JPEG of at most 64 px a side.",
		);
	}
	if (!imageFormat(bytes))
		throw new InputError(field, `"${field}" must hold a PNG, JPEG, GIF or WebP image`);
	return bytes.toString('base64');
}

export const image: MessageKind = {
	value: 'image',
	name: 'Image',
	properties: [],
	additionalOptions: [mimeTypeOverride, thumbnailOption, thumbnailBinaryOption],
	async read(input) {
		const media = await readMedia(input, 'image');
		const dimensions = media.upload
			? imageDimensions(input, media.upload.bytes)
			: readDimensions(input.ctx, input.i);
		const payload: IDataObject = { ...media.fields, ...dimensions };
		const thumbnail = await readThumbnail(input);
		if (thumbnail) payload.thumbnail = thumbnail;
		return { category: 'PLAIN_IMAGE', payload, upload: media.upload };
	},
};

export const video: MessageKind = {
	value: 'video',
	name: 'Video',
	properties: [],
	additionalOptions: [mimeTypeOverride, thumbnailOption, thumbnailBinaryOption],
	async read(input) {
		const media = await readMedia(input, 'video');
		const measures = media.upload
			? videoMeasures(input, media.upload.bytes)
			: { ...readDimensions(input.ctx, input.i), duration: readDuration(input.ctx, input.i) };
		const payload: IDataObject = {
			...media.fields,
			width: measures.width,
			height: measures.height,
			duration: measures.duration,
		};
		const thumbnail = await readThumbnail(input);
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
		const name =
			(input.ctx.getNodeParameter('fileName', input.i, '') as string).trim() ||
			media.upload?.fileName ||
			'';
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
			description: 'Audio waveform bytes, base64 encoded; a flat one is sent when empty',
		},
	],
	async read(input) {
		const media = await readMedia(input, 'audio');
		const duration = media.upload
			? audioDuration(input, media.upload.bytes)
			: { duration: readDuration(input.ctx, input.i) };
		const payload: IDataObject = { ...media.fields, ...duration };
		// clients draw a voice message from its waveform; one that has none gets a steady line
		payload.waveform = base64Field(input.extra.waveform, 'Waveform (Base64)') ?? flatWaveform();
		return { category: 'PLAIN_AUDIO', payload, upload: media.upload };
	},
};
