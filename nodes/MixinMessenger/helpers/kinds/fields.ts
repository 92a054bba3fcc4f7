import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { requireNumber, requireText } from '../../../common/validate';
import { forKinds } from './types';

/** Live streams carry a picture's size, typed by hand. */
const LIVE = ['live'];
/** Kinds whose file tells its own picture size when it comes from a binary field. */
const SIZED_MEDIA = ['image', 'video'];
/** Kinds that carry a length in milliseconds. */
const TIMED = ['audio', 'video'];

/**
 * A number field in two guises: required where it must be typed (a live stream, an existing attachment), and
 * optional where the node reads it from the binary file, 0 meaning "from the file". Both share one name, so a
 * saved workflow's value is read whichever one shows.
 */
function typedOrFromFile(
	field: { displayName: string; name: string; description: string },
	typedWhere: Array<ReturnType<typeof forKinds>>,
	fromFileKinds: string[],
): INodeProperties[] {
	const base = { ...field, type: 'number' as const, default: 0 };
	return [
		...typedWhere.map((displayOptions) => ({ ...base, required: true, displayOptions })),
		{
			...base,
			description: `${field.description}; 0 reads it from the file`,
			displayOptions: forKinds(fromFileKinds, { mediaSource: ['binary'] }),
		},
	];
}

const typedSize = [forKinds(LIVE), forKinds(SIZED_MEDIA, { mediaSource: ['attachment'] })];

export const dimensionProperties: INodeProperties[] = [
	...typedOrFromFile(
		{ displayName: 'Width', name: 'width', description: 'Width in pixels' },
		typedSize,
		SIZED_MEDIA,
	),
	...typedOrFromFile(
		{ displayName: 'Height', name: 'height', description: 'Height in pixels' },
		typedSize,
		SIZED_MEDIA,
	),
];

export function readDimensions(ctx: IExecuteFunctions, i: number): IDataObject {
	return {
		width: requireNumber(ctx.getNodeParameter('width', i), 'Width', { min: 1, integer: true }),
		height: requireNumber(ctx.getNodeParameter('height', i), 'Height', { min: 1, integer: true }),
	};
}

export const durationProperties: INodeProperties[] = typedOrFromFile(
	{
		displayName: 'Duration (Ms)',
		name: 'duration',
		description: 'Length in milliseconds, as Mixin clients expect',
	},
	[forKinds(TIMED, { mediaSource: ['attachment'] })],
	TIMED,
);

export function readDuration(ctx: IExecuteFunctions, i: number): number {
	return requireNumber(ctx.getNodeParameter('duration', i), 'Duration (Ms)', {
		min: 1,
		integer: true,
	});
}

/** A width, height or duration that may be left at 0 (or empty) for the file's own; undefined then. */
export function readOverride(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	field: string,
): number | undefined {
	const value = ctx.getNodeParameter(name, i, 0) as unknown;
	const unset =
		value === undefined ||
		value === null ||
		(typeof value === 'string' ? value.trim() === '' || Number(value) === 0 : value === 0);
	return unset ? undefined : requireNumber(value, field, { min: 1, integer: true });
}

/**
 * An optional base64 field (a thumbnail, a waveform), in the standard padded form Mixin's clients decode; the
 * URL-safe or unpadded forms users may paste are converted. Undefined when empty.
 */
export function base64Field(value: unknown, field: string): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const text = value.trim();
	if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
		throw new InputError(field, `"${field}" must be base64`);
	}
	return Buffer.from(text, 'base64').toString('base64');
}

/** A link Mixin clients open: http(s) or mixin:// (Mixin's own schemes). */
export function requireLink(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!/^(https?|mixin):\/\/\S+$/i.test(text)) {
		throw new InputError(field, `"${field}" must be an http(s):// or mixin:// URL`);
	}
	return text;
}

/** What Mixin clients do with a button's or card's action: `input:<text>` makes the user send that text back. */
export const INPUT_ACTION_PREFIX = 'input:';
/**
 * Longest text an `input:` action may carry. Mixin states no limit; the text is sent as the user's own chat
 * message, and 1024 characters (the card description's limit) keeps even 18 such buttons well inside the 128 KB
 * message limit.
 */
export const MAX_INPUT_ACTION_TEXT = 1024;

/**
 * A button's or card's action: a link Mixin clients open (http(s), mixin://) or `input:<text>`, which the user's
 * client sends back to the bot as a text message when tapped.
 */
export function requireAction(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!text.startsWith(INPUT_ACTION_PREFIX)) {
		if (!/^(https?|mixin):\/\/\S+$/i.test(text)) {
			throw new InputError(
				field,
				`"${field}" must be an http(s):// or mixin:// URL, or input:<text to send back>`,
			);
		}
		return text;
	}
	const reply = text.slice(INPUT_ACTION_PREFIX.length);
	if (reply.trim() === '')
		throw new InputError(field, `"${field}" needs the text to send back after input:`);
	const length = [...reply].length;
	if (length > MAX_INPUT_ACTION_TEXT) {
		throw new InputError(
			field,
			`"${field}": the input: text is ${length} characters; at most ${MAX_INPUT_ACTION_TEXT}`,
		);
	}
	return text;
}
