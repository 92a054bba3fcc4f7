/**
 * A file from an item's binary field, read for upload. When n8n keeps the file outside memory (filesystem or
 * database mode) it is streamed into a Blob chunk by chunk, so no second whole copy is held; in memory mode the
 * decoded bytes become the Blob. The MD5 (which some platforms name files by) is computed on the way.
 */
import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from './errors';
import { requireText } from './validate';

export interface BinaryFile {
	blob: Blob;
	size: number;
	fileName: string;
	mimeType: string;
	/** Lower-case hex MD5 of the bytes. */
	md5: string;
}

export async function readBinaryFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyParameter = 'binaryPropertyName',
	field = 'Input Binary Field',
): Promise<BinaryFile> {
	const property = requireText(ctx.getNodeParameter(propertyParameter, itemIndex), field);
	const meta = ctx.helpers.assertBinaryData(itemIndex, property);
	const hash = createHash('md5');
	const mimeType = meta.mimeType || 'application/octet-stream';
	let blob: Blob;
	if (meta.id) {
		const parts: Blob[] = [];
		const stream = await ctx.helpers.getBinaryStream(meta.id);
		for await (const chunk of stream as AsyncIterable<Buffer>) {
			hash.update(chunk);
			parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
		}
		blob = new Blob(parts, { type: mimeType });
	} else {
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		hash.update(bytes);
		blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType });
	}
	if (blob.size === 0) throw new InputError(field, `binary field "${property}" is empty`);
	return {
		blob,
		size: blob.size,
		fileName: meta.fileName || 'file',
		mimeType,
		md5: hash.digest('hex'),
	};
}

/** A file's extension (without the dot, lower case), from its name or else its media type; '' when unknown. */
export function fileExtension(fileName: string, mimeType: string): string {
	const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1];
	if (fromName) return fromName.toLowerCase();
	const subtype = mimeType.split(';')[0].split('/')[1]?.toLowerCase() ?? '';
	const known: Record<string, string> = {
		jpeg: 'jpg',
		png: 'png',
		gif: 'gif',
		webp: 'webp',
		mp4: 'mp4',
		mpeg: 'mp3',
		pdf: 'pdf',
	};
	return known[subtype] ?? '';
}

/** Common media types and the extension files of that type usually carry. */
const EXTENSION_OF_MEDIA_TYPE: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/gif': 'gif',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'application/pdf': 'pdf',
	'application/zip': 'zip',
	'application/json': 'json',
	'text/plain': 'txt',
	'application/octet-stream': 'bin',
};

/** The usual extension of a media type (parameters ignored), or undefined. */
export function extensionOfMediaType(mimeType: string): string | undefined {
	return EXTENSION_OF_MEDIA_TYPE[mimeType.split(';')[0].trim().toLowerCase()];
}

/** The media type a file name's extension implies, among the common ones, or undefined. */
export function mediaTypeOfFileName(fileName: string): string | undefined {
	const ext = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();
	if (!ext) return undefined;
	if (ext === 'jpeg') return 'image/jpeg';
	return Object.entries(EXTENSION_OF_MEDIA_TYPE).find(([, e]) => e === ext)?.[0];
}

/** The media type a file's first bytes show, for the common formats chat apps send; undefined otherwise. */
export function sniffMediaType(bytes: Buffer): string | undefined {
	const starts = (hex: string, at = 0) =>
		bytes.subarray(at, at + hex.length / 2).equals(Buffer.from(hex, 'hex'));
	const ascii = (text: string, at = 0) =>
		bytes.subarray(at, at + text.length).toString('latin1') === text;
	if (starts('89504e470d0a1a0a')) return 'image/png';
	if (starts('ffd8ff')) return 'image/jpeg';
	if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
	if (ascii('RIFF') && ascii('WEBP', 8)) return 'image/webp';
	if (ascii('%PDF-')) return 'application/pdf';
	if (ascii('OggS')) return 'audio/ogg';
	if (ascii('ftyp', 4)) return 'video/mp4';
	if (ascii('ID3')) return 'audio/mpeg';
	if (starts('504b0304')) return 'application/zip';
	return undefined;
}

/** Storage answers that say nothing about a file's type. */
export function isGenericMediaType(mimeType: string | undefined): boolean {
	const essence = mimeType?.split(';')[0].trim().toLowerCase() ?? '';
	return (
		essence === '' || essence === 'application/octet-stream' || essence === 'binary/octet-stream'
	);
}
