import { createHash, randomUUID } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';

import { groupConversationId } from '../../nodes/MixinMessenger/transport/signing';
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import { BOT_ID, CONVERSATION_ID, USER_ID, loadWorkflow, runMixin, startMixin } from './fixtures';

const ALICE = '0e0a20c8-31b8-4093-81b8-9cebd9bc8afc';
const ALICE_MIXIN_ID = '7000123456';
const BOB = '8391e472-cdbe-4704-be1f-7d184635b885';

const emu = emulatorPerTest(async () => {
	const emulator = await startMixin();
	emulator.addUser({ userId: ALICE, identityNumber: ALICE_MIXIN_ID, fullName: 'Alice' });
	emulator.addUser({ userId: BOB });
	return emulator;
});

/** Every request the emulator received, as method, path and parsed body: what the tests compare whole. */
const requests = () => emu.http.requests.map((r) => [r.method, r.path, r.json]);

/** Test-side copy of Go's GroupConversationId (docs api/conversations/create.md), so the node is not checked against itself. */
function expectedGroupId(
	owner: string,
	name: string,
	participants: string[],
	randomId: string,
): string {
	const pair = (a: string, b: string) => {
		const [x, y] = Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? [a, b] : [b, a];
		const h = createHash('md5')
			.update(x + y)
			.digest();
		h[6] = (h[6] & 0x0f) | 0x30;
		h[8] = (h[8] & 0x3f) | 0x80;
		return h.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
	};
	let id = pair(pair(owner, name), randomId);
	for (const p of [...participants].sort()) id = pair(id, p);
	return id;
}

const participantsOf = (json: Record<string, unknown>) =>
	(json.participants as Array<{ user_id: string; role: string }>).map((p) => [p.user_id, p.role]);

describe('group conversation ids', () => {
	test("the Go SDK's GroupConversationId vector", () => {
		const participants = [
			'f937ca18-d1ff-46f5-99e8-e23fbd6fd5f2',
			'0e0a20c8-31b8-4093-81b8-9cebd9bc8afc',
			'8391e472-cdbe-4704-be1f-7d184635b885',
			'831fdb67-13ed-4dc5-ac64-dda89aeda2bb',
			'f7ff9dde-18c2-4375-8097-b364068b120e',
			'088c1e3e-1f07-4065-85b5-6b49b4370d32',
		];
		const owner = 'c8cb0ac7-d456-4341-be66-0b143aa09922';
		const random = '01d21e2c-76f5-4940-8ea0-9b7f21728674';
		expect(groupConversationId(owner, 'Mixin Rocks', participants, random)).toBe(
			'5dac944e-2037-31b4-bbd9-e5fd3ffe571e',
		);
		expect(expectedGroupId(owner, 'Mixin Rocks', participants, random)).toBe(
			'5dac944e-2037-31b4-bbd9-e5fd3ffe571e',
		);
	});
});

