/**
 * Tests of the Mixin Blaze emulator: a WebSocket client written here (the `ws` package, and Node's global WebSocket
 * where it exists) must get what a bot gets from blaze.mixin.one. Tokens are signed here with node:crypto,
 * independently of the node's code.
 */
import * as crypto from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { WebSocket as WsClient, type RawData } from 'ws';

import {
	BOT_ID,
	CONVERSATION_ID,
	SEED_HEX,
	SESSION_ID,
	USER_ID,
	publicKeyOf,
} from '../mixin/fixtures';
import {
	MixinBlazeEmulator,
	SYSTEM_USER_ID,
	type BlazeFrame,
	type MixinBlazeOptions,
} from './mixin-blaze';
import { MixinEmulator, uniqueConversationId } from './mixin';

const PROTOCOL = 'Mixin-Blaze-1';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const BOT_KEY = crypto.createPrivateKey({
	key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(SEED_HEX, 'hex')]),
	format: 'der',
	type: 'pkcs8',
});
const OTHER_KEY = crypto.generateKeyPairSync('ed25519').privateKey;
const SECOND_USER = '5c7a6b8e-1f2d-4e3a-9b8c-7d6e5f4a3b2c';
const GROUP_ID = '9b1f4c2e-3d5a-4e6b-8c7d-1e2f3a4b5c6d';

// ---- Token signing (mixin.md §1.2–1.3) ------------------------------------------------------------------------------

interface TokenOpts {
	key?: crypto.KeyObject;
	sid?: string;
	exp?: number;
	/** Sign `sig` over this instead of GET / (to forge a mismatch). */
	sigOver?: string;
}

function b64url(v: unknown): string {
	return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function signToken(method: string, uri: string, body: string, o: TokenOpts = {}): string {
	const now = Math.floor(Date.now() / 1000);
	const claims = {
		uid: BOT_ID,
		sid: o.sid ?? SESSION_ID,
		iat: now,
		exp: o.exp ?? now + 600,
		jti: crypto.randomUUID(),
		sig: crypto
			.createHash('sha256')
			.update(o.sigOver ?? method + uri + body)
			.digest('hex'),
		scp: 'FULL',
	};
	const input = `${b64url({ alg: 'EdDSA', typ: 'JWT' })}.${b64url(claims)}`;
	return `${input}.${crypto.sign(null, Buffer.from(input), o.key ?? BOT_KEY).toString('base64url')}`;
}

/** The handshake token: sig over "GET" + "/" + "". */
const blazeToken = (o: TokenOpts = {}) => signToken('GET', '/', '', o);

type Answer = { status: number; json: any };

async function api(emu: MixinEmulator, method: string, uri: string, body = ''): Promise<Answer> {
	const res = await fetch(`${emu.baseUrl}${uri}`, {
		method,
		headers: {
			authorization: `Bearer ${signToken(method, uri, body)}`,
			'content-type': 'application/json',
		},
		body: method === 'GET' ? undefined : body,
	});
	return { status: res.status, json: await res.json() };
}

async function postText(mixin: MixinEmulator, recipient: string, text: string): Promise<string> {
	const messageId = crypto.randomUUID();
	const body = JSON.stringify({
		conversation_id: uniqueConversationId(BOT_ID, recipient),
		recipient_id: recipient,
		message_id: messageId,
		category: 'PLAIN_TEXT',
		data_base64: Buffer.from(text).toString('base64url'),
	});
	const res = await api(mixin, 'POST', '/messages', body);
	expect(res.json.error).toBeUndefined();
	return messageId;
}

// ---- A small Blaze client over `ws` ---------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
	probe: () => T | undefined | false,
	what: string,
	timeoutMs = 3000,
): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = probe();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

function encode(frame: unknown): Buffer {
	return gzipSync(Buffer.from(JSON.stringify(frame)));
}

class Client {
	readonly inbox: BlazeFrame[] = [];
	readonly received: Array<{ binary: boolean; gzip: boolean }> = [];
	readonly closed: Promise<{ code: number; reason: string }>;
	closeInfo?: { code: number; reason: string };

	constructor(readonly ws: WsClient) {
		ws.on('error', () => undefined);
		ws.on('message', (data: RawData, binary: boolean) => {
			const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
			this.received.push({ binary, gzip: bytes[0] === 0x1f && bytes[1] === 0x8b });
			this.inbox.push(JSON.parse(gunzipSync(bytes).toString('utf8')) as BlazeFrame);
		});
		this.closed = new Promise((resolve) =>
			ws.on('close', (code: number, reason: Buffer) => {
				this.closeInfo = { code, reason: reason.toString() };
				resolve(this.closeInfo);
			}),
		);
	}

	send(frame: unknown): void {
		this.ws.send(encode(frame), { binary: true });
	}

