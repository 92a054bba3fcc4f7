/**
 * The header readers on real minimal files assembled in the tests (media-files.ts): the values each format puts
 * in its header come back, the edge cases the formats allow are handled, and truncated or garbage files give
 * undefined — never a wrong size, an exception or a loop.
 */
import { imageFormat, imageSize, mp4Info, oggOpusDurationMs } from '../../nodes/common/mediaInfo';
import {
	FLAT_LEVEL,
	WAVEFORM_LEVELS,
	flatWaveform,
	packWaveform,
} from '../../nodes/MixinMessenger/helpers/kinds/waveform';
import {
	box,
	exifBlock,
	gif,
	jpeg,
	largeBox,
	mp4,
	mvhd,
	oggOpus,
	oggPage,
	opusHead,
	opusTags,
	png,
	webpExtended,
	webpLossless,
	webpLossy,
} from './media-files';

/** A deterministic byte stream, so a failing garbage case can be replayed. */
function garbage(length: number, seed: number): Buffer {
	const bytes = Buffer.alloc(length);
	let x = seed >>> 0 || 1;
	for (let n = 0; n < length; n++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		bytes[n] = x & 0xff;
	}
	return bytes;
}

/** Every prefix of a file: the reader gives undefined or exactly the full file's answer, and never throws. */
function everyPrefix<T>(file: Buffer, read: (b: Buffer) => T | undefined, full: T): void {
	for (let length = 0; length < file.length; length++) {
		const got = read(file.subarray(0, length));
		if (got !== undefined) expect(got).toEqual(full);
	}
}

