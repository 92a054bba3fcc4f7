/**
 * Every field the node can send, as Mixin reads it: the whole request of each message kind (only the message id
 * matched by pattern) and its decoded payload, so a renamed or mistyped field fails here.
 */
import { randomUUID } from 'node:crypto';

import { binaryItem, runCredentialTest } from '../harness/engine';
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import {
	BOT_ID,
	CONVERSATION_ID,
	USER_ID,
	keystoreCredentials,
	runMixin,
	startMixin,
} from './fixtures';

const emu = emulatorPerTest(startMixin);

const UUID = expect.stringMatching(
	/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
);
const FRIEND = '0f0c9b80-3c6e-4a4b-8b4b-7d4b1e3e4f5a';
/** A 2×1 PNG header: a width/height swap shows. */
const PNG_2X1 = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000002000000010806000000f478d4fa',
	'hex',
);

const to = [{ json: { userId: USER_ID } }];

/** The single POST /messages the node made, and its payload decoded from data_base64. */
function sent() {
	const posts = emu.http.requests.filter((r) => r.method === 'POST' && r.path === '/messages');
	expect(posts).toHaveLength(1);
	const body = posts[0].json as Record<string, unknown>;
	const bytes = Buffer.from(String(body.data_base64), 'base64url');
	const text = bytes.toString('utf8');
	let payload: unknown = text;
	try {
		payload = JSON.parse(text);
	} catch {
		// PLAIN_TEXT and PLAIN_POST carry the text itself
	}
	const { data_base64: _data, ...envelope } = body;
	return { envelope, payload };
}

const toUser = (category: string) => ({
	conversation_id: CONVERSATION_ID,
	recipient_id: USER_ID,
	message_id: UUID,
	category,
});

