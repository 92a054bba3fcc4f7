import { createDecipheriv } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	YunzhenjiEmulator,
	decryptYunzhenji,
	encryptYunzhenji,
	pkcs7Pad32,
	pkcs7Unpad32,
	yunzhenjiKeyBytes,
	type YunzhenjiEmulatorOptions,
} from './yunzhenji';

type Any = Record<string, any>;

// Reference (inbound.md §4) test vector.
const VECTOR_KEY = '0123456789abcdef0123456789abcdef';
const VECTOR_PLAIN =
	'[{"type":"chatMsg","rel_wxid":"1688850000000001","data":[{"msg_type":"text"}]}]';
const VECTOR_CIPHER =
	'7aAl8fMR9AumRgtFnlvRrgPcI9nYwJZbNXMj4cr25Ne+hbo6PkvDkTCzrEZiYqOoC1Urvo' +
	'DZrml0vd87KyKbaBMWyLpygRs2N+IlAA25PmyeiskR3FhuwIg+N2sLdyHV';

const KEY_BYTES = Buffer.from('k3y-bytes-for-the-yunzhenji-test', 'utf8');
const KEY43 = KEY_BYTES.toString('base64').replace(/=+$/, '');
const KEY32 = 'ThirtyTwoCharacterRawKeyForApp2!';

const APP = {
	appId: 'yzj-app-1',
	appSecret: 'secret-1',
	encodingAesKey: KEY43,
	corpWxid: '1970325000000001',
};
const APP2 = { appId: 'yzj-app-2', appSecret: 'secret-2', encodingAesKey: KEY32 };
const A1 = '1688850320220535';
const A2 = '1688850000000002';
const B1 = '1688850000000009';
const C1 = '7881300000000001';
const C2 = '7881300000000002';
const CFAIL = '788fail000000001';
const CB = '7881300000000010';
const G1 = 'R:10950860258535721';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
let clock = T0;
let emu: YunzhenjiEmulator;

async function startEmu(extra: Partial<YunzhenjiEmulatorOptions> = {}): Promise<void> {
	if (emu) await emu.stop();
	emu = new YunzhenjiEmulator({ apps: [APP, APP2], now: () => clock, ...extra });
	await emu.start();
	emu.addAccount({ wxid: A1, nickname: 'Sales 1' });
	emu.addAccount({ wxid: A2, nickname: 'Sales 2', online: false });
	emu.addAccount({ wxid: B1, nickname: 'Other app', appId: APP2.appId });
	emu.addCustomer({ wxid: C1, nickname: 'Alice', relWxids: [A1] });
	emu.addCustomer({ wxid: C2, nickname: 'Bob', relWxids: [A2] });
	emu.addCustomer({ wxid: CFAIL, relWxids: [A1] });
	emu.addCustomer({ wxid: CB, relWxids: [B1] });
	emu.addGroup({ wxid: G1, name: 'VIP', relWxids: [A1], memberWxids: [C1] });
}

beforeEach(async () => {
	clock = T0;
	await startEmu();
});
afterEach(async () => {
	await emu.stop();
	expect(emu.violations).toEqual([]);
});

// ---- helpers -------------------------------------------------------------------------------------------------------

