import { createHash } from 'node:crypto';

import { binaryItem } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { BOT_ID, FRIEND_ID, GROUP_ID, USER_ID, calls, runYunhu, startYunhu } from './fixtures';

const HEX32 = expect.stringMatching(/^[0-9a-f]{32}$/);
const emu = emulatorPerTest(startYunhu);

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000002000000010806000000f478d4fa',
	'hex',
);
const send = (params: Record<string, unknown>) => ({
	operation: 'send',
	chatType: 'user',
	chatId: FRIEND_ID,
	...params,
});

describe('Message › Send (client API, protobuf)', () => {
	test('text with buttons, @mentions and a quote: the whole SendMsgRequest as decoded, and the output', async () => {
		const result = await runYunhu(
			emu,
			'userApi',
			send({
				chatType: 'group',
				chatId: GROUP_ID,
				contentType: 'text',
				text: 'hello @Bo Li see this',
				buttons: {
					button: [
						{ text: 'Open', action: 'openUrl', url: 'https://example.com/a', row: 1 },
						{ text: 'Copy', action: 'copy', value: 'code-42', row: 1 },
						{ text: 'Done', action: 'report', value: 'done', row: 2 },
					],
				},
				mentions: { mention: [{ userId: FRIEND_ID, name: 'Bo Li' }] },
				messageOptions: { quoteMessageId: 'f'.repeat(32), quoteText: 'Bo Li: earlier' },
			}),
		);
		expect(result.error?.message).toBeUndefined();
		const [req] = calls(emu, '/v1/msg/send-message');
		expect(req.headers.token).toBe('a1b2c3d4-user-token-0001');
		expect(req.headers['content-type']).toBe('application/x-protobuf');
		expect(req.decoded).toEqual({
			msg_id: HEX32,
			chat_id: GROUP_ID,
			chat_type: 2,
			content_type: 1,
			quote_msg_id: 'f'.repeat(32),
			content: {
				text: 'hello @Bo Li\u200b see this',
				buttons: JSON.stringify([
					[
						{ text: 'Open', actionType: 1, url: 'https://example.com/a' },
						{ text: 'Copy', actionType: 2, value: 'code-42' },
					],
					[{ text: 'Done', actionType: 3, value: 'done' }],
				]),
				mentioned_id: [FRIEND_ID],
				quote_msg_text: 'Bo Li: earlier',
			},
		});
		const msgId = (req.decoded as { msg_id: string }).msg_id;
		expect(result.output().map((o) => o.json)).toEqual([
			{ msgId, chatId: GROUP_ID, chatType: 'group', contentType: 'text', sent: true },
		]);
		expect(emu.message(msgId)).toMatchObject({ senderId: USER_ID, contentType: 1 });
	});

	test.each([
		['markdown', 3],
		['html', 8],
	])('%s carries its text with content_type %i', async (contentType, code) => {
		await runYunhu(emu, 'userApi', send({ contentType, text: '**x**' }));
		expect(calls(emu, '/v1/msg/send-message')[0].decoded).toEqual({
			msg_id: HEX32,
			chat_id: FRIEND_ID,
			chat_type: 1,
			content_type: code,
			content: { text: '**x**' },
		});
	});

	test('an image from a binary field: upload token, Qiniu upload named by MD5, then the key in field image (9)', async () => {
		const result = await runYunhu(
			emu,
			'userApi',
			send({ contentType: 'image', mediaSource: 'binary' }),
			[binaryItem(PNG, 'chart.png', 'image/png')],
		);
		expect(result.error?.message).toBeUndefined();
		expect(emu.http.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /v1/misc/qiniu-token',
			'POST /qiniu',
			'POST /v1/msg/send-message',
		]);
		const key = `${md5(PNG)}.png`;
		expect(emu.uploads.get(key)).toMatchObject({ kind: 'image', fsize: PNG.length, via: 'qiniu' });
		expect(emu.uploads.get(key)?.bytes.equals(PNG)).toBe(true);
		// the Qiniu upload carries no Yunhu token
		expect(calls(emu, '/qiniu')[0].headers.token).toBeUndefined();
		expect(calls(emu, '/v1/msg/send-message')[0].decoded).toEqual({
			msg_id: HEX32,
			chat_id: FRIEND_ID,
			chat_type: 1,
			content_type: 2,
			content: { image: key },
		});
		expect(result.output()[0].json).toEqual({
			msgId: expect.any(String),
			chatId: FRIEND_ID,
			chatType: 'user',
			contentType: 'image',
			sent: true,
			fileKey: key,
			fileUrl: `https://chat-img.jwznb.com/${key}`,
			fileSize: PNG.length,
		});
	});

	test('a file from binary: file_url, file_name and file_size; a video; an audio with its length', async () => {
		const pdf = Buffer.from('%PDF-1.4 report');
		const mp4 = Buffer.from('0000001866747970', 'hex');
		const m4a = Buffer.from('00000020667479704d344120', 'hex');
		for (const [contentType, item] of [
			['file', binaryItem(pdf, 'report.pdf', 'application/pdf')],
			['video', binaryItem(mp4, 'clip.mp4', 'video/mp4')],
			['audio', binaryItem(m4a, 'voice.m4a', 'audio/mp4')],
		] as const) {
			const result = await runYunhu(
				emu,
				'userApi',
				send({ contentType, mediaSource: 'binary', audioSeconds: 7 }),
				[item],
			);
			expect(result.error?.message).toBeUndefined();
		}
		expect(calls(emu, '/v1/misc/qiniu-token2')).toHaveLength(1);
		expect(calls(emu, '/v1/misc/qiniu-token-video')).toHaveLength(1);
		expect(calls(emu, '/v1/misc/qiniu-token-audio')).toHaveLength(1);
		expect(calls(emu, '/v1/msg/send-message').map((r) => r.decoded)).toEqual([
			{
				msg_id: HEX32,
				chat_id: FRIEND_ID,
				chat_type: 1,
				content_type: 4,
				content: { file_url: `${md5(pdf)}.pdf`, file_name: 'report.pdf', file_size: pdf.length },
			},
			{
				msg_id: HEX32,
				chat_id: FRIEND_ID,
				chat_type: 1,
				content_type: 10,
				content: { video_url: `${md5(mp4)}.mp4`, file_size: mp4.length },
			},
			{
				msg_id: HEX32,
				chat_id: FRIEND_ID,
				chat_type: 1,
				content_type: 11,
				content: { audio_url: `${md5(m4a)}.m4a`, audio_time: 7 },
			},
		]);
	});

	test('media by an uploaded key or URL is sent without uploading', async () => {
		await runYunhu(
			emu,
			'userApi',
			send({ contentType: 'image', mediaSource: 'key', mediaKey: 'https://example.com/p.png' }),
		);
		expect(emu.http.requests.map((r) => r.path)).toEqual(['/v1/msg/send-message']);
		expect((calls(emu, '/v1/msg/send-message')[0].decoded as { content: unknown }).content).toEqual(
			{
				image: 'https://example.com/p.png',
			},
		);
	});

	test.each([
		[
			'an image',
			{ stickerSource: 'image', stickerImage: 'https://example.com/s.gif' },
			{ image: 'https://example.com/s.gif' },
		],
		[
			'a personal sticker',
			{ stickerSource: 'expression', expressionId: '2201' },
			{ expression_id: '2201' },
		],
		[
			'a pack item (int64 ids kept exact)',
			{ stickerSource: 'pack', stickerItemId: '9007199254740993', stickerPackId: '42' },
			{ sticker_item_id: '9007199254740993', sticker_pack_id: 42 },
		],
	])('a sticker as %s', async (_name, params, content) => {
		const result = await runYunhu(emu, 'userApi', send({ contentType: 'sticker', ...params }));
		expect(result.error?.message).toBeUndefined();
		const [req] = calls(emu, '/v1/msg/send-message');
		const decoded = req.decoded as { content: Record<string, unknown> };
		// the emulator decodes longs as JS numbers; read the big id back from the raw bytes as a string
		if ('sticker_item_id' in content) {
			expect(
				emu.types.SendMsgRequest.toObject(emu.types.SendMsgRequest.decode(req.body), {
					longs: String,
				}).content,
			).toEqual({
				sticker_item_id: '9007199254740993',
				sticker_pack_id: '42',
			});
		} else {
			expect(decoded.content).toEqual(content);
		}
		expect(decoded).toMatchObject({
			content_type: 7,
			chat_id: FRIEND_ID,
			chat_type: 1,
			msg_id: HEX32,
		});
	});

	test('a form carries its JSON and the command; an article its title, text and format', async () => {
		await runYunhu(
			emu,
			'userApi',
			send({
				chatType: 'bot',
				chatId: BOT_ID,
				contentType: 'form',
				formJson: '{"f1":"yes"}',
				commandId: 12,
			}),
		);
		await runYunhu(
			emu,
			'userApi',
			send({
				contentType: 'article',
				articleTitle: 'Notes',
				articleContent: '# Hi',
				articleFormat: '2',
			}),
		);
		expect(calls(emu, '/v1/msg/send-message').map((r) => r.decoded)).toEqual([
			{
				msg_id: HEX32,
				chat_id: BOT_ID,
				chat_type: 3,
				content_type: 5,
				command_id: 12,
				content: { form: '{"f1":"yes"}' },
			},
			{
				msg_id: HEX32,
				chat_id: FRIEND_ID,
				chat_type: 1,
				content_type: 6,
				content: { post_title: 'Notes', post_content: '# Hi', post_content_type: '2' },
			},
		]);
	});

	test('a retry after a dropped connection repeats the same msg_id: one message, however often it was sent', async () => {
		emu.http.inject({
			match: (r) => r.path === '/v1/msg/send-message',
			fault: { kind: 'dropAfterHandling' },
		});
		const result = await runYunhu(emu, 'userApi', send({ contentType: 'text', text: 'once' }));
		expect(result.error?.message).toBeUndefined();
		const sends = calls(emu, '/v1/msg/send-message');
		expect(sends).toHaveLength(2);
		expect((sends[0].decoded as { msg_id: string }).msg_id).toBe(
			(sends[1].decoded as { msg_id: string }).msg_id,
		);
		expect(sends[1].note).toBe('duplicate');
		expect(emu.chatMessages({ users: [USER_ID, FRIEND_ID] })).toHaveLength(1);
	});

	test('a message ID of your own makes a send idempotent across runs', async () => {
		const params = send({
			contentType: 'text',
			text: 'x',
			messageOptions: { messageId: 'ABCDEF00-1234-4abc-8def-0123456789ab' },
		});
		await runYunhu(emu, 'userApi', params);
		await runYunhu(emu, 'userApi', params);
		expect(
			calls(emu, '/v1/msg/send-message').map((r) => (r.decoded as { msg_id: string }).msg_id),
		).toEqual(['abcdef0012344abc8def0123456789ab', 'abcdef0012344abc8def0123456789ab']);
		expect(emu.chatMessages({ users: [USER_ID, FRIEND_ID] })).toHaveLength(1);
	});
});

