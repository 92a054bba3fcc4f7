/**
 * Real, minimal media files assembled byte by byte from the format specifications (PNG, JPEG/EXIF, GIF, WebP,
 * ISO BMFF/MP4, Ogg/Opus), with the values a test wants in their headers. They hold no picture or sound, but
 * every header, length and checksum a reader looks at is where the format puts it.
 */

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u16le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u24le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
const u32be = (n: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n >>> 0);
	return b;
};
const u32le = (n: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32LE(n >>> 0);
	return b;
};
const u64be = (n: number | bigint) => {
	const b = Buffer.alloc(8);
	b.writeBigUInt64BE(BigInt(n));
	return b;
};
const ascii = (s: string) => Buffer.from(s, 'latin1');

// ---- PNG -----------------------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(bytes: Buffer): number {
	let c = 0xffffffff;
	for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const body = Buffer.concat([ascii(type), data]);
	return Buffer.concat([u32be(data.length), body, u32be(crc32(body))]);
}

export function png(width: number, height: number, opts: { cgbi?: boolean } = {}): Buffer {
	const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 6, 0, 0, 0])]);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		...(opts.cgbi ? [pngChunk('CgBI', Buffer.from([0x50, 0x00, 0x20, 0x06]))] : []),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

// ---- JPEG ----------------------------------------------------------------------------------------------------------

const segment = (marker: number, data: Buffer) =>
	Buffer.concat([Buffer.from([0xff, marker]), u16be(data.length + 2), data]);

/** A TIFF/EXIF block whose IFD0 holds the given orientation (and a second, unrelated tag before it). */
export function exifBlock(
	orientation: number,
	order: 'II' | 'MM' = 'MM',
	opts: { ifdOffset?: number } = {},
): Buffer {
	const le = order === 'II';
	const w16 = le ? u16le : u16be;
	const w32 = le ? u32le : u32be;
	const entry = (tag: number, type: number, count: number, value: Buffer) =>
		Buffer.concat([w16(tag), w16(type), w32(count), value, Buffer.alloc(4 - value.length)]);
	const ifd = Buffer.concat([
		w16(2),
		entry(0x010f, 2, 4, ascii('ACM\0')), // Make, an ASCII value held in the entry
		entry(0x0112, 3, 1, w16(orientation)),
		w32(0), // no next IFD
	]);
	return Buffer.concat([ascii('Exif\0\0'), ascii(order), w16(42), w32(opts.ifdOffset ?? 8), ifd]);
}

export interface JpegOptions {
	/** SOF marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive … */
	sof?: number;
	/** An APP1 EXIF segment before the frame, with this orientation. */
	orientation?: number;
	exifOrder?: 'II' | 'MM';
	/** A raw APP1 payload instead (e.g. a damaged EXIF block). */
	app1?: Buffer;
	/** A thumbnail JPEG of this size inside the APP1 segment (with its own SOF). */
	exifThumbnail?: { width: number; height: number };
	/** Fill bytes (0xFF) before the SOF marker. */
	fillBytes?: number;
	/** A DHT segment before the frame whose bytes look like a size. */
	tablesFirst?: boolean;
}

export function jpeg(width: number, height: number, opts: JpegOptions = {}): Buffer {
	const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
	parts.push(
		segment(
			0xe0,
			Buffer.concat([
				ascii('JFIF\0'),
				Buffer.from([1, 2, 0]),
				u16be(72),
				u16be(72),
				Buffer.from([0, 0]),
			]),
		),
	);
	if (opts.app1) parts.push(segment(0xe1, opts.app1));
	else if (opts.orientation !== undefined || opts.exifThumbnail) {
		let app1 = exifBlock(opts.orientation ?? 1, opts.exifOrder);
		if (opts.exifThumbnail)
			app1 = Buffer.concat([app1, jpeg(opts.exifThumbnail.width, opts.exifThumbnail.height)]);
		parts.push(segment(0xe1, app1));
	}
	parts.push(segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]))); // DQT
	if (opts.tablesFirst)
		parts.push(
			segment(
				0xc4,
				Buffer.concat([Buffer.from([0x00, 0x08]), u16be(9999), u16be(7777), Buffer.alloc(12)]),
			),
		);
	const components = Buffer.from([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
	const sof = segment(
		opts.sof ?? 0xc0,
		Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([3]), components]),
	);
	parts.push(Buffer.alloc(opts.fillBytes ?? 0, 0xff), sof);
	parts.push(segment(0xc4, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(16, 0)]))); // DHT
	parts.push(segment(0xda, Buffer.from([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 0x3f, 0])));
	parts.push(Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]), Buffer.from([0xff, 0xd9])); // entropy data, a stuffed byte, RST0, EOI
	return Buffer.concat(parts);
}