async function post(path: string, body: unknown, o: { contentType?: string; raw?: string } = {}) {
	const res = await fetch(`${emu.baseUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': o.contentType ?? 'application/json; charset=UTF-8' },
		body: o.raw ?? JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as Any };
}

async function get(path: string, query: Record<string, string | number | undefined>) {
	const qs = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
	const res = await fetch(`${emu.baseUrl}${path}?${qs}`);
	return { status: res.status, json: (await res.json()) as Any };
}

async function token(app: { appId: string; appSecret: string } = APP): Promise<string> {
	const { json } = await post('/oauth/token', {
		app_id: app.appId,
		app_secret: app.appSecret,
		grand_type: 'client_credential',
	});
	expect(json.errcode).toBe(0);
	return json.data.access_token as string;
}

async function send(messages: unknown[], o: Any = {}) {
	const access = o.access_token ?? (await token());
	const { json } = await post('/wechat/sendMessage', {
		app_id: APP.appId,
		access_token: access,
		wxid: A1,
		target_wxid: C1,
		messages,
		...o,
	});
	return json;
}

const text = (t: string) => ({ msg_type: 'text', content: { items: [{ type: 'text', text: t }] } });

async function authQuery(app: { appId: string; appSecret: string } = APP) {
	return { app_id: app.appId, access_token: await token(app) };
}

/** The reference's decryption, done here without the emulator: AES-256-CBC, IV = key[0..16], PKCS#7 to 32. */
function decryptIndependently(b64: string, key: Buffer): string {
	const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
	d.setAutoPadding(false);
	const raw = Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
	const pad = raw[raw.length - 1];
	expect(pad).toBeGreaterThanOrEqual(1);
	expect(pad).toBeLessThanOrEqual(32);
	expect(raw.length % 32).toBe(0);
	return raw.subarray(0, raw.length - pad).toString('utf8');
}

interface Received {
	headers: http.IncomingHttpHeaders;
	body: string;
	at: number;
}

/** A callback receiver; `delayMs` holds each answer back. */
async function receiver(o: { delayMs?: number; status?: number; answer?: string } = {}) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				at: Date.now(),
			});
			const answer = () => {
				if (res.destroyed) return;
				res.writeHead(o.status ?? 200, { 'content-type': 'application/json' });
				res.end(o.answer ?? '{"errcode":0}');
			};
			if (o.delayMs) setTimeout(answer, o.delayMs);
			else answer();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?secret=s1`;
	const close = async () => {
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
	};
	return { url, received, close };
}

// ---- crypto ---------------------------------------------------------------------------------------------------------

describe('callback encryption', () => {
	test('reproduces the reference test vector byte for byte', () => {
		expect(Buffer.byteLength(VECTOR_PLAIN)).toBe(79);
		expect(pkcs7Pad32(Buffer.from(VECTOR_PLAIN)).subarray(79)).toEqual(Buffer.alloc(17, 17));
		expect(encryptYunzhenji(VECTOR_PLAIN, VECTOR_KEY)).toBe(VECTOR_CIPHER);
		expect(decryptYunzhenji(VECTOR_CIPHER, VECTOR_KEY)).toBe(VECTOR_PLAIN);
		expect(decryptIndependently(VECTOR_CIPHER, Buffer.from(VECTOR_KEY))).toBe(VECTOR_PLAIN);
	});

	test('the 43-character form of the same key bytes gives the same ciphertext', () => {
		const key43 = Buffer.from(VECTOR_KEY).toString('base64').replace(/=+$/, '');
		expect(key43).toHaveLength(43);
		expect(yunzhenjiKeyBytes(key43)).toEqual(Buffer.from(VECTOR_KEY));
		expect(encryptYunzhenji(VECTOR_PLAIN, key43)).toBe(VECTOR_CIPHER);
		expect(() => yunzhenjiKeyBytes('short')).toThrow(/43 base64 characters or 32/);
	});

	test('pads to 32-byte blocks: a full block of 32 when already aligned, and checks padding on the way back', () => {
		const aligned = Buffer.alloc(64, 0x61);
		const padded = pkcs7Pad32(aligned);
		expect(padded).toHaveLength(96);
		expect(padded.subarray(64)).toEqual(Buffer.alloc(32, 32));
		expect(pkcs7Unpad32(padded)).toEqual(aligned);
		expect(() => pkcs7Unpad32(Buffer.concat([aligned, Buffer.alloc(32, 33)]))).toThrow(/padding/);
		const mixed = Buffer.concat([
			aligned.subarray(0, 48),
			Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
			Buffer.alloc(8, 16),
		]);
		expect(() => pkcs7Unpad32(mixed)).toThrow(/padding/);
	});
});

// ---- token ---------------------------------------------------------------------------------------------------------

describe('POST /oauth/token', () => {
	test('issues a 7200 s token for a configured app and counts it', async () => {
		const { status, json } = await post('/oauth/token', {
			app_id: APP.appId,
			app_secret: APP.appSecret,
			grand_type: 'client_credential',
		});
		expect(status).toBe(200);
		const data = { access_token: expect.stringMatching(/^[0-9a-f]{48}$/), expires_in: 7200 };
		expect(json).toEqual({ errcode: 0, data });
		expect(emu.tokensIssued).toBe(1);
		await token(APP2);
		expect(emu.tokensIssued).toBe(2);
	});

	const grant = { grand_type: 'client_credential' };
	test.each([
		['unknown app_id', { app_id: 'nope', app_secret: 'secret-1', ...grant }, 40013, /app_id/],
		['wrong secret', { app_id: APP.appId, app_secret: 'wrong', ...grant }, 40125, /app_secret/],
		[
			'wrong grant',
			{ app_id: APP.appId, app_secret: 'secret-1', grand_type: 'password' },
			40002,
			/grand_type/,
		],
		[
			'grant spelled grant_type',
			{ app_id: APP.appId, app_secret: 'secret-1', grant_type: 'x' },
			40002,
			/spells/,
		],
		['no secret', { app_id: APP.appId, ...grant }, 41004, /app_secret is missing/],
		['other app secret', { app_id: APP2.appId, app_secret: 'secret-1', ...grant }, 40125, /secret/],
	])('refuses %s', async (_name, body, errcode, message) => {
		const { status, json } = await post('/oauth/token', body);
		expect(status).toBe(200);
		expect(json.errcode).toBe(errcode);
		expect(json.message).toMatch(message);
		expect(json.data).toBeUndefined();
		expect(emu.tokensIssued).toBe(0);
	});

	test('the expected grant value and the response shape are configurable', async () => {
		await startEmu({ grantType: 'yzj', tokenResponseShape: 'top', tokenTtlSeconds: 60 });
		const bad = await post('/oauth/token', { app_id: APP.appId, app_secret: 'secret-1', ...grant });
		expect(bad.json.errcode).toBe(40002);
		const { json } = await post('/oauth/token', {
			app_id: APP.appId,
			app_secret: 'secret-1',
			grand_type: 'yzj',
		});
		expect(json).toEqual({ errcode: 0, access_token: expect.any(String), expires_in: 60 });
	});

	test('a token expires after expires_in by the emulator clock', async () => {
		const t = await token();
		clock = T0 + 7199_000;
		expect((await send([text('still valid')], { access_token: t })).errcode).toBe(0);
		clock = T0 + 7200_000;
		const json = await send([text('too late')], { access_token: t });
		expect(json).toEqual({ errcode: 42001, message: 'access_token expired' });
	});

	test('expireTokens and revokeTokens; unknown tokens and other apps tokens are invalid', async () => {
		const t = await token();
		emu.expireTokens();
		expect((await send([text('x')], { access_token: t })).errcode).toBe(42001);
		const t2 = await token();
		emu.revokeTokens();
		expect(await send([text('x')], { access_token: t2 })).toEqual({
			errcode: 40001,
			message: expect.stringMatching(/invalid access_token/),
		});
		expect((await send([text('x')], { access_token: 'made-up' })).errcode).toBe(40001);
		expect((await send([text('x')], { access_token: await token(APP2) })).errcode).toBe(40001);
		expect((await send([text('x')], { access_token: '' })).errcode).toBe(41001);
		expect((await send([text('x')], { app_id: 'nope' })).errcode).toBe(40013);
		expect(emu.sends).toHaveLength(0);
	});

	test('a newer token leaves the previous one valid, unless newTokenRevokesPrevious', async () => {
		const first = await token();
		await token();
		expect((await send([text('old token')], { access_token: first })).errcode).toBe(0);
		emu.newTokenRevokesPrevious = true;
		await token();
		expect((await send([text('old token')], { access_token: first })).errcode).toBe(40001);
	});

	test('business calls take the credentials in the body (POST) or the query (GET), nowhere else', async () => {
		const t = await token();
		const res = await fetch(
			`${emu.baseUrl}/wechat/sendMessage?app_id=${APP.appId}&access_token=${t}`,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ wxid: A1, target_wxid: C1, messages: [text('x')] }),
			},
		);
		expect(((await res.json()) as Any).errcode).toBe(41002);
		const listed = await fetch(`${emu.baseUrl}/wechat/list`, {
			headers: { authorization: `Bearer ${t}` },
		});
		expect(((await listed.json()) as Any).errcode).toBe(41002);
	});
});