describe('Message › Send (bot Open API, JSON)', () => {
	test('text with buttons, @mentions and a reply: the whole JSON body and the output', async () => {
		const result = await runYunhu(
			emu,
			'botApi',
			send({
				chatType: 'group',
				chatId: GROUP_ID,
				contentType: 'text',
				text: 'hi @Bo Li',
				buttons: {
					button: [{ text: 'Open', action: 'openUrl', url: 'https://example.com', row: 1 }],
				},
				mentions: { mention: [{ userId: FRIEND_ID, name: 'Bo Li' }] },
				messageOptions: { parentId: 'e'.repeat(32) },
			}),
		);
		expect(result.error?.message).toBeUndefined();
		const [req] = calls(emu, '/open-apis/v1/bot/send');
		expect(req.query.get('token')).toBe('016ec8e4d17a4fbda3ccb0e99b44aca0');
		expect(req.json).toEqual({
			recvId: GROUP_ID,
			recvType: 'group',
			contentType: 'text',
			content: {
				text: 'hi @Bo Li\u200b',
				buttons: [[{ text: 'Open', actionType: 1, url: 'https://example.com' }]],
				at: [FRIEND_ID],
			},
			parentId: 'e'.repeat(32),
		});
		const [out] = result.output();
		expect(out.json).toEqual({
			msgId: HEX32,
			recvId: GROUP_ID,
			recvType: 'group',
			contentType: 'text',
			sent: true,
		});
		expect(emu.message(out.json.msgId as string)).toMatchObject({
			senderId: BOT_ID,
			senderType: 'bot',
		});
	});

	test.each([
		['image', 'image/png', 'chart.png', '/open-apis/v1/image/upload'],
		['file', 'application/pdf', 'r.pdf', '/open-apis/v1/file/upload'],
		['video', 'video/mp4', 'v.mp4', '/open-apis/v1/video/upload'],
	])(
		'%s from binary is uploaded to the Open API first and sent by its key',
		async (kind, mime, name, path) => {
			const bytes = kind === 'image' ? PNG : Buffer.from(`${kind} bytes`);
			const result = await runYunhu(
				emu,
				'botApi',
				send({ contentType: kind, mediaSource: 'binary' }),
				[binaryItem(bytes, name, mime)],
			);
			expect(result.error?.message).toBeUndefined();
			expect(emu.http.requests.map((r) => r.path)).toEqual([path, '/open-apis/v1/bot/send']);
			const ext = name.split('.')[1];
			const key = `${md5(bytes)}.${ext}`;
			const content =
				kind === 'image'
					? { imageKey: key }
					: kind === 'file'
						? { fileKey: key, fileName: name }
						: { videoKey: key };
			expect(calls(emu, '/open-apis/v1/bot/send')[0].json).toEqual({
				recvId: FRIEND_ID,
				recvType: 'user',
				contentType: kind,
				content,
			});
			expect(emu.uploads.get(key)?.bytes.equals(bytes)).toBe(true);
		},
	);

	test('a dropped connection after Yunhu took the message is not sent again: the item says it may have been sent', async () => {
		emu.http.inject({
			match: (r) => r.path === '/open-apis/v1/bot/send',
			fault: { kind: 'dropAfterHandling' },
		});
		const result = await runYunhu(emu, 'botApi', {
			...send({ contentType: 'text', text: 'once' }),
			continueOnFail: true,
		});
		expect(calls(emu, '/open-apis/v1/bot/send')).toHaveLength(1);
		expect(emu.chatMessages({ bot: BOT_ID, user: FRIEND_ID })).toHaveLength(1);
		expect(result.output()[0].json).toMatchObject({
			uncertain: true,
			description: expect.stringMatching(/may have been sent/),
		});
	});

	test('a refused connection or a 503 never reached Yunhu, so it is retried', async () => {
		emu.http.inject({
			match: (r) => r.path === '/open-apis/v1/bot/send',
			fault: { kind: 'status', status: 503 },
		});
		const result = await runYunhu(emu, 'botApi', send({ contentType: 'text', text: 'retry me' }));
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, '/open-apis/v1/bot/send')).toHaveLength(2);
		expect(emu.chatMessages({ bot: BOT_ID, user: FRIEND_ID })).toHaveLength(1);
	});

	test('20 sends in one run keep to 10 a second: Yunhu never refuses one', async () => {
		const input = Array.from({ length: 20 }, (_, n) => ({ json: { text: `n${n}` } }));
		const result = await runYunhu(
			emu,
			'botApi',
			send({ contentType: 'text', text: '={{ $json.text }}' }),
			input,
		);
		expect(result.error?.message).toBeUndefined();
		expect(emu.rateLimited).toBe(0);
		expect(emu.chatMessages({ bot: BOT_ID, user: FRIEND_ID }).map((m) => m.content.text)).toEqual(
			input.map((i) => i.json.text),
		);
	});
});