describe('imageSize', () => {
	test.each([
		['PNG', png(640, 480), { width: 640, height: 480, format: 'png' }],
		['PNG, 1 × 1', png(1, 1), { width: 1, height: 1, format: 'png' }],
		['PNG, large', png(20000, 15000), { width: 20000, height: 15000, format: 'png' }],
		[
			"PNG crushed by Apple's tools (CgBI before IHDR)",
			png(120, 90, { cgbi: true }),
			{ width: 120, height: 90, format: 'png' },
		],
		['JPEG baseline (SOF0)', jpeg(1024, 768), { width: 1024, height: 768, format: 'jpeg' }],
		[
			'JPEG extended (SOF1)',
			jpeg(300, 200, { sof: 0xc1 }),
			{ width: 300, height: 200, format: 'jpeg' },
		],
		[
			'JPEG progressive (SOF2)',
			jpeg(1920, 1080, { sof: 0xc2 }),
			{ width: 1920, height: 1080, format: 'jpeg' },
		],
		[
			'JPEG lossless (SOF3)',
			jpeg(64, 32, { sof: 0xc3 }),
			{ width: 64, height: 32, format: 'jpeg' },
		],
		[
			'JPEG arithmetic progressive (SOF10)',
			jpeg(64, 32, { sof: 0xca }),
			{ width: 64, height: 32, format: 'jpeg' },
		],
		[
			'JPEG with fill bytes before the frame marker',
			jpeg(50, 40, { fillBytes: 5 }),
			{ width: 50, height: 40, format: 'jpeg' },
		],
		[
			'JPEG with a Huffman table (C4) before the frame, not taken for one',
			jpeg(50, 40, { tablesFirst: true }),
			{ width: 50, height: 40, format: 'jpeg' },
		],
		[
			'JPEG with EXIF (APP1) before the frame, upright',
			jpeg(4000, 3000, { orientation: 1 }),
			{ width: 4000, height: 3000, format: 'jpeg' },
		],
		[
			'JPEG with EXIF orientation 3 (upside down): not swapped',
			jpeg(4000, 3000, { orientation: 3 }),
			{ width: 4000, height: 3000, format: 'jpeg' },
		],
		[
			'JPEG with EXIF orientation 6 (a portrait phone photo): swapped',
			jpeg(4032, 3024, { orientation: 6 }),
			{ width: 3024, height: 4032, format: 'jpeg' },
		],
		[
			'JPEG with EXIF orientation 8, little-endian TIFF: swapped',
			jpeg(4032, 3024, { orientation: 8, exifOrder: 'II' }),
			{ width: 3024, height: 4032, format: 'jpeg' },
		],
		[
			'JPEG with EXIF orientation 5 (transposed): swapped',
			jpeg(200, 100, { orientation: 5 }),
			{ width: 100, height: 200, format: 'jpeg' },
		],
		[
			'JPEG with EXIF orientation 7 (transversed): swapped',
			jpeg(200, 100, { orientation: 7 }),
			{ width: 100, height: 200, format: 'jpeg' },
		],
		[
			'JPEG whose EXIF holds a thumbnail with its own frame: the picture, not the thumbnail',
			jpeg(2000, 1000, { orientation: 1, exifThumbnail: { width: 160, height: 120 } }),
			{ width: 2000, height: 1000, format: 'jpeg' },
		],
		[
			'JPEG with an out-of-range EXIF orientation: ignored',
			jpeg(200, 100, { orientation: 9 }),
			{ width: 200, height: 100, format: 'jpeg' },
		],
		[
			'JPEG whose EXIF IFD points past the segment: orientation ignored',
			jpeg(200, 100, { app1: exifBlock(6, 'MM', { ifdOffset: 5000 }) }),
			{ width: 200, height: 100, format: 'jpeg' },
		],
		[
			'JPEG with an APP1 that is XMP, not EXIF',
			jpeg(200, 100, { app1: Buffer.from('http://ns.adobe.com/xap/1.0/\0<x/>') }),
			{ width: 200, height: 100, format: 'jpeg' },
		],
		['GIF89a', gif(320, 200), { width: 320, height: 200, format: 'gif' }],
		['GIF87a', gif(16, 9, '87a'), { width: 16, height: 9, format: 'gif' }],
		[
			'WebP lossy (VP8), scale bits ignored',
			webpLossy(800, 600),
			{ width: 800, height: 600, format: 'webp' },
		],
		[
			'WebP lossy at the 14-bit maximum',
			webpLossy(16383, 16383),
			{ width: 16383, height: 16383, format: 'webp' },
		],
		['WebP lossless (VP8L)', webpLossless(1000, 1), { width: 1000, height: 1, format: 'webp' }],
		[
			'WebP lossless at the 14-bit maximum',
			webpLossless(16384, 16384),
			{ width: 16384, height: 16384, format: 'webp' },
		],
		[
			'WebP extended (VP8X): the canvas, not the first frame',
			webpExtended(5000, 70000),
			{ width: 5000, height: 70000, format: 'webp' },
		],
	])('%s', (_name, file, expected) => {
		expect(imageSize(file)).toEqual(expected);
		expect(imageFormat(file)).toBe(expected.format);
		everyPrefix(file, imageSize, expected);
	});

	test.each([
		['an empty file', Buffer.alloc(0)],
		['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj')],
		['text', Buffer.from('not an image at all')],
		['a PNG with width 0', png(0, 10)],
		[
			'a PNG whose first chunk is not IHDR',
			Buffer.concat([
				png(1, 1).subarray(0, 8),
				Buffer.from('0000000dIDAT', 'latin1'),
				Buffer.alloc(20),
			]),
		],
		[
			'a JPEG with a scan before any frame header',
			Buffer.from('ffd8ffda000c03010002110311003f00ffd9', 'hex'),
		],
		[
			'a JPEG that ends before its frame',
			Buffer.from('ffd8ffe000104a46494600010200004800480000ffd9', 'hex'),
		],
		[
			'a JPEG with a segment length below 2',
			Buffer.from('ffd8ffe00001ffc0001108000a000a03012200021101031101', 'hex'),
		],
		[
			'a JPEG with a stuffed zero where a marker belongs',
			Buffer.from('ffd8ff00ffc0001108000a000a', 'hex'),
		],
		[
			'a JPEG with garbage where a marker belongs',
			Buffer.from('ffd8ffe000044a46abcdffc0001108000a000a03', 'hex'),
		],
		['a JPEG of height 0 (defined later by DNL)', jpeg(100, 0)],
		['a GIF of 0 × 0', gif(0, 0)],
		['a WebP inter frame (no key frame header)', webpLossy(10, 10, { interFrame: true })],
		[
			'a WebP lossless with a wrong signature',
			(() => {
				const f = webpLossless(10, 10);
				f[20] = 0x2e;
				return f;
			})(),
		],
		['a WebP lossless of a future version', webpLossless(10, 10, { version: 1 })],
		[
			'a RIFF WAVE file',
			Buffer.concat([
				Buffer.from('RIFF'),
				Buffer.alloc(4),
				Buffer.from('WAVEfmt '),
				Buffer.alloc(20),
			]),
		],
	])('%s gives undefined', (_name, file) => {
		expect(imageSize(file)).toBeUndefined();
	});

	test('2,000 garbage files, some with a real signature in front: undefined or a size, never an exception', () => {
		const signatures = [
			Buffer.alloc(0),
			png(1, 1).subarray(0, 8),
			Buffer.from([0xff, 0xd8, 0xff]),
			Buffer.from('GIF89a'),
			Buffer.from('RIFF\0\0\0\0WEBPVP8X'),
		];
		for (let seed = 1; seed <= 2000; seed++) {
			const file = Buffer.concat([signatures[seed % signatures.length], garbage(seed % 300, seed)]);
			const size = imageSize(file);
			if (size) expect(size.width > 0 && size.height > 0).toBe(true);
		}
	});

	test('a JPEG made of 60,000 fill bytes and empty segments ends quickly', () => {
		const file = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(60000, 0xff)]);
		expect(imageSize(file)).toBeUndefined();
		const comments = Buffer.concat([
			Buffer.from([0xff, 0xd8]),
			...Array.from({ length: 20000 }, () => Buffer.from([0xff, 0xfe, 0x00, 0x02])),
			jpeg(7, 5).subarray(2),
		]);
		expect(imageSize(comments)).toEqual({ width: 7, height: 5, format: 'jpeg' });
	});
});