	async request(action: string, params?: unknown): Promise<BlazeFrame> {
		const id = crypto.randomUUID();
		this.send(params === undefined ? { id, action } : { id, action, params });
		return await this.next((f) => f.id === id, `reply to ${action}`);
	}

	async next(
		match: (f: BlazeFrame) => boolean,
		what = 'a frame',
		timeoutMs?: number,
	): Promise<BlazeFrame> {
		return await until(() => this.inbox.find(match), what, timeoutMs);
	}

	messages(): Array<Record<string, any>> {
		return this.inbox
			.filter((f) => f.action === 'CREATE_MESSAGE')
			.map((f) => f.data as Record<string, any>);
	}

	close(): void {
		this.ws.terminate();
	}
}

type Dialled = { kind: 'open'; client: Client } | { kind: 'refused'; status: number; body: string };

const clients: Client[] = [];

function dial(
	url: string,
	o: { token?: string | null; protocols?: string[] } = {},
): Promise<Dialled> {
	const token = o.token === undefined ? blazeToken() : o.token;
	const headers: Record<string, string> =
		token === null ? {} : { Authorization: `Bearer ${token}` };
	return new Promise((resolve, reject) => {
		const ws = new WsClient(url, o.protocols ?? [PROTOCOL], { headers });
		const client = new Client(ws);
		clients.push(client);
		ws.once('open', () => resolve({ kind: 'open', client }));
		ws.once('unexpected-response', (_req, res) => {
			let body = '';
			res.on('data', (c: Buffer) => (body += c.toString()));
			res.on('end', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body }));
		});
		ws.once('error', reject);
	});
}

async function connect(
	url: string,
	o: { token?: string | null; protocols?: string[] } = {},
): Promise<Client> {
	const d = await dial(url, o);
	if (d.kind !== 'open') throw new Error(`handshake refused with ${d.status}: ${d.body}`);
	return d.client;
}

/** Connected and listing: LIST_PENDING_MESSAGES answered. */
async function listening(blaze: MixinBlazeEmulator): Promise<Client> {
	const client = await connect(blaze.url);
	await client.request('LIST_PENDING_MESSAGES');
	return client;
}

// ---- Fixture --------------------------------------------------------------------------------------------------------

let mixin: MixinEmulator;
let blaze: MixinBlazeEmulator;

async function setup(opts: MixinBlazeOptions = {}): Promise<void> {
	mixin = new MixinEmulator();
	blaze = new MixinBlazeEmulator(mixin, opts);
	await mixin.start();
	mixin.registerSession({ appId: BOT_ID, sessionId: SESSION_ID, publicKey: publicKeyOf(SEED_HEX) });
	mixin.addUser({ userId: USER_ID, hasConversation: true });
}

beforeEach(async () => await setup());

afterEach(async () => {
	for (const c of clients.splice(0)) c.close();
	await mixin.stop();
});

/** Tests that provoke a violation on purpose take it off the list; every other test must leave none. */
function takeViolations(): string[] {
	return mixin.violations.splice(0);
}

afterEach(() => expect(mixin.violations).toEqual([]));

// ---- Handshake ------------------------------------------------------------------------------------------------------