describe('Message › Send: every kind, the whole request', () => {
	beforeEach(() => emu.addUser({ userId: FRIEND, hasConversation: true }));

	test.each([
		['text', { messageType: 'text', text: 'hello' }, 'PLAIN_TEXT', 'hello'],
		['post', { messageType: 'post', post: '# Title\n\nbody' }, 'PLAIN_POST', '# Title\n\nbody'],
		[
			'sticker',
			{ messageType: 'sticker', stickerId: FRIEND },
			'PLAIN_STICKER',
			{ sticker_id: FRIEND },
		],
		[
			'sticker with its album and name',
			{
				messageType: 'sticker',
				stickerId: FRIEND,
				additionalFields: { albumId: BOT_ID, stickerName: 'wave' },
			},
			'PLAIN_STICKER',
			{ sticker_id: FRIEND, name: 'wave', album_id: BOT_ID },
		],
		[
			'contact',
			{ messageType: 'contact', contactUserId: FRIEND },
			'PLAIN_CONTACT',
			{ user_id: FRIEND },
		],
		[
			'app card as saved before Card Style existed: the classic card (shareable unless said otherwise, the bot as its app)',
			{
				messageType: 'appCard',
				cardTitle: 'Build',
				cardDescription: 'ok',
				cardAction: 'https://example.com/b',
				cardIconUrl: 'https://example.com/i.png',
			},
			'APP_CARD',
			{
				app_id: BOT_ID,
				icon_url: 'https://example.com/i.png',
				title: 'Build',
				description: 'ok',
				action: 'https://example.com/b',
				shareable: true,
			},
		],
		[
			'app card of another app, not shareable',
			{
				messageType: 'appCard',
				cardTitle: 'Build',
				cardDescription: 'ok',
				cardAction: 'https://example.com/b',
				cardIconUrl: 'https://example.com/i.png',
				additionalFields: { appId: FRIEND, shareable: false },
			},
			'APP_CARD',
			{
				app_id: FRIEND,
				icon_url: 'https://example.com/i.png',
				title: 'Build',
				description: 'ok',
				action: 'https://example.com/b',
				shareable: false,
			},
		],
		[
			'app card with a cover and its own buttons (no action key, so clients draw the current card)',
			{
				messageType: 'appCard',
				cardStyle: 'coverAndButtons',
				cardTitle: 'Build',
				cardDescription: 'ok',
				cardCoverUrl: 'https://example.com/cover.png',
				cardButtons: {
					button: [
						{ label: 'Open', color: '#00aa00', action: 'https://example.com/b' },
						{ label: 'Retry', color: '#EB5757', action: 'input:retry build 42' },
					],
				},
			},
			'APP_CARD',
			{
				app_id: BOT_ID,
				cover_url: 'https://example.com/cover.png',
				title: 'Build',
				description: 'ok',
				actions: [
					{ label: 'Open', color: '#00AA00', action: 'https://example.com/b' },
					{ label: 'Retry', color: '#EB5757', action: 'input:retry build 42' },
				],
				shareable: true,
			},
		],
		[
			'app card with buttons and no cover, not shareable',
			{
				messageType: 'appCard',
				cardStyle: 'coverAndButtons',
				cardTitle: 'Vote',
				cardDescription: 'Pick one',
				cardButtons: { button: [{ label: 'Yes', color: '#27AE60', action: 'input:yes' }] },
				additionalFields: { shareable: false },
			},
			'APP_CARD',
			{
				app_id: BOT_ID,
				title: 'Vote',
				description: 'Pick one',
				actions: [{ label: 'Yes', color: '#27AE60', action: 'input:yes' }],
				shareable: false,
			},
		],
		[
			'classic app card whose tap sends text back (input:)',
			{
				messageType: 'appCard',
				cardStyle: 'classic',
				cardTitle: 'Menu',
				cardDescription: 'tap',
				cardAction: 'input:menu',
				cardIconUrl: 'https://example.com/i.png',
			},
			'APP_CARD',
			{
				app_id: BOT_ID,
				icon_url: 'https://example.com/i.png',
				title: 'Menu',
				description: 'tap',
				action: 'input:menu',
				shareable: true,
			},
		],
		[
			'button group with input: actions (the user sends the text, spaces kept)',
			{
				messageType: 'buttonGroup',
				buttons: {
					button: [
						{ label: '8 A', color: '#2F80ED', action: 'input:8 A' },
						{ label: 'Help', color: '#2F80ED', action: 'input:/help' },
					],
				},
			},
			'APP_BUTTON_GROUP',
			[
				{ label: '8 A', color: '#2F80ED', action: 'input:8 A' },
				{ label: 'Help', color: '#2F80ED', action: 'input:/help' },
			],
		],
		[
			'button group (colours as #RRGGBB)',
			{
				messageType: 'buttonGroup',
				buttons: {
					button: [
						{ label: 'Open', color: '#00aa00', action: 'https://example.com' },
						{ label: 'Apps', color: '#0000FF', action: 'mixin://apps' },
					],
				},
			},
			'APP_BUTTON_GROUP',
			[
				{ label: 'Open', color: '#00AA00', action: 'https://example.com' },
				{ label: 'Apps', color: '#0000FF', action: 'mixin://apps' },
			],
		],
		[
			'live',
			{
				messageType: 'live',
				width: 640,
				height: 360,
				liveUrl: 'https://example.com/live.m3u8',
				liveThumbUrl: 'https://example.com/t.jpg',
			},
			'PLAIN_LIVE',
			{
				width: 640,
				height: 360,
				thumb_url: 'https://example.com/t.jpg',
				url: 'https://example.com/live.m3u8',
				shareable: true,
			},
		],
		[
			'location with its name and address',
			{
				messageType: 'location',
				latitude: 31.2304,
				longitude: 121.4737,
				additionalFields: { locationName: 'Bund', locationAddress: 'Zhongshan Rd' },
			},
			'PLAIN_LOCATION',
			{ latitude: 31.2304, longitude: 121.4737, name: 'Bund', address: 'Zhongshan Rd' },
		],
		[
			'raw',
			{
				messageType: 'raw',
				category: 'plain_contact',
				rawData: JSON.stringify({ user_id: FRIEND }),
			},
			'PLAIN_CONTACT',
			{ user_id: FRIEND },
		],
	])('%s', async (_name, params, category, payload) => {
		const result = await runMixin(emu, 'send', to, params);
		expect(result.error?.message).toBeUndefined();
		const { envelope, payload: got } = sent();
		expect(envelope).toEqual(toUser(category));
		expect(got).toEqual(payload);
		expect(result.output()[0].json).toMatchObject({ ...toUser(category), user_id: BOT_ID });
	});

	test('an image from binary: uploaded with an empty signed body, then its true width and height', async () => {
		const result = await runMixin(
			emu,
			'send',
			[binaryItem(PNG_2X1, 'wide.png', 'image/png', { userId: USER_ID })],
			{
				messageType: 'image',
				mediaSource: 'binary',
				width: 2,
				height: 1,
				additionalFields: { thumbnail: 'AAEC-_8' },
			},
		);
		expect(result.error?.message).toBeUndefined();
		const create = emu.http.requests[0];
		expect(`${create.method} ${create.path}`).toBe('POST /attachments');
		expect(create.body).toHaveLength(0);
		const [attachment] = [...emu.attachments.values()];
		const { envelope, payload } = sent();
		expect(envelope).toEqual(toUser('PLAIN_IMAGE'));
		// a URL-safe, unpadded thumbnail is sent in the standard base64 clients decode
		expect(payload).toEqual({
			attachment_id: attachment.attachment_id,
			mime_type: 'image/png',
			size: PNG_2X1.length,
			width: 2,
			height: 1,
			thumbnail: 'AAEC+/8=',
		});
	});

	test('the MIME override replaces the binary type', async () => {
		await runMixin(
			emu,
			'send',
			[binaryItem(PNG_2X1, 'blob', 'application/octet-stream', { userId: USER_ID })],
			{
				messageType: 'image',
				mediaSource: 'binary',
				width: 2,
				height: 1,
				additionalFields: { mimeTypeOverride: 'image/png' },
			},
		);
		expect((sent().payload as { mime_type: string }).mime_type).toBe('image/png');
	});

	test('audio (Ogg Opus, parameters allowed) with its waveform; video with its thumbnail; a file with its name', async () => {
		const ogg = Buffer.from('OggS\u0000\u0002opus-frames');
		await runMixin(
			emu,
			'send',
			[binaryItem(ogg, 'v.ogg', 'audio/ogg; codecs=opus', { userId: USER_ID })],
			{
				messageType: 'audio',
				mediaSource: 'binary',
				duration: 1500,
				additionalFields: { waveform: 'AQID' },
			},
		);
		const audio = sent();
		expect(audio.envelope).toEqual(toUser('PLAIN_AUDIO'));
		expect(audio.payload).toEqual({
			attachment_id: expect.any(String),
			mime_type: 'audio/ogg; codecs=opus',
			size: ogg.length,
			duration: 1500,
			waveform: 'AQID',
		});
		emu.http.clearRecord();
		const mp4 = Buffer.from('\u0000\u0000\u0000\u0018ftypmp42');
		await runMixin(emu, 'send', [binaryItem(mp4, 'v.mp4', 'video/mp4', { userId: USER_ID })], {
			messageType: 'video',
			mediaSource: 'binary',
			width: 320,
			height: 240,
			duration: 2000,
			additionalFields: { thumbnail: 'AQID' },
		});
		expect(sent().payload).toEqual({
			attachment_id: expect.any(String),
			mime_type: 'video/mp4',
			size: mp4.length,
			width: 320,
			height: 240,
			duration: 2000,
			thumbnail: 'AQID',
		});
		emu.http.clearRecord();
		const pdf = Buffer.from('%PDF-1.4 tiny');
		await runMixin(
			emu,
			'send',
			[binaryItem(pdf, 'report.pdf', 'application/pdf', { userId: USER_ID })],
			{ messageType: 'file', mediaSource: 'binary' },
		);
		expect(sent().payload).toEqual({
			attachment_id: expect.any(String),
			mime_type: 'application/pdf',
			size: pdf.length,
			name: 'report.pdf',
		});
	});

	test('Expire In (Seconds): expire_in in the whole envelope, echoed by Mixin; 0 sends none', async () => {
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'gone soon' } }], {
			additionalFields: { expireIn: 3600 },
		});
		expect(result.error?.message).toBeUndefined();
		expect(sent().envelope).toEqual({ ...toUser('PLAIN_TEXT'), expire_in: 3600 });
		expect(result.output()[0].json.expire_in).toBe(3600);
		expect(emu.messages[0].expire_in).toBe(3600);
		emu.http.clearRecord();
		await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'stays' } }], {
			additionalFields: { expireIn: 0 },
		});
		expect(sent().envelope).toEqual(toUser('PLAIN_TEXT'));
	});

	test('Send Many carries expire_in on every message of the batch', async () => {
		const input = [
			{ json: { userId: USER_ID, text: 'a' } },
			{ json: { userId: USER_ID, text: 'b' } },
		];
		const result = await runMixin(emu, 'send-many', input, { additionalFields: { expireIn: 30 } });
		expect(result.error?.message).toBeUndefined();
		const [post] = emu.http.requests.filter((r) => r.path === '/messages');
		const envelopes = (post.json as Array<Record<string, unknown>>).map(
			({ data_base64: _d, ...e }) => e,
		);
		expect(envelopes).toEqual([
			{ ...toUser('PLAIN_TEXT'), expire_in: 30 },
			{ ...toUser('PLAIN_TEXT'), expire_in: 30 },
		]);
	});

	test('quote, silent and a caller-supplied message id: the whole envelope', async () => {
		const messageId = randomUUID();
		const quote = randomUUID();
		await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'reply' } }], {
			additionalFields: { messageId, quoteMessageId: quote, silent: true },
		});
		expect(sent().envelope).toEqual({
			conversation_id: CONVERSATION_ID,
			recipient_id: USER_ID,
			message_id: messageId,
			category: 'PLAIN_TEXT',
			quote_message_id: quote,
			silent: true,
		});
	});
});

