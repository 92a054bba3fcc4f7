import { randomUUID } from 'node:crypto';

import { emulatorPerTest } from '../harness/run';
import { USER_ID, runMixin, startMixin } from './fixtures';

const emu = emulatorPerTest(startMixin);

const batchPosts = () =>
	emu.http.requests.filter(
		(r) => r.method === 'POST' && r.path === '/messages' && Array.isArray(r.json),
	);

describe('Message › Send Many', () => {
	test('250 items go out in requests of 100, 100 and 50, one output per item, paired in order', async () => {
		const users = Array.from({ length: 250 }, () => randomUUID());
		users.forEach((userId) => emu.addUser({ userId, hasConversation: true }));
		const input = users.map((userId, n) => ({ json: { userId, text: `message ${n}` } }));
		const result = await runMixin(emu, 'send-many', input);
		expect(result.error?.message).toBeUndefined();
		expect(batchPosts().map((r) => (r.json as unknown[]).length)).toEqual([100, 100, 50]);
		const out = result.output();
		expect(out).toHaveLength(250);
		out.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json.recipient_id).toBe(users[n]);
		});
		expect(new Set(out.map((o) => o.json.message_id)).size).toBe(250);
		const stored = new Map(emu.messages.map((m) => [m.message_id, m]));
		out.forEach((item, n) =>
			expect(stored.get(item.json.message_id as string)?.payload.toString()).toBe(`message ${n}`),
		);
		expect(emu.messages.every((m) => m.via === 'batch')).toBe(true);
	});

	test('large messages are split so no request exceeds 1 MB', async () => {
		const text = 'x'.repeat(90_000);
		const input = Array.from({ length: 25 }, () => ({ json: { userId: USER_ID, text } }));
		const result = await runMixin(emu, 'send-many', input);
		expect(result.error?.message).toBeUndefined();
		const posts = batchPosts();
		expect(posts.length).toBeGreaterThan(1);
		for (const post of posts) expect(post.body.length).toBeLessThanOrEqual(1_000_000);
		expect(posts.reduce((n, p) => n + (p.json as unknown[]).length, 0)).toBe(25);
		expect(emu.messages).toHaveLength(25);
	});

	test('a batch refused with 403 is sent one by one with the same message ids', async () => {
		const stranger = randomUUID();
		emu.addUser({ userId: stranger, hasConversation: false });
		const blocker = randomUUID();
		emu.addUser({ userId: blocker, blockedBot: true, hasConversation: false });
		const input = [USER_ID, stranger, blocker].map((userId) => ({ json: { userId, text: 'hi' } }));
		const result = await runMixin(emu, 'send-many', input, { continueOnFail: true });
		const batch = batchPosts();
		expect(batch).toHaveLength(1);
		const batchIds = (batch[0].json as Array<{ message_id: string }>).map((m) => m.message_id);
		const out = result.output();
		expect(out.map((o) => o.json.message_id ?? o.json.error)).toEqual([
			batchIds[0],
			batchIds[1],
			expect.stringMatching(/Mixin error 403/),
		]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(emu.messages.map((m) => m.message_id).sort()).toEqual([batchIds[0], batchIds[1]].sort());
		// the conversation was created for the stranger, not for the blocker
		expect(out[1].json.created_conversation).toBe(true);
		const singles = emu.http.requests.filter(
			(r) => r.path === '/messages' && !Array.isArray(r.json),
		);
		expect(singles.map((r) => (r.json as { message_id: string }).message_id)).toEqual(
			expect.arrayContaining([batchIds[0], batchIds[1], batchIds[2]]),
		);
	});

	describe('a batch refused because one message is invalid', () => {
		const PNG = Buffer.from(
			'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
			'hex',
		);
		/** Three images by attachment id; the middle one names an attachment Mixin does not have. */
		const images = () => {
			const good = emu.addUploadedAttachment(PNG).attachment_id;
			const ids = [good, randomUUID(), good];
			const input = ids.map((attachmentId) => ({ json: { userId: USER_ID, attachmentId } }));
			const params = {
				messageType: 'image',
				mediaSource: 'attachment',
				attachmentId: '={{ $json.attachmentId }}',
				mimeType: 'image/png',
				size: PNG.length,
				width: 1,
				height: 1,
			};
			return { ids, input, params };
		};
		const singlePosts = () =>
			emu.http.requests.filter((r) => r.path === '/messages' && !Array.isArray(r.json));

		test('the others are sent one by one with the same ids; the bad one is an error item paired to its item', async () => {
			const { ids, input, params } = images();
			const result = await runMixin(emu, 'send-many', input, { ...params, continueOnFail: true });
			expect(result.status).toBe('success');
			const [batch] = batchPosts();
			expect(batch.note).toMatch(
				/^invalid: messages\[1\]\.data\.attachment_id: no such attachment/,
			);
			const batchIds = (batch.json as Array<{ message_id: string }>).map((m) => m.message_id);
			// every message again, alone, exactly as it was in the batch
			expect(singlePosts().map((r) => r.json)).toEqual(batch.json);
			const out = result.output();
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[0].json).toMatchObject({ message_id: batchIds[0], batch_size: 1 });
			expect(out[2].json).toMatchObject({ message_id: batchIds[2], batch_size: 1 });
			expect(out[1].json).toMatchObject({
				code: 10002,
				error: expect.stringMatching(
					/^Mixin error 10002: The request data has invalid field\..*no such attachment/,
				),
			});
			expect(
				emu.messages.map((m) => [
					m.message_id,
					(m.json as { attachment_id: string }).attachment_id,
				]),
			).toEqual([
				[batchIds[0], ids[0]],
				[batchIds[2], ids[2]],
			]);
		});

		test('without continue on fail the node fails naming that item, and says the others were sent', async () => {
			const { input, params } = images();
			const result = await runMixin(emu, 'send-many', input, params);
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/^Mixin error 10002/);
			expect((result.error?.context as { itemIndex?: number }).itemIndex).toBe(1);
			expect(result.error?.description).toMatch(
				/^Mixin found an invalid field in the request\. 2 other items of this run went through before it stopped; running the workflow again repeats them unless they carry an ID of your own/,
			);
			expect(emu.messages).toHaveLength(2);
		});

		test('a refused batch of one message is not sent again', async () => {
			const { input, params } = images();
			const result = await runMixin(emu, 'send-many', [input[1]], {
				...params,
				continueOnFail: true,
			});
			expect(result.output()[0].json.code).toBe(10002);
			expect(emu.http.requests.filter((r) => r.path === '/messages')).toHaveLength(1);
		});

		test('other refusals of the whole batch (group full) fail every item without resending', async () => {
			emu.http.inject({
				match: (r) => r.path === '/messages',
				fault: {
					kind: 'status',
					status: 202,
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						error: { status: 202, code: 20116, description: 'The group chat is full.' },
					}),
				},
			});
			const input = [
				{ json: { userId: USER_ID, text: 'a' } },
				{ json: { userId: USER_ID, text: 'b' } },
			];
			const result = await runMixin(emu, 'send-many', input, { continueOnFail: true });
			expect(result.output().map((o) => o.json.code)).toEqual([20116, 20116]);
			expect(emu.http.requests.filter((r) => r.path === '/messages')).toHaveLength(1);
		});
	});

	test('invalid item stops the run before anything is sent', async () => {
		const input = [
			{ json: { userId: USER_ID, text: 'fine' } },
			{ json: { userId: 'not-a-uuid', text: 'bad' } },
		];
		const result = await runMixin(emu, 'send-many', input);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Item 1: "User ID" must be a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456), got "not-a-uuid"',
		);
		expect(emu.http.requests).toHaveLength(0);
	});

	test('with continue on fail, invalid items get an error item and the rest are sent', async () => {
		const input = [
			{ json: { userId: USER_ID, text: 'fine' } },
			{ json: { userId: USER_ID, text: '' } },
			{ json: { userId: USER_ID, text: 'also fine' } },
		];
		const result = await runMixin(emu, 'send-many', input, { continueOnFail: true });
		const out = result.output();
		expect(out[1].json.error).toBe('Item 1: "Text" is required');
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(out[0].json.message_id).toBeDefined();
		expect(out[2].json.message_id).toBeDefined();
		expect(emu.messages.map((m) => m.payload.toString())).toEqual(['fine', 'also fine']);
	});

	test('with continue on fail, an unusable credential gives every item an error item', async () => {
		const input = [
			{ json: { userId: USER_ID, text: 'a' } },
			{ json: { userId: USER_ID, text: 'b' } },
		];
		const result = await runMixin(
			emu,
			'send-many',
			input,
			{ continueOnFail: true },
			{
				keyFormat: 'fields',
				appId: 'x',
				sessionId: 'y',
				sessionPrivateKey: 'z',
				baseUrl: emu.baseUrl,
			},
		);
		expect(result.status).toBe('success');
		expect(result.output().map((o) => [o.pairedItem, o.json.error])).toEqual([
			[{ item: 0 }, expect.stringMatching(/Mixin Messenger API › "App ID" must be a UUID/)],
			[{ item: 1 }, expect.stringMatching(/Mixin Messenger API › "App ID" must be a UUID/)],
		]);
		expect(emu.http.requests).toHaveLength(0);
	});

	test('a batch retried after a dropped connection is not delivered twice', async () => {
		emu.http.inject({ match: (r) => r.path === '/messages', fault: { kind: 'dropAfterHandling' } });
		const input = Array.from({ length: 5 }, (_, n) => ({
			json: { userId: USER_ID, text: `m${n}` },
		}));
		const result = await runMixin(emu, 'send-many', input);
		expect(result.error?.message).toBeUndefined();
		const posts = batchPosts();
		expect(posts).toHaveLength(2);
		expect(posts[0].text).toBe(posts[1].text);
		expect(emu.messages).toHaveLength(5);
		expect(emu.duplicatesSeen).toBe(5);
	});
});

