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
	return { blob, size: blob.size, fileName: meta.fileName || 'file', mimeType, md5: hash.digest('hex') };
}

/** A file's extension (without the dot, lower case), from its name or else its media type; '' when unknown. */
export function fileExtension(fileName: string, mimeType: string): string {
	const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1];
	if (fromName) return fromName.toLowerCase();
	const subtype = mimeType.split(';')[0].split('/')[1]?.toLowerCase() ?? '';
	const known: Record<string, string> = { jpeg: 'jpg', png: 'png', gif: 'gif', webp: 'webp', mp4: 'mp4', mpeg: 'mp3', pdf: 'pdf' };
	return known[subtype] ?? '';
}