// ---- GIF -----------------------------------------------------------------------------------------------------------

export function gif(width: number, height: number, version: '87a' | '89a' = '89a'): Buffer {
	return Buffer.concat([
		ascii(`GIF${version}`),
		u16le(width),
		u16le(height),
		Buffer.from([0x80, 0, 0]), // a 2-colour global table
		Buffer.from([0, 0, 0, 0xff, 0xff, 0xff]),
		Buffer.from([0x2c]),
		u16le(0),
		u16le(0),
		u16le(width),
		u16le(height),
		Buffer.from([0, 2, 2, 0x44, 0x01, 0, 0x3b]),
	]);
}

// ---- WebP ----------------------------------------------------------------------------------------------------------

function riffChunk(type: string, data: Buffer): Buffer {
	const pad = data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
	return Buffer.concat([ascii(type), u32le(data.length), data, pad]);
}

function webpFile(...chunks: Buffer[]): Buffer {
	const body = Buffer.concat([ascii('WEBP'), ...chunks]);
	return Buffer.concat([ascii('RIFF'), u32le(body.length), body]);
}

/** Lossy: a VP8 key frame header (frame tag, start code, 14-bit sizes with scale bits). */
export function webpLossy(
	width: number,
	height: number,
	opts: { interFrame?: boolean } = {},
): Buffer {
	const frameTag = Buffer.from([opts.interFrame ? 0x01 : 0x10, 0x02, 0x00]);
	const scaled = (n: number) => u16le((n & 0x3fff) | (1 << 14)); // an upscale hint in the top bits, to be ignored
	return webpFile(
		riffChunk(
			'VP8 ',
			Buffer.concat([
				frameTag,
				Buffer.from([0x9d, 0x01, 0x2a]),
				scaled(width),
				scaled(height),
				Buffer.alloc(8),
			]),
		),
	);
}

/** Lossless: the VP8L signature, then width-1 and height-1 in 14 bits each, alpha hint, version 0. */
export function webpLossless(
	width: number,
	height: number,
	opts: { version?: number } = {},
): Buffer {
	const bits = ((width - 1) | ((height - 1) << 14) | (1 << 28) | ((opts.version ?? 0) << 29)) >>> 0;
	return webpFile(
		riffChunk('VP8L', Buffer.concat([Buffer.from([0x2f]), u32le(bits), Buffer.alloc(6)])),
	);
}