describe('Acknowledgement › Ack', () => {
	test('150 acknowledgements go out as 100 + 50, one output per item', async () => {
		const ids = Array.from({ length: 150 }, () => randomUUID());
		const result = await runMixin(
			emu,
			'ack',
			ids.map((messageId) => ({ json: { messageId } })),
		);
		expect(result.error?.message).toBeUndefined();
		const posts = emu.http.requests.filter((r) => r.path === '/acknowledgements');
		expect(posts.map((p) => (p.json as unknown[]).length)).toEqual([100, 50]);
		expect(emu.acknowledgements.map((a) => a.message_id)).toEqual(ids);
		expect(emu.acknowledgements.every((a) => a.status === 'READ')).toBe(true);
		expect(result.output().map((o) => o.json.message_id)).toEqual(ids);
		expect(result.output()[149].pairedItem).toEqual({ item: 149 });
	});

	test('DELIVERED status is sent as chosen', async () => {
		await runMixin(emu, 'ack', [{ json: { messageId: randomUUID() } }], { status: 'DELIVERED' });
		expect(emu.acknowledgements[0].status).toBe('DELIVERED');
	});

	test('a malformed message id names the item and sends nothing', async () => {
		const result = await runMixin(emu, 'ack', [
			{ json: { messageId: randomUUID() } },
			{ json: { messageId: '42' } },
		]);
		expect(result.error?.message).toBe('Item 1: "Message ID" must be a UUID, got "42"');
		expect(emu.http.requests).toHaveLength(0);
	});
});

describe('Conversation › Create', () => {
	test('opens the CONTACT conversation with the derived id', async () => {
		const user = randomUUID();
		emu.addUser({ userId: user, hasConversation: false });
		const result = await runMixin(emu, 'conversation-create', [{ json: { userId: user } }]);
		expect(result.error?.message).toBeUndefined();
		const body = emu.http.requests[0].json as {
			category: string;
			conversation_id: string;
			participants: unknown[];
		};
		expect(body.category).toBe('CONTACT');
		expect(body.participants).toEqual([{ user_id: user }]);
		expect(result.output()[0].json.conversation_id).toBe(body.conversation_id);
		expect(emu.conversations.has(body.conversation_id)).toBe(true);
	});
});