describe('Media types are checked whatever the source', () => {
	refusedBeforeSending<[string, Record<string, unknown>]>(
		[
			[
				'MP3 audio from binary',
				['audio/mpeg', { messageType: 'audio', mediaSource: 'binary', duration: 1000 }],
				'Item 0: "Input Binary Field" is audio/mpeg; audio messages must be audio/ogg with Opus: Mixin clients play nothing else',
			],
			[
				'Ogg Vorbis audio',
				[
					'audio/ogg; codecs=vorbis',
					{ messageType: 'audio', mediaSource: 'binary', duration: 1000 },
				],
				/^Item 0: "Input Binary Field" is audio\/ogg; codecs=vorbis; audio messages must be audio\/ogg with Opus/,
			],
			[
				'QuickTime video',
				[
					'video/quicktime',
					{ messageType: 'video', mediaSource: 'binary', width: 2, height: 2, duration: 1 },
				],
				/^Item 0: "Input Binary Field" is video\/quicktime; video messages must be video\/mp4/,
			],
			[
				'a PDF as an image',
				['application/pdf', { messageType: 'image', mediaSource: 'binary', width: 2, height: 2 }],
				/^Item 0: "Input Binary Field" is application\/pdf; image messages must be an image\/\* type/,
			],
			[
				'an attachment said to be MP3',
				[
					'x',
					{
						messageType: 'audio',
						mediaSource: 'attachment',
						attachmentId: USER_ID,
						mimeType: 'audio/mpeg',
						size: 3,
						duration: 1,
					},
				],
				/^Item 0: "MIME Type" is audio\/mpeg/,
			],
			[
				'a location at (0, 0)',
				['x', { messageType: 'location', latitude: 0, longitude: 0 }],
				'Item 0: "Latitude" and "Longitude" are both 0, which Mixin clients show as no location',
			],
		],
		([mime, params]) =>
			runMixin(
				emu,
				'send',
				[binaryItem(Buffer.from('bytes'), 'f', mime, { userId: USER_ID })],
				params,
			),
		() => emu.http.requests.length,
	);
});

