/**
 * Media from a binary field needs nothing typed: width, height and duration come from the file's headers, the
 * typed fields stay as overrides, a thumbnail can come from a binary field, and audio without a waveform gets a
 * flat one. Each case compares the whole POST /messages the emulator received, its payload decoded.
 */
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { binaryItem } from '../harness/engine';
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import { CONVERSATION_ID, USER_ID, runMixin, startMixin } from './fixtures';
import { gif, jpeg, mp4, oggOpus, png, webpLossless, webpLossy } from './media-files';

const emu = emulatorPerTest(startMixin);

const UUID = expect.stringMatching(
	/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
);

/**
 * The waveform clients get for audio without one, built here from its description rather than the node's code:
 * 100 levels of 17, 5 bits each, low bit first, in 63 bytes.
 */
const FLAT_WAVEFORM = (() => {
	const bits = Array.from({ length: 100 }, () => [1, 0, 0, 0, 1]).flat(); // 17 = 0b10001, low bit first
	const bytes = Buffer.alloc(63);
	bits.forEach((bit, n) => {
		if (bit) bytes[n >> 3] |= 1 << (n & 7);
	});
	return bytes.toString('base64');
})();

function binary(bytes: Buffer, fileName: string, mimeType: string): IBinaryData {
	return { data: bytes.toString('base64'), fileName, mimeType, fileSize: String(bytes.length) };
}

/** An item with the media in `data` and, if given, more binary fields (a thumbnail). */
function item(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
	more: Record<string, IBinaryData> = {},
): INodeExecutionData {
	const base = binaryItem(bytes, fileName, mimeType, { userId: USER_ID });
	return { ...base, binary: { ...base.binary, ...more } };
}

/** The single POST /messages: its envelope and the payload decoded from data_base64. */
function sent() {
	const posts = emu.http.requests.filter((r) => r.method === 'POST' && r.path === '/messages');
	expect(posts).toHaveLength(1);
	const { data_base64: data, ...envelope } = posts[0].json as Record<string, unknown>;
	return {
		envelope,
		payload: JSON.parse(Buffer.from(String(data), 'base64url').toString('utf8')) as IDataObject,
	};
}

const attachmentId = () => [...emu.attachments.values()][0].attachment_id;
const toUser = (category: string) => ({
	conversation_id: CONVERSATION_ID,
	recipient_id: USER_ID,
	message_id: UUID,
	category,
});

async function send(input: INodeExecutionData, parameters: Record<string, unknown>) {
	const result = await runMixin(emu, 'send', [input], { mediaSource: 'binary', ...parameters });
	expect(result.error?.message).toBeUndefined();
	return sent();
}

