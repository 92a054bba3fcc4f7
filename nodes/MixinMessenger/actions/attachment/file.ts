/** What Upload and Get know about an attachment's file beyond its bytes: its media type and its name. */
import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';

/** `type/subtype` with optional parameters, as a binary field's mimeType holds it. */
const MEDIA_TYPE_RE = /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/;

/** The File Name and MIME Type options; `fallback` says where each comes from when left empty. */
export function attachmentFileOptions(fallback: string): INodeProperties[] {
	return [
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description: `Name of the file; ${fallback} when empty`,
		},
		{
			displayName: 'MIME Type',
			name: 'mimeType',
			type: 'string',
			default: '',
			placeholder: 'image/jpeg',
			description: `Media type of the file; ${fallback} when empty`,
		},
	];
}

/** The MIME Type option, checked; undefined when empty. */
export function readMediaTypeOption(value: unknown): string | undefined {
	const text = String(value ?? '').trim();
	if (text === '') return undefined;
	if (!MEDIA_TYPE_RE.test(text))
		throw new InputError(
			'MIME Type',
			`"MIME Type" must look like type/subtype, got "${text.slice(0, 60)}"`,
		);
	return text;
}
