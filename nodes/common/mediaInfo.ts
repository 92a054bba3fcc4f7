/**
 * What a media file's own headers say about it: an image's width and height (PNG, JPEG, GIF, WebP), an MP4's
 * picture size and duration, an Ogg Opus file's duration. Pure functions on bytes already in memory; each reads
 * only headers, checks every offset against the buffer, always moves forward, and answers `undefined` when the
 * file is not of its kind or is damaged, never a guess.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ImageSize {
	/** As displayed: a JPEG whose EXIF orientation turns it by 90° (5–8) has its width and height swapped. */
	width: number;
	height: number;
	format: ImageFormat;
}

export interface Mp4Info {
	/** Of the video track as displayed (a 90° or 270° track matrix swaps them); absent without a sized track. */
	width?: number;
	height?: number;
	/** From the movie header (mvhd), or the fragment header (mehd) of a fragmented file; absent when unknown. */
	durationMs?: number;
}

/** The names users know the formats by, for messages. */
export const IMAGE_FORMAT_NAMES: Record<ImageFormat, string> = {
	png: 'PNG',
	jpeg: 'JPEG',
	gif: 'GIF',
	webp: 'WebP',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Opus granule positions count 48 kHz samples whatever the input rate (RFC 7845 §4). */
const OPUS_SAMPLES_PER_MS = 48;
/** Beyond this a 64-bit field does not fit a JavaScript number exactly; such values are treated as unknown. */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

const has = (b: Uint8Array, offset: number, length: number) =>
	offset >= 0 && offset + length <= b.length;
const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number) =>
	((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u32le = (b: Uint8Array, o: number) =>
	((b[o + 3] << 24) | (b[o + 2] << 16) | (b[o + 1] << 8) | b[o]) >>> 0;
const i32be = (b: Uint8Array, o: number) => u32be(b, o) | 0;
const ascii = (b: Uint8Array, o: number, length: number) =>
	String.fromCharCode(...b.subarray(o, o + length));
const startsWith = (b: Uint8Array, bytes: number[], at = 0) =>
	has(b, at, bytes.length) && bytes.every((x, i) => b[at + i] === x);
const startsWithText = (b: Uint8Array, text: string, at = 0) =>
	has(b, at, text.length) && ascii(b, at, text.length) === text;

/** A 64-bit unsigned value from its two words; undefined when all ones (MP4's "unknown") or too large to be exact. */
function u64(high: number, low: number): number | undefined {
	if (high > MAX_SAFE_HIGH_WORD) return undefined;
	return high * 2 ** 32 + low;
}

function sized(width: number, height: number, format: ImageFormat): ImageSize | undefined {
	return width > 0 && height > 0 ? { width, height, format } : undefined;
}

// ---- images --------------------------------------------------------------------------------------------------------

/** The image format the file's first bytes announce, whether or not the rest can be read. */
export function imageFormat(b: Uint8Array): ImageFormat | undefined {
	if (startsWith(b, PNG_SIGNATURE)) return 'png';
	if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
	if (startsWithText(b, 'GIF87a') || startsWithText(b, 'GIF89a')) return 'gif';
	if (startsWithText(b, 'RIFF') && startsWithText(b, 'WEBP', 8)) return 'webp';
	return undefined;
}

/** Width and height from a PNG, JPEG, GIF or WebP header; undefined for other formats and damaged headers. */
export function imageSize(b: Uint8Array): ImageSize | undefined {
	switch (imageFormat(b)) {
		case 'png':
			return pngSize(b);
		case 'jpeg':
			return jpegSize(b);
		case 'gif':
			return has(b, 6, 4) ? sized(u16le(b, 6), u16le(b, 8), 'gif') : undefined;
		case 'webp':
			return webpSize(b);
		default:
			return undefined;
	}
}

/** IHDR is the first chunk; Apple's "crushed" PNGs put a CgBI chunk before it. */
function pngSize(b: Uint8Array): ImageSize | undefined {
	let pos = PNG_SIGNATURE.length;
	for (let chunk = 0; chunk < 2 && has(b, pos, 8); chunk++) {
		const length = u32be(b, pos);
		const type = ascii(b, pos + 4, 4);
		if (type === 'IHDR')
			return length >= 13 && has(b, pos + 8, 8)
				? sized(u32be(b, pos + 8), u32be(b, pos + 12), 'png')
				: undefined;
		if (type !== 'CgBI') return undefined;
		pos += 12 + length;
	}
	return undefined;
}

/** SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
const isStartOfFrame = (marker: number) =>
	marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
/** Markers that stand alone, without a length: TEM, RST0–7, SOI. */
const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

/**
 * Walk the segments up to the first frame header, skipping every other segment by its length (so a thumbnail
 * inside EXIF is never mistaken for the picture). The EXIF orientation of an APP1 segment before the frame is
 * applied: 5–8 turn the picture by 90°, so its displayed width is the stored height.
 */
function jpegSize(b: Uint8Array): ImageSize | undefined {
	let pos = 2;
	let orientation: number | undefined;
	while (pos < b.length) {
		if (b[pos] !== 0xff) return undefined;
		while (pos < b.length && b[pos] === 0xff) pos++; // any number of fill bytes may precede a marker
		if (pos >= b.length) return undefined;
		const marker = b[pos++];
		if (isStandalone(marker)) continue;
		// the end, a scan or a stuffed zero before any frame header: not a picture this reader understands
		if (marker === 0xd9 || marker === 0xda || marker === 0x00) return undefined;
		if (!has(b, pos, 2)) return undefined;
		const length = u16be(b, pos);
		if (length < 2 || !has(b, pos, length)) return undefined;
		if (isStartOfFrame(marker)) {
			if (length < 7) return undefined;
			const height = u16be(b, pos + 3);
			const width = u16be(b, pos + 5);
			const turned = orientation !== undefined && orientation >= 5 && orientation <= 8;
			return turned ? sized(height, width, 'jpeg') : sized(width, height, 'jpeg');
		}
		if (marker === 0xe1 && orientation === undefined)
			orientation = exifOrientation(b, pos + 2, pos + length);
		pos += length;
	}
	return undefined;
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment spanning [start, end); undefined if absent. */
function exifOrientation(b: Uint8Array, start: number, end: number): number | undefined {
	if (!startsWith(b, [0x45, 0x78, 0x69, 0x66, 0, 0], start)) return undefined; // "Exif\0\0"
	const tiff = start + 6;
	const within = (offset: number, length: number) => offset >= tiff && offset + length <= end;
	if (!within(tiff, 8)) return undefined;
	const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
	if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return undefined;
	const u16 = (o: number) => (little ? u16le(b, o) : u16be(b, o));
	const u32 = (o: number) => (little ? u32le(b, o) : u32be(b, o));
	if (u16(tiff + 2) !== 42) return undefined;
	const ifd = tiff + u32(tiff + 4);
	if (!within(ifd, 2)) return undefined;
	const count = u16(ifd);
	for (let i = 0; i < count; i++) {
		const entry = ifd + 2 + 12 * i;
		if (!within(entry, 12)) return undefined;
		if (u16(entry) !== 0x0112) continue;
		const value = u16(entry + 2) === 3 ? u16(entry + 8) : undefined; // type SHORT, stored in the entry itself
		return value !== undefined && value >= 1 && value <= 8 ? value : undefined;
	}
	return undefined;
}

/** The first chunk says which bitstream follows: VP8 (lossy), VP8L (lossless) or VP8X (extended, canvas size). */
function webpSize(b: Uint8Array): ImageSize | undefined {
	if (!has(b, 12, 8)) return undefined;
	const chunk = ascii(b, 12, 4);
	const data = 20;
	if (chunk === 'VP8 ') {
		if (!has(b, data, 10)) return undefined;
		const keyFrame = (b[data] & 1) === 0;
		if (!keyFrame || !startsWith(b, [0x9d, 0x01, 0x2a], data + 3)) return undefined;
		return sized(u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff, 'webp');
	}
	if (chunk === 'VP8L') {
		if (!has(b, data, 5) || b[data] !== 0x2f) return undefined;
		const bits = u32le(b, data + 1);
		if (bits >>> 29 !== 0) return undefined; // version must be 0
		return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 'webp');
	}
	if (chunk === 'VP8X') {
		if (!has(b, data, 10)) return undefined;
		return sized(u24le(b, data + 4) + 1, u24le(b, data + 7) + 1, 'webp');
	}
	return undefined;
}

// ---- MP4 -----------------------------------------------------------------------------------------------------------

interface Box {
	type: string;
	/** Where the box's content starts (after its header) and where the box ends. */
	start: number;
	end: number;
}

/**
 * The boxes directly inside [start, end): 32-bit sizes, 64-bit `largesize` (size 1), and size 0 for "to the end".
 * Stops at the first box whose size is impossible or runs past its container (a truncated file).
 */
function* boxes(b: Uint8Array, start: number, end: number): Generator<Box> {
	let pos = start;
	while (pos + 8 <= end) {
		let size = u32be(b, pos);
		let header = 8;
		if (size === 1) {
			if (pos + 16 > end) return;
			const large = u64(u32be(b, pos + 8), u32be(b, pos + 12));
			if (large === undefined) return;
			size = large;
			header = 16;
		} else if (size === 0) {
			size = end - pos;
		}
		if (size < header || pos + size > end) return;
		yield { type: ascii(b, pos + 4, 4), start: pos + header, end: pos + size };
		pos += size;
	}
}

function child(b: Uint8Array, parent: Box, type: string): Box | undefined {
	for (const box of boxes(b, parent.start, parent.end)) if (box.type === type) return box;
	return undefined;
}

/** Picture size and duration from an MP4 (or QuickTime-style) file's `moov`, wherever in the file it is. */
export function mp4Info(b: Uint8Array): Mp4Info | undefined {
	let moov: Box | undefined;
	for (const box of boxes(b, 0, b.length)) {
		if (box.type === 'moov') {
			moov = box;
			break;
		}
	}
	if (!moov) return undefined;
	const info: Mp4Info = {};
	const header = child(b, moov, 'mvhd');
	const movie = header && movieDuration(b, header);
	let durationUnits = movie?.duration;
	if (movie && !durationUnits) {
		// a fragmented file leaves mvhd's duration at 0 and gives the whole length in mvex/mehd
		const mvex = child(b, moov, 'mvex');
		const mehd = mvex && child(b, mvex, 'mehd');
		if (mehd) durationUnits = fragmentDuration(b, mehd);
	}
	if (movie && durationUnits)
		info.durationMs = Math.round((durationUnits * 1000) / movie.timescale);
	const tracks: Array<{ video: boolean; width: number; height: number }> = [];
	for (const trak of boxes(b, moov.start, moov.end)) {
		if (trak.type !== 'trak') continue;
		const tkhd = child(b, trak, 'tkhd');
		const size = tkhd && trackSize(b, tkhd);
		if (!size) continue;
		const mdia = child(b, trak, 'mdia');
		const hdlr = mdia && child(b, mdia, 'hdlr');
		// hdlr: version and flags, pre_defined, then the handler type
		const video = !!hdlr && hdlr.start + 12 <= hdlr.end && ascii(b, hdlr.start + 8, 4) === 'vide';
		tracks.push({ ...size, video });
	}
	const picture = tracks.find((t) => t.video) ?? tracks[0];
	if (picture) {
		info.width = picture.width;
		info.height = picture.height;
	}
	return info;
}

/** mvhd: version 0 has 32-bit times, version 1 64-bit; the duration counts `timescale` units. */
function movieDuration(
	b: Uint8Array,
	box: Box,
): { timescale: number; duration?: number } | undefined {
	const version = b[box.start];
	const at = version === 1 ? box.start + 20 : box.start + 12;
	const length = version === 1 ? 12 : 8;
	if ((version !== 0 && version !== 1) || at + length > box.end) return undefined;
	const timescale = u32be(b, at);
	if (timescale === 0) return undefined;
	const duration = version === 1 ? u64(u32be(b, at + 4), u32be(b, at + 8)) : u32be(b, at + 4);
	const unknown = duration === undefined || (version === 0 && duration === 0xffffffff);
	return { timescale, duration: unknown ? undefined : duration };
}

function fragmentDuration(b: Uint8Array, box: Box): number | undefined {
	const version = b[box.start];
	if (version === 1)
		return box.start + 12 <= box.end
			? u64(u32be(b, box.start + 4), u32be(b, box.start + 8))
			: undefined;
	if (version === 0 && box.start + 8 <= box.end) {
		const duration = u32be(b, box.start + 4);
		return duration === 0xffffffff ? undefined : duration;
	}
	return undefined;
}

/**
 * tkhd's width and height (16.16 fixed point, as presented) and its matrix: a rotation by 90° or 270° (a = d = 0,
 * b and c non-zero, the way phones record portrait video) swaps them. Undefined for a track without a picture.
 */
function trackSize(b: Uint8Array, box: Box): { width: number; height: number } | undefined {
	const version = b[box.start];
	if (version !== 0 && version !== 1) return undefined;
	const matrix = box.start + (version === 1 ? 52 : 40);
	const size = matrix + 36;
	if (size + 8 > box.end) return undefined;
	const width = Math.round(u32be(b, size) / 0x10000);
	const height = Math.round(u32be(b, size + 4) / 0x10000);
	if (width === 0 || height === 0) return undefined;
	const [a, bb, c, d] = [
		i32be(b, matrix),
		i32be(b, matrix + 4),
		i32be(b, matrix + 12),
		i32be(b, matrix + 16),
	];
	const quarterTurn = a === 0 && d === 0 && bb !== 0 && c !== 0;
	return quarterTurn ? { width: height, height: width } : { width, height };
}

// ---- Ogg Opus ------------------------------------------------------------------------------------------------------

interface OggPage {
	headerType: number;
	/** Undefined when no packet ends on the page (granule -1) or the value cannot be exact. */
	granule?: number;
	serial: number;
	/** Where the page's packet data starts, and where the page ends. */
	data: number;
	end: number;
}

function oggPage(b: Uint8Array, pos: number): OggPage | undefined {
	if (!startsWithText(b, 'OggS', pos) || !has(b, pos, 27) || b[pos + 4] !== 0) return undefined;
	const segments = b[pos + 26];
	if (!has(b, pos + 27, segments)) return undefined;
	let body = 0;
	for (let i = 0; i < segments; i++) body += b[pos + 27 + i];
	const data = pos + 27 + segments;
	if (!has(b, data, body)) return undefined;
	const low = u32le(b, pos + 6);
	const high = u32le(b, pos + 10);
	return {
		headerType: b[pos + 5],
		granule: u64(high, low),
		serial: u32le(b, pos + 14),
		data,
		end: data + body,
	};
}

function nextCapture(b: Uint8Array, from: number): number {
	for (let i = from; i + 4 <= b.length; i++) {
		if (b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53) return i;
	}
	return -1;
}

/**
 * An Ogg Opus file's length: the granule position of the stream's last page minus the OpusHead pre-skip, in
 * 48 kHz samples. The file must open with the stream's first (BOS) pages, one of them OpusHead; a damaged page
 * later on is skipped to the next "OggS", and a truncated last page is ignored. Undefined for anything else.
 */
export function oggOpusDurationMs(b: Uint8Array): number | undefined {
	let stream: { serial: number; preSkip: number } | undefined;
	let last: number | undefined;
	let pos = 0;
	while (pos < b.length) {
		const page = oggPage(b, pos);
		if (!page) {
			if (!stream) return undefined; // only a file that starts as Ogg Opus is read at all
			pos = nextCapture(b, pos + 1);
			if (pos < 0) break;
			continue;
		}
		pos = page.end;
		if (!stream) {
			const bos = (page.headerType & 0x02) !== 0;
			if (!bos) return undefined;
			if (startsWithText(b, 'OpusHead', page.data) && page.end - page.data >= 19) {
				stream = { serial: page.serial, preSkip: u16le(b, page.data + 10) };
			}
			continue;
		}
		if (page.serial === stream.serial && page.granule !== undefined) last = page.granule;
	}
	if (!stream || last === undefined || last <= stream.preSkip) return undefined;
	return Math.round((last - stream.preSkip) / OPUS_SAMPLES_PER_MS);
}