describe('Conversation › Create', () => {
	test('a saved workflow without Type still opens the CONTACT conversation, with no lookup', async () => {
		const result = await runMixin(emu, 'conversation-create', [{ json: { userId: USER_ID } }]);
		expect(result.error?.message).toBeUndefined();
		expect(requests()).toEqual([
			[
				'POST',
				'/conversations',
				{
					category: 'CONTACT',
					conversation_id: CONVERSATION_ID,
					participants: [{ user_id: USER_ID }],
				},
			],
		]);
	});

	test('contact by Mixin ID: looks the user up, then opens the conversation with their user ID', async () => {
		const result = await runMixin(emu, 'conversation-create', [
			{ json: { userId: ALICE_MIXIN_ID } },
		]);
		expect(result.error?.message).toBeUndefined();
		const [search, create] = requests();
		expect(search).toEqual(['GET', `/search/${ALICE_MIXIN_ID}`, undefined]);
		expect(create[2]).toEqual({
			category: 'CONTACT',
			conversation_id: expect.any(String),
			participants: [{ user_id: ALICE }],
		});
		expect(result.output()[0].json).toMatchObject({ category: 'CONTACT', creator_id: BOT_ID });
	});

	test('group: name, participants by user ID and Mixin ID, the bot as owner, the id derived from a random id', async () => {
		const result = await runMixin(
			emu,
			'conversation-group',
			[{ json: { name: 'Team', participants: `${BOB}, ${ALICE_MIXIN_ID}` } }],
			{
				groupOptions: { announcement: 'Welcome' },
			},
		);
		expect(result.error?.message).toBeUndefined();
		const [search, create] = requests();
		expect(search).toEqual(['GET', `/search/${ALICE_MIXIN_ID}`, undefined]);
		const body = create[2] as { conversation_id: string; random_id: string };
		expect(create).toEqual([
			'POST',
			'/conversations',
			{
				category: 'GROUP',
				conversation_id: expectedGroupId(BOT_ID, 'Team', [BOB, ALICE], body.random_id),
				name: 'Team',
				participants: [{ user_id: BOB }, { user_id: ALICE }],
				announcement: 'Welcome',
				random_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			},
		]);
		const [out] = result.output();
		expect(out.json).toMatchObject({
			conversation_id: body.conversation_id,
			category: 'GROUP',
			name: 'Team',
			announcement: 'Welcome',
			creator_id: BOT_ID,
		});
		expect(participantsOf(out.json)).toEqual([
			[BOT_ID, 'OWNER'],
			[BOB, ''],
			[ALICE, ''],
		]);
	});

	test('participants as an array; repeats and the bot itself are left out', async () => {
		const result = await runMixin(emu, 'conversation-group', [
			{ json: { name: 'Pair', participants: [ALICE, BOT_ID, ALICE.toUpperCase(), BOB] } },
		]);
		expect(result.error?.message).toBeUndefined();
		expect((requests()[0][2] as { participants: unknown }).participants).toEqual([
			{ user_id: ALICE },
			{ user_id: BOB },
		]);
	});

	test('a given Conversation ID is used as is, without random_id', async () => {
		const id = randomUUID();
		await runMixin(emu, 'conversation-group', [{ json: { name: 'Fixed', participants: BOB } }], {
			groupOptions: { conversationId: id },
		});
		expect(requests()).toEqual([
			[
				'POST',
				'/conversations',
				{ category: 'GROUP', conversation_id: id, name: 'Fixed', participants: [{ user_id: BOB }] },
			],
		]);
	});

	test('a lost answer is retried with the same conversation id: one group', async () => {
		emu.http.inject({
			match: (r) => r.path === '/conversations',
			fault: { kind: 'dropAfterHandling' },
		});
		const result = await runMixin(emu, 'conversation-group', [
			{ json: { name: 'Once', participants: BOB } },
		]);
		expect(result.error?.message).toBeUndefined();
		const [first, second] = requests();
		expect(second).toEqual(first);
		expect(emu.conversations.size).toBe(1);
		expect(result.output()[0].json.conversation_id).toBe(
			(first[2] as { conversation_id: string }).conversation_id,
		);
	});

	test('each item makes its own group', async () => {
		const result = await runMixin(emu, 'conversation-group', [
			{ json: { name: 'A', participants: BOB } },
			{ json: { name: 'A', participants: BOB } },
		]);
		expect(result.output()).toHaveLength(2);
		expect(emu.conversations.size).toBe(2);
	});
});

describe('Mixin IDs are looked up once per run', () => {
	test('two items naming the same Mixin ID search once', async () => {
		const input = [{ json: { userId: ALICE_MIXIN_ID } }, { json: { userId: ALICE_MIXIN_ID } }];
		const result = await runMixin(emu, 'conversation-create', input);
		expect(result.output()).toHaveLength(2);
		expect(requests().filter(([method]) => method === 'GET')).toEqual([
			['GET', `/search/${ALICE_MIXIN_ID}`, undefined],
		]);
	});

	test('a Mixin ID no user has fails the item, naming it and the field; nothing is created', async () => {
		const result = await runMixin(emu, 'conversation-group', [
			{ json: { name: 'Team', participants: `${BOB}\n7000999999` } },
		]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Item 0: "Participants": no Mixin user has Mixin ID 7000999999',
		);
		expect(result.error?.description).toBe('Check the "Participants" parameter of item 0.');
		expect(requests()).toEqual([['GET', '/search/7000999999', undefined]]);
	});

	test('the missing user is remembered too: continue-on-fail items fail alike after one search', async () => {
		const input = [
			{ json: { userId: '7000999999' } },
			{ json: { userId: '7000999999' } },
			{ json: { userId: USER_ID } },
		];
		const result = await runMixin(emu, 'conversation-create', input, { continueOnFail: true });
		const out = result.output();
		expect(out.map((o) => o.json.error)).toEqual([
			'Item 0: "User ID": no Mixin user has Mixin ID 7000999999',
			'Item 1: "User ID": no Mixin user has Mixin ID 7000999999',
			undefined,
		]);
		expect(requests().filter(([method]) => method === 'GET')).toHaveLength(1);
	});

	test("user search's own 429 is not retried and says what to do", async () => {
		emu.userSearchesLeft = 0;
		const result = await runMixin(emu, 'conversation-create', [
			{ json: { userId: ALICE_MIXIN_ID } },
		]);
		expect(result.error?.message).toBe('Mixin error 429: Too Many Requests');
		expect(result.error?.description).toMatch(
			/12 hours after a 429; give user IDs \(UUIDs\) instead of Mixin IDs/,
		);
		expect(requests()).toEqual([['GET', `/search/${ALICE_MIXIN_ID}`, undefined]]);
	});
});