describe('handshake', () => {
	test('serves ws://…/ on the HTTP port with subprotocol Mixin-Blaze-1 and records the connection', async () => {
		expect(blaze.url).toBe(`${mixin.baseUrl.replace('http', 'ws')}/`);
		const client = await connect(blaze.url);
		expect(client.ws.protocol).toBe(PROTOCOL);
		expect(blaze.connectionCount).toBe(1);
		const [c] = blaze.connections;
		expect(c).toMatchObject({
			id: 1,
			appId: BOT_ID,
			sessionId: SESSION_ID,
			protocol: PROTOCOL,
			listing: false,
		});
		expect(c.protocols).toEqual([PROTOCOL]);
		expect(c.claims).toMatchObject({ uid: BOT_ID, sid: SESSION_ID, scp: 'FULL' });
		expect(c.claims?.sig).toBe(crypto.createHash('sha256').update('GET/').digest('hex'));
		expect(typeof c.openedAt).toBe('number');
		expect(blaze.handshakes).toEqual([
			expect.objectContaining({ outcome: 'accepted', status: 101, path: '/', connectionId: 1 }),
		]);
		// The HTTP API is untouched on the same port.
		expect((await api(mixin, 'GET', '/me')).json.data.user_id).toBe(BOT_ID);
	});

	test('a query string does not change what sig covers: GET /', async () => {
		await connect(`${blaze.url}?reconnect=1`);
		expect(blaze.connectionCount).toBe(1);
	});

	test('without the subprotocol the upgrade is refused (400) and recorded as a violation', async () => {
		const d = await dial(blaze.url, { protocols: [] });
		expect(d).toMatchObject({ kind: 'refused', status: 400 });
		const other = await dial(blaze.url, { protocols: ['Mixin-OAuth-1'] });
		expect(other).toMatchObject({ kind: 'refused', status: 400 });
		expect(blaze.connectionCount).toBe(0);
		expect(takeViolations()).toEqual([
			expect.stringContaining('without subprotocol Mixin-Blaze-1 (offered: none)'),
			expect.stringContaining('offered: Mixin-OAuth-1'),
		]);
	});

	test('a path other than / is 404', async () => {
		expect(await dial(`${blaze.url}blaze`)).toMatchObject({ kind: 'refused', status: 404 });
		expect(takeViolations()).toEqual([expect.stringContaining('handshake on /blaze')]);
	});

	test.each([
		['no Authorization header', null, 'no Authorization header'],
		['sig over GET /me', blazeToken({ sigOver: 'GET/me' }), 'sig does not match'],
		['sig over GET / with a body', blazeToken({ sigOver: 'GET/{}' }), 'sig does not match'],
		['a wrong key', blazeToken({ key: OTHER_KEY }), 'signature does not verify'],
		['an unknown session', blazeToken({ sid: crypto.randomUUID() }), 'no session registered'],
		['an expired token', blazeToken({ exp: Math.floor(Date.now() / 1000) - 1 }), 'token expired'],
	])(
		'%s: accepted, then an ERROR frame with code 401, then closed',
		async (_name, token, reason) => {
			const client = await connect(blaze.url, { token });
			const frame = await client.next((f) => f.action === 'ERROR', 'the ERROR frame');
			expect(frame.error).toMatchObject({ code: 401 });
			expect((await client.closed).code).toBe(1008);
			expect(blaze.handshakes[0]).toMatchObject({ status: 101, outcome: 'refused' });
			expect(blaze.handshakes[0].reason).toContain(reason);
			expect(blaze.connections[0]).toMatchObject({
				authFailed: true,
				appId: '',
				closedBy: 'server',
			});
		},
	);

	test("authFailure 'http': a bad token is refused with HTTP 401 and Mixin's error body", async () => {
		await mixin.stop();
		await setup({ authFailure: 'http' });
		const d = await dial(blaze.url, { token: blazeToken({ sigOver: 'GET/me' }) });
		expect(d).toMatchObject({ kind: 'refused', status: 401 });
		expect(JSON.parse((d as { body: string }).body).error).toMatchObject({ code: 401 });
		expect(blaze.connectionCount).toBe(0);
		expect(blaze.handshakes[0]).toMatchObject({ outcome: 'refused', status: 401 });
	});

	test('refuseNext: 5xx and 401 handshakes, then normal ones again', async () => {
		blaze.refuseNext(1, { status: 502, body: 'bad gateway' });
		blaze.refuseNext(1, 'unauthorized');
		expect(await dial(blaze.url)).toMatchObject({
			kind: 'refused',
			status: 502,
			body: 'bad gateway',
		});
		const refused = await connect(blaze.url);
		expect((await refused.next((f) => f.action === 'ERROR')).error?.code).toBe(401);
		await connect(blaze.url);
		expect(blaze.handshakes.map((h) => h.outcome)).toEqual(['refused', 'refused', 'accepted']);
	});

	test('refuseHandshakes holds until acceptHandshakes', async () => {
		blaze.refuseHandshakes({ status: 503 });
		expect(await dial(blaze.url)).toMatchObject({ kind: 'refused', status: 503 });
		expect(await dial(blaze.url)).toMatchObject({ kind: 'refused', status: 503 });
		blaze.acceptHandshakes();
		await connect(blaze.url);
		expect(blaze.connectionCount).toBe(1);
	});
});

// ---- Frames ---------------------------------------------------------------------------------------------------------

