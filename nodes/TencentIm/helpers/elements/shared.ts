/** Fields several element types share, each with the reader every one of them uses. */
import { createHash } from 'node:crypto';
import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { requireNumber, requireText } from '../../../common/validate';
import { forType } from './types';

/** Element types whose content is a file clients download from a URL. */
export const MEDIA_TYPES = ['image', 'file', 'sound', 'video'];

/** Tells clients to download media from the URL given, the only way the REST API can carry media. */
export const DOWNLOAD_FROM_URL = 2;

export const dataField: INodeProperties = {
	displayName: 'Data',
	name: 'data',
	type: 'string',
	default: '',
	description: 'Face data, or the payload of a custom element',
	displayOptions: forType(['face', 'custom']),
};

export const descField: INodeProperties = {
	displayName: 'Description',
	name: 'desc',
	type: 'string',
	default: '',
	description: 'Location description, or the push text of a custom element',
	displayOptions: forType(['location', 'custom']),
};

export const mediaFields: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		description: 'Where clients download the file (HTTPS recommended)',
		displayOptions: forType(MEDIA_TYPES),
	},
	{
		displayName: 'UUID',
		name: 'uuid',
		type: 'string',
		default: '',
		description: 'Globally unique ID of the file; an MD5 of the URL when empty',
		displayOptions: forType(MEDIA_TYPES),
	},
	{
		displayName: 'Size (Bytes)',
		name: 'size',
		type: 'number',
		default: 0,
		displayOptions: forType(MEDIA_TYPES),
	},
];

export const secondsField: INodeProperties = {
	displayName: 'Duration (Seconds)',
	name: 'seconds',
	type: 'number',
	default: 0,
	displayOptions: forType(['sound', 'video']),
};

export function md5(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex');
}

export function requireUrl(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!/^https?:\/\/\S+$/i.test(text))
		throw new InputError(field, `"${field}" must be an http(s):// URL`);
	return text;
}

export function positive(value: unknown, field: string): number {
	return requireNumber(value, field, { min: 1, integer: true });
}

export function byteSize(value: unknown, field: string): number {
	return requireNumber(value ?? 0, field, { min: 0, integer: true });
}

export function seconds(value: unknown, field: string): number {
	return requireNumber(value, field, { min: 0, integer: true });
}
