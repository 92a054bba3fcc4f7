import { randomUUID } from 'node:crypto';

import { binaryItem } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { BOT_ID, CONVERSATION_ID, USER_ID, runMixin, startMixin } from './fixtures';

const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
	'hex',
);

const emu = emulatorPerTest(startMixin);

const messagePosts = () =>
	emu.http.requests.filter((r) => r.method === 'POST' && r.path === '/messages');

describe('Message › Send', () => {
	test('text to a user derives the 1:1 conversation and returns the created message', async () => {
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'hello' } }]);
		expect(result.status).toBe('success');
		const [out] = result.output();
		expect(emu.messages).toHaveLength(1);
		const stored = emu.messages[0];
		expect(stored).toMatchObject({
			conversation_id: CONVERSATION_ID,
			recipient_id: USER_ID,
			category: 'PLAIN_TEXT',
			via: 'single',
			dataField: 'data_base64',
		});
		expect(stored.payload.toString()).toBe('hello');
		expect(out.json).toMatchObject({
			message_id: stored.message_id,
			conversation_id: CONVERSATION_ID,
			category: 'PLAIN_TEXT',
			data_base64: 'aGVsbG8',
			user_id: BOT_ID,
		});
		expect(out.pairedItem).toEqual({ item: 0 });
		// the single-object form went over the wire, signed with a bearer token
		const [post] = messagePosts();
		expect(Array.isArray(post.json)).toBe(false);
		expect(post.headers.authorization).toMatch(/^Bearer /);
		expect(post.headers['content-type']).toBe('application/json');
	});

	test('a user given by Mixin ID is looked up once for the run, then sent to by UUID', async () => {
		const friend = randomUUID();
		emu.addUser({
			userId: friend,
			identityNumber: '7000123456',
			fullName: 'Friend',
			hasConversation: true,
		});
		const input = [
			{ json: { userId: '7000123456', text: 'one' } },
			{ json: { userId: '7000123456', text: 'two' } },
		];
		const result = await runMixin(emu, 'send', input);
		expect(result.error?.message).toBeUndefined();
		expect(emu.http.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /search/7000123456',
			'POST /messages',
			'POST /messages',
		]);
		expect(messagePosts().map((r) => (r.json as { recipient_id: string }).recipient_id)).toEqual([
			friend,
			friend,
		]);
		const missing = await runMixin(emu, 'send', [{ json: { userId: '7000999999', text: 'x' } }]);
		expect(missing.error?.message).toBe('Item 0: "User ID": no Mixin user has Mixin ID 7000999999');
		expect(messagePosts()).toHaveLength(2);
	});

	test('image from binary uploads first, then sends PLAIN_IMAGE with the attachment', async () => {
		const result = await runMixin(
			emu,
			'send',
			[binaryItem(PNG, 'dot.png', 'image/png', { userId: USER_ID })],
			{
				messageType: 'image',
				mediaSource: 'binary',
				binaryPropertyName: 'data',
				width: 1,
				height: 1,
			},
		);
		expect(result.error?.message).toBeUndefined();
		const order = emu.http.requests.map(
			(r) => `${r.method} ${r.path.startsWith('/s3/') ? '/s3' : r.path}`,
		);
		expect(order).toEqual(['POST /attachments', 'PUT /s3', 'POST /messages']);
		const put = emu.http.requests[1];
		expect(put.headers['content-type']).toBe('application/octet-stream');
		expect(put.headers['x-amz-acl']).toBe('public-read');
		expect(put.headers.authorization).toBeUndefined();
		expect(put.body.equals(PNG)).toBe(true);
		const [attachment] = [...emu.attachments.values()];
		expect(attachment.uploaded?.equals(PNG)).toBe(true);
		expect(emu.messages[0].category).toBe('PLAIN_IMAGE');
		expect(emu.messages[0].json).toEqual({
			attachment_id: attachment.attachment_id,
			mime_type: 'image/png',
			size: PNG.length,
			width: 1,
			height: 1,
		});
	});

	test('file, audio and video from binary carry name, duration and size', async () => {
		const file = Buffer.from('%PDF-1.4 tiny');
		await runMixin(
			emu,
			'send',
			[binaryItem(file, 'report.pdf', 'application/pdf', { userId: USER_ID })],
			{ messageType: 'file', mediaSource: 'binary' },
		);
		expect(emu.messages[0].json).toMatchObject({
			mime_type: 'application/pdf',
			size: file.length,
			name: 'report.pdf',
		});
		await runMixin(
			emu,
			'send',
			[binaryItem(Buffer.from('OggS....'), 'v.ogg', 'audio/ogg', { userId: USER_ID })],
			{ messageType: 'audio', mediaSource: 'binary', duration: 1500 },
		);
		expect(emu.messages[1]).toMatchObject({
			category: 'PLAIN_AUDIO',
			json: expect.objectContaining({ duration: 1500, mime_type: 'audio/ogg' }),
		});
		await runMixin(
			emu,
			'send',
			[binaryItem(Buffer.from('....ftypmp42'), 'v.mp4', 'video/mp4', { userId: USER_ID })],
			{
				messageType: 'video',
				mediaSource: 'binary',
				width: 320,
				height: 240,
				duration: 2000,
			},
		);
		expect(emu.messages[2]).toMatchObject({
			category: 'PLAIN_VIDEO',
			json: expect.objectContaining({ width: 320, height: 240, duration: 2000 }),
		});
	});

	test('image from an existing attachment sends without uploading', async () => {
		await runMixin(emu, 'attachment-upload', [binaryItem(PNG, 'dot.png', 'image/png')]);
		const [attachment] = [...emu.attachments.values()];
		emu.http.clearRecord();
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID } }], {
			messageType: 'image',
			mediaSource: 'attachment',
			attachmentId: attachment.attachment_id,
			mimeType: 'image/png',
			size: PNG.length,
			width: 1,
			height: 1,
		});
		expect(result.error?.message).toBeUndefined();
		expect(emu.http.requests.map((r) => r.path)).toEqual(['/messages']);
		expect(emu.messages[0].json).toMatchObject({ attachment_id: attachment.attachment_id });
	});

	test('to a group: conversation id as given, optional member as recipient', async () => {
		const group = randomUUID();
		emu.addGroup({ conversationId: group, participants: [BOT_ID, USER_ID] });
		await runMixin(emu, 'send', [{ json: { text: 'all' } }], {
			recipientType: 'conversation',
			conversationId: group,
		});
		await runMixin(emu, 'send', [{ json: { text: 'one' } }], {
			recipientType: 'conversation',
			conversationId: group,
			groupRecipientId: USER_ID,
		});
		expect(emu.messages.map((m) => [m.conversation_id, m.recipient_id])).toEqual([
			[group, undefined],
			[group, USER_ID],
		]);
	});

	test('quote, silent and a caller-supplied message id are sent as given', async () => {
		const messageId = randomUUID();
		const quote = randomUUID();
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'reply' } }], {
			additionalFields: { messageId, quoteMessageId: quote, silent: true },
		});
		expect(emu.messages[0]).toMatchObject({
			message_id: messageId,
			quote_message_id: quote,
			silent: true,
		});
		expect(result.output()[0].json.message_id).toBe(messageId);
	});

	test('403: creates the CONTACT conversation once, then sends again with the same message id', async () => {
		const stranger = randomUUID();
		emu.addUser({ userId: stranger, hasConversation: false });
		const result = await runMixin(emu, 'send', [{ json: { userId: stranger, text: 'hi' } }]);
		expect(result.error?.message).toBeUndefined();
		const calls = emu.http.requests.map((r) => `${r.path}:${r.status}:${r.note ?? ''}`);
		expect(calls[0]).toMatch(/^\/messages:202:forbidden/);
		expect(calls[1]).toMatch(/^\/conversations:200/);
		expect(calls[2]).toMatch(/^\/messages:200/);
		expect(calls).toHaveLength(3);
		const posts = messagePosts().map((r) => (r.json as { message_id: string }).message_id);
		expect(posts[0]).toBe(posts[1]);
		expect(emu.conversations.get(result.output()[0].json.conversation_id as string)?.category).toBe(
			'CONTACT',
		);
		expect(result.output()[0].json.created_conversation).toBe(true);
	});

	test('403 that persists (user blocked the bot) fails with the platform code and a hint', async () => {
		const blocker = randomUUID();
		emu.addUser({ userId: blocker, blockedBot: true, hasConversation: false });
		const result = await runMixin(emu, 'send', [{ json: { userId: blocker, text: 'hi' } }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Mixin error 403/);
		expect(result.error?.description).toMatch(/contacts|blocked/);
		expect(emu.messages).toHaveLength(0);
	});

	test('a dropped connection after Mixin stored the message is retried without a duplicate', async () => {
		emu.http.inject({ match: (r) => r.path === '/messages', fault: { kind: 'dropAfterHandling' } });
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'once' } }]);
		expect(result.error?.message).toBeUndefined();
		const posts = messagePosts();
		expect(posts).toHaveLength(2);
		const ids = posts.map((p) => (p.json as { message_id: string }).message_id);
		expect(ids[0]).toBe(ids[1]);
		// each attempt is signed anew: a token is never reused
		expect(posts[0].headers.authorization).not.toBe(posts[1].headers.authorization);
		expect(posts[0].text).toBe(posts[1].text);
		expect(emu.messages).toHaveLength(1);
		expect(emu.duplicatesSeen).toBe(1);
	});

	test.each([
		['HTTP 502 gateway page', { kind: 'status', status: 502 } as const],
		['dropped connection', { kind: 'drop' } as const],
		[
			'HTML body with HTTP 200',
			{ kind: 'status', status: 200, body: '<html>oops</html>' } as const,
		],
		[
			'HTTP 429 (Retry-After: 0)',
			{
				kind: 'status',
				status: 429,
				headers: { 'retry-after': '0' },
				body: '{"error":{"status":429,"code":429,"description":"Too Many Requests"}}',
			} as const,
		],
	])('%s is retried', async (_name, fault) => {
		emu.http.inject({ match: (r) => r.path === '/messages', times: 2, fault });
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'eventually' } }]);
		expect(result.error?.message).toBeUndefined();
		expect(messagePosts()).toHaveLength(3);
		expect(emu.messages).toHaveLength(1);
	});

	test('retries stop at the configured attempts with the platform code', async () => {
		emu.http.inject({
			match: (r) => r.path === '/messages',
			times: Infinity,
			fault: {
				kind: 'status',
				status: 500,
				body: '{"error":{"status":500,"code":500,"description":"Internal Server Error"}}',
			},
		});
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'x' } }], {
			requestOptions: { retryAttempts: 3, retryDelayMs: 1 },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Mixin error 500: Internal Server Error');
		expect(messagePosts()).toHaveLength(3);
	});

	test('a slow reply past the timeout is retried with the same message', async () => {
		emu.http.inject({ match: (r) => r.path === '/messages', fault: { kind: 'delay', ms: 600 } });
		const result = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'slow' } }], {
			requestOptions: { retryAttempts: 3, retryDelayMs: 1, timeoutMs: 200 },
		});
		expect(result.error?.message).toBeUndefined();
		const ids = messagePosts().map((p) => (p.json as { message_id: string }).message_id);
		expect(new Set(ids).size).toBe(1);
		// wait for the delayed first request to land, then check it was absorbed
		await new Promise((r) => setTimeout(r, 700));
		expect(emu.messages).toHaveLength(1);
	});

	test('401 (wrong key) is not retried and says what to check', async () => {
		const other = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';
		const result = await runMixin(
			emu,
			'send',
			[{ json: { userId: USER_ID, text: 'x' } }],
			{},
			{
				keyFormat: 'fields',
				appId: BOT_ID,
				sessionId: '6d5c1a4e-3b1f-4c2e-9a49-1f2f7a0d9e11',
				sessionPrivateKey: other,
				baseUrl: emu.baseUrl,
			},
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Mixin error 401/);
		expect(result.error?.description).toMatch(/app ID, session ID and private key/);
		expect(messagePosts()).toHaveLength(1);
	});
});