describe('Media from binary with nothing typed: read from the file', () => {
	test.each([
		['PNG', png(640, 480), 'photo.png', 'image/png', 640, 480],
		['JPEG, progressive', jpeg(1600, 1200, { sof: 0xc2 }), 'photo.jpg', 'image/jpeg', 1600, 1200],
		[
			'JPEG from a phone held upright (EXIF orientation 6): as displayed',
			jpeg(4032, 3024, { orientation: 6 }),
			'IMG_0001.jpg',
			'image/jpeg',
			3024,
			4032,
		],
		['GIF', gif(320, 200), 'anim.gif', 'image/gif', 320, 200],
		['WebP lossy', webpLossy(800, 600), 'pic.webp', 'image/webp', 800, 600],
		['WebP lossless', webpLossless(96, 64), 'icon.webp', 'image/webp', 96, 64],
	])('image: %s', async (_name, bytes, fileName, mimeType, width, height) => {
		const { envelope, payload } = await send(item(bytes, fileName, mimeType), {
			messageType: 'image',
		});
		expect(envelope).toEqual(toUser('PLAIN_IMAGE'));
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: mimeType,
			size: bytes.length,
			width,
			height,
		});
	});

	test.each([
		['moov first', mp4(1280, 720, 4321), 1280, 720, 4321],
		[
			'moov after mdat, 64-bit mdat size, 90 kHz',
			mp4(0, 0, 0, {
				moovLast: true,
				largeMdat: true,
				timescale: 90000,
				duration: 90000 * 12,
				tracks: [{ handler: 'soun' }, { handler: 'vide', width: 640, height: 360 }],
			}),
			640,
			360,
			12000,
		],
		[
			'portrait phone video (track turned by 90°)',
			mp4(0, 0, 3000, { tracks: [{ handler: 'vide', width: 1920, height: 1080, rotation: 90 }] }),
			1080,
			1920,
			3000,
		],
	])('video: %s', async (_name, bytes, width, height, duration) => {
		const { envelope, payload } = await send(item(bytes, 'clip.mp4', 'video/mp4'), {
			messageType: 'video',
		});
		expect(envelope).toEqual(toUser('PLAIN_VIDEO'));
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'video/mp4',
			size: bytes.length,
			width,
			height,
			duration,
		});
	});

	test('audio: the duration from the last Ogg page, and a flat waveform', async () => {
		const bytes = oggOpus(2750, { preSkip: 3840 });
		const { envelope, payload } = await send(item(bytes, 'voice.ogg', 'audio/ogg'), {
			messageType: 'audio',
		});
		expect(envelope).toEqual(toUser('PLAIN_AUDIO'));
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'audio/ogg',
			size: bytes.length,
			duration: 2750,
			waveform: FLAT_WAVEFORM,
		});
	});

	test('Send Many: every item is measured from its own file', async () => {
		const files = [png(10, 20), jpeg(30, 40, { orientation: 8 }), gif(50, 60)];
		const input = files.map((bytes, n) =>
			item(bytes, `f${n}`, ['image/png', 'image/jpeg', 'image/gif'][n]),
		);
		const result = await runMixin(emu, 'send-many', input, {
			messageType: 'image',
			mediaSource: 'binary',
		});
		expect(result.error?.message).toBeUndefined();
		const byId = new Map(emu.messages.map((m) => [m.message_id, m.json]));
		const sizes = result.output().map((o) => byId.get(o.json.message_id as string) as IDataObject);
		expect(sizes.map((s) => [s.width, s.height, s.size])).toEqual([
			[10, 20, files[0].length],
			[40, 30, files[1].length],
			[50, 60, files[2].length],
		]);
	});
});

describe('Typed values are overrides: a saved workflow sends exactly what it typed', () => {
	test('image: both typed, the file is not even read (an SVG the node cannot measure)', async () => {
		const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
		const { payload } = await send(item(svg, 'logo.svg', 'image/svg+xml'), {
			messageType: 'image',
			width: 300,
			height: 150,
		});
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'image/svg+xml',
			size: svg.length,
			width: 300,
			height: 150,
		});
	});

	test('image: typed values win over the header', async () => {
		const bytes = png(640, 480);
		const { payload } = await send(item(bytes, 'p.png', 'image/png'), {
			messageType: 'image',
			width: 64,
			height: 48,
		});
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'image/png',
			size: bytes.length,
			width: 64,
			height: 48,
		});
	});

	test('image: one typed, the other from the file', async () => {
		const bytes = png(640, 480);
		const { payload } = await send(item(bytes, 'p.png', 'image/png'), {
			messageType: 'image',
			height: 999,
		});
		expect(payload).toMatchObject({ width: 640, height: 999 });
	});

	test('video: all three typed on a file without a movie header', async () => {
		const fake = Buffer.from('\u0000\u0000\u0000\u0018ftypmp42');
		const { payload } = await send(item(fake, 'v.mp4', 'video/mp4'), {
			messageType: 'video',
			width: 320,
			height: 240,
			duration: 2000,
		});
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'video/mp4',
			size: fake.length,
			width: 320,
			height: 240,
			duration: 2000,
		});
	});

	test('video: the duration typed (as an expression gives it, a string), the size from the file', async () => {
		const bytes = mp4(854, 480, 9000);
		const { payload } = await send(item(bytes, 'v.mp4', 'video/mp4'), {
			messageType: 'video',
			duration: '={{ "1234" }}',
		});
		expect(payload).toMatchObject({ width: 854, height: 480, duration: 1234 });
	});

	test('audio: typed duration and waveform on a file that is not Ogg Opus inside', async () => {
		const fake = Buffer.from('OggS\u0000\u0002opus-frames');
		const { payload } = await send(item(fake, 'v.ogg', 'audio/ogg'), {
			messageType: 'audio',
			duration: 1500,
			additionalFields: { waveform: 'AQID' },
		});
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'audio/ogg',
			size: fake.length,
			duration: 1500,
			waveform: 'AQID',
		});
	});

	test('an existing attachment still needs its width, height and duration typed, and audio gets the flat waveform', async () => {
		const upload = await runMixin(emu, 'attachment-upload', [
			binaryItem(oggOpus(1000), 'v.ogg', 'audio/ogg'),
		]);
		expect(upload.error?.message).toBeUndefined();
		emu.http.clearRecord();
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID } }], {
			messageType: 'audio',
			mediaSource: 'attachment',
			attachmentId: attachmentId(),
			mimeType: 'audio/ogg',
			size: oggOpus(1000).length,
			duration: 1000,
		});
		expect(result.error?.message).toBeUndefined();
		expect(sent().payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'audio/ogg',
			size: oggOpus(1000).length,
			duration: 1000,
			waveform: FLAT_WAVEFORM,
		});
	});
});