/** Extended: VP8X with the canvas size (24 bits, minus one), then an (animated) frame of another size. */
export function webpExtended(width: number, height: number): Buffer {
	const vp8x = Buffer.concat([Buffer.from([0x10, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]);
	const frame = webpLossless(3, 3).subarray(12);
	return webpFile(riffChunk('VP8X', vp8x), frame);
}

// ---- MP4 -----------------------------------------------------------------------------------------------------------

export const box = (type: string, ...content: Buffer[]) => {
	const body = Buffer.concat(content);
	return Buffer.concat([u32be(body.length + 8), ascii(type), body]);
};
/** A box with a 64-bit largesize (size field 1). */
export const largeBox = (type: string, ...content: Buffer[]) => {
	const body = Buffer.concat(content);
	return Buffer.concat([u32be(1), ascii(type), u64be(body.length + 16), body]);
};
const fullBox = (type: string, version: number, flags: number, ...content: Buffer[]) =>
	box(
		type,
		Buffer.from([version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]),
		...content,
	);

const IDENTITY = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
/** The matrices phones write: rotate by 90°, 180°, 270° (a b u / c d v / x y w; 16.16 and 2.30 fixed point). */
export const ROTATION: Record<number, number[]> = {
	0: IDENTITY,
	90: [0, 0x00010000, 0, -0x00010000, 0, 0, 0, 0, 0x40000000],
	180: [-0x00010000, 0, 0, 0, -0x00010000, 0, 0, 0, 0x40000000],
	270: [0, -0x00010000, 0, 0x00010000, 0, 0, 0, 0, 0x40000000],
};
const matrix = (m: number[]) => Buffer.concat(m.map((v) => u32be(v >>> 0)));

export function mvhd(timescale: number, duration: number | bigint, version: 0 | 1 = 0): Buffer {
	const times =
		version === 1
			? Buffer.concat([u64be(0), u64be(0), u32be(timescale), u64be(duration)])
			: Buffer.concat([u32be(0), u32be(0), u32be(timescale), u32be(Number(duration))]);
	return fullBox(
		'mvhd',
		version,
		0,
		times,
		u32be(0x00010000),
		u16be(0x0100),
		Buffer.alloc(10),
		matrix(IDENTITY),
		Buffer.alloc(24),
		u32be(3),
	);
}

export interface TrackOptions {
	handler: 'vide' | 'soun' | 'sbtl';
	width?: number;
	height?: number;
	rotation?: 0 | 90 | 180 | 270;
	version?: 0 | 1;
	/** A track whose mdia has no hdlr. */
	noHandler?: boolean;
}

export function trak(t: TrackOptions): Buffer {
	const v = t.version ?? 0;
	const times =
		v === 1
			? Buffer.concat([u64be(0), u64be(0), u32be(1), u32be(0), u64be(1000)])
			: Buffer.concat([u32be(0), u32be(0), u32be(1), u32be(0), u32be(1000)]);
	const fixed = (n: number) => u32be(Math.round(n * 0x10000));
	const tkhd = fullBox(
		'tkhd',
		v,
		3,
		times,
		Buffer.alloc(8),
		u16be(0),
		u16be(0),
		u16be(t.handler === 'soun' ? 0x0100 : 0),
		u16be(0),
		matrix(ROTATION[t.rotation ?? 0]),
		fixed(t.width ?? 0),
		fixed(t.height ?? 0),
	);
	const mdhd = fullBox(
		'mdhd',
		0,
		0,
		u32be(0),
		u32be(0),
		u32be(48000),
		u32be(48000),
		u16be(0x55c4),
		u16be(0),
	);
	const hdlr = fullBox(
		'hdlr',
		0,
		0,
		u32be(0),
		ascii(t.handler),
		Buffer.alloc(12),
		ascii('handler\0'),
	);
	return box(
		'trak',
		tkhd,
		box('mdia', mdhd, ...(t.noHandler ? [] : [hdlr]), box('minf', box('stbl'))),
	);
}

export interface Mp4Options {
	timescale?: number;
	duration?: number | bigint;
	mvhdVersion?: 0 | 1;
	tracks?: TrackOptions[];
	/** moov after mdat, as encoders write it when they do not "fast start". */
	moovLast?: boolean;
	/** mdat with a 64-bit largesize. */
	largeMdat?: boolean;
	/** mdat as the last box with size 0 ("to the end of the file"). */
	mdatToEnd?: boolean;
	/** Fragmented: mvhd says 0, mvex/mehd holds the length. */
	fragmentDuration?: number;
	/** Extra boxes inside moov before everything else (udta, …). */
	moovExtra?: Buffer[];
}

export function mp4(
	width: number,
	height: number,
	durationMs: number,
	opts: Mp4Options = {},
): Buffer {
	const timescale = opts.timescale ?? 1000;
	const duration = opts.duration ?? Math.round((durationMs * timescale) / 1000);
	const tracks = opts.tracks ?? [{ handler: 'vide', width, height }];
	const mvex =
		opts.fragmentDuration !== undefined
			? [box('mvex', fullBox('mehd', 0, 0, u32be(opts.fragmentDuration)))]
			: [];
	const moov = box(
		'moov',
		...(opts.moovExtra ?? []),
		mvhd(timescale, duration, opts.mvhdVersion),
		...tracks.map(trak),
		...mvex,
	);
	const ftyp = box('ftyp', ascii('isom'), u32be(0x200), ascii('isomiso2avc1mp41'));
	const media = Buffer.alloc(64, 0xab);
	if (opts.mdatToEnd)
		return Buffer.concat([ftyp, moov, Buffer.concat([u32be(0), ascii('mdat'), media])]);
	const mdat = opts.largeMdat ? largeBox('mdat', media) : box('mdat', media);
	return Buffer.concat(
		opts.moovLast ? [ftyp, box('free'), mdat, moov] : [ftyp, moov, box('free'), mdat],
	);
}

// ---- Ogg Opus ------------------------------------------------------------------------------------------------------

const OGG_CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let r = n << 24;
	for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
	return r >>> 0;
});
function oggCrc(page: Buffer): number {
	let crc = 0;
	for (const byte of page) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) & 0xff) ^ byte]) >>> 0;
	return crc;
}

