import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { requireNumber, requireText } from '../../../common/validate';
import { forKinds } from './types';

/** Kinds that carry a picture's or a stream's size. */
const SIZED = ['image', 'video', 'live'];
/** Kinds that carry a length in milliseconds. */
const TIMED = ['audio', 'video'];

export const dimensionProperties: INodeProperties[] = [
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		required: true,
		default: 0,
		description: 'Width in pixels',
		displayOptions: forKinds(SIZED),
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		required: true,
		default: 0,
		description: 'Height in pixels',
		displayOptions: forKinds(SIZED),
	},
];

export function readDimensions(ctx: IExecuteFunctions, i: number): IDataObject {
	return {
		width: requireNumber(ctx.getNodeParameter('width', i), 'Width', { min: 1, integer: true }),
		height: requireNumber(ctx.getNodeParameter('height', i), 'Height', { min: 1, integer: true }),
	};
}

export const durationProperties: INodeProperties[] = [
	{
		displayName: 'Duration (Ms)',
		name: 'duration',
		type: 'number',
		required: true,
		default: 0,
		description: 'Length in milliseconds, as Mixin clients expect',
		displayOptions: forKinds(TIMED),
	},
];

export function readDuration(ctx: IExecuteFunctions, i: number): number {
	return requireNumber(ctx.getNodeParameter('duration', i), 'Duration (Ms)', { min: 1, integer: true });
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