describe('Thumbnail from a binary field', () => {
	test('image: the thumbnail file is sent as standard base64', async () => {
		const thumb = jpeg(64, 48);
		const bytes = png(640, 480);
		const { payload } = await send(
			item(bytes, 'p.png', 'image/png', { thumb: binary(thumb, 't.jpg', 'image/jpeg') }),
			{
				messageType: 'image',
				additionalFields: { thumbnailBinaryProperty: 'thumb' },
			},
		);
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'image/png',
			size: bytes.length,
			width: 640,
			height: 480,
			thumbnail: thumb.toString('base64'),
		});
		// only the media itself is uploaded, the thumbnail travels inside the message
		expect(emu.http.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
	});

	test('video: a PNG thumbnail, everything else read from the MP4', async () => {
		const thumb = png(64, 36);
		const bytes = mp4(1280, 720, 5000);
		const { payload } = await send(
			item(bytes, 'v.mp4', 'video/mp4', { cover: binary(thumb, 'c.png', 'image/png') }),
			{
				messageType: 'video',
				additionalFields: { thumbnailBinaryProperty: ' cover ' },
			},
		);
		expect(payload).toEqual({
			attachment_id: attachmentId(),
			mime_type: 'video/mp4',
			size: bytes.length,
			width: 1280,
			height: 720,
			duration: 5000,
			thumbnail: thumb.toString('base64'),
		});
	});
});

