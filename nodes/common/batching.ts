/**
 * Split a list into consecutive chunks that respect a count limit and a byte limit. `sizeOf` gives one entry's
 * contribution; `overhead` is what every chunk costs on its own (brackets, envelope). An entry that alone exceeds
 * the byte limit gets a chunk of its own; callers validate single entries beforehand.
 */
export function chunkByCountAndBytes<T>(
	entries: T[],
	maxCount: number,
	maxBytes: number,
	sizeOf: (entry: T) => number,
	separatorBytes = 1,
	overhead = 2,
): T[][] {
	const chunks: T[][] = [];
	let current: T[] = [];
	let bytes = overhead;
	for (const entry of entries) {
		const size = sizeOf(entry);
		const added = current.length === 0 ? size : size + separatorBytes;
		if (current.length > 0 && (current.length >= maxCount || bytes + added > maxBytes)) {
			chunks.push(current);
			current = [];
			bytes = overhead;
		}
		bytes += current.length === 0 ? size : size + separatorBytes;
		current.push(entry);
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}

/** Split into chunks of at most `size` entries. */
export function chunk<T>(entries: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < entries.length; i += size) out.push(entries.slice(i, i + size));
	return out;
}

/** UTF-8 byte length of a string. */
export function utf8Length(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}