describe('mp4Info', () => {
	test.each([
		[
			'moov before mdat (fast start)',
			mp4(1280, 720, 2500),
			{ width: 1280, height: 720, durationMs: 2500 },
		],
		[
			'moov after mdat',
			mp4(640, 360, 10_000, { moovLast: true }),
			{ width: 640, height: 360, durationMs: 10_000 },
		],
		[
			'moov after a 64-bit (largesize) mdat',
			mp4(640, 360, 10_000, { moovLast: true, largeMdat: true }),
			{ width: 640, height: 360, durationMs: 10_000 },
		],
		[
			'mdat of size 0, to the end of the file',
			mp4(320, 240, 1000, { mdatToEnd: true }),
			{ width: 320, height: 240, durationMs: 1000 },
		],
		[
			'a 90 kHz timescale, rounded to the millisecond',
			mp4(320, 240, 0, { timescale: 90000, duration: 90000 * 3 + 45 }),
			{ width: 320, height: 240, durationMs: 3001 },
		],
		[
			'mvhd version 1 with a 64-bit duration above 2³²',
			mp4(320, 240, 0, { mvhdVersion: 1, timescale: 90000, duration: 4_500_000_000n }),
			{ width: 320, height: 240, durationMs: 50_000_000 },
		],
		[
			'an audio track first (size 0 × 0), then the video',
			mp4(0, 0, 4000, {
				tracks: [{ handler: 'soun' }, { handler: 'vide', width: 854, height: 480 }],
			}),
			{ width: 854, height: 480, durationMs: 4000 },
		],
		[
			'a sized subtitle track before the video: the video (hdlr vide) wins',
			mp4(0, 0, 4000, {
				tracks: [
					{ handler: 'sbtl', width: 1920, height: 100 },
					{ handler: 'vide', width: 1280, height: 720 },
				],
			}),
			{ width: 1280, height: 720, durationMs: 4000 },
		],
		[
			'no hdlr anywhere: the first track with a size',
			mp4(0, 0, 4000, {
				tracks: [
					{ handler: 'soun', noHandler: true },
					{ handler: 'vide', width: 400, height: 300, noHandler: true },
				],
			}),
			{ width: 400, height: 300, durationMs: 4000 },
		],
		[
			'tkhd version 1',
			mp4(0, 0, 1500, { tracks: [{ handler: 'vide', width: 720, height: 576, version: 1 }] }),
			{ width: 720, height: 576, durationMs: 1500 },
		],
		[
			'a portrait phone video: 1920 × 1080 turned by 90°',
			mp4(0, 0, 3000, { tracks: [{ handler: 'vide', width: 1920, height: 1080, rotation: 90 }] }),
			{ width: 1080, height: 1920, durationMs: 3000 },
		],
		[
			'turned by 270°',
			mp4(0, 0, 3000, { tracks: [{ handler: 'vide', width: 1920, height: 1080, rotation: 270 }] }),
			{ width: 1080, height: 1920, durationMs: 3000 },
		],
		[
			'turned by 180°: not swapped',
			mp4(0, 0, 3000, { tracks: [{ handler: 'vide', width: 1920, height: 1080, rotation: 180 }] }),
			{ width: 1920, height: 1080, durationMs: 3000 },
		],
		[
			'fragmented: mvhd 0, the length in mvex/mehd',
			mp4(640, 480, 0, { duration: 0, fragmentDuration: 7250 }),
			{ width: 640, height: 480, durationMs: 7250 },
		],
		[
			'other boxes inside moov first (udta, a 64-bit free box)',
			mp4(640, 480, 900, {
				moovExtra: [box('udta', box('meta')), largeBox('free', Buffer.alloc(3))],
			}),
			{ width: 640, height: 480, durationMs: 900 },
		],
	])('%s', (_name, file, expected) => {
		expect(mp4Info(file)).toEqual(expected);
	});

	test('an audio-only file: the duration, no size', () => {
		expect(mp4Info(mp4(0, 0, 4000, { tracks: [{ handler: 'soun' }] }))).toEqual({
			durationMs: 4000,
		});
	});

	test('an unknown duration (all ones) or a zero timescale: no duration', () => {
		expect(mp4Info(mp4(10, 10, 0, { duration: 0xffffffff }))).toEqual({ width: 10, height: 10 });
		expect(mp4Info(mp4(10, 10, 0, { mvhdVersion: 1, duration: 0xffffffffffffffffn }))).toEqual({
			width: 10,
			height: 10,
		});
		expect(mp4Info(mp4(10, 10, 1000, { timescale: 0, duration: 5 }))).toEqual({
			width: 10,
			height: 10,
		});
		expect(mp4Info(mp4(10, 10, 0, { duration: 0 }))).toEqual({ width: 10, height: 10 });
	});

	test.each([
		['an empty file', Buffer.alloc(0)],
		['the fake MP4 of older tests (no moov)', Buffer.from('\u0000\u0000\u0000\u0018ftypmp42')],
		[
			'ftyp and mdat only',
			Buffer.concat([box('ftyp', Buffer.from('isom')), box('mdat', Buffer.alloc(10))]),
		],
		[
			'a box claiming to be larger than the file',
			Buffer.concat([Buffer.from([0, 0, 0x10, 0]), Buffer.from('moov'), mvhd(1000, 1000)]),
		],
		[
			'a box of size 4 (smaller than its header)',
			Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('ftyp'), Buffer.alloc(100)]),
		],
		[
			'a largesize that does not fit',
			Buffer.concat([
				Buffer.from([0, 0, 0, 1]),
				Buffer.from('mdat'),
				Buffer.from('ffffffffffffffff', 'hex'),
				box('moov', mvhd(1000, 1000)),
			]),
		],
		[
			'moov after a truncated mdat',
			Buffer.concat([
				box('ftyp', Buffer.from('isom')),
				Buffer.from([0, 0, 0x10, 0]),
				Buffer.from('mdat'),
				box('moov', mvhd(1000, 1000)),
			]),
		],
		['a JPEG', jpeg(10, 10)],
	])('%s gives undefined', (_name, file) => {
		expect(mp4Info(file)).toBeUndefined();
	});

	test('every prefix of a file with moov at the end: undefined, or moov read whole', () => {
		const file = mp4(640, 360, 10_000, { moovLast: true, largeMdat: true });
		everyPrefix(file, mp4Info, { width: 640, height: 360, durationMs: 10_000 });
		const moov = file.lastIndexOf(Buffer.from('moov')) - 4;
		for (let length = moov; length < file.length; length++)
			expect(mp4Info(file.subarray(0, length))).toBeUndefined();
	});

	test('moov cut inside: whatever is whole is read, nothing is guessed', () => {
		const file = mp4(640, 360, 10_000);
		for (let length = 0; length < file.length; length++) {
			const info = mp4Info(file.subarray(0, length));
			if (info?.width !== undefined) expect([info.width, info.height]).toEqual([640, 360]);
			if (info?.durationMs !== undefined) expect(info.durationMs).toBe(10_000);
		}
	});

	test('2,000 garbage files, some behind a real ftyp: never an exception', () => {
		const ftyp = box('ftyp', Buffer.from('isom'));
		for (let seed = 1; seed <= 2000; seed++) {
			const file = Buffer.concat([seed % 2 ? ftyp : Buffer.alloc(0), garbage(seed % 400, seed)]);
			expect(() => mp4Info(file)).not.toThrow();
		}
		const nested = Buffer.concat([
			ftyp,
			box(
				'moov',
				...Array.from({ length: 2000 }, (_, n) =>
					box(n % 2 ? 'trak' : 'mvhd', garbage(n % 40, n + 1)),
				),
			),
		]);
		expect(() => mp4Info(nested)).not.toThrow();
	});
});