// ---- sendMessage ---------------------------------------------------------------------------------------------------

describe('POST /wechat/sendMessage', () => {
	test('accepts every msg_type with its required fields and answers idx / api_send_svrid / api_send_id', async () => {
		const first = await send([
			{ ...text('hello'), api_send_id: 116, delayed_time: 1641280299 },
			{
				msg_type: 'text',
				content: {
					items: [
						{ type: 'at', wxid: C1 },
						{ type: 'emoji', text: '[微笑]' },
						{ type: 'text', text: 'hi' },
						{ type: 'quote', anything: true },
					],
				},
				api_send_id: 'ord-7',
			},
			{ msg_type: 'picture', content: { url: 'https://cdn.example/a.png' } },
			{
				msg_type: 'link',
				content: { title: 'T', url: 'https://x.example', cover: 'https://c.example', desc: 'D' },
			},
			{ msg_type: 'file', content: { title: 'a.pdf', url: 'https://cdn.example/a.pdf' } },
		]);
		expect(first.errcode).toBe(0);
		expect(first.data).toHaveLength(5);
		expect(first.data[0]).toEqual({
			idx: 0,
			api_send_svrid: expect.stringMatching(new RegExp(`^${A1},${C1},${T0}[A-Za-z]{6}$`)),
			api_send_id: '116',
		});
		expect(first.data[1].api_send_id).toBe('ord-7');
		expect(first.data.slice(2).map((d: Any) => Object.keys(d).sort())).toEqual([
			['api_send_svrid', 'idx'],
			['api_send_svrid', 'idx'],
			['api_send_svrid', 'idx'],
		]);
		expect(first.data.map((d: Any) => d.idx)).toEqual([0, 1, 2, 3, 4]);

		const second = await send([
			{
				msg_type: 'voice',
				content: { url: 'https://cdn.example/v.mp3', duration: 60, org_content: '' },
			},
			{
				msg_type: 'voice',
				content: { url: 'https://cdn.example/v.mp3', duration: 1, org_content: 'orig' },
			},
			{
				msg_type: 'video',
				content: { url: 'https://cdn.example/v.mp4', cover: 'https://c', duration: 12 },
			},
			{
				msg_type: 'program',
				content: { appid: 'wx1', username: 'gh_1', title: 'Mini', pagepath: 'p/i', cover: 'c' },
			},
			{ msg_type: 'card', content: { wxid: C1, anything: [1] } },
		]);
		expect(second.errcode).toBe(0);
		const third = await send(
			[
				{ msg_type: 'announcement', content: { text: 'Notice' } },
				{ msg_type: 'channel', content: { feed: 'opaque' } },
			],
			{ target_wxid: G1 },
		);
		expect(third.errcode).toBe(0);

		expect(emu.sends.map((s) => s.msgType)).toEqual([
			'text',
			'text',
			'picture',
			'link',
			'file',
			'voice',
			'voice',
			'video',
			'program',
			'card',
			'announcement',
			'channel',
		]);
		expect(emu.sends[0]).toMatchObject({
			appId: APP.appId,
			wxid: A1,
			targetWxid: C1,
			idx: 0,
			content: { items: [{ type: 'text', text: 'hello' }] },
			delayedTime: 1641280299,
			apiSendId: 116,
			apiSendSvrid: first.data[0].api_send_svrid,
			acceptedAt: T0,
		});
		expect(emu.sends[2].apiSendId).toBeUndefined();
		expect(emu.sendsTo(G1)).toHaveLength(2);
	});

	const ok = { msg_type: 'picture', content: { url: 'https://cdn.example/a.png' } };
	const msg = (msg_type: string, content: unknown) => [{ msg_type, content }];
	const voice = (duration: unknown) => msg('voice', { url: 'u', duration, org_content: '' });
	const items = (...list: unknown[]) => msg('text', { items: list });
	test.each<[string, unknown[], Any, number, RegExp]>([
		[
			'an announcement to a person',
			msg('announcement', { text: 'x' }),
			{},
			40035,
			/customer group/,
		],
		['voice duration 0', voice(0), {}, 40035, /1 to 60/],
		['voice duration 61', voice(61), {}, 40035, /1 to 60/],
		['voice duration 1.5', voice(1.5), {}, 40035, /duration/],
		['voice duration "60"', voice('60'), {}, 40035, /duration/],
		[
			'voice without org_content',
			msg('voice', { url: 'u', duration: 5 }),
			{},
			40035,
			/org_content is missing/,
		],
		[
			'a picture without url',
			msg('picture', {}),
			{},
			40035,
			/messages\[0\]\.content\.url is missing/,
		],
		['a link without title', msg('link', { url: 'u' }), {}, 40035, /title is missing/],
		[
			'a file without url',
			[ok, ...msg('file', { title: 'a' })],
			{},
			40035,
			/messages\[1\]\.content\.url is missing/,
		],
		['a video without url', msg('video', { cover: 'c' }), {}, 40035, /url is missing/],
		[
			'an announcement without text',
			msg('announcement', {}),
			{ target_wxid: G1 },
			40035,
			/text is missing/,
		],
		['text without items', items(), {}, 40035, /non-empty array/],
		['a text item without text', items({ type: 'text' }), {}, 40035, /items\[0\]\.text/],
		['an at item without wxid', items({ type: 'at' }), {}, 40035, /wxid is missing/],
		['a text item without type', items({ text: 'x' }), {}, 40035, /needs a type/],
		['no content', [{ msg_type: 'picture' }], {}, 40035, /content must be an object/],
		[
			'opaque content not an object',
			[{ msg_type: 'program', content: 'x' }],
			{},
			40035,
			/content must be an object/,
		],
		[
			'an unknown msg_type',
			[{ msg_type: 'sticker', content: {} }],
			{},
			40008,
			/unknown msg_type "sticker"/,
		],
		['a missing msg_type', [{ content: {} }], {}, 40035, /msg_type is missing/],
		[
			'an unknown message field',
			[{ ...ok, priority: 1 }],
			{},
			40035,
			/messages\[0\]: unknown field "priority"/,
		],
		['an unknown top-level field', [ok], { safe: 1 }, 40035, /^unknown field "safe"$/],
		['6 messages', [ok, ok, ok, ok, ok, ok], {}, 45008, /at most 5/],
		['no messages', [], {}, 40035, /must not be empty/],
		[
			'a float delayed_time',
			[{ ...ok, delayed_time: 1.5 }],
			{},
			40035,
			/delayed_time must be an integer/,
		],
		['a string delayed_time', [{ ...ok, delayed_time: '1641280299' }], {}, 40035, /delayed_time/],
		['a negative delayed_time', [{ ...ok, delayed_time: -1 }], {}, 40035, /delayed_time/],
		['an object api_send_id', [{ ...ok, api_send_id: { a: 1 } }], {}, 40035, /api_send_id/],
		['an empty api_send_id', [{ ...ok, api_send_id: '' }], {}, 40035, /api_send_id/],
		['an unknown sender', [ok], { wxid: '1688859999999999' }, 40003, /not a WeCom account/],
		['a sender of another app', [ok], { wxid: B1 }, 40003, /not a WeCom account/],
		['no sender', [ok], { wxid: undefined }, 40035, /wxid is missing/],
		['an unknown customer', [ok], { target_wxid: '7889999999999999' }, 46004, /not found/],
		['an unknown group', [ok], { target_wxid: 'R:1' }, 46004, /not found/],
		['a customer who did not add the sender', [ok], { target_wxid: C2 }, 46004, /has not added/],
		[
			'a group without the sender',
			[ok],
			{ wxid: A2, target_wxid: G1 },
			46004,
			/not in the customer group/,
		],
	])('refuses %s', async (_name, messages, extra, errcode, message) => {
		const json = await send(messages, extra);
		expect(json.errcode).toBe(errcode);
		expect(json.message).toMatch(message);
		expect(json.data).toBeUndefined();
		expect(emu.sends).toHaveLength(0);
	});

	test('an offline sender is accepted; requireRelation: false lifts the relation check', async () => {
		expect((await send([text('x')], { wxid: A2, target_wxid: C2 })).errcode).toBe(0);
		await startEmu({ requireRelation: false });
		expect((await send([text('x')], { target_wxid: C2 })).errcode).toBe(0);
	});

	test('records what the platform would silently accept as violations', async () => {
		const t = await token();
		const res = await post(
			'/wechat/sendMessage',
			{
				app_id: APP.appId,
				access_token: t,
				wxid: A1,
				target_wxid: C1,
				messages: [
					{
						msg_type: 'picture',
						content: { url: 'u', width: 10 },
						delayed_time: 1641280299000,
						api_send_id: 'a',
					},
					{ ...text('x'), api_send_id: 'a' },
				],
			},
			{ contentType: 'text/plain' },
		);
		expect(res.json.errcode).toBe(0);
		expect(emu.violations).toEqual([
			expect.stringMatching(/application\/json/),
			expect.stringMatching(/messages\[0\]\.content: unknown field "width"/),
			expect.stringMatching(/delayed_time 1641280299000 looks like milliseconds/),
			expect.stringMatching(/same api_send_id/),
		]);
		emu.violations.length = 0;
	});

	test('acceptOnly answers (and keeps) a shorter data array once', async () => {
		emu.acceptOnly(2);
		const json = await send([text('1'), text('2'), text('3')]);
		expect(json.errcode).toBe(0);
		expect(json.data.map((d: Any) => d.idx)).toEqual([0, 1]);
		expect(emu.sends).toHaveLength(2);
		expect((await send([text('1'), text('2'), text('3')])).data).toHaveLength(3);
	});

	test('injectError answers one authenticated call with the given errcode', async () => {
		emu.injectError({
			path: '/wechat/sendMessage',
			errcode: 45009,
			message: 'api freq out of limit',
		});
		expect(await send([text('x')])).toEqual({ errcode: 45009, message: 'api freq out of limit' });
		expect((await send([text('x')])).errcode).toBe(0);
	});

	test('a body that is not JSON, wrong methods and unknown routes', async () => {
		const bad = await post('/wechat/sendMessage', undefined, { raw: 'app_id=x' });
		expect(bad.json).toEqual({ errcode: 47001, message: expect.stringMatching(/JSON/) });
		const wrongGet = await get('/wechat/sendMessage', await authQuery());
		expect(wrongGet).toEqual({
			status: 200,
			json: { errcode: 43002, message: 'require POST method' },
		});
		const wrongPost = await post('/wechat/list', await authQuery());
		expect(wrongPost).toEqual({
			status: 200,
			json: { errcode: 43001, message: 'require GET method' },
		});
		const missing = await get('/wechat/nothing', {});
		expect(missing.status).toBe(404);
		expect(missing.json.errcode).not.toBe(0);
	});
});

