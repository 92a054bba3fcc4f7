/**
 * Tests of the Mixin emulator itself: it must accept what Mixin accepts and refuse what Mixin refuses, so node tests
 * built on it mean something. Tokens are signed here with node:crypto, independently of the node's code.
 */
import * as crypto from 'node:crypto';
import { MixinEmulator, uniqueConversationId } from './mixin';

// Reference §1.4 test vector (RFC 8032 key 1, ids from the seed).
const SEED_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const UID = '11efbb75-e7fe-44d7-a14f-698535289310';
const SID = 'afad4c37-b90e-43c2-adc2-e6e1bd31ae94';
const RECIPIENT = 'e8e8cd79-cd40-4796-8c54-3a13cfe50115';
const CONV = 'dd219235-e83a-3b85-a13f-d0f20fa0e833';
const VECTOR_BODY =
	'[{"conversation_id":"dd219235-e83a-3b85-a13f-d0f20fa0e833","recipient_id":"e8e8cd79-cd40-4796-8c54-3a13cfe50115","message_id":"c81e774b-a762-49f8-9114-35900be2c90e","category":"PLAIN_TEXT","data_base64":"aGVsbG8"}]';
const VECTOR_SIG = 'f3145a5d9d6f12fa9447c291a652adf401f10a3ffe9c564170983125e756b9ad';
const VECTOR_TOKEN =
	'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJ1aWQiOiIxMWVmYmI3NS1lN2ZlLTQ0ZDctYTE0Zi02OTg1MzUyODkzMTAiLCJzaWQiOiJhZmFkNGMzNy1iOTBlLTQzYzItYWRjMi1lNmUxYmQzMWFlOTQiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMCwianRpIjoiNmQ1YzFhNGUtM2IxZi00YzJlLTlhNDktMWYyZjdhMGQ5ZTExIiwic2lnIjoiZjMxNDVhNWQ5ZDZmMTJmYTk0NDdjMjkxYTY1MmFkZjQwMWYxMGEzZmZlOWM1NjQxNzA5ODMxMjVlNzU2YjlhZCIsInNjcCI6IkZVTEwifQ.ddnEF7HnWkks-g2SEuv66yBZn0QoeWHyBfDZgKZfaS7q1GAuShBzQ-N1oKpbZWl5WnZnYdml1zTeQMvzSGXtBA';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function keyFromSeed(seed: Buffer): { privateKey: crypto.KeyObject; publicRaw: Buffer } {
	const privateKey = crypto.createPrivateKey({
		key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
		format: 'der',
		type: 'pkcs8',
	});
	const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
	return { privateKey, publicRaw: spki.subarray(spki.length - 32) };
}

const BOT = keyFromSeed(Buffer.from(SEED_HEX, 'hex'));

interface TokenOpts {
	key?: crypto.KeyObject;
	uid?: string;
	sid?: string;
	iat?: number;
	exp?: number;
	jti?: string;
	/** Sign over this instead of the real request (to forge a mismatch). */
	sigOver?: { method: string; uri: string; body: string };
	omit?: string[];
	/** JOSE header alg (EdDSA unless told). */
	alg?: string;
	/** The scp claim (FULL unless told). */
	scp?: string;
}

