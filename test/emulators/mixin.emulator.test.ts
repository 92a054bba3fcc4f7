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
	const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
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
		sig: crypto.createHash('sha256').update(over.method + over.uri + over.body).digest('hex'),
		scp: 'FULL',
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
	const res = await fetch(emu.baseUrl + uri, { method, headers, body: method === 'GET' ? undefined : text });
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
	const h = crypto.createHash('md5').update(x + y).digest();
	h[6] = (h[6] & 0x0f) | 0x30;
	h[8] = (h[8] & 0x3f) | 0x80;
	return h.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

const expectError = (a: Answer, status: number, code: number) => {
	expect(a.status).toBe(status);
	expect(a.json?.error).toMatchObject({ status, code });
};

describe('Mixin emulator', () => {
	let emu: MixinEmulator;

	async function boot(opts: ConstructorParameters<typeof MixinEmulator>[0] = {}) {
		emu = new MixinEmulator(opts);
		await emu.start();
		emu.registerSession({ appId: UID, sessionId: SID, publicKey: BOT.publicRaw });
		emu.addUser({ userId: RECIPIENT });
	}

	afterEach(async () => {
		await emu?.stop();
	});

	describe('auth and the §1.4 vector', () => {
		beforeEach(() => boot());

		it('computes the seed conversation id', () => {
			expect(uniqueConversationId(UID, RECIPIENT)).toBe(CONV);
			expect(uniqueConversationId(RECIPIENT.toUpperCase(), UID)).toBe(CONV);
			expect(uniqueConversationIdForTest(UID, RECIPIENT)).toBe(CONV);
		});

		it('accepts a token signed over the exact vector body and stores the message', async () => {
			expect(crypto.createHash('sha256').update('POST/messages' + VECTOR_BODY).digest('hex')).toBe(VECTOR_SIG);
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
			const noQuery = await api(emu, 'GET', '/me?x=1', '', { sigOver: { method: 'GET', uri: '/me', body: '' } });
			expectError(noQuery, 202, 401);
			const withQuery = await api(emu, 'GET', '/me?x=1');
			expect(withQuery.status).toBe(200);
			const wrongMethod = await api(emu, 'GET', '/me', '', { sigOver: { method: 'POST', uri: '/me', body: '' } });
			expectError(wrongMethod, 202, 401);
		});

		it('refuses a token signed with another key', async () => {
			const a = await api(emu, 'POST', '/messages', VECTOR_BODY, { key: keyFromSeed(crypto.randomBytes(32)).privateKey });
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
			emu.addUser({ userId: STRANGER, hasConversation: false });
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
			expectError(await api(emu, 'POST', '/conversations', contact(STRANGER, crypto.randomUUID())), 202, 10002);
			const two = { ...contact(STRANGER), participants: [{ user_id: STRANGER }, { user_id: RECIPIENT }] };
			expectError(await api(emu, 'POST', '/conversations', two), 202, 10002);
			const withBot = { ...contact(STRANGER), participants: [{ user_id: UID, role: 'OWNER' }, { user_id: STRANGER }] };
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

		it('unknownUsers forbid: an unregistered recipient is 403', async () => {
			await emu.stop();
			await boot({ unknownUsers: 'forbid' });
			expectError(await api(emu, 'POST', '/messages', [textMessage(crypto.randomUUID(), 'x')]), 202, 403);
			expect((await api(emu, 'POST', '/messages', [textMessage(RECIPIENT, 'x')])).status).toBe(200);
		});

		it('groups: bot must be a member, recipient must be a participant', async () => {
			const group = crypto.randomUUID();
			const noBot = crypto.randomUUID();
			emu.addGroup({ conversationId: group, participants: [UID, RECIPIENT] });
			emu.addGroup({ conversationId: noBot, participants: [RECIPIENT] });
			const base = { message_id: crypto.randomUUID(), category: 'PLAIN_TEXT', data_base64: 'aGk' };
			expect((await api(emu, 'POST', '/messages', [{ ...base, conversation_id: group }])).status).toBe(200);
			const outsider = { ...base, message_id: crypto.randomUUID(), conversation_id: group, recipient_id: STRANGER };
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
			expectError(await api(emu, 'POST', '/messages', [{ ...base, data_base64: 'Pz8+Pg==' }]), 202, 10002);
			expectError(await api(emu, 'POST', '/messages', [{ ...base, message_id: 'not-a-uuid' }]), 202, 10002);
			// The legacy field takes std base64 with padding.
			const legacy = { ...base, data_base64: undefined, data: 'Pz8+Pg==' };
			expect((await api(emu, 'POST', '/messages', [legacy])).status).toBe(200);
			expect(emu.messages[0]).toMatchObject({ dataField: 'data' });
			expect(emu.messages[0].payload.toString()).toBe('??>>');
		});

		it('checks category payload shapes', async () => {
			const send = (category: string, payload: unknown) =>
				api(emu, 'POST', '/messages', [
					textMessage(RECIPIENT, '', { category, data_base64: Buffer.from(JSON.stringify(payload)).toString('base64url') }),
				]);
			expectError(await send('PLAIN_LOCATION', { latitude: '', longitude: '' }), 202, 10002);
			expectError(await send('PLAIN_LOCATION', { latitude: 91, longitude: 0 }), 202, 10002);
			expect((await send('PLAIN_LOCATION', { latitude: 31.2, longitude: 121.5 })).status).toBe(200);
			expectError(await send('APP_BUTTON_GROUP', [{ label: 'Go', color: 'red', action: 'https://a.b' }]), 202, 10002);
			expect((await send('APP_BUTTON_GROUP', [{ label: 'Go', color: '#FF0000', action: 'https://a.b' }])).status).toBe(200);
			const card = { title: 't', description: 'd', action: 'https://a.b' };
			expectError(await send('APP_CARD', { ...card, title: 'x'.repeat(37) }), 202, 10002);
			expectError(await send('APP_CARD', { title: 't', description: 'd' }), 202, 10002);
			expect((await send('APP_CARD', card)).status).toBe(200);
			expectError(await send('PLAIN_STICKER', {}), 202, 10002);
			expectError(await send('MESSAGE_RECALL', { message_id: crypto.randomUUID() }), 202, 10002);
			expect((await send('MESSAGE_RECALL', { message_id: emu.messages[0].message_id })).status).toBe(200);
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
			expectError(await api(emu, 'POST', '/acknowledgements', [{ ...acks[0], status: 'SENT' }]), 202, 10002);
			const many = Array.from({ length: 101 }, () => ({ message_id: crypto.randomUUID(), status: 'DELIVERED' }));
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
			return a.json.data as { attachment_id: string; upload_url: string; view_url: string; type: string };
		}

		it('creates an attachment with a presigned upload URL on this server', async () => {
			const att = await newAttachment();
			expect(att.type).toBe('attachment');
			expect(att.upload_url.startsWith(`${emu.baseUrl}/s3/mixin/attachments/`)).toBe(true);
			expect(att.upload_url).toContain('X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-acl');
			expect(att.upload_url).toContain('X-Amz-Expires=21600');
			expect((await api(emu, 'POST', '/attachments', '{}')).status).toBe(200);
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
			expect(res.headers.get('etag')).toBe(`"${crypto.createHash('md5').update(bytes).digest('hex')}"`);
			expect(await res.text()).toBe('');
			expect(emu.attachments.get(att.attachment_id)?.uploaded?.equals(bytes)).toBe(true);

			const view = await fetch(att.view_url);
			expect(view.status).toBe(200);
			expect(Buffer.from(await view.arrayBuffer()).equals(bytes)).toBe(true);

			expect((await api(emu, 'POST', '/messages', [msg])).status).toBe(200);
			const shown = await api(emu, 'GET', `/attachments/${att.attachment_id}`);
			expect(shown.json.data).toMatchObject({ attachment_id: att.attachment_id, view_url: att.view_url });
			expectError(await api(emu, 'GET', `/attachments/${crypto.randomUUID()}`), 202, 404);
		});

		it('refuses a wrong Content-Type, a missing ACL, a tampered URL and an Authorization header', async () => {
			const att = await newAttachment();
			const bytes = Buffer.from('abc');
			const wrongType = await put(att.upload_url, bytes, { ...GOOD, 'content-type': 'image/png' });
			expect(wrongType.status).toBe(403);
			expect(await wrongType.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
			const noAcl = await put(att.upload_url, bytes, { 'content-type': 'application/octet-stream' });
			expect(noAcl.status).toBe(403);
			const tampered = await put(att.upload_url.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=g'), bytes, GOOD);
			expect(tampered.status).toBe(403);
			const withAuth = await put(att.upload_url, bytes, { ...GOOD, authorization: 'Bearer x.y.z' });
			expect(withAuth.status).toBe(400);
			expect(await withAuth.text()).toContain('<Code>InvalidArgument</Code>');
			expect(emu.attachments.get(att.attachment_id)?.uploaded).toBeUndefined();
			expect(emu.http.requests.filter((r) => r.note?.startsWith('s3:')).map((r) => r.note)).toEqual([
				's3: SignatureDoesNotMatch',
				's3: SignatureDoesNotMatch',
				's3: SignatureDoesNotMatch',
				's3: InvalidArgument',
			]);
		});

		it('refuses a chunked upload without Content-Length', async () => {
			const att = await newAttachment();
			const stream = new ReadableStream({
				start(c) {
					c.enqueue(new Uint8Array([1, 2, 3]));
					c.close();
				},
			});
			const res = await fetch(att.upload_url, { method: 'PUT', body: stream, headers: GOOD, duplex: 'half' } as RequestInit);
			expect(res.status).toBe(501);
			expect(await res.text()).toContain('<Code>NotImplemented</Code>');
			expect(emu.attachments.get(att.attachment_id)?.uploaded).toBeUndefined();
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
});