describe('Conversation › Get', () => {
	test('returns the conversation with its participants', async () => {
		const group = randomUUID();
		emu.addGroup({ conversationId: group, participants: [BOT_ID, ALICE] });
		const result = await runMixin(emu, 'conversation-get', [{ json: { conversationId: group } }]);
		expect(requests()).toEqual([['GET', `/conversations/${group}`, undefined]]);
		expect(result.output()[0].json).toMatchObject({ conversation_id: group, category: 'GROUP' });
		expect(participantsOf(result.output()[0].json)).toEqual([
			[BOT_ID, 'OWNER'],
			[ALICE, ''],
		]);
	});

	test('a conversation the bot is not in: Mixin 403 with a hint that fits', async () => {
		const group = randomUUID();
		emu.addGroup({ conversationId: group, participants: [ALICE, BOB] });
		const result = await runMixin(emu, 'conversation-get', [{ json: { conversationId: group } }]);
		expect(result.error?.message).toBe('Mixin error 403: Forbidden');
		expect(result.error?.description).toBe('The bot is not a participant of this conversation.');
	});

	test('an unknown conversation: Mixin 404, not retried', async () => {
		const result = await runMixin(emu, 'conversation-get', [
			{ json: { conversationId: randomUUID() } },
		]);
		expect(result.error?.message).toBe('Mixin error 404: The endpoint is not found.');
		expect(result.error?.description).toBe('No conversation has this ID.');
		expect(emu.http.requests).toHaveLength(1);
	});
});

describe('Conversation › Add Participants / Remove Participants', () => {
	const group = '9a3c1f4e-2b7d-4c8a-9e1f-3d5b7a9c1e2f';
	beforeEach(() => emu.addGroup({ conversationId: group, participants: [BOT_ID, USER_ID] }));

	test('add: the users by user ID or Mixin ID; returns the updated group', async () => {
		const result = await runMixin(emu, 'conversation-participants', [
			{ json: { conversationId: group, participants: [ALICE_MIXIN_ID, BOB, BOT_ID] } },
		]);
		expect(result.error?.message).toBeUndefined();
		expect(requests()).toEqual([
			['GET', `/search/${ALICE_MIXIN_ID}`, undefined],
			['POST', `/conversations/${group}/participants/ADD`, [{ user_id: ALICE }, { user_id: BOB }]],
		]);
		expect(participantsOf(result.output()[0].json)).toEqual([
			[BOT_ID, 'OWNER'],
			[USER_ID, ''],
			[ALICE, ''],
			[BOB, ''],
		]);
	});

	test('remove: the users; returns the updated group', async () => {
		const result = await runMixin(
			emu,
			'conversation-participants',
			[{ json: { conversationId: group, participants: USER_ID } }],
			{
				operation: 'removeParticipants',
			},
		);
		expect(requests()).toEqual([
			['POST', `/conversations/${group}/participants/REMOVE`, [{ user_id: USER_ID }]],
		]);
		expect(participantsOf(result.output()[0].json)).toEqual([[BOT_ID, 'OWNER']]);
	});

	test('items changing the same group apply in order', async () => {
		const result = await runMixin(
			emu,
			'conversation-participants',
			[
				{ json: { conversationId: group, participants: ALICE } },
				{ json: { conversationId: group, participants: BOB } },
			],
			{ requestOptions: { retryAttempts: 1, retryDelayMs: 5, timeoutMs: 2000, concurrency: 4 } },
		);
		expect(result.error?.message).toBeUndefined();
		expect(participantsOf(result.output()[1].json).map(([id]) => id)).toEqual([
			BOT_ID,
			USER_ID,
			ALICE,
			BOB,
		]);
	});

	test('a group the bot only belongs to: Mixin 403 with a hint that fits', async () => {
		const theirs = randomUUID();
		emu.addGroup({ conversationId: theirs, participants: [ALICE, BOT_ID] });
		const result = await runMixin(emu, 'conversation-participants', [
			{ json: { conversationId: theirs, participants: BOB } },
		]);
		expect(result.error?.message).toBe('Mixin error 403: Forbidden');
		expect(result.error?.description).toBe(
			'The bot must be in the group, and only its owner or an admin may change participants.',
		);
	});
});