describe('oggOpusDurationMs', () => {
	test.each([
		['three audio pages', oggOpus(1500), 1500],
		['a pre-skip of 3840 (80 ms)', oggOpus(2000, { preSkip: 3840 }), 2000],
		['one audio page', oggOpus(20, { granules: [20 * 48 + 312] }), 20],
		['rounded to the millisecond', oggOpus(0, { granules: [312 + 48 * 1000 + 30] }), 1001],
		['an hour', oggOpus(3_600_000), 3_600_000],
		[
			'the last page has no packet end (granule −1): the page before',
			oggOpus(0, { granules: [312 + 48_000, 312 + 96_000, -1] }),
			2000,
		],
		[
			'another stream multiplexed after the Opus BOS page: its granules ignored',
			oggOpus(1500, { otherStream: { serial: 7, granule: 999_999_999 } }),
			1500,
		],
		[
			'another stream whose BOS page comes first',
			oggOpus(1500, { otherStream: { serial: 7, granule: 999_999_999, bosFirst: true } }),
			1500,
		],
	])('%s', (_name, file, expected) => {
		expect(oggOpusDurationMs(file)).toBe(expected);
	});

	test('a truncated last page is ignored: the last whole page counts', () => {
		const file = oggOpus(3000);
		const lastPage = file.lastIndexOf(Buffer.from('OggS'));
		expect(oggOpusDurationMs(file.subarray(0, file.length - 10))).toBe(1500);
		expect(oggOpusDurationMs(file.subarray(0, lastPage))).toBe(1500);
	});

	test('garbage between pages is skipped to the next page', () => {
		const file = oggOpus(3000);
		const second = file.indexOf(Buffer.from('OggS'), 1);
		const third = file.indexOf(Buffer.from('OggS'), second + 1);
		const damaged = Buffer.concat([
			file.subarray(0, third),
			Buffer.from('xxOgxxOggxx'),
			file.subarray(third),
		]);
		expect(oggOpusDurationMs(damaged)).toBe(3000);
	});

	test.each([
		['an empty file', Buffer.alloc(0)],
		['the fake Ogg of older tests', Buffer.from('OggS\u0000\u0002opus-frames')],
		[
			'Ogg Vorbis',
			Buffer.concat([
				oggPage({ granule: 0, packets: [Buffer.from('\u0001vorbis')], headerType: 2 }, 0),
				oggPage({ granule: 48000, packets: [Buffer.alloc(10)] }, 1),
			]),
		],
		[
			'Ogg Opus without a BOS flag on its first page',
			Buffer.concat([
				oggPage({ granule: 0, packets: [opusHead(312)] }, 0),
				oggPage({ granule: 48312, packets: [Buffer.alloc(10)] }, 1),
			]),
		],
		[
			'only the headers, no audio page',
			Buffer.concat([
				oggPage({ granule: 0, packets: [opusHead(312)], headerType: 2 }, 0),
				oggPage({ granule: 0, packets: [opusTags()] }, 1),
			]),
		],
		['a last granule not beyond the pre-skip', oggOpus(0, { granules: [100] })],
		['a negative granule', oggOpus(0, { granules: [-5n] })],
		[
			'a short OpusHead',
			Buffer.concat([
				oggPage({ granule: 0, packets: [Buffer.from('OpusHead\u0001')], headerType: 2 }, 0),
				oggPage({ granule: 48312, packets: [Buffer.alloc(10)] }, 1),
			]),
		],
		[
			'text that starts with OggS',
			Buffer.from('OggS is how an Ogg page starts, but this is prose'),
		],
		['an MP4', mp4(10, 10, 1000)],
	])('%s gives undefined', (_name, file) => {
		expect(oggOpusDurationMs(file)).toBeUndefined();
	});

	test('every prefix, and 2,000 garbage files behind a real OpusHead page: never an exception', () => {
		const file = oggOpus(1500);
		for (let length = 0; length <= file.length; length++) {
			const ms = oggOpusDurationMs(file.subarray(0, length));
			if (ms !== undefined) expect([375, 750, 1500]).toContain(ms);
		}
		const head = oggPage({ granule: 0, packets: [opusHead(312)], headerType: 2 }, 0);
		for (let seed = 1; seed <= 2000; seed++) {
			expect(() =>
				oggOpusDurationMs(Buffer.concat([head, garbage(seed % 500, seed)])),
			).not.toThrow();
		}
	});
});