describe('A file that cannot be measured is refused before anything is sent, naming the item and the field', () => {
	const pngItem = (bytes: Buffer, more: Record<string, IBinaryData> = {}) =>
		item(bytes, 'p.png', 'image/png', more);
	const big = Buffer.concat([jpeg(64, 64), Buffer.alloc(32 * 1024)]);
	refusedBeforeSending<[INodeExecutionData, Record<string, unknown>]>(
		[
			[
				'an image/png that is not an image',
				[pngItem(Buffer.from('<html>not found</html>')), { messageType: 'image' }],
				'Item 0: could not read the image size: "Input Binary Field" is not a PNG, JPEG, GIF or WebP image; set "Width" and "Height"',
			],
			[
				'a PNG cut inside its header',
				[pngItem(png(640, 480).subarray(0, 20)), { messageType: 'image' }],
				'Item 0: could not read the image size from the PNG header of "Input Binary Field"; set "Width" and "Height"',
			],
			[
				'a JPEG without a frame header, width typed',
				[
					item(
						Buffer.from('ffd8ffe000104a46494600010200004800480000ffd9', 'hex'),
						'p.jpg',
						'image/jpeg',
					),
					{ messageType: 'image', width: 100 },
				],
				'Item 0: could not read the image size from the JPEG header of "Input Binary Field"; set "Height"',
			],
			[
				'a typed width below 1 is still wrong',
				[pngItem(png(2, 2)), { messageType: 'image', width: -5 }],
				'Item 0: "Width" must be at least 1',
			],
			[
				'an MP4 without a movie box',
				[
					item(Buffer.from('\u0000\u0000\u0000\u0018ftypmp42'), 'v.mp4', 'video/mp4'),
					{ messageType: 'video' },
				],
				'Item 0: could not read the video size and duration: "Input Binary Field" has no MP4 movie box (moov); set "Width", "Height" and "Duration (Ms)"',
			],
			[
				'an MP4 without a video track',
				[
					item(mp4(0, 0, 3000, { tracks: [{ handler: 'soun' }] }), 'v.mp4', 'video/mp4'),
					{ messageType: 'video' },
				],
				'Item 0: could not read the video size from the MP4 headers (tkhd) of "Input Binary Field"; set "Width" and "Height"',
			],
			[
				'an MP4 of unknown duration',
				[
					item(mp4(10, 10, 0, { duration: 0xffffffff }), 'v.mp4', 'video/mp4'),
					{ messageType: 'video' },
				],
				'Item 0: could not read the video duration from the MP4 headers (mvhd) of "Input Binary Field"; set "Duration (Ms)"',
			],
			[
				'an Ogg that is not Opus inside',
				[
					item(Buffer.from('OggS\u0000\u0002opus-frames'), 'v.ogg', 'audio/ogg'),
					{ messageType: 'audio' },
				],
				'Item 0: could not read the duration from the Ogg Opus pages of "Input Binary Field"; set "Duration (Ms)"',
			],
			[
				'a thumbnail over 32 KB',
				[
					pngItem(png(2, 2), { thumb: binary(big, 't.jpg', 'image/jpeg') }),
					{ messageType: 'image', additionalFields: { thumbnailBinaryProperty: 'thumb' } },
				],
				`Item 0: "Thumbnail Input Binary Field" holds ${big.length} bytes; a thumbnail may have at most 32768`,
			],
			[
				'a thumbnail that is not an image',
				[
					pngItem(png(2, 2), { thumb: binary(Buffer.from('hello'), 't.txt', 'text/plain') }),
					{ messageType: 'image', additionalFields: { thumbnailBinaryProperty: 'thumb' } },
				],
				'Item 0: "Thumbnail Input Binary Field" must hold a PNG, JPEG, GIF or WebP image',
			],
			[
				'a thumbnail field the item does not have',
				[
					pngItem(png(2, 2)),
					{ messageType: 'image', additionalFields: { thumbnailBinaryProperty: 'thumb' } },
				],
				'Item 0: "Thumbnail Input Binary Field" names binary field "thumb", which the item does not have',
			],
			[
				'a thumbnail both typed and from binary',
				[
					pngItem(png(2, 2), { thumb: binary(png(1, 1), 't.png', 'image/png') }),
					{
						messageType: 'image',
						additionalFields: { thumbnail: 'AQID', thumbnailBinaryProperty: 'thumb' },
					},
				],
				'Item 0: set "Thumbnail (Base64)" or "Thumbnail Input Binary Field", not both',
			],
		],
		([input, params]) => runMixin(emu, 'send', [input], { mediaSource: 'binary', ...params }),
		() => emu.http.requests.length,
	);

	test('the error says how to send the file anyway', async () => {
		const result = await runMixin(emu, 'send', [pngItem(Buffer.from('nope'))], {
			messageType: 'image',
			mediaSource: 'binary',
		});
		expect(result.error?.description).toBe(
			'The node reads what is left at 0 from the file; type "Width" and "Height" to send this file as it is.',
		);
	});

	test('in Send Many the failing item is named, and nothing of the batch is sent', async () => {
		const input = [pngItem(png(4, 4)), pngItem(Buffer.from('nope'))];
		const result = await runMixin(emu, 'send-many', input, {
			messageType: 'image',
			mediaSource: 'binary',
		});
		expect(result.error?.message).toBe(
			'Item 1: could not read the image size: "Input Binary Field" is not a PNG, JPEG, GIF or WebP image; set "Width" and "Height"',
		);
		expect(emu.http.requests.filter((r) => r.path === '/messages')).toHaveLength(0);
	});
});