// ---- callbacks -----------------------------------------------------------------------------------------------------

describe('callbacks', () => {
	test('a good send: one encrypted chatMsg (raw base64, 43-character key) carrying svrid and api_send_id', async () => {
		await startEmu({ executeDelayMs: 100 });
		const r = await receiver();
		try {
			emu.setCallbackUrl(r.url);
			const json = await send([{ ...text('hello'), api_send_id: 116 }]);
			expect(emu.sends[0].status).toBe('queued');
			expect(emu.pendingCallbacks).toBeGreaterThan(0);
			await emu.flushCallbacks();
			expect(emu.pendingCallbacks).toBe(0);
			expect(r.received).toHaveLength(1);
			const { body, headers } = r.received[0];
			expect(headers['content-type']).toBe('application/json; charset=utf-8');
			expect(body).toMatch(/^[A-Za-z0-9+/]+=*$/);
			const plain = decryptIndependently(body, KEY_BYTES);
			expect(JSON.parse(plain)).toEqual([
				{
					type: 'chatMsg',
					corp_wxid: APP.corpWxid,
					rel_wxid: A1,
					data: [
						{
							msg_id: expect.stringMatching(/^\d{19}$/),
							msg_type: 'text',
							content: { items: [{ type: 'text', text: 'hello' }] },
							from_wxid: A1,
							to_wxid: C1,
							room_wxid: '',
							is_self: 1,
							send_time: T0 / 1000,
							api_send_svrid: json.data[0].api_send_svrid,
							api_send_id: '116',
						},
					],
				},
			]);
			expect(emu.sends[0]).toMatchObject({ status: 'sent', executedAt: T0 });
			expect(emu.callbacks).toHaveLength(1);
			expect(emu.callbacks[0]).toMatchObject({
				appId: APP.appId,
				url: r.url,
				plaintext: plain,
				bodyForm: 'base64',
				status: 200,
				responseText: '{"errcode":0}',
				timedOut: false,
				blocked: false,
			});
			expect(emu.decryptCallbackBody(body)).toEqual(JSON.parse(plain));
		} finally {
			await r.close();
		}
	});

	test('a failing send: chatMsg, then chatMsgSendFail, JSON-wrapped with a 32-character key', async () => {
		await startEmu({ callbackBodyForm: 'json' });
		emu.addAccount({ wxid: '1688850000000077', appId: APP2.appId });
		emu.addCustomer({ wxid: '788fail0000000b2', relWxids: ['1688850000000077'] });
		const r = await receiver();
		try {
			emu.setCallbackUrl(r.url, APP2.appId);
			const json = await send([{ ...text('x'), api_send_id: 'job-1' }, text('y')], {
				app_id: APP2.appId,
				access_token: await token(APP2),
				wxid: '1688850000000077',
				target_wxid: '788fail0000000b2',
			});
			expect(json.errcode).toBe(0);
			await emu.flushCallbacks();
			const key = Buffer.from(KEY32, 'utf8');
			const got = r.received.map((x) => {
				const wrapped = JSON.parse(x.body) as Any;
				expect(Object.keys(wrapped)).toEqual(['encrypt']);
				return (JSON.parse(decryptIndependently(wrapped.encrypt, key)) as Any[])[0];
			});
			expect(got.map((n) => n.type)).toEqual([
				'chatMsg',
				'chatMsgSendFail',
				'chatMsg',
				'chatMsgSendFail',
			]);
			expect(got[0].corp_wxid).toBeUndefined();
			expect(got[1]).toEqual({
				type: 'chatMsgSendFail',
				rel_wxid: '1688850000000077',
				data: [
					{
						msg_type: 'text',
						from_wxid: '1688850000000077',
						to_wxid: '788fail0000000b2',
						room_wxid: '',
						err_code: 1,
						err_msg: expect.any(String),
						fail_time: T0 / 1000,
						api_send_svrid: json.data[0].api_send_svrid,
						api_send_id: 'job-1',
					},
				],
			});
			expect(got[3].data[0].api_send_id).toBeUndefined();
			expect(got[3].data[0].api_send_svrid).toBe(json.data[1].api_send_svrid);
			expect(emu.sends.map((s) => s.status)).toEqual(['failed', 'failed']);
			expect(emu.notifications('chatMsgSendFail')).toHaveLength(2);
			expect(emu.decryptCallbackBody(r.received[1].body, APP2.appId)[0].type).toBe(
				'chatMsgSendFail',
			);
		} finally {
			await r.close();
		}
	});

	test('the JSON form with the 43-character key, the raw form with the 32-character key', async () => {
		const r = await receiver();
		try {
			emu.setCallbackUrl(r.url);
			emu.setCallbackUrl(r.url, APP2.appId);
			emu.callbackBodyForm = 'json';
			await send([text('a')]);
			await emu.flushCallbacks();
			emu.callbackBodyForm = 'base64';
			await send([text('b')], {
				app_id: APP2.appId,
				access_token: await token(APP2),
				wxid: B1,
				target_wxid: CB,
			});
			await emu.flushCallbacks();
			expect(r.received).toHaveLength(2);
			const a = JSON.parse(
				decryptIndependently((JSON.parse(r.received[0].body) as Any).encrypt, KEY_BYTES),
			) as Any[];
			const b = JSON.parse(decryptIndependently(r.received[1].body, Buffer.from(KEY32))) as Any[];
			expect(a[0].data[0].content.items[0].text).toBe('a');
			expect(b[0]).toMatchObject({ type: 'chatMsg', rel_wxid: B1, data: [{ to_wxid: CB }] });
		} finally {
			await r.close();
		}
	});

	test('the fail rule is configurable; group sends carry room_wxid', async () => {
		const r = await receiver();
		try {
			emu.setCallbackUrl(r.url);
			emu.failWhen = (m) => (m.msgType === 'picture' ? 'picture download failed' : false);
			await send([text('ok'), { msg_type: 'picture', content: { url: 'https://x' } }], {
				target_wxid: G1,
			});
			await emu.flushCallbacks();
			expect(emu.notifications().map((n) => n.type)).toEqual([
				'chatMsg',
				'chatMsg',
				'chatMsgSendFail',
			]);
			expect(emu.notifications('chatMsgSendFail')[0].data[0]).toMatchObject({
				room_wxid: G1,
				err_msg: 'picture download failed',
			});
			expect(emu.sends.map((s) => s.status)).toEqual(['sent', 'failed']);
		} finally {
			await r.close();
		}
	});

	test('without a callback URL messages still execute, nothing is posted', async () => {
		await send([text('x')], { target_wxid: CFAIL });
		await emu.flushCallbacks();
		expect(emu.sends[0].status).toBe('failed');
		expect(emu.callbacks).toHaveLength(0);
	});

	test('holdDelayed keeps a future delayed_time until the clock reaches it', async () => {
		await startEmu({ holdDelayed: true });
		const r = await receiver();
		try {
			emu.setCallbackUrl(r.url);
			const later = T0 / 1000 + 60;
			await send([text('now'), { ...text('later'), delayed_time: later }]);
			await emu.flushCallbacks();
			expect(emu.sends.map((s) => s.status)).toEqual(['sent', 'held']);
			expect(r.received).toHaveLength(1);
			clock = T0 + 60_000;
			expect(emu.releaseDue()).toBe(1);
			await emu.flushCallbacks();
			expect(emu.sends[1]).toMatchObject({ status: 'sent', executedAt: T0 + 60_000 });
			expect(r.received).toHaveLength(2);
			expect(emu.callbacks[1].notifications[0].data[0].send_time).toBe(later);
		} finally {
			await r.close();
		}
	});

	test('a receiver slower than 1 s is a timeout and is not retried; its answer is recorded otherwise', async () => {
		const slow = await receiver({ delayMs: 1500 });
		try {
			emu.setCallbackUrl(slow.url);
			await send([text('x')]);
			await emu.flushCallbacks();
			expect(emu.callbacks).toHaveLength(1);
			expect(emu.callbacks[0]).toMatchObject({ timedOut: true, error: 'no answer within 1000 ms' });
			expect(emu.callbacks[0].durationMs).toBeGreaterThanOrEqual(950);
			expect(emu.callbacks[0].durationMs).toBeLessThan(1450);
			await new Promise((res) => setTimeout(res, 700));
			expect(slow.received).toHaveLength(1);
		} finally {
			await slow.close();
		}
		const failing = await receiver({ status: 500, answer: 'boom' });
		try {
			emu.setCallbackUrl(failing.url);
			await send([text('y')]);
			await emu.flushCallbacks();
			expect(emu.callbacks[1]).toMatchObject({
				status: 500,
				responseText: 'boom',
				timedOut: false,
			});
			expect(failing.received).toHaveLength(1);
		} finally {
			await failing.close();
		}
	});

	test('more timeouts in a day than allowed stop the app callbacks until the next day', async () => {
		await startEmu({ callbackTimeoutMs: 100, callbackTimeoutsPerDay: 1 });
		const slow = await receiver({ delayMs: 400 });
		try {
			emu.setCallbackUrl(slow.url);
			for (let i = 0; i < 3; i++)
				await emu.pushIncomingMessage({ relWxid: A1, fromWxid: C1, text: `m${i}` });
			expect(emu.callbacks.map((c) => [c.timedOut, c.blocked])).toEqual([
				[true, false],
				[true, false],
				[false, true],
			]);
			expect(slow.received).toHaveLength(2);
			clock = T0 + 86_400_000;
			await emu.pushIncomingMessage({ relWxid: A1, fromWxid: C1, text: 'next day' });
			expect(emu.callbacks[3].blocked).toBe(false);
			expect(slow.received).toHaveLength(3);
		} finally {
			await slow.close();
		}
	});

	test('pushes an incoming customer message, contacts events and login events for a trigger', async () => {
		const r = await receiver();
		try {
			emu.setCallbackUrl(r.url);
			const d = await emu.pushIncomingMessage({
				relWxid: A1,
				fromWxid: C1,
				text: '你好',
				msgId: 'm1',
			});
			expect(d?.status).toBe(200);
			await emu.pushIncomingMessage({
				relWxid: A1,
				fromWxid: C1,
				roomWxid: G1,
				msgType: 'picture',
				content: { url: 'https://media.example/p.jpg' },
			});
			const contacts = [{ wxid: '7881300000000099', nickname: 'New' }];
			await emu.pushContactsEvent({ relWxid: A1, event: 'add', contacts });
			await emu.setOnline(A1, false, true);
			const got = r.received.map(
				(x) => (JSON.parse(decryptIndependently(x.body, KEY_BYTES)) as Any[])[0],
			);
			expect(got[0]).toEqual({
				type: 'chatMsg',
				corp_wxid: APP.corpWxid,
				rel_wxid: A1,
				data: [
					{
						msg_id: 'm1',
						msg_type: 'text',
						content: { items: [{ type: 'text', text: '你好' }] },
						from_wxid: C1,
						to_wxid: A1,
						room_wxid: '',
						is_self: 0,
						send_time: T0 / 1000,
					},
				],
			});
			expect(got[1].data[0]).toMatchObject({ msg_type: 'picture', to_wxid: G1, room_wxid: G1 });
			expect(got[2]).toMatchObject({
				type: 'contacts',
				rel_wxid: A1,
				data: [{ event: 'add', wxid: '7881300000000099', nickname: 'New' }],
			});
			expect(got[3]).toMatchObject({
				type: 'logout',
				rel_wxid: A1,
				data: [{ wxid: A1, online: 0 }],
			});
			expect(emu.accounts.find((a) => a.wxid === A1)?.online).toBe(false);
			expect(emu.customers.find((c) => c.wxid === '7881300000000099')?.relWxids).toEqual([A1]);

			emu.setCallbackUrl(`${r.url}&app=2`, APP2.appId);
			const custom = await emu.pushNotifications([
				{ type: 'somethingNew', rel_wxid: B1, data: [{ a: 1 }] },
			]);
			expect(custom).toMatchObject({ appId: APP2.appId, url: `${r.url}&app=2`, status: 200 });
			expect(JSON.parse(decryptIndependently(r.received[4].body, Buffer.from(KEY32)))).toEqual([
				{ type: 'somethingNew', rel_wxid: B1, data: [{ a: 1 }] },
			]);
		} finally {
			await r.close();
		}
	});
});