/** Android's decoder (and Telegram's): level i is bits 5·i … 5·i+4 of the little-endian bit stream. */
function unpackWaveform(bytes: Buffer): number[] {
	const levels: number[] = [];
	for (let i = 0; (i + 1) * 5 <= bytes.length * 8; i++) {
		let value = 0;
		for (let k = 0; k < 5; k++) {
			const bit = i * 5 + k;
			value |= ((bytes[bit >> 3] >> (bit & 7)) & 1) << k;
		}
		levels.push(value);
	}
	return levels;
}

describe('the waveform Mixin clients draw', () => {
	test('packs 5-bit levels low bit first, 100 levels into 63 bytes', () => {
		expect([...packWaveform([31, 0, 1])]).toEqual([0x1f, 0x04]);
		const levels = Array.from({ length: WAVEFORM_LEVELS }, (_, n) => n % 32);
		const packed = packWaveform(levels);
		expect(packed).toHaveLength(63);
		expect(unpackWaveform(packed).slice(0, WAVEFORM_LEVELS)).toEqual(levels);
		expect(unpackWaveform(packWaveform([40, -3, 7.6]))).toEqual([31, 0, 8]);
	});

	test('the flat one: standard base64 of 63 bytes, every level the same', () => {
		const base64 = flatWaveform();
		expect(base64).toMatch(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
		const bytes = Buffer.from(base64, 'base64');
		expect(bytes).toHaveLength(63);
		expect(unpackWaveform(bytes).slice(0, WAVEFORM_LEVELS)).toEqual(
			new Array(WAVEFORM_LEVELS).fill(FLAT_LEVEL),
		);
		expect(FLAT_LEVEL).toBe(17);
	});
});