describe('frames', () => {
	test('every server frame is binary gzip JSON; a reply carries the request id', async () => {
		const client = await connect(blaze.url);
		const id = crypto.randomUUID();
		client.send({ id, action: 'LIST_PENDING_MESSAGES' });
		const reply = await client.next((f) => f.id === id);
		expect(reply).toEqual({ id, action: 'LIST_PENDING_MESSAGES' });
		blaze.pushText(USER_ID, 'hi');
		await client.next((f) => f.action === 'CREATE_MESSAGE');
		expect(client.received.length).toBeGreaterThanOrEqual(2);
		expect(client.received.every((r) => r.binary && r.gzip)).toBe(true);
		const recorded = blaze.frames.map((f) => [f.direction, f.frame?.action, f.binary, f.gzip]);
		expect(recorded).toEqual([
			['in', 'LIST_PENDING_MESSAGES', true, true],
			['out', 'LIST_PENDING_MESSAGES', true, true],
			['out', 'CREATE_MESSAGE', true, true],
		]);
	});

	test('a text frame is a violation and closes the socket with 1003', async () => {
		const client = await connect(blaze.url);
		client.ws.send(JSON.stringify({ id: crypto.randomUUID(), action: 'LIST_PENDING_MESSAGES' }));
		expect((await client.closed).code).toBe(1003);
		expect(blaze.frames[0]).toMatchObject({
			direction: 'in',
			binary: false,
			error: expect.stringContaining('text'),
		});
		expect(takeViolations()).toEqual([expect.stringContaining('a text frame')]);
	});

	test('a binary frame that is not gzip closes with 1007; badFrames ignore keeps the socket', async () => {
		const client = await connect(blaze.url);
		client.ws.send(
			Buffer.from(JSON.stringify({ id: crypto.randomUUID(), action: 'LIST_PENDING_MESSAGES' })),
		);
		expect((await client.closed).code).toBe(1007);
		expect(takeViolations()).toEqual([expect.stringContaining('not gzip')]);

		await mixin.stop();
		await setup({ badFrames: 'ignore' });
		const tolerant = await connect(blaze.url);
		tolerant.ws.send(gzipSync(Buffer.from('not json')), { binary: true });
		tolerant.ws.send(encode({ action: 'LIST_PENDING_MESSAGES' }), { binary: true });
		expect((await tolerant.request('LIST_PENDING_MESSAGES')).error).toBeUndefined();
		expect(takeViolations()).toEqual([
			expect.stringContaining('not JSON'),
			expect.stringContaining('not a BlazeMessage'),
		]);
	});

	test('an unknown action is answered with an error under the same id', async () => {
		const client = await connect(blaze.url);
		const reply = await client.request('LIST_KRAKEN_PEERS');
		expect(reply.error).toMatchObject({ code: 10002 });
		expect(takeViolations()).toEqual([
			expect.stringContaining('LIST_KRAKEN_PEERS is not emulated'),
		]);
	});
});

// ---- Messages -------------------------------------------------------------------------------------------------------