describe('App cards, buttons and expire_in are checked before sending', () => {
	const card = {
		messageType: 'appCard',
		cardStyle: 'coverAndButtons',
		cardTitle: 'T',
		cardDescription: 'D',
	};
	const button = (action: string, extra: Record<string, unknown> = {}) => ({
		button: [{ label: 'Go', color: '#123456', action, ...extra }],
	});
	refusedBeforeSending<Record<string, unknown>>(
		[
			[
				'a card with buttons but none given',
				{ ...card },
				'Item 0: "Buttons" must hold 1–18 buttons, got 0',
			],
			[
				'19 buttons on a card',
				{
					...card,
					cardButtons: {
						button: Array.from({ length: 19 }, () => ({
							label: 'x',
							color: '#000000',
							action: 'input:x',
						})),
					},
				},
				'Item 0: "Buttons" must hold 1–18 buttons, got 19',
			],
			[
				'a card button colour that is not #RRGGBB',
				{ ...card, cardButtons: button('input:x', { color: 'red' }) },
				'Item 0: button 1: "Color" must look like #RRGGBB',
			],
			[
				'a card button label over 36 characters',
				{ ...card, cardButtons: button('input:x', { label: 'x'.repeat(37) }) },
				'Item 0: "Buttons › 1 › Label" must be 1–36 characters long, got 37',
			],
			[
				'a cover that is not a link',
				{ ...card, cardCoverUrl: 'cover.png', cardButtons: button('input:x') },
				'Item 0: "Cover URL" must be an http(s):// or mixin:// URL',
			],
			[
				'input: without text',
				{ ...card, cardButtons: button('input:  ') },
				'Item 0: "Buttons › 1 › Action" needs the text to send back after input:',
			],
			[
				'input: text over 1024 characters',
				{ messageType: 'buttonGroup', buttons: button(`input:${'y'.repeat(1025)}`) },
				'Item 0: "Buttons › 1 › Action": the input: text is 1025 characters; at most 1024',
			],
			[
				'an action that is neither a link nor input:',
				{ messageType: 'buttonGroup', buttons: button('javascript:alert(1)') },
				'Item 0: "Buttons › 1 › Action" must be an http(s):// or mixin:// URL, or input:<text to send back>',
			],
			[
				'a classic card action that is not a link',
				{
					messageType: 'appCard',
					cardTitle: 'T',
					cardDescription: 'D',
					cardAction: 'Input:x',
					cardIconUrl: 'https://example.com/i.png',
				},
				'Item 0: "Action URL" must be an http(s):// or mixin:// URL, or input:<text to send back>',
			],
			[
				'a negative Expire In',
				{ additionalFields: { expireIn: -1 } },
				'Item 0: "Expire In (Seconds)" must be at least 0',
			],
			[
				'a fractional Expire In',
				{ additionalFields: { expireIn: 1.5 } },
				'Item 0: "Expire In (Seconds)" must be a whole number',
			],
		],
		(params) => runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'x' } }], params),
		() => emu.http.requests.length,
	);
});