export interface OggPageSpec {
	/** -1 when no packet ends on the page. */
	granule: number | bigint;
	packets: Buffer[];
	headerType?: number;
	serial?: number;
}

/** One page, lacing values and CRC as RFC 3533 says. */
export function oggPage(spec: OggPageSpec, sequence: number): Buffer {
	const lacing: number[] = [];
	for (const packet of spec.packets) {
		let left = packet.length;
		while (left >= 255) {
			lacing.push(255);
			left -= 255;
		}
		lacing.push(left);
	}
	const granule = Buffer.alloc(8);
	granule.writeBigInt64LE(BigInt(spec.granule));
	const header = Buffer.concat([
		ascii('OggS'),
		Buffer.from([0, spec.headerType ?? 0]),
		granule,
		u32le(spec.serial ?? 0x1234abcd),
		u32le(sequence),
		u32le(0),
		Buffer.from([lacing.length, ...lacing]),
	]);
	const page = Buffer.concat([header, ...spec.packets]);
	page.writeUInt32LE(oggCrc(page), 22);
	return page;
}

export function opusHead(preSkip: number, channels = 1): Buffer {
	return Buffer.concat([
		ascii('OpusHead'),
		Buffer.from([1, channels]),
		u16le(preSkip),
		u32le(48000),
		u16le(0),
		Buffer.from([0]),
	]);
}

export const opusTags = () => Buffer.concat([ascii('OpusTags'), u32le(4), ascii('test'), u32le(0)]);

/** An Opus packet of one 20 ms SILK frame (TOC byte config 1) and a few payload bytes. */
const opusPacket = (n: number) => Buffer.concat([Buffer.from([0x08]), Buffer.alloc(n, 0x5a)]);

export interface OggOptions {
	preSkip?: number;
	/** Granule positions of the audio pages, in order (48 kHz samples, pre-skip included). */
	granules?: Array<number | bigint>;
	serial?: number;
	/** Another logical stream multiplexed in: its BOS page before (or after) Opus's, and one data page. */
	otherStream?: { serial: number; granule: number; bosFirst?: boolean };
}

/** An Ogg Opus file: the OpusHead page (BOS), the OpusTags page, audio pages, the last one EOS. */
export function oggOpus(durationMs: number, opts: OggOptions = {}): Buffer {
	const preSkip = opts.preSkip ?? 312;
	const serial = opts.serial ?? 0x1234abcd;
	const samples = durationMs * 48;
	const granules = opts.granules ?? [
		samples / 4 + preSkip,
		samples / 2 + preSkip,
		samples + preSkip,
	];
	const head: OggPageSpec = { granule: 0, packets: [opusHead(preSkip)], headerType: 0x02, serial };
	const pages: OggPageSpec[] = [
		head,
		{ granule: 0, packets: [opusTags()], serial },
		...granules.map((granule, n) => ({
			granule,
			packets: [opusPacket(40), opusPacket(300)],
			headerType: n === granules.length - 1 ? 0x04 : 0,
			serial,
		})),
	];
	if (opts.otherStream) {
		const other = opts.otherStream;
		const bos: OggPageSpec = {
			granule: 0,
			packets: [ascii('\x80theora-ish header')],
			headerType: 0x02,
			serial: other.serial,
		};
		pages.splice(other.bosFirst ? 0 : 1, 0, bos);
		pages.splice(pages.length - 1, 0, {
			granule: other.granule,
			packets: [opusPacket(10)],
			serial: other.serial,
		});
	}
	const sequences = new Map<number, number>();
	return Buffer.concat(
		pages.map((p) => {
			const s = p.serial ?? serial;
			const sequence = sequences.get(s) ?? 0;
			sequences.set(s, sequence + 1);
			return oggPage(p, sequence);
		}),
	);
}