// ---- GET endpoints -------------------------------------------------------------------------------------------------

describe('GET endpoints', () => {
	test('/wechat/list pages through the app accounts, filters on online, caps page_size', async () => {
		for (let i = 0; i < 23; i++) {
			emu.addAccount({ wxid: `16888510000000${String(i).padStart(2, '0')}`, online: i % 2 === 0 });
		}
		const q = await authQuery();
		const first = await get('/wechat/list', q);
		expect(first.json.errcode).toBe(0);
		expect(first.json.data).toMatchObject({ total: 25, page: 1, page_size: 10 });
		expect(first.json.data.list).toHaveLength(10);
		expect(first.json.data.list[0]).toEqual({
			id: 1,
			wxid: A1,
			nickname: 'Sales 1',
			full_name: 'Sales 1',
			avatar: expect.stringMatching(/^https:/),
			online: 1,
			corp_wxid: APP.corpWxid,
			corp_name: '',
		});
		const third = await get('/wechat/list', { ...q, page: 3, page_size: 10 });
		expect(third.json.data.list).toHaveLength(5);
		const beyond = await get('/wechat/list', { ...q, page: 4 });
		expect(beyond.json.data).toMatchObject({ list: [], total: 25, page: 4 });
		const all = await get('/wechat/list', { ...q, page_size: 100 });
		const wxids = all.json.data.list.map((a: Any) => a.wxid);
		expect(wxids).toHaveLength(25);
		expect(wxids).not.toContain(B1);
		expect(new Set(wxids).size).toBe(25);
		const online = await get('/wechat/list', { ...q, online: 1, page_size: 100 });
		expect(online.json.data.total).toBe(13);
		const offline = await get('/wechat/list', { ...q, online: 0, page_size: 100 });
		expect(offline.json.data.total).toBe(12);
		expect(offline.json.data.list.every((a: Any) => a.online === 0)).toBe(true);

		expect((await get('/wechat/list', { ...q, online: 2 })).json.errcode).toBe(40035);
		expect((await get('/wechat/list', { ...q, page: 0 })).json.errcode).toBe(40035);
		expect((await get('/wechat/list', { ...q, page_size: 'ten' })).json.errcode).toBe(40035);
		const capped = await get('/wechat/list', { ...q, page_size: 500 });
		expect(capped.json.data.page_size).toBe(100);
		expect(emu.violations).toEqual([
			expect.stringMatching(/page_size 500 is above the maximum 100/),
		]);
		emu.violations.length = 0;
		expect((await get('/wechat/list', { app_id: APP.appId })).json.errcode).toBe(41001);
	});

	test('/wechat/contactInfo lists the accounts and groups of a customer', async () => {
		emu.addCustomer({ wxid: C1, relWxids: [A2, B1], roomWxids: ['R:2'] });
		const q = await authQuery();
		const { json } = await get('/wechat/contactInfo', { ...q, wxid: C1 });
		expect(json).toEqual({
			errcode: 0,
			data: { wxid: C1, rel_wxids: [A1, A2], room_wxids: [G1, 'R:2'] },
		});
		const other = await get('/wechat/contactInfo', { ...(await authQuery(APP2)), wxid: C1 });
		expect(other.json.data.rel_wxids).toEqual([B1]);
		expect(
			(await get('/wechat/contactInfo', { ...q, wxid: '7889999999999999' })).json.errcode,
		).toBe(46004);
		expect((await get('/wechat/contactInfo', { ...q, wxid: CB })).json.errcode).toBe(46004);
		expect((await get('/wechat/contactInfo', q)).json).toEqual({
			errcode: 40035,
			message: 'wxid is missing',
		});
	});

	test('/wechat/blackContactList and /wechat/whiteContactList page the app lists', async () => {
		for (let i = 0; i < 12; i++) {
			emu.addBlacklisted({ wxid: `78813000000001${String(i).padStart(2, '0')}`, relWxid: A1 });
		}
		emu.addBlacklisted({ wxid: '7881300000000500', appId: APP2.appId });
		emu.addWhitelisted({ wxid: C1, remark: 'vip' });
		const q = await authQuery();
		const p1 = await get('/wechat/blackContactList', q);
		expect(p1.json.data).toMatchObject({ total: 12, page: 1, page_size: 10 });
		expect(p1.json.data.list[0]).toEqual({
			id: 1,
			wxid: '7881300000000100',
			nickname: '',
			rel_wxid: A1,
			remark: '',
			created_at: T0 / 1000,
		});
		const p2 = await get('/wechat/blackContactList', { ...q, page: 2, page_size: 10 });
		expect(p2.json.data.list.map((e: Any) => e.wxid)).toEqual([
			'7881300000000110',
			'7881300000000111',
		]);
		const white = await get('/wechat/whiteContactList', q);
		expect(white.json.data.list).toEqual([
			expect.objectContaining({ wxid: C1, nickname: 'Alice', remark: 'vip' }),
		]);
		expect(emu.blacklist()).toHaveLength(12);
		expect(emu.blacklist(APP2.appId)).toHaveLength(1);
		expect(
			(await get('/wechat/blackContactList', { ...q, access_token: 'bad' })).json.errcode,
		).toBe(40001);
	});
});