describe('a workflow opens a group and posts into it', () => {
	test('Create (Group) → Send to the new conversation', async () => {
		const result = await runMixin(emu, loadWorkflow('group-and-post'), [
			{ json: { name: 'Launch', participants: [ALICE_MIXIN_ID, BOB] } },
		]);
		expect(result.error?.message).toBeUndefined();
		const created = result.output('Create Group')[0].json;
		const [search, create, post] = requests();
		expect(search).toEqual(['GET', `/search/${ALICE_MIXIN_ID}`, undefined]);
		expect(create[2]).toMatchObject({
			category: 'GROUP',
			name: 'Launch',
			participants: [{ user_id: ALICE }, { user_id: BOB }],
			announcement: 'Welcome',
		});
		expect(post).toEqual([
			'POST',
			'/messages',
			{
				conversation_id: created.conversation_id,
				message_id: expect.any(String),
				category: 'PLAIN_TEXT',
				data_base64: Buffer.from('Hello Launch').toString('base64url'),
			},
		]);
		expect(emu.messages).toHaveLength(1);
		expect(emu.messages[0].conversation_id).toBe(created.conversation_id);
		expect(emu.messages[0].recipient_id).toBeUndefined();
		expect(result.output('Post')[0].json).toMatchObject({
			conversation_id: created.conversation_id,
			category: 'PLAIN_TEXT',
		});
	});
});

describe('bad group input is refused before anything is sent', () => {
	const many = Array.from({ length: 256 }, () => randomUUID());
	refusedBeforeSending<[string, INodeExecutionData[], Record<string, unknown>]>(
		[
			[
				'no group name',
				['conversation-group', [{ json: { name: '', participants: BOB } }], {}],
				'Item 0: "Group Name" is required',
			],
			[
				'a group name over 512 characters',
				['conversation-group', [{ json: { name: 'x'.repeat(513), participants: BOB } }], {}],
				'Item 0: "Group Name" must be 1–512 characters long, got 513',
			],
			[
				'an announcement over 1024 characters',
				[
					'conversation-group',
					[{ json: { name: 'T', participants: BOB } }],
					{ groupOptions: { announcement: 'a'.repeat(1025) } },
				],
				'Item 0: "Announcement" must be 0–1024 characters long, got 1025',
			],
			[
				'no participants',
				['conversation-group', [{ json: { name: 'T', participants: '' } }], {}],
				'Item 0: "Participants" is required',
			],
			[
				'only the bot',
				['conversation-group', [{ json: { name: 'T', participants: BOT_ID } }], {}],
				'Item 0: "Participants" lists no one but the bot itself',
			],
			[
				'a participant that is neither',
				['conversation-group', [{ json: { name: 'T', participants: 'bob' } }], {}],
				'Item 0: "Participants" must be a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456), got "bob"',
			],
			[
				'256 participants and the bot',
				['conversation-group', [{ json: { name: 'T', participants: many } }], {}],
				'Item 0: a group holds at most 256 members, the bot included; "Participants" lists 256',
			],
			[
				'a malformed conversation id',
				[
					'conversation-group',
					[{ json: { name: 'T', participants: BOB } }],
					{ groupOptions: { conversationId: 'g1' } },
				],
				'Item 0: "Conversation ID" must be a UUID, got "g1"',
			],
			[
				'a contact that is neither',
				['conversation-create', [{ json: { userId: '@alice' } }], {}],
				'Item 0: "User ID" must be a user ID (UUID) or the Mixin ID the app shows (digits, e.g. 7000123456), got "@alice"',
			],
			[
				'get without a UUID',
				['conversation-get', [{ json: { conversationId: 'group' } }], {}],
				'Item 0: "Conversation ID" must be a UUID, got "group"',
			],
			[
				'removing the bot itself',
				[
					'conversation-participants',
					[{ json: { conversationId: CONVERSATION_ID, participants: BOT_ID } }],
					{ operation: 'removeParticipants' },
				],
				'Item 0: "Participants" lists the bot itself',
			],
		],
		([workflow, input, params]) => runMixin(emu, workflow, input, params),
		() => emu.http.requests.length,
	);
});