describe('pending and live messages', () => {
	test('nothing is pushed before LIST_PENDING_MESSAGES; then pending ones, then live ones', async () => {
		const client = await connect(blaze.url);
		const first = blaze.pushText(USER_ID, 'one');
		const second = blaze.pushText(USER_ID, 'two');
		await sleep(100);
		expect(client.inbox).toEqual([]);

		await client.request('LIST_PENDING_MESSAGES');
		await until(() => client.messages().length === 2, 'two pending messages');
		expect(client.messages().map((m) => [m.message_id, m.source])).toEqual([
			[first.message_id, 'LIST_PENDING_MESSAGES'],
			[second.message_id, 'LIST_PENDING_MESSAGES'],
		]);
		// The reply comes before the pushes.
		expect(client.inbox[0].action).toBe('LIST_PENDING_MESSAGES');

		const third = blaze.pushText(USER_ID, 'three');
		await until(() => client.messages().length === 3, 'the live message');
		expect(client.messages()[2]).toMatchObject({ message_id: third.message_id, source: '' });
		expect(blaze.connections[0].listing).toBe(true);
		expect(blaze.pending().map((m) => m.message_id)).toEqual(
			[first, second, third].map((m) => m.message_id),
		);
	});

	test('a pushed message is a MessageView with both base64 forms', async () => {
		const client = await listening(blaze);
		const quoted = blaze.pushText(USER_ID, 'first');
		const text = 'héllo, Blaze?>';
		const view = blaze.pushText(USER_ID, text, { quoteMessageId: quoted.message_id });
		const m = (
			await client.next((f) => (f.data as { message_id?: string })?.message_id === view.message_id)
		).data as Record<string, unknown>;
		expect(m).toMatchObject({
			type: 'message',
			conversation_id: CONVERSATION_ID,
			user_id: USER_ID,
			message_id: view.message_id,
			category: 'PLAIN_TEXT',
			status: 'SENT',
			source: '',
			quote_message_id: quoted.message_id,
			representative_id: '',
			silent: false,
			expire_in: 0,
		});
		expect(m.data_base64).toBe(Buffer.from(text).toString('base64url'));
		expect(m.data_base64).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(m.data).toBe(Buffer.from(text).toString('base64'));
		expect(Buffer.from(m.data as string, 'base64').toString()).toBe(text);
		expect(m.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
		expect(m.updated_at).toBe(m.created_at);
		expect(m.session_id).toMatch(/^[0-9a-f-]{36}$/);
	});

	test('a pushed message opens the 1:1 conversation, so the bot can answer over HTTP', async () => {
		mixin.addUser({ userId: SECOND_USER });
		const before = await api(
			mixin,
			'POST',
			'/messages',
			JSON.stringify({
				conversation_id: uniqueConversationId(BOT_ID, SECOND_USER),
				recipient_id: SECOND_USER,
				message_id: crypto.randomUUID(),
				category: 'PLAIN_TEXT',
				data_base64: 'aGk',
			}),
		);
		expect(before.json.error.code).toBe(403);
		const view = blaze.pushText(SECOND_USER, 'hello bot');
		expect(view.conversation_id).toBe(uniqueConversationId(BOT_ID, SECOND_USER));
		expect(mixin.getUser(SECOND_USER)?.hasConversation).toBe(true);
		await postText(mixin, SECOND_USER, 'hello user');
	});

	test('group messages need a declared group with the bot and the sender in it', () => {
		expect(() => blaze.pushText(USER_ID, 'x', { conversationId: GROUP_ID })).toThrow(
			/neither a declared group/,
		);
		mixin.addGroup({ conversationId: GROUP_ID, participants: [USER_ID, SECOND_USER] });
		expect(() => blaze.pushText(USER_ID, 'x', { conversationId: GROUP_ID })).toThrow(
			/bot is not in group/,
		);
		mixin.addGroup({ conversationId: GROUP_ID, participants: [USER_ID, BOT_ID] });
		expect(() => blaze.pushText(SECOND_USER, 'x', { conversationId: GROUP_ID })).toThrow(
			/not in group/,
		);
		expect(blaze.pushText(USER_ID, 'x', { conversationId: GROUP_ID }).conversation_id).toBe(
			GROUP_ID,
		);
	});

	test('payload helpers: media carry an attachment the HTTP emulator serves', async () => {
		const client = await listening(blaze);
		const png = Buffer.from('fake png bytes');
		const image = blaze.pushImage(USER_ID, { bytes: png, width: 4, height: 3, thumbnail: 'AAAA' });
		const file = blaze.pushFile(USER_ID, { name: 'report.pdf', mimeType: 'application/pdf' });
		const audio = blaze.pushAudio(USER_ID, { duration: 2500 });
		const video = blaze.pushVideo(USER_ID);
		await until(() => client.messages().length === 4, 'four media messages');
		const payloads = client
			.messages()
			.map((m) => JSON.parse(Buffer.from(m.data_base64, 'base64url').toString()));
		const categories = client.messages().map((m) => m.category);
		expect(categories).toEqual(['PLAIN_IMAGE', 'PLAIN_DATA', 'PLAIN_AUDIO', 'PLAIN_VIDEO']);
		expect(payloads[0]).toMatchObject({
			mime_type: 'image/png',
			width: 4,
			height: 3,
			thumbnail: 'AAAA',
		});
		expect(payloads[0].size).toBe(png.length);
		expect(payloads[1]).toMatchObject({ mime_type: 'application/pdf', name: 'report.pdf' });
		expect(payloads[2]).toMatchObject({
			mime_type: 'audio/ogg',
			duration: 2500,
			waveform: expect.any(String),
		});
		expect(payloads[3]).toMatchObject({
			mime_type: 'video/mp4',
			width: 640,
			height: 360,
			duration: 1000,
		});
		for (const p of payloads) expect(p.attachment_id).toMatch(/^[0-9a-f-]{36}$/);
		expect([image, file, audio, video].map((v) => v.category)).toHaveLength(4);

		const att = await api(mixin, 'GET', `/attachments/${payloads[0].attachment_id}`);
		const download = await fetch(att.json.data.view_url);
		expect(download.status).toBe(200);
		expect(Buffer.from(await download.arrayBuffer())).toEqual(png);
	});

	test('payload helpers: contact, location, sticker, post, system conversation, snapshot, recall', async () => {
		const client = await listening(blaze);
		mixin.addGroup({ conversationId: GROUP_ID, participants: [USER_ID, BOT_ID] });
		blaze.pushContact(USER_ID, SECOND_USER);
		blaze.pushLocation(USER_ID, { latitude: 31.2, longitude: 121.5, name: 'Bund' });
		const albumId = crypto.randomUUID();
		blaze.pushSticker(USER_ID, { name: 'wave', albumId });
		blaze.pushPost(USER_ID, '# Title');
		blaze.pushSystemConversation({
			conversationId: GROUP_ID,
			action: 'ADD',
			participantId: BOT_ID,
		});
		blaze.pushSnapshot(USER_ID, { amount: '0.01', memo: 'thanks' });
		const recalled = blaze.pushText(USER_ID, 'oops');
		blaze.pushRecall(USER_ID, recalled.message_id);
		expect(() => blaze.pushRecall(SECOND_USER, recalled.message_id)).toThrow(/not a message/);
		await until(() => client.messages().length === 8, 'eight messages');
		const got = client.messages().map((m) => {
			const raw = Buffer.from(m.data, 'base64').toString();
			return { category: m.category, user: m.user_id, conv: m.conversation_id, raw };
		});
		const json = (i: number) => JSON.parse(got[i].raw);
		expect(got.map((g) => g.category)).toEqual([
			'PLAIN_CONTACT',
			'PLAIN_LOCATION',
			'PLAIN_STICKER',
			'PLAIN_POST',
			'SYSTEM_CONVERSATION',
			'SYSTEM_ACCOUNT_SNAPSHOT',
			'PLAIN_TEXT',
			'MESSAGE_RECALL',
		]);
		expect(json(0)).toEqual({ user_id: SECOND_USER });
		expect(json(1)).toEqual({ latitude: 31.2, longitude: 121.5, name: 'Bund' });
		expect(json(2)).toMatchObject({
			sticker_id: expect.any(String),
			name: 'wave',
			album_id: albumId,
		});
		expect(got[3].raw).toBe('# Title');
		expect(got[4]).toMatchObject({ user: SYSTEM_USER_ID, conv: GROUP_ID });
		expect(json(4)).toEqual({ action: 'ADD', participant_id: BOT_ID });
		expect(json(5)).toMatchObject({
			type: 'snapshot',
			user_id: BOT_ID,
			opponent_id: USER_ID,
			amount: '0.01',
		});
		expect(json(5).memo).toBe('thanks');
		expect(json(7)).toEqual({ message_id: recalled.message_id });
	});
});

// ---- Acknowledgements and redelivery --------------------------------------------------------------------------------

describe('acknowledgements', () => {
	test('ACKNOWLEDGE_MESSAGE_RECEIPT over the socket removes the message from pending', async () => {
		const client = await listening(blaze);
		const m = blaze.pushText(USER_ID, 'ack me');
		await client.next((f) => f.action === 'CREATE_MESSAGE');
		const reply = await client.request('ACKNOWLEDGE_MESSAGE_RECEIPT', {
			message_id: m.message_id,
			status: 'READ',
		});
		expect(reply.error).toBeUndefined();
		expect(reply.action).toBe('ACKNOWLEDGE_MESSAGE_RECEIPT');
		expect(blaze.isPending(m.message_id)).toBe(false);
		expect(blaze.acks).toEqual([
			expect.objectContaining({
				message_id: m.message_id,
				status: 'READ',
				channel: 'socket',
				matched: true,
			}),
		]);
		expect(blaze.acks[0].connectionId).toBe(1);
		expect(typeof blaze.acks[0].at).toBe('number');
		// Socket acks are not HTTP acknowledgements.
		expect(mixin.acknowledgements).toEqual([]);
	});

	test('ACKNOWLEDGE_MESSAGE_RECEIPTS acks a batch; a bad status is refused under the same id', async () => {
		const client = await listening(blaze);
		const a = blaze.pushText(USER_ID, 'a');
		const b = blaze.pushText(USER_ID, 'b');
		const c = blaze.pushText(USER_ID, 'c');
		const bad = await client.request('ACKNOWLEDGE_MESSAGE_RECEIPTS', {
			messages: [{ message_id: a.message_id, status: 'SEEN' }],
		});
		expect(bad.error).toMatchObject({ code: 10002 });
		expect(takeViolations()).toEqual([expect.stringContaining('status is not READ or DELIVERED')]);
		const ok = await client.request('ACKNOWLEDGE_MESSAGE_RECEIPTS', {
			messages: [
				{ message_id: a.message_id, status: 'DELIVERED' },
				{ message_id: b.message_id, status: 'READ' },
			],
		});
		expect(ok.error).toBeUndefined();
		expect(blaze.pending().map((m) => m.message_id)).toEqual([c.message_id]);
		expect(blaze.acks.map((x) => [x.message_id, x.channel])).toEqual([
			[a.message_id, 'socket-batch'],
			[b.message_id, 'socket-batch'],
		]);
	});

	test('POST /acknowledgements removes pending messages too', async () => {
		const m = blaze.pushText(USER_ID, 'over http');
		const body = JSON.stringify([{ message_id: m.message_id, status: 'READ' }]);
		const res = await api(mixin, 'POST', '/acknowledgements', body);
		expect(res.json.data).toEqual([{ message_id: m.message_id, status: 'READ' }]);
		expect(blaze.isPending(m.message_id)).toBe(false);
		expect(blaze.acks).toEqual([
			expect.objectContaining({ channel: 'http', botId: BOT_ID, matched: true }),
		]);
		// Nothing left to push.
		const client = await listening(blaze);
		await sleep(50);
		expect(client.messages()).toEqual([]);
	});

	test('an ack of an unknown or already acked message is recorded as unmatched', async () => {
		const client = await listening(blaze);
		const m = blaze.pushText(USER_ID, 'twice');
		await client.request('ACKNOWLEDGE_MESSAGE_RECEIPT', {
			message_id: m.message_id,
			status: 'READ',
		});
		await client.request('ACKNOWLEDGE_MESSAGE_RECEIPT', {
			message_id: m.message_id,
			status: 'READ',
		});
		expect(blaze.acks.map((a) => a.matched)).toEqual([true, false]);
	});

	test('unacknowledged messages are pushed again on the next LIST_PENDING_MESSAGES after a reconnect', async () => {
		const first = await listening(blaze);
		const kept = blaze.pushText(USER_ID, 'not acked');
		const acked = blaze.pushText(USER_ID, 'acked');
		await until(() => first.messages().length === 2, 'two live messages');
		await first.request('ACKNOWLEDGE_MESSAGE_RECEIPT', {
			message_id: acked.message_id,
			status: 'READ',
		});
		blaze.dropConnections();
		expect((await first.closed).code).toBe(1006);

		const second = await listening(blaze);
		await until(() => second.messages().length === 1, 'the redelivered message');
		await sleep(50);
		expect(second.messages()).toEqual([
			expect.objectContaining({ message_id: kept.message_id, source: 'LIST_PENDING_MESSAGES' }),
		]);
		expect(blaze.connections.map((c) => [c.id, c.closedBy ?? 'open'])).toEqual([
			[1, 'dropped'],
			[2, 'open'],
		]);
	});

	test('repushOnRelist false: a second LIST_PENDING_MESSAGES on the same socket pushes nothing again', async () => {
		const again = await listening(blaze);
		blaze.pushText(USER_ID, 'once');
		await until(() => again.messages().length === 1, 'the message');
		await again.request('LIST_PENDING_MESSAGES');
		await until(() => again.messages().length === 2, 're-pushed with repushOnRelist (default)');

		await mixin.stop();
		await setup({ repushOnRelist: false });
		const once = await listening(blaze);
		blaze.pushText(USER_ID, 'once');
		await until(() => once.messages().length === 1, 'the message');
		await once.request('LIST_PENDING_MESSAGES');
		await sleep(50);
		expect(once.messages()).toHaveLength(1);
	});
});

// ---- Receipts -------------------------------------------------------------------------------------------------------

describe('receipts of messages the bot sent', () => {
	test('markDelivered / markRead push ACKNOWLEDGE_MESSAGE_RECEIPT frames', async () => {
		const client = await listening(blaze);
		const sent = await postText(mixin, USER_ID, 'hello user');
		blaze.markDelivered(sent);
		blaze.markRead(sent);
		await until(
			() => client.inbox.filter((f) => f.action === 'ACKNOWLEDGE_MESSAGE_RECEIPT').length === 2,
			'receipts',
		);
		const data = client.inbox
			.filter((f) => f.action === 'ACKNOWLEDGE_MESSAGE_RECEIPT')
			.map((f) => f.data);
		expect(data).toEqual([
			{
				message_id: sent,
				status: 'DELIVERED',
				source: 'ACKNOWLEDGE_MESSAGE_RECEIPT',
				updated_at: expect.any(String),
			},
			{
				message_id: sent,
				status: 'READ',
				source: 'ACKNOWLEDGE_MESSAGE_RECEIPT',
				updated_at: expect.any(String),
			},
		]);
		expect(blaze.receipts.map((r) => [r.status, r.live])).toEqual([
			['DELIVERED', true],
			['READ', true],
		]);
		expect(() => blaze.markRead(crypto.randomUUID())).toThrow(/no message/);
	});

	test('a receipt with no listening socket waits for the next LIST_PENDING_MESSAGES, once', async () => {
		const sent = await postText(mixin, USER_ID, 'while offline');
		expect(blaze.markRead(sent).live).toBe(false);
		const client = await listening(blaze);
		const receipt = await client.next((f) => f.action === 'ACKNOWLEDGE_MESSAGE_RECEIPT');
		expect(receipt.data).toMatchObject({ message_id: sent, status: 'READ' });
		await client.request('LIST_PENDING_MESSAGES');
		await sleep(50);
		expect(client.inbox.filter((f) => f.action === 'ACKNOWLEDGE_MESSAGE_RECEIPT')).toHaveLength(1);
	});
});

// ---- Faults and keepalive -------------------------------------------------------------------------------------------

describe('faults and keepalive', () => {
	test('dropConnections closes abruptly; closeConnections closes cleanly; both recorded', async () => {
		const a = await connect(blaze.url);
		blaze.dropConnections();
		expect((await a.closed).code).toBe(1006);
		const b = await connect(blaze.url);
		blaze.closeConnections(1001, 'restart');
		expect(await b.closed).toEqual({ code: 1001, reason: 'restart' });
		await until(() => blaze.openConnections.length === 0, 'both closed');
		expect(blaze.connections.map((c) => [c.closedBy, c.closeCode])).toEqual([
			['dropped', 1006],
			['server', 1001],
		]);
		expect(blaze.connections.every((c) => typeof c.closedAt === 'number')).toBe(true);
	});

	test('pauseReplies: requests go unanswered (and unhandled) until resumeReplies', async () => {
		const client = await connect(blaze.url);
		blaze.pushText(USER_ID, 'waiting');
		blaze.pauseReplies();
		const id = crypto.randomUUID();
		client.send({ id, action: 'LIST_PENDING_MESSAGES' });
		await blaze.waitForFrame((f) => f.frame?.id === id);
		await sleep(100);
		expect(client.inbox).toEqual([]);
		expect(blaze.frames[0].unanswered).toBe(true);
		blaze.resumeReplies();
		await client.request('LIST_PENDING_MESSAGES');
		await until(() => client.messages().length === 1, 'the pending message');
	});

	test('server pings are answered by the ws client and counted', async () => {
		await mixin.stop();
		await setup({ pingIntervalMs: 20 });
		await connect(blaze.url);
		await blaze.waitFor(() => blaze.connections[0].pongs >= 2, 2000, 'two pongs');
		expect(blaze.connections[0].pings).toBeGreaterThanOrEqual(2);
	});

	test('waitFor helpers resolve on state changes', async () => {
		const connected = blaze.waitForConnections(1);
		const client = await connect(blaze.url);
		await connected;
		const m = blaze.pushText(USER_ID, 'x');
		const acked = blaze.waitForAck(m.message_id);
		await client.request('LIST_PENDING_MESSAGES');
		await blaze.waitForListening();
		await client.request('ACKNOWLEDGE_MESSAGE_RECEIPT', {
			message_id: m.message_id,
			status: 'DELIVERED',
		});
		expect((await acked).status).toBe('DELIVERED');
		await expect(blaze.waitFor(() => false, 20, 'never')).rejects.toThrow(/never/);
	});
});

// ---- Node's global WebSocket (undici), what the trigger itself uses -------------------------------------------------

type GlobalWs = {
	binaryType: string;
	protocol: string;
	readyState: number;
	onopen: (() => void) | null;
	onmessage: ((e: { data: unknown }) => void) | null;
	onclose: ((e: { code: number }) => void) | null;
	onerror: ((e: unknown) => void) | null;
	send(data: Uint8Array): void;
	close(): void;
};
type GlobalWsCtor = new (
	url: string,
	init: { protocols: string[]; headers: Record<string, string> },
) => GlobalWs;
const GlobalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket as
	GlobalWsCtor | undefined;

(typeof WebSocket === 'undefined' ? test.skip : test)(
	"Node's global WebSocket: headers and subprotocol, gzip frames as ArrayBuffer, acks, automatic pongs",
	async () => {
		await mixin.stop();
		await setup({ pingIntervalMs: 20 });
		const pending = blaze.pushText(USER_ID, 'pending for undici');
		const sock = new GlobalWebSocket!(blaze.url, {
			protocols: [PROTOCOL],
			headers: { Authorization: `Bearer ${blazeToken()}` },
		});
		sock.binaryType = 'arraybuffer';
		const inbox: BlazeFrame[] = [];
		let allArrayBuffers = true;
		sock.onmessage = (e) => {
			if (Object.prototype.toString.call(e.data) !== '[object ArrayBuffer]')
				allArrayBuffers = false;
			inbox.push(
				JSON.parse(gunzipSync(Buffer.from(e.data as ArrayBuffer)).toString('utf8')) as BlazeFrame,
			);
		};
		try {
			await new Promise<void>((resolve, reject) => {
				sock.onopen = () => resolve();
				sock.onerror = (e) => reject(new Error(`global WebSocket failed: ${String(e)}`));
			});
			expect(sock.protocol).toBe(PROTOCOL);
			const listId = crypto.randomUUID();
			sock.send(encode({ id: listId, action: 'LIST_PENDING_MESSAGES' }));
			await until(() => inbox.some((f) => f.id === listId), 'the reply');
			const got = await until(
				() => inbox.find((f) => f.action === 'CREATE_MESSAGE'),
				'the pending message',
			);
			expect(got.data).toMatchObject({
				message_id: pending.message_id,
				source: 'LIST_PENDING_MESSAGES',
			});
			const ackId = crypto.randomUUID();
			const params = { message_id: pending.message_id, status: 'READ' };
			sock.send(encode({ id: ackId, action: 'ACKNOWLEDGE_MESSAGE_RECEIPT', params }));
			await until(() => inbox.some((f) => f.id === ackId), 'the ack reply');
			expect(blaze.isPending(pending.message_id)).toBe(false);
			expect(allArrayBuffers).toBe(true);
			await blaze.waitFor(() => blaze.connections[0].pongs >= 1, 2000, 'a pong from undici');
			expect(blaze.connections[0].headers.authorization).toMatch(/^Bearer /);
			expect(blaze.connections[0].protocols).toEqual([PROTOCOL]);
		} finally {
			sock.close();
		}
	},
);
