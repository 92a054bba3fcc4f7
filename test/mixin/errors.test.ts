import type { INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from '../harness/engine';
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import {
	BOT_ID,
	LEGACY_PRIVATE_KEY,
	SEED_HEX,
	SESSION_ID,
	USER_ID,
	everythingShown,
	fieldCredentials,
	keystoreCredentials,
	runMixin,
	startMixin,
} from './fixtures';

const emu = emulatorPerTest(startMixin);

const text = (userId: string, body = 'hi') => [{ json: { userId, text: body } }];

describe('Bad input is refused before anything is sent', () => {
	refusedBeforeSending<[INodeExecutionData[], Record<string, unknown>]>(
		[
			['missing recipient', [text(''), {}], 'Item 0: "User ID" is required'],
			[
				'malformed user id',
				[text('e8e8cd79-cd40'), {}],
				'Item 0: "User ID" must be a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456), got "e8e8cd79-cd40"',
			],
			[
				'malformed conversation id',
				[text(USER_ID), { recipientType: 'conversation', conversationId: 'group-1' }],
				'Item 0: "Conversation ID" must be a UUID, got "group-1"',
			],
			[
				'malformed message id',
				[text(USER_ID), { additionalFields: { messageId: '123' } }],
				'Item 0: "Message ID" must be a UUID, got "123"',
			],
			['message to the bot itself', [text(BOT_ID), {}], 'Item 0: "User ID" is the bot itself'],
			[
				'oversize message',
				[text(USER_ID, 'x'.repeat(130_000)), {}],
				/^Item 0: the message is \d+ bytes once encoded; Mixin accepts at most 128000$/,
			],
			[
				'unknown category',
				[text(USER_ID), { messageType: 'raw', category: 'PLAIN_HOLOGRAM', rawData: '{}' }],
				/^Item 0: "Category" PLAIN_HOLOGRAM is not one a bot can send/,
			],
			[
				'raw JSON that is not JSON',
				[text(USER_ID), { messageType: 'raw', category: 'APP_CARD', rawData: '{oops' }],
				'Item 0: "Data" is not valid JSON',
			],
			[
				'app card title too long',
				[
					text(USER_ID),
					{
						messageType: 'appCard',
						cardTitle: 'T'.repeat(37),
						cardDescription: 'd',
						cardAction: 'https://e.com',
						cardIconUrl: 'https://e.com/i',
					},
				],
				'Item 0: "Title" must be 1–36 characters long, got 37',
			],
			[
				'too many buttons',
				[
					text(USER_ID),
					{
						messageType: 'buttonGroup',
						buttons: {
							button: Array.from({ length: 19 }, () => ({
								label: 'b',
								color: '#000000',
								action: 'https://e.com',
							})),
						},
					},
				],
				'Item 0: "Buttons" must hold 1–18 buttons, got 19',
			],
			[
				'bad button colour',
				[
					text(USER_ID),
					{
						messageType: 'buttonGroup',
						buttons: { button: [{ label: 'b', color: 'red', action: 'https://e.com' }] },
					},
				],
				'Item 0: button 1: "Color" must look like #RRGGBB',
			],
			[
				'zero image width',
				[
					text(USER_ID),
					{
						messageType: 'image',
						mediaSource: 'attachment',
						attachmentId: USER_ID,
						mimeType: 'image/png',
						size: 5,
						width: 0,
						height: 1,
					},
				],
				'Item 0: "Width" must be at least 1',
			],
			[
				'latitude out of range',
				[text(USER_ID), { messageType: 'location', latitude: 91, longitude: 0 }],
				'Item 0: "Latitude" must be at most 90',
			],
		],
		([input, params]) => runMixin(emu, 'send', input, params),
		() => emu.http.requests.length,
	);

	test('the failing item is named, not the first one', async () => {
		const result = await runMixin(emu, 'send', [...text(USER_ID), ...text('nope')]);
		expect(result.error?.message).toBe(
			'Item 1: "User ID" must be a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456), got "nope"',
		);
		expect(emu.messages).toHaveLength(1);
	});

	test.each([
		[
			'a malformed private key',
			fieldCredentials('', 'deadbeef'),
			/Mixin Messenger API › "Session Private Key" must be 64 hex characters/,
		],
		[
			'a keystore that is not JSON',
			{ keyFormat: 'keystore', keystoreSecret: '{app_id:', baseUrl: '' },
			/Mixin Messenger API › "Keystore JSON" is not valid JSON/,
		],
		[
			'a keystore without a key',
			{
				keyFormat: 'keystore',
				keystoreSecret: JSON.stringify({ app_id: BOT_ID, session_id: SESSION_ID }),
				baseUrl: '',
			},
			/"Keystore JSON" has neither/,
		],
	])('%s fails naming the credential field and sends nothing', async (_name, creds, message) => {
		const result = await runMixin(
			emu,
			'send',
			text(USER_ID),
			{},
			{ ...creds, baseUrl: emu.baseUrl },
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(emu.http.requests).toHaveLength(0);
	});

	test('the legacy keystore form works end to end', async () => {
		const result = await runMixin(
			emu,
			'send',
			text(USER_ID),
			{},
			{
				keyFormat: 'keystore',
				keystoreSecret: JSON.stringify({
					client_id: BOT_ID,
					session_id: SESSION_ID,
					private_key: LEGACY_PRIVATE_KEY,
					pin_token: 'x',
				}),
				baseUrl: emu.baseUrl,
			},
		);
		expect(result.error?.message).toBeUndefined();
		expect(emu.messages).toHaveLength(1);
	});
});

describe('Continue on fail', () => {
	test('each failing item becomes an error item paired with its input; others go through', async () => {
		const blocker = '0f0c9b80-3c6e-4a4b-8b4b-7d4b1e3e4f5a';
		emu.addUser({ userId: blocker, blockedBot: true, hasConversation: false });
		const result = await runMixin(
			emu,
			'send',
			[...text(USER_ID), ...text('bad'), ...text(blocker)],
			{ continueOnFail: true },
		);
		expect(result.status).toBe('success');
		const out = result.output();
		expect(out).toHaveLength(3);
		expect(out[0].json.message_id).toBeDefined();
		expect(out[1]).toMatchObject({
			json: {
				error:
					'Item 1: "User ID" must be a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456), got "bad"',
			},
			pairedItem: { item: 1 },
		});
		expect(out[2]).toMatchObject({
			json: { error: expect.stringMatching(/^Mixin error 403/), code: 403 },
			pairedItem: { item: 2 },
		});
	});
});

describe('No secret reaches an error or an output', () => {
	const SECRET_SHAPES = [SEED_HEX, LEGACY_PRIVATE_KEY, 'Bearer ', 'eyJhbGciOi', 'X-Amz-Signature='];

	function assertClean(result: RunResult) {
		const shown = everythingShown(result);
		for (const secret of SECRET_SHAPES) expect(shown).not.toContain(secret);
	}

	test('every error path is free of keys, tokens and presigned signatures', async () => {
		const runs: RunResult[] = [];
		// 401: wrong key
		runs.push(
			await runMixin(
				emu,
				'send',
				text(USER_ID),
				{},
				fieldCredentials(
					emu.baseUrl,
					'4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
				),
			),
		);
		// dropped connections until attempts run out
		emu.http.inject({ match: (r) => r.path === '/messages', times: 4, fault: { kind: 'drop' } });
		runs.push(await runMixin(emu, 'send', text(USER_ID)));
		emu.http.clearFaults();
		// 5xx gateway page until attempts run out
		emu.http.inject({
			match: (r) => r.path === '/messages',
			times: 4,
			fault: { kind: 'status', status: 503 },
		});
		runs.push(await runMixin(emu, 'send', text(USER_ID)));
		emu.http.clearFaults();
		// refused upload to storage
		emu.http.inject({
			match: (r) => r.method === 'PUT',
			times: 4,
			fault: { kind: 'status', status: 503, body: '<Error><Code>SlowDown</Code></Error>' },
		});
		runs.push(
			await runMixin(emu, 'attachment-upload', [
				{ json: {}, binary: { data: { data: 'aGk=', mimeType: 'text/plain', fileName: 'x' } } },
			]),
		);
		emu.http.clearFaults();
		// nothing listening at all
		runs.push(
			await runMixin(emu, 'send', text(USER_ID), {}, keystoreCredentials('http://127.0.0.1:9')),
		);
		// invalid input and a malformed key
		runs.push(await runMixin(emu, 'send', text('x')));
		runs.push(
			await runMixin(
				emu,
				'send',
				text(USER_ID),
				{},
				fieldCredentials(emu.baseUrl, SEED_HEX.slice(2)),
			),
		);
		// 403 and 404 with continue on fail, so the error lands in an output item
		emu.addUser({
			userId: '0f0c9b80-3c6e-4a4b-8b4b-7d4b1e3e4f5a',
			blockedBot: true,
			hasConversation: false,
		});
		runs.push(
			await runMixin(emu, 'send', text('0f0c9b80-3c6e-4a4b-8b4b-7d4b1e3e4f5a'), {
				continueOnFail: true,
			}),
		);
		runs.push(
			await runMixin(emu, 'attachment-get', [{ json: { attachmentId: USER_ID } }], {
				continueOnFail: true,
			}),
		);
		expect(runs.map((r) => r.status === 'error' || !!r.output()[0]?.json.error)).toEqual(
			runs.map(() => true),
		);
		runs.forEach(assertClean);
	});

	test('a successful upload-and-send output carries no presigned URL or token', async () => {
		const result = await runMixin(
			emu,
			'send',
			[
				{
					json: { userId: USER_ID },
					binary: { data: { data: 'aGk=', mimeType: 'text/plain', fileName: 'x.txt' } },
				},
			],
			{
				messageType: 'file',
				mediaSource: 'binary',
			},
		);
		expect(result.error?.message).toBeUndefined();
		assertClean(result);
	});
});