describe('Business refusals are not retried', () => {
	test('Mixin answering 10002 (an invalid field) is sent exactly once', async () => {
		emu.http.inject({
			match: (r) => r.path === '/messages',
			fault: {
				kind: 'status',
				status: 202,
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					error: { status: 202, code: 10002, description: 'The request data has invalid field.' },
				}),
			},
		});
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'x' } }]);
		expect(result.error?.message).toBe('Mixin error 10002: The request data has invalid field.');
		expect(emu.http.requests.filter((r) => r.path === '/messages')).toHaveLength(1);
	});
});

describe('The credential test', () => {
	const send = async (request: {
		baseURL?: string;
		url: string;
		method?: string;
		headers?: Record<string, unknown>;
	}) => {
		const response = await fetch(`${request.baseURL}${request.url}`, {
			method: request.method ?? 'GET',
			headers: request.headers as Record<string, string>,
		});
		const text = await response.text();
		return { statusCode: response.status, body: text ? (JSON.parse(text) as unknown) : {} };
	};

	test('passes on the bot profile, and fails on an answer without it', async () => {
		expect(
			(await runCredentialTest('mixinMessengerApi', keystoreCredentials(emu.baseUrl), send)).status,
		).toBe('OK');
		emu.http.inject({
			match: (r) => r.path === '/me',
			fault: {
				kind: 'status',
				status: 200,
				body: '{"data":{}}',
				headers: { 'content-type': 'application/json' },
			},
		});
		const bad = await runCredentialTest(
			'mixinMessengerApi',
			keystoreCredentials(emu.baseUrl),
			send,
		);
		expect(bad).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/did not answer with the bot's profile/),
		});
	});
});