function b64url(v: unknown): string {
	return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function signToken(method: string, uri: string, body: string, o: TokenOpts = {}): string {
	const now = Math.floor(Date.now() / 1000);
	const over = o.sigOver ?? { method, uri, body };
	const claims: Record<string, unknown> = {
		uid: o.uid ?? UID,
		sid: o.sid ?? SID,
		iat: o.iat ?? now,
		exp: o.exp ?? now + 600,
		jti: o.jti ?? crypto.randomUUID(),
		sig: crypto
			.createHash('sha256')
			.update(over.method + over.uri + over.body)
			.digest('hex'),
		scp: o.scp ?? 'FULL',
	};
	for (const k of o.omit ?? []) delete claims[k];
	const input = `${b64url({ alg: o.alg ?? 'EdDSA', typ: 'JWT' })}.${b64url(claims)}`;
	return `${input}.${crypto.sign(null, Buffer.from(input), o.key ?? BOT.privateKey).toString('base64url')}`;
}

interface Answer {
	status: number;
	json: any;
	headers: Headers;
}

async function api(
	emu: MixinEmulator,
	method: string,
	uri: string,
	body: string | unknown = '',
	o: TokenOpts & { token?: string; requestId?: string } = {},
): Promise<Answer> {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	const headers: Record<string, string> = {
		authorization: `Bearer ${o.token ?? signToken(method, uri, text, o)}`,
		'content-type': 'application/json',
	};
	if (o.requestId) headers['x-request-id'] = o.requestId;
	const res = await fetch(emu.baseUrl + uri, {
		method,
		headers,
		body: method === 'GET' ? undefined : text,
	});
	const raw = await res.text();
	return { status: res.status, json: raw ? JSON.parse(raw) : undefined, headers: res.headers };
}

function textMessage(recipient: string, text: string, extra: Record<string, unknown> = {}) {
	return {
		conversation_id: uniqueConversationIdForTest(UID, recipient),
		recipient_id: recipient,
		message_id: crypto.randomUUID(),
		category: 'PLAIN_TEXT',
		data_base64: Buffer.from(text).toString('base64url'),
		...extra,
	};
}

/** Test-side copy of §4.1 so the emulator's function is checked against the reference, not against itself. */
function uniqueConversationIdForTest(a: string, b: string): string {
	const [x, y] = [a, b].sort();
	const h = crypto
		.createHash('md5')
		.update(x + y)
		.digest();
	h[6] = (h[6] & 0x0f) | 0x30;
	h[8] = (h[8] & 0x3f) | 0x80;
	return h.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

const expectError = (a: Answer, status: number, code: number) => {
	expect(a.status).toBe(status);
	expect(a.json?.error).toMatchObject({ status, code });
};

/** A 1:1 message to RECIPIENT carrying `payload` as JSON. */
function payloadMessage(category: string, payload: unknown, extra: Record<string, unknown> = {}) {
	return textMessage(RECIPIENT, '', {
		category,
		data_base64: Buffer.from(JSON.stringify(payload)).toString('base64url'),
		...extra,
	});
}

describe('Mixin emulator', () => {
	let emu: MixinEmulator;

	async function boot(opts: ConstructorParameters<typeof MixinEmulator>[0] = {}) {
		emu = new MixinEmulator(opts);
		await emu.start();
		emu.registerSession({ appId: UID, sessionId: SID, publicKey: BOT.publicRaw });
		emu.addUser({ userId: RECIPIENT, hasConversation: true });
	}

	/** The violations recorded so far, forgotten so that the test's end sees only what it did not expect. */
	const takeViolations = () => emu.violations.splice(0);

	const send = (category: string, payload: unknown, extra: Record<string, unknown> = {}) =>
		api(emu, 'POST', '/messages', [payloadMessage(category, payload, extra)]);

	/** An attachment whose bytes reached the fake S3. */
	async function uploaded(
		bytes: Buffer = crypto.randomBytes(64),
	): Promise<{ id: string; size: number }> {
		const created = await api(emu, 'POST', '/attachments');
		const { attachment_id: id, upload_url: url } = created.json.data as {
			attachment_id: string;
			upload_url: string;
		};
		const headers = { 'content-type': 'application/octet-stream', 'x-amz-acl': 'public-read' };
		expect((await fetch(url, { method: 'PUT', body: new Uint8Array(bytes), headers })).status).toBe(
			200,
		);
		return { id, size: bytes.length };
	}

	afterEach(async () => {
		const left = emu ? takeViolations() : [];
		await emu?.stop();
		expect(left).toEqual([]);
	});

	describe('auth and the §1.4 vector', () => {
		beforeEach(() => boot());

		it('computes the seed conversation id', () => {
			expect(uniqueConversationId(UID, RECIPIENT)).toBe(CONV);
			expect(uniqueConversationId(RECIPIENT.toUpperCase(), UID)).toBe(CONV);
			expect(uniqueConversationIdForTest(UID, RECIPIENT)).toBe(CONV);
		});

		it('accepts a token signed over the exact vector body and stores the message', async () => {
			expect(
				crypto
					.createHash('sha256')
					.update('POST/messages' + VECTOR_BODY)
					.digest('hex'),
			).toBe(VECTOR_SIG);
			const a = await api(emu, 'POST', '/messages', VECTOR_BODY, { requestId: 'req-1' });
			expect(a.status).toBe(200);
			expect(a.json).toEqual({});
			expect(a.headers.get('x-request-id')).toBe('req-1');
			expect(emu.messages).toHaveLength(1);
			expect(emu.messages[0]).toMatchObject({
				conversation_id: CONV,
				recipient_id: RECIPIENT,
				message_id: 'c81e774b-a762-49f8-9114-35900be2c90e',
				category: 'PLAIN_TEXT',
				user_id: UID,
				via: 'batch',
				dataField: 'data_base64',
			});
			expect(emu.messages[0].payload.toString()).toBe('hello');
		});

		it('accepts the literal reference token at its own time, and refuses it once expired', async () => {
			await emu.stop();
			let clock = 1_700_000_100_000;
			emu = new MixinEmulator({ now: () => clock });
			await emu.start();
			emu.registerSession({ appId: UID, sessionId: SID, publicKey: BOT.publicRaw });
			emu.addUser({ userId: RECIPIENT, hasConversation: true });
			const ok = await api(emu, 'POST', '/messages', VECTOR_BODY, { token: VECTOR_TOKEN });
			expect(ok.status).toBe(200);
			clock = 1_700_003_600_000; // exp reached
			const late = await api(emu, 'POST', '/messages', VECTOR_BODY, { token: VECTOR_TOKEN });
			expectError(late, 202, 401);
			expect(late.json.error.description).toBe('Unauthorized, maybe invalid token.');
		});

		it('refuses a token whose sig does not match the body', async () => {
			const other = VECTOR_BODY.replace('aGVsbG8', 'aGVsbG9');
			const sigOver = { method: 'POST', uri: '/messages', body: other };
			const a = await api(emu, 'POST', '/messages', VECTOR_BODY, { sigOver });
			expectError(a, 202, 401);
			expect(emu.messages).toHaveLength(0);
			expect(emu.http.requests[0].note).toMatch(/^unauthorized: sig/);
		});

		it('binds sig to the query string and the method', async () => {
			const noQuery = await api(emu, 'GET', '/me?x=1', '', {
				sigOver: { method: 'GET', uri: '/me', body: '' },
			});
			expectError(noQuery, 202, 401);
			const withQuery = await api(emu, 'GET', '/me?x=1');
			expect(withQuery.status).toBe(200);
			const wrongMethod = await api(emu, 'GET', '/me', '', {
				sigOver: { method: 'POST', uri: '/me', body: '' },
			});
			expectError(wrongMethod, 202, 401);
		});

		it('refuses a token signed with another key', async () => {
			const a = await api(emu, 'POST', '/messages', VECTOR_BODY, {
				key: keyFromSeed(crypto.randomBytes(32)).privateKey,
			});
			expectError(a, 202, 401);
			expect(emu.http.requests[0].note).toMatch(/signature/);
		});

		it('refuses expired, future-dated, unknown-session and claim-less tokens', async () => {
			const now = Math.floor(Date.now() / 1000);
			expectError(await api(emu, 'GET', '/me', '', { iat: now - 7200, exp: now - 1 }), 202, 401);
			expectError(await api(emu, 'GET', '/me', '', { iat: now + 3600, exp: now + 7200 }), 202, 401);
			expectError(await api(emu, 'GET', '/me', '', { sid: crypto.randomUUID() }), 202, 401);
			expectError(await api(emu, 'GET', '/me', '', { omit: ['scp'] }), 202, 401);
			expectError(await api(emu, 'GET', '/me', '', { omit: ['jti'] }), 202, 401);
			// Still an Ed25519 signature, but the header claims another algorithm.
			expectError(await api(emu, 'GET', '/me', '', { alg: 'HS256' }), 202, 401);
			const noAuth = await fetch(`${emu.baseUrl}/me`);
			expect(noAuth.status).toBe(202);
			expect((await noAuth.json()).error.code).toBe(401);
			// A small, tolerated clock skew still works.
			expect((await api(emu, 'GET', '/me', '', { iat: now + 60 })).status).toBe(200);
		});

		it('refuses any scope but FULL with 202/401', async () => {
			for (const scp of ['PROFILE:READ', 'PROFILE:READ MESSAGES:REPRESENT', 'full']) {
				expectError(await api(emu, 'GET', '/me', '', { scp }), 202, 401);
				expectError(await api(emu, 'POST', '/messages', VECTOR_BODY, { scp }), 202, 401);
			}
			expect(emu.http.requests.every((r) => /^unauthorized: scp is/.test(r.note ?? ''))).toBe(true);
			expect(emu.messages).toHaveLength(0);
			expect((await api(emu, 'GET', '/me', '', { scp: 'FULL' })).status).toBe(200);
		});

		it('GET /me describes the bot', async () => {
			const a = await api(emu, 'GET', '/me');
			expect(a.status).toBe(200);
			expect(a.json.data).toMatchObject({ type: 'user', user_id: UID, session_id: SID });
			expect(a.json.data.identity_number).toMatch(/^7000\d+$/);
		});

		it('unknown route is 202/404 and malformed JSON is 202/400', async () => {
			expectError(await api(emu, 'GET', '/nowhere'), 202, 404);
			expectError(await api(emu, 'GET', '/messages'), 202, 404);
			const bad = await api(emu, 'POST', '/messages', '[{"oops"');
			expectError(bad, 202, 400);
		});
	});

	it('can reject a reused jti', async () => {
		await boot({ rejectReusedJti: true });
		const jti = crypto.randomUUID();
		expect((await api(emu, 'GET', '/me', '', { jti })).status).toBe(200);
		expectError(await api(emu, 'GET', '/me', '', { jti }), 202, 401);
	});

	describe('conversations and 403', () => {
		const STRANGER = '4b2a9f3e-6c1d-4e8a-9b7f-0123456789ab';
		beforeEach(async () => {
			await boot();
			// No options: a user who never talked to the bot, the default.
			emu.addUser({ userId: STRANGER });
		});

		const contact = (user: string, conv = uniqueConversationIdForTest(UID, user)) => ({
			category: 'CONTACT',
			conversation_id: conv,
			participants: [{ user_id: user }],
		});

		it('403 until the CONTACT conversation exists, then success', async () => {
			const msg = textMessage(STRANGER, 'hi');
			const first = await api(emu, 'POST', '/messages', [msg]);
			expectError(first, 202, 403);
			expect(emu.http.requests[0].note).toMatch(/^forbidden/);
			expect(emu.messages).toHaveLength(0);

			const created = await api(emu, 'POST', '/conversations', contact(STRANGER));
			expect(created.status).toBe(200);
			expect(created.json.data).toMatchObject({
				type: 'conversation',
				category: 'CONTACT',
				conversation_id: uniqueConversationIdForTest(UID, STRANGER),
				creator_id: UID,
			});
			// Idempotent.
			expect((await api(emu, 'POST', '/conversations', contact(STRANGER))).status).toBe(200);
			expect(emu.conversations.size).toBe(1);

			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			expect(emu.messages).toHaveLength(1);
		});

		it('rejects a wrong conversation id, a second participant and the bot as participant', async () => {
			expectError(
				await api(emu, 'POST', '/conversations', contact(STRANGER, crypto.randomUUID())),
				202,
				10002,
			);
			const two = {
				...contact(STRANGER),
				participants: [{ user_id: STRANGER }, { user_id: RECIPIENT }],
			};
			expectError(await api(emu, 'POST', '/conversations', two), 202, 10002);
			const withBot = {
				...contact(STRANGER),
				participants: [{ user_id: UID, role: 'OWNER' }, { user_id: STRANGER }],
			};
			expectError(await api(emu, 'POST', '/conversations', withBot), 500, 500);
			expect(emu.conversations.size).toBe(0);
		});

		it('keeps refusing users who accept contacts only or blocked the bot', async () => {
			const picky = crypto.randomUUID();
			const blocker = crypto.randomUUID();
			emu.addUser({ userId: picky, receiveMessageSource: 'CONTACTS' });
			emu.addUser({ userId: blocker, blockedBot: true });
			expectError(await api(emu, 'POST', '/messages', [textMessage(picky, 'x')]), 202, 403);
			expectError(await api(emu, 'POST', '/messages', [textMessage(blocker, 'x')]), 202, 403);
			expectError(await api(emu, 'POST', '/conversations', contact(blocker)), 202, 403);
		});

		it('rejects a 1:1 message whose conversation id is not the unique id', async () => {
			const msg = textMessage(RECIPIENT, 'x', { conversation_id: crypto.randomUUID() });
			expectError(await api(emu, 'POST', '/messages', [msg]), 202, 10002);
		});

		it('hasConversation: true opts in to an existing conversation', async () => {
			const friend = crypto.randomUUID();
			emu.addUser({ userId: friend, hasConversation: true });
			expect((await api(emu, 'POST', '/messages', [textMessage(friend, 'x')])).status).toBe(200);
		});

		it('by default an unregistered user is 403 on /messages and 10002 on /conversations', async () => {
			const nobody = crypto.randomUUID();
			const first = await api(emu, 'POST', '/messages', [textMessage(nobody, 'x')]);
			expectError(first, 202, 403);
			expect(emu.http.requests[0].note).toBe('forbidden: unknown user');
			expectError(await api(emu, 'POST', '/conversations', contact(nobody)), 202, 10002);
			expect((await api(emu, 'POST', '/messages', [textMessage(RECIPIENT, 'x')])).status).toBe(200);
		});

		it('unknownUsers allow: an unregistered recipient behaves as one with a conversation', async () => {
			await emu.stop();
			await boot({ unknownUsers: 'allow' });
			expect(
				(await api(emu, 'POST', '/messages', [textMessage(crypto.randomUUID(), 'x')])).status,
			).toBe(200);
		});

		it('groups: bot must be a member, recipient must be a participant', async () => {
			const group = crypto.randomUUID();
			const noBot = crypto.randomUUID();
			emu.addGroup({ conversationId: group, participants: [UID, RECIPIENT] });
			emu.addGroup({ conversationId: noBot, participants: [RECIPIENT] });
			const base = { message_id: crypto.randomUUID(), category: 'PLAIN_TEXT', data_base64: 'aGk' };
			expect(
				(await api(emu, 'POST', '/messages', [{ ...base, conversation_id: group }])).status,
			).toBe(200);
			const outsider = {
				...base,
				message_id: crypto.randomUUID(),
				conversation_id: group,
				recipient_id: STRANGER,
			};
			expectError(await api(emu, 'POST', '/messages', [outsider]), 202, 10002);
			const toNoBot = { ...base, message_id: crypto.randomUUID(), conversation_id: noBot };
			expectError(await api(emu, 'POST', '/messages', [toNoBot]), 202, 403);
		});
	});

	describe('messages', () => {
		beforeEach(() => boot());

		it('deduplicates a repeated message id', async () => {
			const msg = textMessage(RECIPIENT, 'once');
			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			const again = await api(emu, 'POST', '/messages', [msg]);
			expect(again.status).toBe(200);
			expect(emu.messages).toHaveLength(1);
			expect(emu.duplicatesSeen).toBe(1);
			expect(emu.http.requests[1].note).toBe('duplicate');
		});

		it('can reject a repeated message id instead', async () => {
			await emu.stop();
			await boot({ rejectDuplicateMessageIds: true });
			const msg = textMessage(RECIPIENT, 'once');
			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			expectError(await api(emu, 'POST', '/messages', [msg]), 202, 10002);
			expect(emu.messages).toHaveLength(1);
		});

		it('refuses more than 100 messages, an over-1MB body and an over-128KB message', async () => {
			const many = Array.from({ length: 101 }, () => textMessage(RECIPIENT, 'x'));
			expectError(await api(emu, 'POST', '/messages', many), 202, 10002);
			expect((await api(emu, 'POST', '/messages', many.slice(0, 100))).status).toBe(200);
			expect(emu.messages).toHaveLength(100);

			// Nine ~120 KB messages: each under 128 KB, together over 1 MB.
			const chunky = Array.from({ length: 9 }, () => textMessage(RECIPIENT, 'y'.repeat(88_000)));
			expect(Buffer.byteLength(JSON.stringify(chunky[0]))).toBeLessThan(128 * 1024);
			expect(Buffer.byteLength(JSON.stringify(chunky))).toBeGreaterThan(1024 * 1024);
			expectError(await api(emu, 'POST', '/messages', chunky), 202, 10002);
			expect((await api(emu, 'POST', '/messages', chunky.slice(0, 8))).status).toBe(200);

			const huge = textMessage(RECIPIENT, 'z'.repeat(100_000));
			expectError(await api(emu, 'POST', '/messages', [huge]), 202, 10002);
			expect(emu.messages).toHaveLength(108);
		});

		it('a batch is atomic', async () => {
			const good = textMessage(RECIPIENT, 'fine');
			const bad = textMessage(RECIPIENT, 'bad', { category: 'PLAIN_NOPE' });
			const a = await api(emu, 'POST', '/messages', [good, bad]);
			expectError(a, 202, 10002);
			expect(a.json.error.extra.field).toBe('messages[1].category');
			expect(emu.messages).toHaveLength(0);
		});

		it('stores expire_in and echoes it in the MessageView; refuses one that is not a whole number', async () => {
			const msg = textMessage(RECIPIENT, 'gone soon', { expire_in: 60 });
			const a = await api(emu, 'POST', '/messages', msg);
			expect(a.json.data.expire_in).toBe(60);
			expect(emu.messages[0].expire_in).toBe(60);
			expect(
				(await api(emu, 'POST', '/messages', textMessage(RECIPIENT, 'stays'))).json.data.expire_in,
			).toBe(0);
			expectError(
				await api(emu, 'POST', '/messages', [textMessage(RECIPIENT, 'x', { expire_in: 1.5 })]),
				202,
				10002,
			);
			expectError(
				await api(emu, 'POST', '/messages', [textMessage(RECIPIENT, 'x', { expire_in: '60' })]),
				202,
				10002,
			);
		});

		it('single-object form answers a MessageView with both encodings', async () => {
			const msg = textMessage(RECIPIENT, '??>>');
			const a = await api(emu, 'POST', '/messages', msg);
			expect(a.status).toBe(200);
			expect(a.json.data).toMatchObject({
				type: 'message',
				message_id: msg.message_id,
				conversation_id: CONV,
				user_id: UID,
				session_id: SID,
				data: 'Pz8+Pg==',
				data_base64: 'Pz8-Pg',
				source: 'CREATE_MESSAGE',
			});
			expect(emu.messages[0].via).toBe('single');
		});

		it('checks the data fields', async () => {
			const base = textMessage(RECIPIENT, 'x');
			const noContent = { ...base, data_base64: undefined };
			expectError(await api(emu, 'POST', '/messages', [noContent]), 202, 10002);
			expectError(await api(emu, 'POST', '/messages', [{ ...base, data: 'eA==' }]), 202, 10002);
			expectError(
				await api(emu, 'POST', '/messages', [{ ...base, data_base64: 'Pz8+Pg==' }]),
				202,
				10002,
			);
			expectError(
				await api(emu, 'POST', '/messages', [{ ...base, message_id: 'not-a-uuid' }]),
				202,
				10002,
			);
			// The legacy field takes std base64 with padding.
			const legacy = { ...base, data_base64: undefined, data: 'Pz8+Pg==' };
			expect((await api(emu, 'POST', '/messages', [legacy])).status).toBe(200);
			expect(emu.messages[0]).toMatchObject({ dataField: 'data' });
			expect(emu.messages[0].payload.toString()).toBe('??>>');
		});

		it('checks category payload shapes', async () => {
			expectError(await send('PLAIN_LOCATION', { latitude: '', longitude: '' }), 202, 10002);
			expectError(await send('PLAIN_LOCATION', { latitude: 91, longitude: 0 }), 202, 10002);
			expect((await send('PLAIN_LOCATION', { latitude: 31.2, longitude: 121.5 })).status).toBe(200);
			expectError(
				await send('APP_BUTTON_GROUP', [{ label: 'Go', color: 'red', action: 'https://a.b' }]),
				202,
				10002,
			);
			expect(
				(await send('APP_BUTTON_GROUP', [{ label: 'Go', color: '#FF0000', action: 'https://a.b' }]))
					.status,
			).toBe(200);
			const card = {
				title: 't',
				description: 'd',
				action: 'https://a.b',
				icon_url: 'https://a.b/i.png',
			};
			expectError(await send('APP_CARD', { ...card, title: 'x'.repeat(37) }), 202, 10002);
			expectError(await send('APP_CARD', { title: 't', description: 'd' }), 202, 10002);
			expect((await send('APP_CARD', card)).status).toBe(200);
			expectError(await send('PLAIN_STICKER', {}), 202, 10002);
			expectError(await send('MESSAGE_RECALL', { message_id: crypto.randomUUID() }), 202, 10002);
			expect(
				(await send('MESSAGE_RECALL', { message_id: emu.messages[0].message_id })).status,
			).toBe(200);
			expect(emu.messages.map((m) => m.category)).toEqual([
				'PLAIN_LOCATION',
				'APP_BUTTON_GROUP',
				'APP_CARD',
				'MESSAGE_RECALL',
			]);
			expect(emu.messages[0].json).toEqual({ latitude: 31.2, longitude: 121.5 });
		});

		it('stores acknowledgements and limits them to 1–100', async () => {
			const acks = [{ message_id: crypto.randomUUID(), status: 'READ' }];
			const a = await api(emu, 'POST', '/acknowledgements', acks);
			expect(a.status).toBe(200);
			expect(a.json.data).toEqual(acks);
			expect(emu.acknowledgements).toEqual(acks);
			expectError(
				await api(emu, 'POST', '/acknowledgements', [{ ...acks[0], status: 'SENT' }]),
				202,
				10002,
			);
			const many = Array.from({ length: 101 }, () => ({
				message_id: crypto.randomUUID(),
				status: 'DELIVERED',
			}));
			expectError(await api(emu, 'POST', '/acknowledgements', many), 202, 10002);
			expectError(await api(emu, 'POST', '/acknowledgements', []), 202, 10002);
			expect(emu.acknowledgements).toHaveLength(1);
		});
	});

	describe('attachments and the fake S3', () => {
		beforeEach(() => boot());

		const put = (url: string, body: Buffer, headers: Record<string, string>) =>
			fetch(url, { method: 'PUT', body: new Uint8Array(body), headers });
		const GOOD = { 'content-type': 'application/octet-stream', 'x-amz-acl': 'public-read' };

		async function newAttachment() {
			const a = await api(emu, 'POST', '/attachments');
			expect(a.status).toBe(200);
			return a.json.data as {
				attachment_id: string;
				upload_url: string;
				view_url: string;
				type: string;
			};
		}

		it('creates an attachment with a presigned upload URL on this server', async () => {
			const att = await newAttachment();
			expect(att.type).toBe('attachment');
			expect(att.upload_url.startsWith(`${emu.baseUrl}/s3/mixin/attachments/`)).toBe(true);
			expect(att.upload_url).toContain('X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-acl');
			expect(att.upload_url).toContain('X-Amz-Expires=21600');
			expect(emu.violations).toEqual([]);
			// The docs' "leave them empty" object is accepted, but the official clients send no body at all.
			expect((await api(emu, 'POST', '/attachments', '{}')).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/^POST \/attachments: a body \(2 bytes\)/),
			]);
			expect(emu.attachments.size).toBe(2);
			expectError(await api(emu, 'POST', '/attachments', '[]'), 202, 10002);
			expectError(await api(emu, 'POST', '/attachments', '{'), 202, 400);
			expect(emu.attachments.size).toBe(2);
		});

		it('accepts a correct PUT, serves the bytes and lets a message use the attachment', async () => {
			const att = await newAttachment();
			expect((await fetch(att.view_url)).status).toBe(404);
			const bytes = crypto.randomBytes(2048);
			const image = {
				attachment_id: att.attachment_id,
				mime_type: 'image/png',
				width: 10,
				height: 10,
				size: bytes.length,
			};
			const msg = textMessage(RECIPIENT, '', {
				category: 'PLAIN_IMAGE',
				data_base64: Buffer.from(JSON.stringify(image)).toString('base64url'),
			});
			expectError(await api(emu, 'POST', '/messages', [msg]), 202, 10002); // not uploaded yet

			const res = await put(att.upload_url, bytes, GOOD);
			expect(res.status).toBe(200);
			expect(res.headers.get('etag')).toBe(
				`"${crypto.createHash('md5').update(bytes).digest('hex')}"`,
			);
			expect(await res.text()).toBe('');
			expect(emu.attachments.get(att.attachment_id)?.uploaded?.equals(bytes)).toBe(true);

			const view = await fetch(att.view_url);
			expect(view.status).toBe(200);
			expect(Buffer.from(await view.arrayBuffer()).equals(bytes)).toBe(true);

			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			const shown = await api(emu, 'GET', `/attachments/${att.attachment_id}`);
			expect(shown.json.data).toMatchObject({
				attachment_id: att.attachment_id,
				view_url: att.view_url,
			});
			expectError(await api(emu, 'GET', `/attachments/${crypto.randomUUID()}`), 202, 404);
		});

		it('refuses a wrong Content-Type, a missing ACL, a tampered URL and an Authorization header', async () => {
			const att = await newAttachment();
			const bytes = Buffer.from('abc');
			const wrongType = await put(att.upload_url, bytes, { ...GOOD, 'content-type': 'image/png' });
			expect(wrongType.status).toBe(403);
			expect(await wrongType.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
			const noAcl = await put(att.upload_url, bytes, {
				'content-type': 'application/octet-stream',
			});
			expect(noAcl.status).toBe(403);
			const tampered = await put(
				att.upload_url.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=g'),
				bytes,
				GOOD,
			);
			expect(tampered.status).toBe(403);
			const withAuth = await put(att.upload_url, bytes, { ...GOOD, authorization: 'Bearer x.y.z' });
			expect(withAuth.status).toBe(400);
			expect(await withAuth.text()).toContain('<Code>InvalidArgument</Code>');
			expect(emu.attachments.get(att.attachment_id)?.uploaded).toBeUndefined();
			expect(emu.http.requests.filter((r) => r.note?.startsWith('s3:')).map((r) => r.note)).toEqual(
				[
					's3: SignatureDoesNotMatch',
					's3: SignatureDoesNotMatch',
					's3: SignatureDoesNotMatch',
					's3: InvalidArgument',
				],
			);
		});

		it('refuses a chunked upload without Content-Length', async () => {
			const att = await newAttachment();
			const stream = new ReadableStream({
				start(c) {
					c.enqueue(new Uint8Array([1, 2, 3]));
					c.close();
				},
			});
			const res = await fetch(att.upload_url, {
				method: 'PUT',
				body: stream,
				headers: GOOD,
				duplex: 'half',
			} as RequestInit);
			expect(res.status).toBe(501);
			expect(await res.text()).toContain('<Code>NotImplemented</Code>');
			expect(emu.attachments.get(att.attachment_id)?.uploaded).toBeUndefined();
		});
	});

	describe('payload keys: renames are caught', () => {
		beforeEach(() => boot());

		type Media = { id: string; size: number };
		type Payload = Record<string, unknown>;
		const image = (a: Media) => ({
			attachment_id: a.id,
			mime_type: 'image/png',
			width: 8,
			height: 8,
			size: a.size,
		});
		const audio = (a: Media) => ({
			attachment_id: a.id,
			mime_type: 'audio/ogg',
			size: a.size,
			duration: 1500,
		});
		const video = (a: Media) => ({
			...image(a),
			mime_type: 'video/mp4',
			duration: 900,
			thumbnail: '',
		});
		const file = (a: Media) => ({
			attachment_id: a.id,
			mime_type: 'application/pdf',
			size: a.size,
			name: 'r.pdf',
		});
		const sticker = {
			sticker_id: crypto.randomUUID(),
			name: 'hello',
			album_id: crypto.randomUUID(),
		};
		const place = {
			latitude: 31.2304,
			longitude: 121.4737,
			name: 'Shanghai',
			address: 'People’s Square',
		};
		const live = {
			width: 6,
			height: 4,
			thumb_url: 'https://a.b/t.jpg',
			url: 'https://a.b/l.m3u8',
			shareable: false,
		};
		const oldCard = {
			app_id: UID,
			icon_url: 'https://a.b/i.png',
			title: 't',
			description: 'd',
			action: 'https://a.b',
		};
		const button = { label: 'Open', color: '#00AA00', action: 'https://a.b' };
		const newCard = {
			app_id: UID,
			cover_url: 'https://a.b/c.png',
			title: 't',
			description: 'd',
			actions: [button],
		};
		const card = { ...newCard, shareable: true };
		const stampedCard = { ...card, updated_at: '2024-09-28T15:49:14Z' };
		const recall = () => ({ message_id: emu.messages[0].message_id });
		/** `from` renamed to `to` (in the first item of an array payload); `from` undefined adds `to` instead. */
		const alter = (payload: unknown, from: string | undefined, to: string): unknown => {
			if (Array.isArray(payload)) return [alter(payload[0], from, to), ...payload.slice(1)];
			const { [from ?? to]: value, ...rest } = payload as Payload;
			return from === undefined ? { ...(payload as Payload), [to]: 'x' } : { ...rest, [to]: value };
		};

		// [what, category, documented payload, key renamed (or undefined: key added), the reported key]
		const cases: Array<[string, string, (a: Media) => unknown, string | undefined, string]> = [
			[
				'waveform → wave_form',
				'PLAIN_AUDIO',
				(a) => ({ ...audio(a), waveform: 'AAEC' }),
				'waveform',
				'wave_form',
			],
			[
				'thumbnail → thumb',
				'PLAIN_IMAGE',
				(a) => ({ ...image(a), thumbnail: 'iVBORw0KGgo=' }),
				'thumbnail',
				'thumb',
			],
			['album_id → albumId', 'PLAIN_STICKER', () => sticker, 'album_id', 'albumId'],
			['sticker name → sticker_name', 'PLAIN_STICKER', () => sticker, 'name', 'sticker_name'],
			['location name → title', 'PLAIN_LOCATION', () => place, 'name', 'title'],
			['location address → addr', 'PLAIN_LOCATION', () => place, 'address', 'addr'],
			['video thumbnail → thumbnail_base64', 'PLAIN_VIDEO', video, 'thumbnail', 'thumbnail_base64'],
			['live shareable → is_shareable', 'PLAIN_LIVE', () => live, 'shareable', 'is_shareable'],
			['card cover_url → cover_image', 'APP_CARD', () => card, 'cover_url', 'cover_image'],
			['card updated_at → updatedAt', 'APP_CARD', () => stampedCard, 'updated_at', 'updatedAt'],
			['old card plus share', 'APP_CARD', () => oldCard, undefined, 'share'],
			['button plus url', 'APP_BUTTON_GROUP', () => [button], undefined, 'url'],
			['recall plus messageId', 'MESSAGE_RECALL', recall, undefined, 'messageId'],
			[
				'contact plus full_name',
				'PLAIN_CONTACT',
				() => ({ user_id: RECIPIENT }),
				undefined,
				'full_name',
			],
			['file plus file_name', 'PLAIN_DATA', file, undefined, 'file_name'],
		];

		it.each(cases)(
			'%s: documented keys pass, the other is a violation',
			async (_what, category, good, from, key) => {
				const media = await uploaded();
				expect(
					(await api(emu, 'POST', '/messages', [textMessage(RECIPIENT, 'first')])).status,
				).toBe(200);
				expect((await send(category, good(media))).status).toBe(200);
				expect(takeViolations()).toEqual([]);
				// Mixin stores the altered payload as it is; only the violation tells.
				expect((await send(category, alter(good(media), from, key))).status).toBe(200);
				expect(emu.messages).toHaveLength(3);
				const found = takeViolations();
				expect(found).toHaveLength(1);
				const at = `^POST /messages: messages\\[0\\]\\.data(\\[0\\])?\\.${key}: `;
				expect(found[0]).toMatch(new RegExp(`${at}.* has no key "${key}"`));
			},
		);

		it('wave_form gets a hint that clients read waveform', async () => {
			const media = await uploaded();
			expect((await send('PLAIN_AUDIO', { ...audio(media), wave_form: 'AAEC' })).status).toBe(200);
			expect(takeViolations()[0]).toMatch(/every client reads waveform/);
		});

		it('encrypted-attachment keys in a PLAIN_ payload are violations', async () => {
			const media = await uploaded();
			expect(
				(await send('PLAIN_IMAGE', { ...image(media), key: 'AAAA', digest: 'AAAA' })).status,
			).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\.key: .*encrypted attachment/),
				expect.stringMatching(/\.data\.digest: .*encrypted attachment/),
			]);
		});

		it('attachment keys of another media kind are violations', async () => {
			const media = await uploaded();
			expect((await send('PLAIN_IMAGE', { ...image(media), duration: 10 })).status).toBe(200);
			expect((await send('PLAIN_AUDIO', { ...audio(media), thumbnail: '' })).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\.duration: PLAIN_IMAGE has no key "duration"/),
				expect.stringMatching(/\.data\.thumbnail: PLAIN_AUDIO has no key "thumbnail"/),
			]);
		});

		it('the shared attachment struct keys are known for every media kind', async () => {
			const media = await uploaded();
			const extras = {
				name: 'dot.png',
				created_at: '2024-01-01T00:00:00Z',
				shareable: false,
				caption: 'hi',
			};
			expect((await send('PLAIN_IMAGE', { ...image(media), ...extras })).status).toBe(200);
			expect((await send('PLAIN_AUDIO', { ...audio(media), ...extras, waveform: '' })).status).toBe(
				200,
			);
		});

		it('a wrongly typed or missing known key is refused with 202/10002 naming it', async () => {
			const media = await uploaded();
			const cases: Array<[string, unknown, string]> = [
				['PLAIN_IMAGE', { ...image(media), size: String(media.size) }, 'data.size'],
				['PLAIN_IMAGE', { ...image(media), width: 8.5 }, 'data.width'],
				['PLAIN_IMAGE', { ...image(media), thumbnail: 42 }, 'data.thumbnail'],
				['PLAIN_AUDIO', { ...audio(media), waveform: [1, 2, 3] }, 'data.waveform'],
				['PLAIN_AUDIO', { ...audio(media), duration: '1500' }, 'data.duration'],
				['PLAIN_VIDEO', { ...image(media), mime_type: 'video/mp4' }, 'data.duration'],
				[
					'PLAIN_DATA',
					{ attachment_id: media.id, mime_type: 'text/plain', size: media.size, name: 7 },
					'data.name',
				],
				['PLAIN_STICKER', { ...sticker, album_id: 'album-1' }, 'data.album_id'],
				['PLAIN_STICKER', { ...sticker, name: 1 }, 'data.name'],
				['PLAIN_CONTACT', { user_id: 42 }, 'data.user_id'],
				['PLAIN_LIVE', { ...live, shareable: 'yes' }, 'data.shareable'],
				['PLAIN_LIVE', alter(live, 'thumb_url', 'thumbUrl'), 'data.thumb_url'],
				['PLAIN_LOCATION', { ...place, name: 5 }, 'data.name'],
				['PLAIN_LOCATION', { ...place, latitude: '31.2' }, 'data.latitude'],
				['APP_CARD', { ...oldCard, shareable: 'false' }, 'data.shareable'],
				[
					'APP_CARD',
					{ ...newCard, actions: { buttons: [{ label: 'Open', url: 'https://a.b' }] } },
					'data.actions',
				],
				[
					'APP_CARD',
					{ ...newCard, actions: [alter(button, 'color', 'colour')] },
					'data.actions[0].color',
				],
				['APP_CARD', { ...newCard, cover: 'https://a.b/c.png' }, 'data.cover'],
				[
					'APP_BUTTON_GROUP',
					[{ label: 'Go', color: '#FFF', action: 'https://a.b' }],
					'data[0].color',
				],
				[
					'APP_BUTTON_GROUP',
					[{ label: 'Go', color: 'red', action: 'https://a.b' }],
					'data[0].color',
				],
				['MESSAGE_RECALL', { message_id: 12 }, 'data.message_id'],
			];
			for (const [category, payload, field] of cases) {
				const a = await send(category, payload);
				expectError(a, 202, 10002);
				expect([category, a.json.error.extra.field]).toEqual([category, `messages[0].${field}`]);
			}
			expect(emu.messages).toHaveLength(0);
		});

		it('null stands for an absent key, as Go decodes it', async () => {
			const media = await uploaded();
			expect((await send('PLAIN_IMAGE', { ...image(media), thumbnail: null })).status).toBe(200);
			expectError(await send('PLAIN_IMAGE', { ...image(media), width: null }), 202, 10002);
		});

		it('a misspelt message key is a violation; a refused batch records none', async () => {
			const quoted = textMessage(RECIPIENT, 'reply', { quote_id: crypto.randomUUID() });
			expect((await api(emu, 'POST', '/messages', [quoted])).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/messages\[0\]\.quote_id: not a message key/),
			]);
			const bad = payloadMessage('PLAIN_STICKER', { ...sticker, albumId: sticker.album_id });
			const nope = textMessage(RECIPIENT, 'x', { category: 'PLAIN_NOPE' });
			const refused = await api(emu, 'POST', '/messages', [bad, nope]);
			expectError(refused, 202, 10002);
			expect(emu.violations).toEqual([]);
			expect(emu.messages).toHaveLength(1);
		});

		it('a repeated message is absorbed without recording its violation twice', async () => {
			const msg = payloadMessage('PLAIN_STICKER', { ...sticker, albumId: sticker.album_id });
			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			expect(takeViolations()).toHaveLength(1);
			expect(emu.duplicatesSeen).toBe(1);
		});
	});

	describe('media types, sizes and base64', () => {
		beforeEach(() => boot());

		const media = (a: { id: string; size: number }, mime: string) => ({
			attachment_id: a.id,
			mime_type: mime,
			size: a.size,
		});

		it('PLAIN_AUDIO must be Ogg/Opus, parameters allowed', async () => {
			const a = await uploaded();
			const audio = (mime: string) => send('PLAIN_AUDIO', { ...media(a, mime), duration: 1000 });
			for (const ok of [
				'audio/ogg',
				'audio/ogg; codecs=opus',
				'audio/ogg;codecs="opus"',
				'Audio/OGG',
			]) {
				expect((await audio(ok)).status).toBe(200);
			}
			expect(takeViolations()).toEqual([]);
			for (const wrong of [
				'audio/mpeg',
				'audio/ogg; codecs=vorbis',
				'audio/opus',
				'application/ogg',
			]) {
				expect((await audio(wrong)).status).toBe(200);
			}
			const found = takeViolations();
			expect(found).toHaveLength(4);
			expect(
				found.every((v) =>
					/\.data\.mime_type: .*; PLAIN_AUDIO must be audio\/ogg with Opus/.test(v),
				),
			).toBe(true);
		});

		it('PLAIN_VIDEO must be video/mp4, parameters allowed', async () => {
			const a = await uploaded();
			const video = (mime: string) =>
				send('PLAIN_VIDEO', { ...media(a, mime), width: 4, height: 4, duration: 9 });
			expect((await video('video/mp4')).status).toBe(200);
			expect((await video('video/mp4; codecs="avc1.42E01E, mp4a.40.2"')).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			expect((await video('video/quicktime')).status).toBe(200);
			expect((await video('video/webm')).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/mime_type: video\/quicktime; PLAIN_VIDEO must be video\/mp4/),
				expect.stringMatching(/mime_type: video\/webm; PLAIN_VIDEO must be video\/mp4/),
			]);
		});

		it('PLAIN_IMAGE must be an image/* type', async () => {
			const a = await uploaded();
			const picture = (mime: string) =>
				send('PLAIN_IMAGE', { ...media(a, mime), width: 4, height: 4 });
			for (const ok of ['image/jpeg', 'image/png', 'image/webp', 'image/svg+xml']) {
				expect((await picture(ok)).status).toBe(200);
			}
			expect(takeViolations()).toEqual([]);
			for (const wrong of ['application/pdf', 'image', 'video/mp4'])
				expect((await picture(wrong)).status).toBe(200);
			expect(takeViolations()).toHaveLength(3);
		});

		it('size must be the byte count uploaded to S3', async () => {
			const a = await uploaded(crypto.randomBytes(100));
			expect((await send('PLAIN_DATA', { ...media(a, 'text/plain'), name: 'x.txt' })).status).toBe(
				200,
			);
			expect(takeViolations()).toEqual([]);
			expect(
				(await send('PLAIN_DATA', { ...media(a, 'text/plain'), size: 101, name: 'x.txt' })).status,
			).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\.size: 101 but 100 bytes were uploaded/),
			]);
		});

		it('thumbnail and waveform must be standard padded base64', async () => {
			const a = await uploaded();
			const picture = (thumbnail: string) =>
				send('PLAIN_IMAGE', { ...media(a, 'image/png'), width: 4, height: 4, thumbnail });
			const voice = (waveform: string) =>
				send('PLAIN_AUDIO', { ...media(a, 'audio/ogg'), duration: 9, waveform });
			for (const ok of ['', 'iVBORw0KGgo=', '/9j/4AAQSkZJRg==', 'AAEC']) {
				expect((await picture(ok)).status).toBe(200);
				expect((await voice(ok)).status).toBe(200);
			}
			expect(takeViolations()).toEqual([]);
			// url-safe alphabet, missing padding, not base64 at all
			for (const bad of ['_9j_4AAQSkZJRg==', 'iVBORw0KGgo', 'not base64!']) {
				expect((await picture(bad)).status).toBe(200);
				expect((await voice(bad)).status).toBe(200);
			}
			const found = takeViolations();
			expect(found).toHaveLength(6);
			expect(found.filter((v) => /\.data\.thumbnail: not standard base64/.test(v))).toHaveLength(3);
			expect(found.filter((v) => /\.data\.waveform: not standard base64/.test(v))).toHaveLength(3);
		});
	});

	describe('contacts, live cards, buttons, locations and app cards', () => {
		beforeEach(() => boot());

		it('a contact must be a known user other than the bot', async () => {
			expect((await send('PLAIN_CONTACT', { user_id: RECIPIENT })).status).toBe(200);
			const other = crypto.randomUUID();
			emu.addUser({ userId: other });
			expect((await send('PLAIN_CONTACT', { user_id: other.toUpperCase() })).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			expect((await send('PLAIN_CONTACT', { user_id: crypto.randomUUID() })).status).toBe(200);
			expect((await send('PLAIN_CONTACT', { user_id: UID })).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\.user_id: no such user/),
				expect.stringMatching(/\.data\.user_id: the bot shares itself/),
			]);
		});

		it('with unknownUsers allow any contact id is a user', async () => {
			await emu.stop();
			await boot({ unknownUsers: 'allow' });
			expect((await send('PLAIN_CONTACT', { user_id: crypto.randomUUID() })).status).toBe(200);
		});

		it('a live card’s thumb_url must not be its stream url', async () => {
			const live = {
				width: 640,
				height: 360,
				thumb_url: 'https://a.b/t.jpg',
				url: 'https://a.b/l.m3u8',
			};
			expect((await send('PLAIN_LIVE', live)).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			expect((await send('PLAIN_LIVE', { ...live, thumb_url: live.url })).status).toBe(200);
			expect(takeViolations()).toEqual([expect.stringMatching(/\.data\.thumb_url: same as url/)]);
		});

		it('button colours are #RRGGBB in either case and stored as given', async () => {
			const buttons = [
				{ label: 'Up', color: '#00AA00', action: 'https://a.b' },
				{ label: 'Low', color: '#00aa00', action: 'mixin://apps' },
			];
			expect((await send('APP_BUTTON_GROUP', buttons)).status).toBe(200);
			expect(emu.messages[0].json).toEqual(buttons);
		});

		it('(0, 0) is no location for Android', async () => {
			expect((await send('PLAIN_LOCATION', { latitude: 0, longitude: 0.0001 })).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			expect((await send('PLAIN_LOCATION', { latitude: 0, longitude: 0 })).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data: \(0, 0\) is shown as no location/),
			]);
		});

		it('an old-style card needs icon_url and ignores the new fields', async () => {
			const card = {
				app_id: UID,
				icon_url: 'https://a.b/i.png',
				title: 't',
				description: 'd',
				action: 'https://a.b',
			};
			expect((await send('APP_CARD', card)).status).toBe(200);
			const stamped = { ...card, shareable: false, updated_at: '2024-09-28T15:49:14+10:00' };
			expect((await send('APP_CARD', stamped)).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			const { icon_url: _icon, ...noIcon } = card;
			expect((await send('APP_CARD', noIcon)).status).toBe(200);
			expect((await send('APP_CARD', { ...card, cover_url: 'https://a.b/c.png' })).status).toBe(
				200,
			);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\.icon_url: missing, so iOS cannot decode the old-style card/),
				expect.stringMatching(/\.data\.cover_url: ignored by clients because action/),
			]);
		});

		it('a current card (cover_url/cover, actions) needs app_id and shareable', async () => {
			const card = {
				app_id: UID,
				cover_url: 'https://a.b/c.png',
				title: 't',
				description: 'd',
				actions: [{ label: 'Open', color: '#ABABAB', action: 'https://a.b' }],
				shareable: false,
			};
			expect((await send('APP_CARD', card)).status).toBe(200);
			const cover = {
				url: 'https://a.b/c.png',
				mime_type: 'image/png',
				width: 800,
				height: 500,
				thumbnail: 'LEHV6nWB2yk8',
			};
			const { cover_url: _url, ...rich } = card;
			expect((await send('APP_CARD', { ...rich, cover })).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			const { shareable: _s, app_id: _a, ...bare } = card;
			expect((await send('APP_CARD', bare)).status).toBe(200);
			const { thumbnail: _t, ...thin } = cover;
			expect((await send('APP_CARD', { ...rich, cover: { ...thin, blur: 'x' } })).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\.app_id: missing, so iOS cannot decode the card/),
				expect.stringMatching(/\.data\.shareable: missing, so iOS cannot decode the card/),
				expect.stringMatching(/\.data\.cover\.blur: a cover has no key "blur"/),
				expect.stringMatching(/\.data\.cover: lacks thumbnail/),
			]);
			expect(emu.messages).toHaveLength(4);
		});

		it('a tap opens an http(s) or mixin:// link or sends input:<text> back; anything else does nothing', async () => {
			const button = (action: string) => ({ label: 'Go', color: '#2F80ED', action });
			const fine = [button('https://a.b'), button('mixin://apps'), button('input:8 A')];
			expect((await send('APP_BUTTON_GROUP', fine)).status).toBe(200);
			const card = {
				app_id: UID,
				title: 't',
				description: 'd',
				actions: [button('input:yes')],
				shareable: true,
			};
			expect((await send('APP_CARD', card)).status).toBe(200);
			const classic = {
				app_id: UID,
				icon_url: 'https://a.b/i.png',
				title: 't',
				description: 'd',
				action: 'input:menu',
			};
			expect((await send('APP_CARD', classic)).status).toBe(200);
			expect(takeViolations()).toEqual([]);
			expect(
				(await send('APP_BUTTON_GROUP', [button('input: '), button('ftp://a.b')])).status,
			).toBe(200);
			expect((await send('APP_CARD', { ...classic, action: 'Input:menu' })).status).toBe(200);
			expect(takeViolations()).toEqual([
				expect.stringMatching(/\.data\[0\]\.action: input: without text/),
				expect.stringMatching(
					/\.data\[1\]\.action: "ftp:\/\/a\.b" is neither an http\(s\):\/\/ or mixin:\/\/ link nor input:<text>/,
				),
				expect.stringMatching(/\.data\.action: "Input:menu" is neither/),
			]);
		});
	});

	describe('fault injection', () => {
		beforeEach(() => boot());

		it('a dropped connection stores nothing; the retry succeeds', async () => {
			emu.http.inject({ fault: { kind: 'drop' } });
			const msg = textMessage(RECIPIENT, 'retry me');
			await expect(api(emu, 'POST', '/messages', [msg])).rejects.toThrow();
			expect(emu.messages).toHaveLength(0);
			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			expect(emu.messages).toHaveLength(1);
		});

		it('a 502 gateway page stores nothing', async () => {
			emu.http.inject({ fault: { kind: 'status', status: 502 } });
			const a = await fetch(`${emu.baseUrl}/messages`, { method: 'POST', body: '[]' });
			expect(a.status).toBe(502);
			expect(await a.text()).toContain('Bad Gateway');
			expect(emu.http.requests[0].faulted).toBe(true);
			expect(emu.messages).toHaveLength(0);
		});

		it('dropAfterHandling stores the message once; the retry is absorbed as a duplicate', async () => {
			emu.http.inject({ fault: { kind: 'dropAfterHandling' } });
			const msg = textMessage(RECIPIENT, 'maybe sent');
			await expect(api(emu, 'POST', '/messages', [msg])).rejects.toThrow();
			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			expect(emu.messages).toHaveLength(1);
			expect(emu.duplicatesSeen).toBe(1);
		});
	});

	describe('users by Mixin ID and groups', () => {
		const ALICE = '0e0a20c8-31b8-4093-81b8-9cebd9bc8afc';
		const BOB = '8391e472-cdbe-4704-be1f-7d184635b885';
		const GROUP = '5dac944e-2037-31b4-bbd9-e5fd3ffe571e';
		beforeEach(async () => {
			await boot();
			emu.addUser({ userId: ALICE, identityNumber: '7000123456', fullName: 'Alice' });
			emu.addUser({ userId: BOB });
		});

		const group = (participants: string[], extra: Record<string, unknown> = {}) => ({
			category: 'GROUP',
			conversation_id: GROUP,
			name: 'Team',
			participants: participants.map((user_id) => ({ user_id })),
			...extra,
		});
		const roles = (a: Answer) =>
			(a.json.data.participants as Array<{ user_id: string; role: string }>).map((p) => [
				p.user_id,
				p.role,
			]);

		it('GET /search/:q finds a user by Mixin ID; an unknown one is 202/404', async () => {
			const found = await api(emu, 'GET', '/search/7000123456');
			expect(found.status).toBe(200);
			expect(found.json.data).toMatchObject({
				type: 'user',
				user_id: ALICE,
				identity_number: '7000123456',
				full_name: 'Alice',
			});
			expectError(await api(emu, 'GET', '/search/7000999999'), 202, 404);
			expect(emu.http.requests[1].note).toBe('not-found: no user has Mixin ID 7000999999');
		});

		it('user search has its own limit: 429 once it is used up', async () => {
			emu.userSearchesLeft = 1;
			expect((await api(emu, 'GET', '/search/7000123456')).status).toBe(200);
			expectError(await api(emu, 'GET', '/search/7000123456'), 202, 429);
		});

		it("creates a GROUP with the client's id, the creator as OWNER; a retry returns the same group", async () => {
			const body = group([ALICE, BOB], {
				announcement: 'hi',
				random_id: '01d21e2c-76f5-4940-8ea0-9b7f21728674',
			});
			const created = await api(emu, 'POST', '/conversations', body);
			expect(created.status).toBe(200);
			expect(created.json.data).toMatchObject({
				conversation_id: GROUP,
				category: 'GROUP',
				creator_id: UID,
				name: 'Team',
				announcement: 'hi',
			});
			expect(roles(created)).toEqual([
				[UID, 'OWNER'],
				[ALICE, ''],
				[BOB, ''],
			]);
			expect((await api(emu, 'POST', '/conversations', body)).json.data.conversation_id).toBe(
				GROUP,
			);
			expect(emu.conversations.size).toBe(1);
			expect(emu.conversations.get(GROUP)?.random_id).toBe('01d21e2c-76f5-4940-8ea0-9b7f21728674');
			// the bot may post into its group
			const post = {
				conversation_id: GROUP,
				message_id: crypto.randomUUID(),
				category: 'PLAIN_TEXT',
				data_base64: 'aGk',
			};
			expect((await api(emu, 'POST', '/messages', [post])).status).toBe(200);
		});

		it('refuses unknown participants, a long name, a full group and a reused id', async () => {
			expectError(
				await api(emu, 'POST', '/conversations', group([ALICE, crypto.randomUUID()])),
				202,
				10002,
			);
			expectError(
				await api(emu, 'POST', '/conversations', group([ALICE], { name: 'x'.repeat(513) })),
				202,
				10002,
			);
			expectError(
				await api(
					emu,
					'POST',
					'/conversations',
					group([ALICE], { announcement: 'x'.repeat(1025) }),
				),
				202,
				10002,
			);
			expectError(await api(emu, 'POST', '/conversations', group([UID])), 202, 10002);
			const many = Array.from({ length: 256 }, () => crypto.randomUUID());
			for (const id of many) emu.addUser({ userId: id });
			expectError(await api(emu, 'POST', '/conversations', group(many)), 202, 20116);
			expect(emu.conversations.size).toBe(0);
			expect((await api(emu, 'POST', '/conversations', group(many.slice(1)))).status).toBe(200);
			await api(emu, 'POST', '/conversations', {
				category: 'CONTACT',
				conversation_id: CONV,
				participants: [{ user_id: RECIPIENT }],
			});
			expectError(
				await api(emu, 'POST', '/conversations', { ...group([BOB]), conversation_id: CONV }),
				202,
				10002,
			);
		});

		it('GET /conversations/:id: participants only; unknown is 404', async () => {
			await api(emu, 'POST', '/conversations', group([ALICE]));
			const read = await api(emu, 'GET', `/conversations/${GROUP}`);
			expect(read.status).toBe(200);
			expect(roles(read)).toEqual([
				[UID, 'OWNER'],
				[ALICE, ''],
			]);
			expectError(await api(emu, 'GET', `/conversations/${crypto.randomUUID()}`), 202, 404);
			const foreign = crypto.randomUUID();
			emu.addGroup({ conversationId: foreign, participants: [ALICE, BOB] });
			expectError(await api(emu, 'GET', `/conversations/${foreign}`), 202, 403);
		});

		it('participants ADD / REMOVE by the owner answer the updated group', async () => {
			await api(emu, 'POST', '/conversations', group([ALICE]));
			const added = await api(emu, 'POST', `/conversations/${GROUP}/participants/ADD`, [
				{ user_id: BOB },
				{ user_id: ALICE },
			]);
			expect(roles(added)).toEqual([
				[UID, 'OWNER'],
				[ALICE, ''],
				[BOB, ''],
			]);
			const removed = await api(emu, 'POST', `/conversations/${GROUP}/participants/REMOVE`, [
				{ user_id: ALICE },
			]);
			expect(roles(removed)).toEqual([
				[UID, 'OWNER'],
				[BOB, ''],
			]);
			expectError(
				await api(emu, 'POST', `/conversations/${GROUP}/participants/ADD`, [
					{ user_id: crypto.randomUUID() },
				]),
				202,
				10002,
			);
			expectError(
				await api(emu, 'POST', `/conversations/${GROUP}/participants/REMOVE`, [{ user_id: UID }]),
				202,
				403,
			);
			expectError(
				await api(emu, 'POST', `/conversations/${GROUP}/participants/ADD`, []),
				202,
				10002,
			);
		});

		it('only the owner or an admin changes participants; CONTACT conversations have none to change', async () => {
			const theirs = crypto.randomUUID();
			emu.addGroup({ conversationId: theirs, participants: [ALICE, UID] });
			expectError(
				await api(emu, 'POST', `/conversations/${theirs}/participants/ADD`, [{ user_id: BOB }]),
				202,
				403,
			);
			emu.conversations.get(theirs)!.admins = [UID];
			expect(
				(await api(emu, 'POST', `/conversations/${theirs}/participants/ADD`, [{ user_id: BOB }]))
					.status,
			).toBe(200);
			expectError(
				await api(emu, 'POST', `/conversations/${CONV}/participants/ADD`, [{ user_id: BOB }]),
				202,
				404,
			);
			await api(emu, 'POST', '/conversations', {
				category: 'CONTACT',
				conversation_id: CONV,
				participants: [{ user_id: RECIPIENT }],
			});
			expectError(
				await api(emu, 'POST', `/conversations/${CONV}/participants/ADD`, [{ user_id: BOB }]),
				202,
				403,
			);
		});
	});
});