describe('Message › Recall', () => {
	test('sends MESSAGE_RECALL naming a message the bot sent', async () => {
		const sent = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'oops' } }]);
		const messageId = sent.output()[0].json.message_id as string;
		const result = await runMixin(emu, 'recall', [{ json: { userId: USER_ID, messageId } }]);
		expect(result.error?.message).toBeUndefined();
		const recall = emu.messages[1];
		expect(recall.category).toBe('MESSAGE_RECALL');
		expect(recall.json).toEqual({ message_id: messageId });
		expect(recall.conversation_id).toBe(CONVERSATION_ID);
		expect(result.output()[0].json).toMatchObject({
			recalled_message_id: messageId,
			category: 'MESSAGE_RECALL',
		});
	});

	test('recalling the same message twice sends the same recall id, and Mixin keeps one recall', async () => {
		const sent = await runMixin(emu, 'send', [{ json: { userId: USER_ID, text: 'oops' } }]);
		const messageId = sent.output()[0].json.message_id as string;
		const first = await runMixin(emu, 'recall', [{ json: { userId: USER_ID, messageId } }]);
		const second = await runMixin(emu, 'recall', [
			{ json: { userId: USER_ID, messageId: messageId.toUpperCase() } },
		]);
		expect(second.error?.message).toBeUndefined();
		const posts = messagePosts().slice(1);
		expect(posts).toHaveLength(2);
		// the whole request, both times: the recall's own id is a name-based (version 5) UUID of the recalled id
		const recall = {
			conversation_id: CONVERSATION_ID,
			recipient_id: USER_ID,
			message_id: expect.stringMatching(
				/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
			),
			category: 'MESSAGE_RECALL',
			data_base64: Buffer.from(JSON.stringify({ message_id: messageId })).toString('base64url'),
		};
		expect(posts[0].json).toEqual(recall);
		expect(posts[1].text).toBe(posts[0].text);
		expect(emu.messages.filter((m) => m.category === 'MESSAGE_RECALL')).toHaveLength(1);
		expect(emu.duplicatesSeen).toBe(1);
		expect(second.output()[0].json.message_id).toBe(first.output()[0].json.message_id);
	});

	test('recalls of different messages get different ids', async () => {
		const sent = await runMixin(emu, 'send-many', [
			{ json: { userId: USER_ID, text: 'a' } },
			{ json: { userId: USER_ID, text: 'b' } },
		]);
		const ids = sent.output().map((o) => o.json.message_id as string);
		const result = await runMixin(
			emu,
			'recall',
			ids.map((messageId) => ({ json: { userId: USER_ID, messageId } })),
		);
		expect(result.error?.message).toBeUndefined();
		const recallIds = result.output().map((o) => o.json.message_id);
		expect(new Set(recallIds).size).toBe(2);
		expect(emu.messages.filter((m) => m.category === 'MESSAGE_RECALL')).toHaveLength(2);
	});
});
