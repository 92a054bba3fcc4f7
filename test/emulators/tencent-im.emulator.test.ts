import { createHash, createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import { TENCENT_IM_CALLBACK, TencentImEmulator, tencentImCallbackSign } from './tencent-im';

// Reference §1.6 app and vectors.
const APP = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const OTHER_APP = 1400000001;
const OTHER_KEY = 'another-secret-key';
const VECTOR_TLS_SIG = 'yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=';
const NPM_USERSIG =
	'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCxKVbKyMDOBCRVnpitZKVX6OKZql5uHh6aGlhYmhVlm6IdEmFuUGhnmh7hnamdaRhUYlhoHFORFmhnYKtUCAK0SM5I_';
const STORED_USERSIG =
	'eAEBrgBR-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiYWRtaW5pc3RyYXRvciIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLnRpbWUiOjE3MDAwMDAwMDAsIlRMUy5leHBpcmUiOjg2NDAwLCJUTFMuc2lnIjoieUxBZSt3N1dVZVV1cWJWOWgvVFg3OHUyMW9UR2kraTlacDF1M1Bwblk2MD0ifa0SM5I_';
const T0 = 1700000000;

/**
 * The test's own UserSig generator (reference §1.2–1.4), independent of the package's: HMAC-SHA256 over four
 * LF-terminated lines, a JSON document, zlib, then base64 with + / = swapped for * - _. Knobs cover every failure.
 */
interface SigOpts {
	appid?: number;
	key?: string;
	id?: string;
	time?: number;
	expire?: number;
	/** zlib level; Node's default when absent (the npm package), 0 for stored blocks (Tencent's Go library). */
	level?: number;
	/** Go's key order (expire before time) instead of JSON.stringify's order in the Node library. */
	goOrder?: boolean;
	doc?: (d: Record<string, unknown>) => Record<string, unknown>;
}

function tlsSig(key: string, id: string, appid: number, time: number, expire: number): string {
	const content = `TLS.identifier:${id}\nTLS.sdkappid:${appid}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
	return createHmac('sha256', Buffer.from(key, 'utf8')).update(content, 'utf8').digest('base64');
}

function sigDoc(o: SigOpts): Record<string, unknown> {
	const appid = o.appid ?? APP;
	const id = o.id ?? 'administrator';
	const time = o.time ?? T0;
	const expire = o.expire ?? 86400;
	const sig = tlsSig(o.key ?? KEY, id, appid, time, expire);
	const head = { 'TLS.ver': '2.0', 'TLS.identifier': id, 'TLS.sdkappid': appid };
	const d: Record<string, unknown> = o.goOrder
		? { ...head, 'TLS.expire': expire, 'TLS.time': time, 'TLS.sig': sig }
		: { ...head, 'TLS.time': time, 'TLS.expire': expire, 'TLS.sig': sig };
	return o.doc ? o.doc(d) : d;
}

const tb64 = (b: Buffer) =>
	b.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');

function makeSig(o: SigOpts = {}): string {
	const json = Buffer.from(JSON.stringify(sigDoc(o)), 'utf8');
	return tb64(o.level === undefined ? deflateSync(json) : deflateSync(json, { level: o.level }));
}

/** The same document through the standard CompressionStream, the form the node itself uses. */
async function compressionStreamSig(o: SigOpts = {}): Promise<string> {
	const stream = new Blob([JSON.stringify(sigDoc(o))])
		.stream()
		.pipeThrough(new CompressionStream('deflate'));
	return tb64(Buffer.from(await new Response(stream).arrayBuffer()));
}

/** The default sig in standard base64 (must differ from the Tencent form to be a meaningful case). */
function stdSig(): string {
	const t = makeSig({});
	const std = t.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
	if (std === t) throw new Error('test sig has no substituted characters');
	return std;
}

let clockMs = T0 * 1000;
let emu: TencentImEmulator;

interface CallOpts {
	sig?: string | null;
	identifier?: string | null;
	sdkappid?: string | null;
	random?: string | null;
	contenttype?: string | null;
	method?: string;
	raw?: string;
}

async function call(
	api: string,
	body: unknown,
	o: CallOpts = {},
): Promise<{ status: number; json: Record<string, any> }> {
	const q = new URLSearchParams();
	const put = (k: string, v: string | null | undefined, dflt: string) => {
		if (v !== null) q.set(k, v ?? dflt);
	};
	put('sdkappid', o.sdkappid, String(APP));
	put('identifier', o.identifier, 'administrator');
	put('usersig', o.sig, makeSig({}));
	put('random', o.random, String(Math.floor(Math.random() * 4294967295)));
	put('contenttype', o.contenttype, 'json');
	const res = await fetch(`${emu.baseUrl}/v4/${api}?${q.toString()}`, {
		method: o.method ?? 'POST',
		headers: { 'content-type': 'application/json; charset=utf-8' },
		body: o.method === 'GET' ? undefined : (o.raw ?? JSON.stringify(body)),
	});
	const text = await res.text();
	return { status: res.status, json: JSON.parse(text) as Record<string, any> };
}

const text = (t: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];
let rnd = 1000;
const send = (to: string, extra: Record<string, unknown> = {}) =>
	call('openim/sendmsg', { To_Account: to, MsgRandom: ++rnd, MsgBody: text(`m${rnd}`), ...extra });

beforeEach(async () => {
	clockMs = T0 * 1000;
	emu = new TencentImEmulator({
		apps: [
			{ sdkAppId: APP, secretKey: KEY },
			{ sdkAppId: OTHER_APP, secretKey: OTHER_KEY, admin: 'boss' },
		],
		now: () => clockMs,
	});
	await emu.start();
	for (const u of ['alice', 'bob', 'carol']) emu.importAccount(u);
});
afterEach(async () => {
	await emu.stop();
	// a test that expects violations takes them; any left over means a fixture broke a rule
	expect(emu.violations).toEqual([]);
});

/** The violations recorded so far, cleared so the afterEach check sees only unexpected ones. */
function takeViolations(): string[] {
	return emu.violations.splice(0);
}

describe('UserSig verification', () => {
	it('accepts the reference npm (deflate) and stored-block UserSigs', async () => {
		for (const sig of [NPM_USERSIG, STORED_USERSIG]) {
			const r = await call(
				'im_open_login_svc/account_check',
				{ CheckItem: [{ UserID: 'alice' }] },
				{ sig },
			);
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
		}
	});

	it('the test generator reproduces the reference vectors byte for byte', () => {
		expect(tlsSig(KEY, 'administrator', APP, T0, 86400)).toBe(VECTOR_TLS_SIG);
		expect(makeSig({})).toBe(NPM_USERSIG);
		expect(makeSig({ level: 0 })).toBe(STORED_USERSIG);
	});

	it('accepts sigs from CompressionStream, zlib level 0 and Go key order', async () => {
		const stored = makeSig({ level: 0, expire: 3600 });
		expect(stored.startsWith('eAE')).toBe(true); // 78 01 header
		for (const sig of [
			await compressionStreamSig({ expire: 3600 }),
			stored,
			makeSig({ goOrder: true, level: 0 }),
		]) {
			const r = await call('openim/get_c2c_unread_msg_num', { To_Account: 'alice' }, { sig });
			expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, AllC2CUnreadMsgNum: 0 });
		}
	});

	it('accepts the other app with its own admin and key', async () => {
		const sig = makeSig({ appid: OTHER_APP, key: OTHER_KEY, id: 'boss' });
		const r = await call(
			'openim/sendmsg',
			{ To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') },
			{ sig, sdkappid: String(OTHER_APP), identifier: 'boss' },
		);
		expect(r.json.ErrorCode).toBe(0);
		expect(emu.messages[0]).toMatchObject({ From_Account: 'boss', sdkAppId: OTHER_APP });
	});

	const bad: Array<[string, () => CallOpts, number]> = [
		['missing usersig', () => ({ sig: null }), 70002],
		['empty usersig', () => ({ sig: '' }), 70002],
		['characters outside the alphabet', () => ({ sig: '!!!!' }), 70003],
		['standard-alphabet base64', () => ({ sig: stdSig() }), 70003],
		['base64 that is not zlib', () => ({ sig: tb64(Buffer.from('{"TLS.ver":"2.0"}')) }), 70003],
		['zlib of non-JSON', () => ({ sig: tb64(deflateSync(Buffer.from('not json'))) }), 70003],
		['truncated sig', () => ({ sig: makeSig({}).slice(0, 40) }), 70003],
		[
			'v1 sig (TLS.version, no TLS.ver)',
			() => ({
				sig: makeSig({
					doc: ({ 'TLS.ver': _v, ...d }) => ({ ...d, 'TLS.version': '201610110000' }),
				}),
			}),
			70003,
		],
		[
			'sdkappid as string in the doc',
			() => ({ sig: makeSig({ doc: (d) => ({ ...d, 'TLS.sdkappid': String(APP) }) }) }),
			70003,
		],
		['sig sdkappid differs from URL', () => ({ sig: makeSig({ appid: OTHER_APP }) }), 70014],
		['unknown app', () => ({ sig: makeSig({ appid: 1400009999 }), sdkappid: '1400009999' }), 70020],
		['identifier differs from sig', () => ({ sig: makeSig({ id: 'alice' }) }), 70013],
		['wrong key', () => ({ sig: makeSig({ key: OTHER_KEY }) }), 70009],
		[
			'tampered TLS.time',
			() => ({ sig: makeSig({ doc: (d) => ({ ...d, 'TLS.time': T0 + 5 }) }) }),
			70009,
		],
		['expired', () => ({ sig: makeSig({ time: T0 - 100, expire: 99 }) }), 70001],
		// order: identifier check precedes HMAC; HMAC precedes expiry
		[
			'identifier mismatch + wrong key',
			() => ({ sig: makeSig({ id: 'alice', key: OTHER_KEY }) }),
			70013,
		],
		[
			'wrong key + expired',
			() => ({ sig: makeSig({ key: OTHER_KEY, time: 1, expire: 1 }) }),
			70009,
		],
		['sdkappid mismatch + unknown app', () => ({ sig: makeSig({ appid: 1400009999 }) }), 70014],
		[
			'valid sig, identifier not an admin (openim)',
			() => ({ sig: makeSig({ id: 'alice' }), identifier: 'alice' }),
			90009,
		],
	];
	for (const [name, opts, code] of bad) {
		it(`${name} → ${code}`, async () => {
			const r = await call(
				'openim/sendmsg',
				{ To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') },
				opts(),
			);
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
			expect(typeof r.json.ErrorInfo).toBe('string');
			expect(emu.messages).toHaveLength(0);
		});
	}

	it('expiry boundary: valid at time+expire, expired one second later', async () => {
		const sig = makeSig({ time: T0 - 100, expire: 100 });
		expect(
			(await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] }, { sig }))
				.json.ErrorCode,
		).toBe(0);
		clockMs += 1000;
		expect(
			(await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] }, { sig }))
				.json.ErrorCode,
		).toBe(70001);
	});

	it('non-admin identifier on an account API → 70403', async () => {
		const r = await call(
			'im_open_login_svc/account_import',
			{ UserID: 'dave' },
			{ sig: makeSig({ id: 'alice' }), identifier: 'alice' },
		);
		expect(r.json.ErrorCode).toBe(70403);
		expect(emu.accounts.has('dave')).toBe(false);
	});
});

describe('routing and envelope', () => {
	it('non-POST → 60002, unknown command → 60009, missing sdkappid → 60012, bad random/contenttype → 60002', async () => {
		expect((await call('openim/sendmsg', undefined, { method: 'GET' })).json.ErrorCode).toBe(60002);
		expect((await call('openim/nosuch', {})).json.ErrorCode).toBe(60009);
		expect((await call('other/sendmsg', {})).json.ErrorCode).toBe(60009);
		expect((await call('openim/sendmsg', {}, { sdkappid: null })).json.ErrorCode).toBe(60012);
		expect((await call('openim/sendmsg', {}, { random: null })).json.ErrorCode).toBe(60002);
		expect((await call('openim/sendmsg', {}, { random: '4294967296' })).json.ErrorCode).toBe(60002);
		expect((await call('openim/sendmsg', {}, { contenttype: null })).json.ErrorCode).toBe(60002);
		expect((await call('openim/sendmsg', {}, { identifier: null })).json.ErrorCode).toBe(60004);
	});

	it('malformed JSON → 90001 on openim, 70402 on account APIs; HTTP status stays 200', async () => {
		const a = await call('openim/sendmsg', undefined, { raw: '{"To_Account":' });
		expect(a).toEqual({
			status: 200,
			json: {
				ActionStatus: 'FAIL',
				ErrorCode: 90001,
				ErrorInfo: 'Fail to Parse json data of body, Please check it',
			},
		});
		expect((await call('openim/sendmsg', undefined, { raw: '' })).json.ErrorCode).toBe(90001);
		expect((await call('openim/sendmsg', undefined, { raw: '[1]' })).json.ErrorCode).toBe(90001);
		expect(
			(await call('im_open_login_svc/account_import', undefined, { raw: 'nope' })).json.ErrorCode,
		).toBe(70402);
	});

	it('body of 8192 bytes is accepted, 8193 bytes → 93000', async () => {
		const base = { To_Account: 'bob', MsgRandom: 7, MsgBody: text('x'), CloudCustomData: '' };
		const pad = 8192 - Buffer.byteLength(JSON.stringify(base));
		const ok = JSON.stringify({ ...base, CloudCustomData: 'a'.repeat(pad) });
		expect(Buffer.byteLength(ok)).toBe(8192);
		expect((await call('openim/sendmsg', undefined, { raw: ok })).json.ErrorCode).toBe(0);
		const tooBig = JSON.stringify({ ...base, MsgRandom: 8, CloudCustomData: 'a'.repeat(pad + 1) });
		const r = await call('openim/sendmsg', undefined, { raw: tooBig });
		expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 93000 });
		expect(emu.messages).toHaveLength(1);
	});
});

describe('sendmsg', () => {
	it('stores the message and returns MsgTime and MsgKey = MsgSeq_MsgRandom_MsgTime', async () => {
		clockMs = (T0 + 42) * 1000 + 500;
		const r = await call('openim/sendmsg', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 77,
			MsgRandom: 123456,
			MsgBody: text('hi'),
			CloudCustomData: 'ccd',
			OfflinePushInfo: { PushFlag: 0, Desc: 'd' },
			SyncOtherMachine: 1,
			MsgLifeTime: 604800,
		});
		expect(r.json).toEqual({
			ActionStatus: 'OK',
			ErrorInfo: '',
			ErrorCode: 0,
			MsgTime: T0 + 42,
			MsgKey: `77_123456_${T0 + 42}`,
		});
		expect(emu.messages).toHaveLength(1);
		expect(emu.messages[0]).toMatchObject({
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 77,
			MsgRandom: 123456,
			MsgTime: T0 + 42,
			MsgKey: `77_123456_${T0 + 42}`,
			recalled: false,
			CloudCustomData: 'ccd',
			OfflinePushInfo: { PushFlag: 0, Desc: 'd' },
			SyncOtherMachine: 1,
			MsgBody: text('hi'),
		});
		expect(emu.unread('bob', 'alice')).toBe(1);
	});

	it('defaults From_Account to the admin and fills MsgSeq when absent', async () => {
		const r = await call('openim/sendmsg', { To_Account: 'bob', MsgRandom: 5, MsgBody: text('x') });
		const m = emu.messages[0];
		expect(m.From_Account).toBe('administrator');
		expect(Number.isInteger(m.MsgSeq)).toBe(true);
		expect(r.json.MsgKey).toBe(`${m.MsgSeq}_5_${T0}`);
	});

	it('refuses recipients and senders that were not imported with 20003', async () => {
		expect((await send('zed')).json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 20003 });
		expect((await send('bob', { From_Account: 'zed' })).json.ErrorCode).toBe(20003);
		expect(emu.messages).toHaveLength(0);
	});

	const invalid: Array<[string, Record<string, unknown>, number]> = [
		['To_Account missing', { To_Account: undefined }, 90003],
		['To_Account not a string', { To_Account: ['bob'] }, 90003],
		['MsgRandom missing', { MsgRandom: undefined }, 90005],
		['MsgRandom not an integer', { MsgRandom: '5' }, 90005],
		['MsgRandom above uint32', { MsgRandom: 4294967296 }, 90005],
		['MsgTimeStamp not an integer', { MsgTimeStamp: 'x' }, 90006],
		[
			'MsgBody not an array',
			{ MsgBody: { MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } } },
			90007,
		],
		['MsgBody empty', { MsgBody: [] }, 90002],
		['unknown MsgType', { MsgBody: [{ MsgType: 'TIMBogusElem', MsgContent: {} }] }, 90002],
		[
			'two custom elements',
			{
				MsgBody: [
					{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'a' } },
					{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'b' } },
				],
			},
			90002,
		],
		['MsgContent missing', { MsgBody: [{ MsgType: 'TIMTextElem' }] }, 90010],
		[
			'Text not a string',
			{ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 5 } }] },
			90010,
		],
		['MsgLifeTime > 7 days', { MsgLifeTime: 604801 }, 90026],
		['MsgLifeTime negative', { MsgLifeTime: -1 }, 90026],
		['MsgLifeTime not an integer', { MsgLifeTime: '60' }, 90044],
		['SyncOtherMachine 3', { SyncOtherMachine: 3 }, 90031],
		['SyncOtherMachine string', { SyncOtherMachine: '1' }, 90031],
		['MsgSeq negative', { MsgSeq: -1 }, 20001],
	];
	for (const [name, patch, code] of invalid) {
		it(`${name} → ${code}`, async () => {
			const body: Record<string, unknown> = {
				To_Account: 'bob',
				MsgRandom: 9,
				MsgBody: text('x'),
				...patch,
			};
			for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
			const r = await call('openim/sendmsg', body);
			expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
			expect(emu.messages).toHaveLength(0);
		});
	}

	const elements: Array<[string, Record<string, unknown>, string]> = [
		['TIMTextElem', { Text: 'hi' }, 'Text'],
		['TIMFaceElem', { Index: 1, Data: 'smile' }, 'Index'],
		['TIMLocationElem', { Desc: 'here', Latitude: 22.5, Longitude: 113.9 }, 'Latitude'],
		['TIMCustomElem', { Data: '{}', Desc: 'push' }, 'Data'],
		[
			'TIMImageElem',
			{
				UUID: 'u1',
				ImageFormat: 1,
				ImageInfoArray: [{ Type: 1, Size: 10, Width: 10, Height: 10, URL: 'https://x/i.jpg' }],
			},
			'ImageInfoArray',
		],
		[
			'TIMFileElem',
			{ Url: 'https://x/f', UUID: 'f1', FileSize: 1, FileName: 'f', Download_Flag: 2 },
			'Download_Flag',
		],
		[
			'TIMSoundElem',
			{ Url: 'https://x/s', UUID: 's1', Size: 1, Second: 2, Download_Flag: 2 },
			'UUID',
		],
		[
			'TIMVideoFileElem',
			{
				VideoUrl: 'https://x/v',
				VideoUUID: 'v1',
				VideoSize: 1,
				VideoSecond: 1,
				VideoFormat: 'mp4',
				VideoDownloadFlag: 2,
				ThumbUrl: 'https://x/t',
				ThumbUUID: 't1',
				ThumbSize: 1,
				ThumbWidth: 10,
				ThumbHeight: 10,
				ThumbFormat: 'JPG',
				ThumbDownloadFlag: 2,
			},
			'ThumbHeight',
		],
	];
	for (const [type, content, required] of elements) {
		it(`${type}: accepted when complete, 90010 without ${required}`, async () => {
			const good = await call('openim/sendmsg', {
				To_Account: 'bob',
				MsgRandom: 1,
				MsgBody: [{ MsgType: type, MsgContent: content }],
			});
			expect(good.json.ErrorCode).toBe(0);
			const { [required]: _omit, ...rest } = content;
			const badR = await call('openim/sendmsg', {
				To_Account: 'bob',
				MsgRandom: 2,
				MsgBody: [{ MsgType: type, MsgContent: rest }],
			});
			expect(badR.json.ErrorCode).toBe(90010);
			expect(emu.messages).toHaveLength(1);
		});
	}

	it('image elements need URL, Width and Height per image', async () => {
		const r = await call('openim/sendmsg', {
			To_Account: 'bob',
			MsgRandom: 1,
			MsgBody: [
				{
					MsgType: 'TIMImageElem',
					MsgContent: {
						UUID: 'u',
						ImageFormat: 1,
						ImageInfoArray: [{ Type: 1, Width: 1, Height: 1, url: 'lowercase' }],
					},
				},
			],
		});
		expect(r.json.ErrorCode).toBe(90010);
		expect(takeViolations()).toEqual([
			expect.stringContaining('unknown field url (did you mean URL?)'),
		]);
	});

	it('de-duplicates a resend within 120 s: same MsgKey/MsgTime, one stored copy, one unread', async () => {
		const body = {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgRandom: 555,
			MsgBody: text('once'),
		};
		const a = await call('openim/sendmsg', body);
		clockMs += 119_000;
		const b = await call('openim/sendmsg', body);
		expect(b.json).toEqual(a.json);
		expect(emu.messages).toHaveLength(1);
		expect(emu.unread('bob')).toBe(1);
		expect(emu.http.requests.at(-1)?.note).toBe('duplicate');
		// same MsgSeq given explicitly behaves the same
		const s1 = await call('openim/sendmsg', { ...body, MsgRandom: 556, MsgSeq: 3 });
		const s2 = await call('openim/sendmsg', { ...body, MsgRandom: 556, MsgSeq: 3 });
		expect(s2.json.MsgKey).toBe(s1.json.MsgKey);
		expect(emu.messages).toHaveLength(2);
	});

	it('is a new message after 120 s, or with a different MsgRandom, MsgSeq, sender or body', async () => {
		const body = {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgRandom: 555,
			MsgSeq: 1,
			MsgBody: text('once'),
		};
		const a = await call('openim/sendmsg', body);
		await call('openim/sendmsg', { ...body, MsgRandom: 556 });
		await call('openim/sendmsg', { ...body, MsgSeq: 2 });
		await call('openim/sendmsg', { ...body, From_Account: 'carol' });
		await call('openim/sendmsg', { ...body, MsgBody: text('twice') });
		expect(emu.messages).toHaveLength(5);
		clockMs += 120_000;
		const b = await call('openim/sendmsg', body);
		expect(b.json.MsgKey).not.toBe(a.json.MsgKey);
		expect(emu.messages).toHaveLength(6);
		expect(emu.http.requests.filter((r) => r.note === 'duplicate')).toHaveLength(0);
	});

	it('the key has no recipient: the same sender, MsgSeq, MsgRandom and content to someone else is dropped', async () => {
		const body = {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgRandom: 555,
			MsgSeq: 1,
			MsgBody: text('once'),
		};
		const a = await call('openim/sendmsg', body);
		clockMs += 5000;
		const b = await call('openim/sendmsg', { ...body, To_Account: 'carol' });
		expect(b.json).toEqual(a.json);
		expect(emu.messages.map((m) => m.To_Account)).toEqual(['bob']);
		expect(emu.http.requests.at(-1)?.note).toMatch(/^duplicate; violation: /);
		expect(takeViolations()).toEqual([
			expect.stringMatching(/repeat of 1_555_1700000000 .* carol never receive/),
		]);
	});
});

describe('unread, mark read and unread counts', () => {
	it('counts unread per pair, skips NoUnread and online-only messages', async () => {
		await send('bob', { From_Account: 'alice' });
		await send('bob', { From_Account: 'alice' });
		await send('bob', { From_Account: 'carol' });
		await send('bob', { From_Account: 'alice', SendMsgControl: ['NoUnread'] });
		await send('bob', { From_Account: 'alice', MsgLifeTime: 0 });
		await send('bob', { From_Account: 'alice', OnlineOnlyFlag: 1 });
		expect(emu.unread('bob')).toBe(3);
		expect(emu.unread('bob', 'alice')).toBe(2);
		expect(emu.unread('alice')).toBe(0);

		const all = await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob' });
		expect(all.json).toMatchObject({ ActionStatus: 'OK', AllC2CUnreadMsgNum: 3 });
		const per = await call('openim/get_c2c_unread_msg_num', {
			To_Account: 'bob',
			Peer_Account: ['alice', 'carol', 'ghost'],
		});
		expect(per.json.C2CUnreadMsgNumList).toEqual([
			{ Peer_Account: 'alice', C2CUnreadMsgNum: 2 },
			{ Peer_Account: 'carol', C2CUnreadMsgNum: 1 },
		]);
		expect(per.json.ErrorList).toEqual([{ Peer_Account: 'ghost', ErrorCode: 70107 }]);
		expect(
			(await call('openim/get_c2c_unread_msg_num', { To_Account: 'ghost' })).json.ErrorCode,
		).toBe(90003);
		const eleven = Array.from({ length: 11 }, () => 'alice');
		expect(
			(await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob', Peer_Account: eleven }))
				.json.ErrorCode,
		).toBe(20001);
	});

	it('admin_set_msg_read clears only that pair, up to MsgReadTime when given', async () => {
		await send('bob', { From_Account: 'alice' });
		clockMs += 10_000;
		await send('bob', { From_Account: 'alice' });
		await send('bob', { From_Account: 'carol' });
		const partial = await call('openim/admin_set_msg_read', {
			Report_Account: 'bob',
			Peer_Account: 'alice',
			MsgReadTime: String(T0 + 5),
		});
		expect(partial.json.ErrorCode).toBe(0);
		expect(emu.unread('bob', 'alice')).toBe(1);
		const r = await call('openim/admin_set_msg_read', {
			Report_Account: 'bob',
			Peer_Account: 'alice',
		});
		expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect(emu.unread('bob', 'alice')).toBe(0);
		expect(emu.unread('bob', 'carol')).toBe(1);
		// new messages count again
		await send('bob', { From_Account: 'alice' });
		expect(emu.unread('bob', 'alice')).toBe(1);
		expect(
			(await call('openim/admin_set_msg_read', { Report_Account: 'ghost', Peer_Account: 'alice' }))
				.json.ErrorCode,
		).toBe(90008);
		expect(
			(await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'ghost' }))
				.json.ErrorCode,
		).toBe(90003);
	});
});

describe('recall (admin_msgwithdraw)', () => {
	it('marks the message recalled, then 20023; unknown key 20022; malformed key 90054', async () => {
		const s = await send('bob', { From_Account: 'alice' });
		expect(emu.unread('bob')).toBe(1);
		const w = await call('openim/admin_msgwithdraw', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgKey: s.json.MsgKey,
		});
		expect(w.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect(emu.messages[0].recalled).toBe(true);
		expect(emu.unread('bob')).toBe(0);
		const again = await call('openim/admin_msgwithdraw', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgKey: s.json.MsgKey,
		});
		expect(again.json.ErrorCode).toBe(20023);
		expect(
			(
				await call('openim/admin_msgwithdraw', {
					From_Account: 'alice',
					To_Account: 'bob',
					MsgKey: '1_2_3',
				})
			).json.ErrorCode,
		).toBe(20022);
		// wrong direction does not find it
		expect(
			(
				await call('openim/admin_msgwithdraw', {
					From_Account: 'bob',
					To_Account: 'alice',
					MsgKey: s.json.MsgKey,
				})
			).json.ErrorCode,
		).toBe(20022);
		expect(
			(
				await call('openim/admin_msgwithdraw', {
					From_Account: 'alice',
					To_Account: 'bob',
					MsgKey: 'abc',
				})
			).json.ErrorCode,
		).toBe(90054);
		expect(
			(await call('openim/admin_msgwithdraw', { To_Account: 'bob', MsgKey: s.json.MsgKey })).json
				.ErrorCode,
		).toBe(90008);
		expect(
			(await call('openim/admin_msgwithdraw', { From_Account: 'alice', MsgKey: s.json.MsgKey }))
				.json.ErrorCode,
		).toBe(90003);

		const h = await call('openim/admin_getroammsg', {
			Operator_Account: 'bob',
			Peer_Account: 'alice',
			MaxCnt: 10,
			MinTime: 0,
			MaxTime: T0 + 10,
		});
		expect(h.json.MsgList[0]).toMatchObject({ MsgKey: s.json.MsgKey, MsgFlagBits: 8, MsgBody: [] });
	});
});

describe('history (admin_getroammsg)', () => {
	async function seed(n: number) {
		const keys: string[] = [];
		for (let i = 0; i < n; i++) {
			clockMs = (T0 + i) * 1000;
			const from = i % 2 === 0 ? 'alice' : 'bob';
			const to = from === 'alice' ? 'bob' : 'alice';
			const r = await call('openim/sendmsg', {
				From_Account: from,
				To_Account: to,
				MsgRandom: 100 + i,
				MsgSeq: i,
				MsgBody: text(`t${i}`),
				CloudCustomData: `c${i}`,
			});
			keys.push(r.json.MsgKey);
		}
		clockMs = (T0 + 100) * 1000;
		return keys;
	}

	it('pages newest first, ascending within a page, continuing with LastMsgTime/LastMsgKey until Complete', async () => {
		const keys = await seed(5);
		const req = {
			Operator_Account: 'alice',
			Peer_Account: 'bob',
			MaxCnt: 2,
			MinTime: T0,
			MaxTime: T0 + 100,
		};
		const p1 = await call('openim/admin_getroammsg', req);
		expect(p1.json).toMatchObject({
			ActionStatus: 'OK',
			Complete: 0,
			MsgCnt: 2,
			LastMsgTime: T0 + 3,
			LastMsgKey: keys[3],
		});
		expect(p1.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[3], keys[4]]);
		expect(p1.json.MsgList[1]).toEqual({
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 4,
			MsgRandom: 104,
			MsgTimeStamp: T0 + 4,
			MsgFlagBits: 0,
			IsPeerRead: 0,
			MsgKey: keys[4],
			MsgBody: text('t4'),
			CloudCustomData: 'c4',
		});
		const p2 = await call('openim/admin_getroammsg', {
			...req,
			MaxTime: p1.json.LastMsgTime,
			LastMsgKey: p1.json.LastMsgKey,
		});
		expect(p2.json).toMatchObject({ Complete: 0, MsgCnt: 2, LastMsgKey: keys[1] });
		expect(p2.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[1], keys[2]]);
		const p3 = await call('openim/admin_getroammsg', {
			...req,
			MaxTime: p2.json.LastMsgTime,
			LastMsgKey: p2.json.LastMsgKey,
		});
		expect(p3.json).toMatchObject({ Complete: 1, MsgCnt: 1, LastMsgKey: keys[0] });
		expect(p3.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[0]]);
	});

	it('exact fit is Complete; MinTime/MaxTime filter; empty page values', async () => {
		const keys = await seed(4);
		const all = await call('openim/admin_getroammsg', {
			Operator_Account: 'bob',
			Peer_Account: 'alice',
			MaxCnt: 4,
			MinTime: T0,
			MaxTime: T0 + 100,
		});
		expect(all.json).toMatchObject({ Complete: 1, MsgCnt: 4 });
		const win = await call('openim/admin_getroammsg', {
			Operator_Account: 'bob',
			Peer_Account: 'alice',
			MaxCnt: 10,
			MinTime: T0 + 1,
			MaxTime: T0 + 2,
		});
		expect(win.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[1], keys[2]]);
		const none = await call('openim/admin_getroammsg', {
			Operator_Account: 'bob',
			Peer_Account: 'carol',
			MaxCnt: 10,
			MinTime: 0,
			MaxTime: T0 + 100,
		});
		expect(none.json).toMatchObject({
			ActionStatus: 'OK',
			Complete: 1,
			MsgCnt: 0,
			LastMsgTime: 0,
			LastMsgKey: '',
			MsgList: [],
		});
	});

	it('orders messages of the same second by MsgSeq', async () => {
		await call('openim/sendmsg', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgRandom: 1,
			MsgSeq: 9,
			MsgBody: text('b'),
		});
		await call('openim/sendmsg', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgRandom: 2,
			MsgSeq: 3,
			MsgBody: text('a'),
		});
		const r = await call('openim/admin_getroammsg', {
			Operator_Account: 'alice',
			Peer_Account: 'bob',
			MaxCnt: 10,
			MinTime: 0,
			MaxTime: T0,
		});
		expect(r.json.MsgList.map((m: any) => m.MsgSeq)).toEqual([3, 9]);
	});

	it('SyncOtherMachine=2 hides the message from the sender side only; online-only messages are never listed', async () => {
		await send('bob', { From_Account: 'alice', SyncOtherMachine: 2 });
		await send('bob', { From_Account: 'alice', MsgLifeTime: 0 });
		const q = { MaxCnt: 10, MinTime: 0, MaxTime: T0 + 1 };
		expect(
			(
				await call('openim/admin_getroammsg', {
					...q,
					Operator_Account: 'alice',
					Peer_Account: 'bob',
				})
			).json.MsgCnt,
		).toBe(0);
		expect(
			(
				await call('openim/admin_getroammsg', {
					...q,
					Operator_Account: 'bob',
					Peer_Account: 'alice',
				})
			).json.MsgCnt,
		).toBe(1);
	});

	it('caps a page by size (Complete 0) and validates its fields', async () => {
		await emu.stop();
		emu = new TencentImEmulator({
			apps: [{ sdkAppId: APP, secretKey: KEY }],
			now: () => clockMs,
			roamPageBytes: 600,
		});
		await emu.start();
		emu.importAccount('alice');
		emu.importAccount('bob');
		for (let i = 0; i < 3; i++)
			await send('bob', { From_Account: 'alice', MsgBody: text('x'.repeat(250)) });
		const r = await call('openim/admin_getroammsg', {
			Operator_Account: 'bob',
			Peer_Account: 'alice',
			MaxCnt: 10,
			MinTime: 0,
			MaxTime: T0,
		});
		expect(r.json).toMatchObject({ Complete: 0, MsgCnt: 1 });
		expect(
			(
				await call('openim/admin_getroammsg', {
					Operator_Account: 'ghost',
					Peer_Account: 'alice',
					MaxCnt: 1,
					MinTime: 0,
					MaxTime: T0,
				})
			).json.ErrorCode,
		).toBe(90008);
		expect(
			(
				await call('openim/admin_getroammsg', {
					Operator_Account: 'bob',
					Peer_Account: 'ghost',
					MaxCnt: 1,
					MinTime: 0,
					MaxTime: T0,
				})
			).json.ErrorCode,
		).toBe(90003);
		expect(
			(
				await call('openim/admin_getroammsg', {
					Operator_Account: 'bob',
					Peer_Account: 'alice',
					MinTime: 0,
					MaxTime: T0,
				})
			).json.ErrorCode,
		).toBe(20001);
		// older field names are accepted
		expect(
			(
				await call('openim/admin_getroammsg', {
					From_Account: 'bob',
					To_Account: 'alice',
					MaxCnt: 10,
					MinTime: 0,
					MaxTime: T0,
				})
			).json.MsgCnt,
		).toBe(1);
	});
});

describe('batchsendmsg', () => {
	it('sends to imported recipients with one MsgKey and lists the others in ErrorList (70107)', async () => {
		const r = await call('openim/batchsendmsg', {
			From_Account: 'alice',
			To_Account: ['bob', 'ghost', 'carol'],
			MsgRandom: 9,
			MsgSeq: 4,
			MsgBody: text('all'),
		});
		expect(r.json).toEqual({
			ActionStatus: 'OK',
			ErrorInfo: '',
			ErrorCode: 0,
			MsgKey: `4_9_${T0}`,
			ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107 }],
		});
		expect(emu.messages.map((m) => m.To_Account)).toEqual(['bob', 'carol']);
		expect(emu.messages.every((m) => m.MsgKey === `4_9_${T0}` && m.batch)).toBe(true);
		expect(emu.unread('bob', 'alice')).toBe(1);
		const ok = await call('openim/batchsendmsg', {
			To_Account: ['bob'],
			MsgRandom: 10,
			MsgBody: text('x'),
		});
		expect(ok.json.ErrorList).toBeUndefined();
		expect(ok.json.ErrorCode).toBe(0);
	});

	it('all recipients unknown → 90012; more than 500 → 90011; not an array → 90003', async () => {
		expect(
			(
				await call('openim/batchsendmsg', {
					To_Account: ['x', 'y'],
					MsgRandom: 1,
					MsgBody: text('x'),
				})
			).json,
		).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90012 });
		const many = Array.from({ length: 501 }, (_, i) => `u${i}`);
		expect(
			(await call('openim/batchsendmsg', { To_Account: many, MsgRandom: 1, MsgBody: text('x') }))
				.json.ErrorCode,
		).toBe(90011);
		expect(
			(
				await call('openim/batchsendmsg', {
					To_Account: new Array<string>(500).fill('bob'),
					MsgRandom: 1,
					MsgBody: text('x'),
				})
			).json.ErrorCode,
		).toBe(0);
		expect(takeViolations()).toEqual([
			expect.stringMatching(/To_Account lists bob more than once$/),
		]);
		expect(
			(await call('openim/batchsendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') }))
				.json.ErrorCode,
		).toBe(90003);
		expect(
			(await call('openim/batchsendmsg', { To_Account: [], MsgRandom: 1, MsgBody: text('x') })).json
				.ErrorCode,
		).toBe(90003);
	});

	it('a resent batch is de-duplicated', async () => {
		const body = { To_Account: ['bob', 'carol'], MsgRandom: 31, MsgBody: text('x') };
		const a = await call('openim/batchsendmsg', body);
		clockMs += 2000;
		const b = await call('openim/batchsendmsg', body);
		expect(b.json.MsgKey).toBe(a.json.MsgKey);
		expect(emu.messages).toHaveLength(2);
	});

	it('enforces recipients per minute (sliding window) with 60007', async () => {
		await emu.stop();
		emu = new TencentImEmulator({
			apps: [{ sdkAppId: APP, secretKey: KEY }],
			now: () => clockMs,
			batchRecipientsPerMinute: 5,
		});
		await emu.start();
		for (const u of ['bob', 'carol', 'dave']) emu.importAccount(u);
		expect(
			(
				await call('openim/batchsendmsg', {
					To_Account: ['bob', 'carol', 'dave'],
					MsgRandom: 1,
					MsgBody: text('a'),
				})
			).json.ErrorCode,
		).toBe(0);
		clockMs += 30_000;
		const r = await call('openim/batchsendmsg', {
			To_Account: ['bob', 'carol', 'dave'],
			MsgRandom: 2,
			MsgBody: text('b'),
		});
		expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60007 });
		expect(emu.rateLimited).toBe(1);
		expect(
			(
				await call('openim/batchsendmsg', {
					To_Account: ['bob', 'carol'],
					MsgRandom: 3,
					MsgBody: text('c'),
				})
			).json.ErrorCode,
		).toBe(0);
		clockMs += 30_000; // the first batch leaves the window
		expect(
			(
				await call('openim/batchsendmsg', {
					To_Account: ['bob', 'carol', 'dave'],
					MsgRandom: 4,
					MsgBody: text('d'),
				})
			).json.ErrorCode,
		).toBe(0);
		expect(emu.messages).toHaveLength(8);
	});
});

describe('accounts', () => {
	it('imports idempotently and reports Imported/NotImported', async () => {
		expect(
			(await call('im_open_login_svc/account_import', { UserID: 'dave', Nick: 'D' })).json,
		).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect(
			(await call('im_open_login_svc/account_import', { UserID: 'dave' })).json.ErrorCode,
		).toBe(0);
		expect(emu.accounts.has('dave')).toBe(true);
		const r = await call('im_open_login_svc/account_check', {
			CheckItem: [{ UserID: 'dave' }, { UserID: 'erin' }, { UserID: 'administrator' }],
		});
		expect(r.json.ResultItem).toEqual([
			{ UserID: 'dave', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
			{ UserID: 'erin', ResultCode: 0, ResultInfo: '', AccountStatus: 'NotImported' },
			{ UserID: 'administrator', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
		]);
		expect(
			(await call('im_open_login_svc/account_import', { UserID: 'x'.repeat(33) })).json.ErrorCode,
		).toBe(70402);
		expect((await call('im_open_login_svc/account_import', {})).json.ErrorCode).toBe(70402);
		expect((await call('im_open_login_svc/account_check', { CheckItem: [] })).json.ErrorCode).toBe(
			70402,
		);
	});
});

describe('multiaccount_import', () => {
	const IMPORT = 'im_open_login_svc/multiaccount_import';
	const check = async (ids: string[]) =>
		(
			(
				await call('im_open_login_svc/account_check', {
					CheckItem: ids.map((UserID) => ({ UserID })),
				})
			).json.ResultItem as Array<{ AccountStatus: string }>
		).map((r) => r.AccountStatus);

	it('imports the listed UserIDs (up to 100) idempotently and answers an empty FailAccounts', async () => {
		const ids = Array.from({ length: 100 }, (_, n) => `u${n}`);
		expect((await call(IMPORT, { Accounts: ids })).json).toEqual({
			ActionStatus: 'OK',
			ErrorInfo: '',
			ErrorCode: 0,
			FailAccounts: [],
		});
		expect(ids.every((id) => emu.accounts.has(id))).toBe(true);
		expect((await call(IMPORT, { Accounts: ['u1', 'alice'] })).json).toMatchObject({
			ErrorCode: 0,
			FailAccounts: [],
		});
		expect(await check(['u0', 'u99', 'nobody'])).toEqual(['Imported', 'Imported', 'NotImported']);
	});

	it('takes the newer AccountList form, with Nick and FaceUrl', async () => {
		const r = await call(IMPORT, {
			AccountList: [
				{ UserID: 'dave', Nick: 'Dave', FaceUrl: 'https://x.example/d.png' },
				{ UserID: 'erin' },
			],
		});
		expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, FailAccounts: [] });
		expect(await check(['dave', 'erin'])).toEqual(['Imported', 'Imported']);
		expect(
			(await call(IMPORT, { AccountList: [{ UserID: 'x', Nick: 'n'.repeat(501) }] })).json
				.ErrorCode,
		).toBe(40601);
	});

	it('lists UserIDs it could not import in FailAccounts: empty, over 32 bytes, past the account quota', async () => {
		emu.accountQuota = emu.accounts.size + 2; // room for two more
		const r = await call(IMPORT, {
			Accounts: ['', 'x'.repeat(33), 'dave', 'alice', 'erin', 'frank'],
		});
		expect(r.json).toMatchObject({
			ActionStatus: 'OK',
			ErrorCode: 0,
			FailAccounts: ['', 'x'.repeat(33), 'frank'],
		});
		expect(await check(['dave', 'erin', 'frank'])).toEqual(['Imported', 'Imported', 'NotImported']);
		// account_import refuses past the quota; an account already imported is still fine
		expect(
			(await call('im_open_login_svc/account_import', { UserID: 'frank' })).json.ErrorCode,
		).toBe(70398);
		expect(
			(await call('im_open_login_svc/account_import', { UserID: 'alice' })).json.ErrorCode,
		).toBe(0);
	});

	it('refuses a missing, empty, too long or wrongly typed list with 70402', async () => {
		expect((await call(IMPORT, {})).json.ErrorCode).toBe(70402);
		expect((await call(IMPORT, { Accounts: [] })).json.ErrorCode).toBe(70402);
		expect(
			(await call(IMPORT, { Accounts: Array.from({ length: 101 }, (_, n) => `u${n}`) })).json
				.ErrorCode,
		).toBe(70402);
		expect((await call(IMPORT, { Accounts: 'alice,bob' })).json.ErrorCode).toBe(70402);
		expect((await call(IMPORT, { Accounts: [1, 2] })).json.ErrorCode).toBe(70402);
		expect((await call(IMPORT, { AccountList: [{ Nick: 'no id' }] })).json.ErrorCode).toBe(70402);
		expect((await call(IMPORT, {}, { raw: '{"Accounts":' })).json.ErrorCode).toBe(70402);
		expect(
			(
				await call(
					IMPORT,
					{ Accounts: ['dave'] },
					{ identifier: 'alice', sig: makeSig({ id: 'alice' }) },
				)
			).json.ErrorCode,
		).toBe(70403);
		expect(emu.accounts.has('dave')).toBe(false);
	});

	it('records what Tencent would take silently: an unknown field, a repeated UserID, both forms at once', async () => {
		expect((await call(IMPORT, { Accounts: ['dave'], Account: ['erin'] })).json.ErrorCode).toBe(0);
		expect(takeViolations()).toEqual([
			expect.stringMatching(
				/multiaccount_import: unknown field Account \(did you mean Accounts\?\)/,
			),
		]);
		expect((await call(IMPORT, { Accounts: ['dave', 'erin', 'dave'] })).json.ErrorCode).toBe(0);
		expect(takeViolations()).toEqual([expect.stringMatching(/lists dave more than once/)]);
		expect(
			(await call(IMPORT, { Accounts: ['gus'], AccountList: [{ UserID: 'hal' }] })).json.ErrorCode,
		).toBe(0);
		expect(takeViolations()).toEqual([expect.stringMatching(/both Accounts and AccountList/)]);
		expect(emu.accounts.has('gus') && emu.accounts.has('hal')).toBe(true);
	});

	it('allows 100 requests a second (other APIs keep 200)', async () => {
		const codes: number[] = [];
		for (let n = 0; n < 101; n++)
			codes.push((await call(IMPORT, { Accounts: [`u${n}`] })).json.ErrorCode);
		expect(codes.slice(0, 100).every((c) => c === 0)).toBe(true);
		expect(codes[100]).toBe(60007);
		expect(emu.accounts.has('u100')).toBe(false);
		expect(
			(await call('im_open_login_svc/account_import', { UserID: 'u100' })).json.ErrorCode,
		).toBe(0);
		clockMs += 1000;
		expect((await call(IMPORT, { Accounts: ['u101'] })).json.ErrorCode).toBe(0);
	});
});

describe('rate limit and faults', () => {
	it('refuses more than rateLimitPerSecond requests to one API within any 1 s window with 60007', async () => {
		await emu.stop();
		emu = new TencentImEmulator({
			apps: [{ sdkAppId: APP, secretKey: KEY }],
			now: () => clockMs,
			rateLimitPerSecond: 3,
		});
		await emu.start();
		emu.importAccount('bob');
		const codes: number[] = [];
		for (let i = 0; i < 3; i++) {
			codes.push((await send('bob')).json.ErrorCode);
			clockMs += 300;
		}
		codes.push((await send('bob')).json.ErrorCode); // 900 ms after the first
		expect(codes).toEqual([0, 0, 0, 60007]);
		expect(emu.rateLimited).toBe(1);
		// another API has its own budget
		expect(
			(await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob' })).json.ErrorCode,
		).toBe(0);
		clockMs += 101; // the first request (t=0) leaves the window
		expect((await send('bob')).json.ErrorCode).toBe(0);
		expect((await send('bob')).json.ErrorCode).toBe(60007);
		expect(emu.rateLimited).toBe(2);
		expect(emu.messages).toHaveLength(4);
	});

	it('HTTP faults via http.inject: 502 and a dropped connection', async () => {
		emu.http.inject({ fault: { kind: 'status', status: 502 } });
		const res = await fetch(
			`${emu.baseUrl}/v4/openim/sendmsg?sdkappid=${APP}&identifier=administrator&usersig=${makeSig({})}&random=1&contenttype=json`,
			{
				method: 'POST',
				body: JSON.stringify({ To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') }),
			},
		);
		expect(res.status).toBe(502);
		emu.http.inject({ fault: { kind: 'drop' } });
		await expect(send('bob')).rejects.toThrow();
		expect(emu.messages).toHaveLength(0);
		expect((await send('bob')).json.ErrorCode).toBe(0);
	});

	it.each([20004, 20005, 91000, 90992, 70169, 60008, 60007])(
		'injectErrorCode %i answers FAIL without effect',
		async (code) => {
			emu.injectErrorCode({ command: 'sendmsg', code, times: 2 });
			expect(
				(await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob' })).json.ErrorCode,
			).toBe(0);
			const a = await send('bob');
			const b = await send('bob');
			expect(a.status).toBe(200);
			expect(a.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
			expect(b.json.ErrorCode).toBe(code);
			expect(emu.messages).toHaveLength(0);
			expect((await send('bob')).json.ErrorCode).toBe(0);
			expect(emu.injectedErrors).toBe(2);
		},
	);

	it('injectErrorCode matches service/command and, without command, any API; auth errors still come first', async () => {
		emu.injectErrorCode({ command: 'openim/batchsendmsg', code: 20005 });
		expect((await send('bob')).json.ErrorCode).toBe(0);
		expect(
			(await call('openim/batchsendmsg', { To_Account: ['bob'], MsgRandom: 1, MsgBody: text('x') }))
				.json.ErrorCode,
		).toBe(20005);
		emu.injectErrorCode({ code: 91000 });
		expect(
			(await call('openim/sendmsg', {}, { sig: makeSig({ key: OTHER_KEY }) })).json.ErrorCode,
		).toBe(70009);
		expect(
			(await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] })).json
				.ErrorCode,
		).toBe(91000);
	});
});

// ---- every documented field, with its type ----

type Content = Record<string, any>;
const CDN = 'https://cdn.example.com';
const el = (MsgType: string, MsgContent: Content) => ({ MsgType, MsgContent });
/** One complete element of each MsgType, with every documented MsgContent field. */
const ELEMENT = {
	text: () => el('TIMTextElem', { Text: 'hi' }),
	location: () => el('TIMLocationElem', { Desc: 'office', Latitude: 22.54, Longitude: 113.93 }),
	face: () => el('TIMFaceElem', { Index: 1, Data: 'smile' }),
	custom: () =>
		el('TIMCustomElem', {
			Data: '{"k":1}',
			Desc: 'push text',
			Ext: 'https://x.example',
			Sound: 'ding.aiff',
		}),
	sound: () =>
		el('TIMSoundElem', {
			Url: `${CDN}/s.m4a`,
			UUID: 's1',
			Size: 62351,
			Second: 1,
			Download_Flag: 2,
		}),
	image: () =>
		el('TIMImageElem', {
			UUID: 'i1',
			ImageFormat: 1,
			ImageInfoArray: [1, 2, 3].map((Type) => ({
				Type,
				Size: 1853,
				Width: 640,
				Height: 480,
				URL: `${CDN}/i.jpg`,
			})),
		}),
	file: () =>
		el('TIMFileElem', {
			Url: `${CDN}/f.pdf`,
			UUID: 'f1',
			FileSize: 1773,
			FileName: 'f.pdf',
			Download_Flag: 2,
		}),
	video: () =>
		el('TIMVideoFileElem', {
			VideoUrl: `${CDN}/v.mp4`,
			VideoUUID: 'v1',
			VideoSize: 1194603,
			VideoSecond: 5,
			VideoFormat: 'mp4',
			VideoDownloadFlag: 2,
			ThumbUrl: `${CDN}/t.jpg`,
			ThumbUUID: 't1',
			ThumbSize: 13907,
			ThumbWidth: 720,
			ThumbHeight: 1280,
			ThumbFormat: 'JPG',
			ThumbDownloadFlag: 2,
		}),
	relay: () =>
		el('TIMRelayElem', {
			Title: 'Chat history',
			MsgNum: 2,
			CompatibleText: 'Upgrade to view merged messages',
			AbstractList: ['bob: hi', 'alice: a face'],
			MsgList: [
				{
					From_Account: 'bob',
					To_Account: 'alice',
					MsgSeq: 85,
					MsgRandom: 3998651049,
					MsgTimeStamp: T0 - 60,
					MsgBody: text('hi'),
				},
				{
					From_Account: 'alice',
					To_Account: 'bob',
					MsgSeq: 86,
					MsgRandom: 965790,
					MsgTimeStamp: T0 - 59,
					MsgBody: [ELEMENT.face()],
					CloudCustomData: 'c',
				},
			],
		}),
};
type Kind = keyof typeof ELEMENT;

/** OfflinePushInfo with every documented field, iOS and Android sounds set separately. */
const FULL_PUSH = () => ({
	PushFlag: 0,
	Title: 'title',
	Desc: 'push text',
	Ext: '{"k":1}',
	AndroidInfo: {
		Sound: 'android.mp3',
		PushStyle: 1,
		HuaWeiChannelID: 'hw',
		XiaoMiChannelID: 'mi',
		OPPOChannelID: 'oppo',
		GoogleChannelID: 'fcm',
		VIVOClassification: 1,
		VIVOCategory: 'IM',
		HuaWeiImportance: 'NORMAL',
		ExtAsHuaweiIntentParam: 0,
		HuaWeiCategory: 'IM',
		HuaWeiImage: `${CDN}/h.png`,
		HonorImage: `${CDN}/o.png`,
		HonorImportance: 'LOW',
		GoogleImage: `${CDN}/g.png`,
	},
	ApnsInfo: {
		Sound: 'apns.caf',
		BadgeMode: 1,
		Title: 'apns title',
		SubTitle: 'apns subtitle',
		Image: `${CDN}/a.png`,
		MutableContent: 1,
		InterruptionLevel: 'time-sensitive',
		ContentAvailable: 0,
	},
});

const msg = (MsgBody: unknown[], extra: Record<string, unknown> = {}) => ({
	To_Account: 'bob',
	MsgRandom: 9,
	MsgBody,
	...extra,
});
/** A sendmsg body with one element of `kind`, its MsgContent changed by `f`. */
const withContent = (kind: Kind, f: (c: Content) => void) => {
	const e = ELEMENT[kind]();
	f(e.MsgContent);
	return msg([e]);
};
/** A sendmsg body with FULL_PUSH changed by `f`. */
const withPush = (f: (p: Content) => void) => {
	const p: Content = FULL_PUSH();
	f(p);
	return msg(text('x'), { OfflinePushInfo: p });
};
const rename = (o: Content, from: string, to: string) => {
	o[to] = o[from];
	delete o[from];
};

/** [what, api, body, Tencent's error code, or the violation expected with an OK answer]. */
type Case = [string, string, () => Record<string, unknown>, number | RegExp];
function cases(list: Case[]): void {
	for (const [label, api, body, expected] of list) {
		it(`${label} → ${typeof expected === 'number' ? expected : 'OK + violation'}`, async () => {
			const r = await call(api, body());
			const got = takeViolations();
			if (typeof expected === 'number') {
				expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: expected });
				expect(emu.messages).toHaveLength(0);
			} else {
				expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
				expect(got).toEqual([expect.stringMatching(expected)]);
			}
		});
	}
}

const SEND = 'openim/sendmsg';
const BATCH = 'openim/batchsendmsg';
const ROAM = 'openim/admin_getroammsg';
const READ = 'openim/admin_set_msg_read';
const roam = (extra: Record<string, unknown> = {}) => ({
	Operator_Account: 'alice',
	Peer_Account: 'bob',
	MaxCnt: 10,
	MinTime: 0,
	MaxTime: T0,
	...extra,
});

describe('documented fields are accepted without a violation', () => {
	it('sendmsg with every top-level field, every element type and a full OfflinePushInfo', async () => {
		const body = {
			SyncOtherMachine: 1,
			From_Account: 'alice',
			To_Account: 'bob',
			MsgLifeTime: 604800,
			OnlineOnlyFlag: 0,
			MsgSeq: 93847636,
			MsgRandom: 1287657,
			MsgTimeStamp: T0,
			ForbidCallbackControl: ['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'],
			SendMsgControl: ['NoUnread', 'NoLastMsg', 'WithMuteNotifications', 'NoMsgCheck'],
			MsgBody: Object.values(ELEMENT).map((make) => make()),
			CloudCustomData: 'your cloud custom data',
			SupportMessageExtension: 0,
			OfflinePushInfo: FULL_PUSH(),
			IsNeedReadReceipt: 1,
		};
		expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(8192);
		const r = await call(SEND, body);
		expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect(emu.messages[0].MsgBody).toEqual(body.MsgBody);
		expect(emu.violations).toEqual([]);
	});

	it('batchsendmsg with every field it documents', async () => {
		const r = await call(BATCH, {
			SyncOtherMachine: 2,
			From_Account: 'alice',
			To_Account: ['bob', 'carol'],
			MsgLifeTime: 60,
			OnlineOnlyFlag: 0,
			MsgSeq: 1,
			MsgRandom: 2,
			MsgBody: [ELEMENT.text(), ELEMENT.custom()],
			CloudCustomData: 'ccd',
			SendMsgControl: ['NoLastMsg'],
			OfflinePushInfo: FULL_PUSH(),
			IsNeedReadReceipt: 0,
		});
		expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgKey: `1_2_${T0}` });
		expect(emu.messages).toHaveLength(2);
	});

	it('the official SDK forms: digit strings for VIVOClassification and MsgReadTime, From/To_Account in history', async () => {
		expect(
			(
				await call(
					SEND,
					withPush((p) => (p.AndroidInfo.VIVOClassification = '0')),
				)
			).json.ErrorCode,
		).toBe(0);
		const read = { Report_Account: 'bob', Peer_Account: 'alice', MsgReadTime: String(T0) };
		expect((await call(READ, read)).json.ErrorCode).toBe(0);
		const history = {
			From_Account: 'bob',
			To_Account: 'alice',
			MaxCnt: 1,
			MinTime: 0,
			MaxTime: T0,
		};
		expect((await call(ROAM, history)).json.ErrorCode).toBe(0);
	});

	it('a merged forward may carry JsonMsgKey instead of MsgList', async () => {
		const r = await call(
			SEND,
			withContent('relay', (c) => {
				delete c.MsgList;
				c.JsonMsgKey = 'a1b2c3';
			}),
		);
		expect(r.json.ErrorCode).toBe(0);
	});
});

describe('misspelt or unknown fields: Tencent ignores them, so they are recorded', () => {
	cases([
		[
			'TIMCustomElem Desc renamed',
			SEND,
			() => withContent('custom', (c) => rename(c, 'Desc', 'Description')),
			/TIMCustomElem.*unknown field Description/,
		],
		[
			'TIMCustomElem Ext renamed',
			SEND,
			() => withContent('custom', (c) => rename(c, 'Ext', 'Extension')),
			/TIMCustomElem.*unknown field Extension/,
		],
		[
			'TIMCustomElem Sound misspelt',
			SEND,
			() => withContent('custom', (c) => rename(c, 'Sound', 'Sond')),
			/unknown field Sond \(did you mean Sound\?\)/,
		],
		[
			'TIMSoundElem Size renamed',
			SEND,
			() => withContent('sound', (c) => rename(c, 'Size', 'FileSize')),
			/TIMSoundElem.*unknown field FileSize/,
		],
		[
			'TIMSoundElem Second renamed',
			SEND,
			() => withContent('sound', (c) => rename(c, 'Second', 'Seconds')),
			/unknown field Seconds \(did you mean Second\?\)/,
		],
		[
			'ImageInfoArray Size renamed',
			SEND,
			() => withContent('image', (c) => rename(c.ImageInfoArray[0], 'Size', 'ImageSize')),
			/ImageInfoArray\[0\]: unknown field ImageSize/,
		],
		[
			'ImageInfoArray Type renamed',
			SEND,
			() => withContent('image', (c) => rename(c.ImageInfoArray[1], 'Type', 'type')),
			/ImageInfoArray\[1\]: unknown field type \(did you mean Type\?\)/,
		],
		[
			'an extra key next to MsgType/MsgContent',
			SEND,
			() => msg([{ ...ELEMENT.text(), Desc: 'x' }]),
			/MsgBody\[0\]: unknown field Desc/,
		],
		[
			'OfflinePushInfo.Desc renamed',
			SEND,
			() => withPush((p) => rename(p, 'Desc', 'Description')),
			/OfflinePushInfo: unknown field Description/,
		],
		[
			'OfflinePushInfo.Ext renamed',
			SEND,
			() => withPush((p) => rename(p, 'Ext', 'Extra')),
			/OfflinePushInfo: unknown field Extra/,
		],
		[
			'one Sound for both platforms on OfflinePushInfo',
			SEND,
			() => withPush((p) => (p.Sound = 'ding.caf')),
			/OfflinePushInfo: unknown field Sound/,
		],
		[
			'ApnsInfo.BadgeMode renamed',
			SEND,
			() => withPush((p) => rename(p.ApnsInfo, 'BadgeMode', 'Badge')),
			/ApnsInfo: unknown field Badge\b/,
		],
		[
			'ApnsInfo.Sound renamed',
			SEND,
			() => withPush((p) => rename(p.ApnsInfo, 'Sound', 'SoundFile')),
			/ApnsInfo: unknown field SoundFile/,
		],
		[
			'AndroidInfo.Sound renamed',
			SEND,
			() => withPush((p) => rename(p.AndroidInfo, 'Sound', 'sound')),
			/AndroidInfo: unknown field sound \(did you mean Sound\?\)/,
		],
		[
			'AndroidInfo.OPPOChannelID cased wrong',
			SEND,
			() => withPush((p) => rename(p.AndroidInfo, 'OPPOChannelID', 'OppoChannelID')),
			/did you mean OPPOChannelID\?/,
		],
		[
			'AndroidInfo.HuaWeiChannelID cased wrong',
			SEND,
			() => withPush((p) => rename(p.AndroidInfo, 'HuaWeiChannelID', 'HuaweiChannelID')),
			/did you mean HuaWeiChannelID\?/,
		],
		[
			'sendmsg CloudCustomData misspelt',
			SEND,
			() => msg(text('x'), { CloudCustomDate: 'x' }),
			/sendmsg: unknown field CloudCustomDate \(did you mean CloudCustomData\?\)/,
		],
		[
			'sendmsg SyncOtherMachine cased wrong',
			SEND,
			() => msg(text('x'), { syncOtherMachine: 2 }),
			/did you mean SyncOtherMachine\?/,
		],
		[
			'batchsendmsg ForbidCallbackControl (sendmsg only)',
			BATCH,
			() => ({
				...msg(text('x')),
				To_Account: ['bob'],
				ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'],
			}),
			/batchsendmsg: unknown field ForbidCallbackControl/,
		],
		[
			'batchsendmsg MsgTimeStamp (sendmsg only)',
			BATCH,
			() => ({ ...msg(text('x')), To_Account: ['bob'], MsgTimeStamp: T0 }),
			/batchsendmsg: unknown field MsgTimeStamp/,
		],
		[
			'batchsendmsg SupportMessageExtension (sendmsg only)',
			BATCH,
			() => ({ ...msg(text('x')), To_Account: ['bob'], SupportMessageExtension: 0 }),
			/unknown field SupportMessageExtension/,
		],
		[
			'admin_set_msg_read MsgReadTime renamed',
			READ,
			() => ({ Report_Account: 'bob', Peer_Account: 'alice', ReadTime: T0 }),
			/admin_set_msg_read: unknown field ReadTime/,
		],
		[
			'admin_getroammsg LastMsgKey cased wrong',
			ROAM,
			() => roam({ LastMsgkey: '1_2_3' }),
			/did you mean LastMsgKey\?/,
		],
		[
			'get_c2c_unread_msg_num Peer_Account misspelt',
			'openim/get_c2c_unread_msg_num',
			() => ({ To_Account: 'bob', Peer_Accounts: ['alice'] }),
			/did you mean Peer_Account\?/,
		],
		[
			'account_import Nick renamed',
			'im_open_login_svc/account_import',
			() => ({ UserID: 'dave', Nickname: 'D' }),
			/account_import: unknown field Nickname/,
		],
		[
			'account_import in the old Identifier form',
			'im_open_login_svc/account_import',
			() => ({ UserID: 'dave', Identifier: 'dave' }),
			/unknown field Identifier/,
		],
		[
			'account_check item with an extra field',
			'im_open_login_svc/account_check',
			() => ({ CheckItem: [{ UserID: 'bob', Nick: 'B' }] }),
			/CheckItem\[0\]: unknown field Nick/,
		],
	]);

	it('admin_msgwithdraw with an extra field still recalls', async () => {
		const s = await send('bob', { From_Account: 'alice' });
		const recall = { From_Account: 'alice', To_Account: 'bob', MsgKey: s.json.MsgKey, MsgSeq: 1 };
		const w = await call('openim/admin_msgwithdraw', recall);
		expect(w.json.ErrorCode).toBe(0);
		expect(emu.messages[0].recalled).toBe(true);
		expect(takeViolations()).toEqual([
			expect.stringMatching(/admin_msgwithdraw: unknown field MsgSeq/),
		]);
	});

	it('the message with an ignored field is still stored as sent', async () => {
		await call(
			SEND,
			withContent('custom', (c) => rename(c, 'Desc', 'Description')),
		);
		expect(emu.messages).toHaveLength(1);
		expect(takeViolations()).toHaveLength(1);
	});
});

describe('renamed required fields and wrong types: Tencent refuses', () => {
	afterEach(() => {
		takeViolations(); // a rename also records its unknown name; the refusal is what is checked
	});
	cases([
		[
			'TIMVideoFileElem VideoSize renamed (the official SDK requires it)',
			SEND,
			() => withContent('video', (c) => rename(c, 'VideoSize', 'VideoBytes')),
			90010,
		],
		[
			'TIMVideoFileElem VideoSecond missing (SDK)',
			SEND,
			() => withContent('video', (c) => delete c.VideoSecond),
			90010,
		],
		[
			'TIMVideoFileElem ThumbFormat missing (SDK)',
			SEND,
			() => withContent('video', (c) => delete c.ThumbFormat),
			90010,
		],
		[
			'TIMVideoFileElem VideoSize as a string',
			SEND,
			() => withContent('video', (c) => (c.VideoSize = '1194603')),
			90010,
		],
		[
			'TIMVideoFileElem VideoUrl renamed',
			SEND,
			() => withContent('video', (c) => rename(c, 'VideoUrl', 'VideoURL')),
			90010,
		],
		[
			'TIMLocationElem Desc renamed (SDK requires it)',
			SEND,
			() => withContent('location', (c) => rename(c, 'Desc', 'Description')),
			90010,
		],
		[
			'TIMLocationElem Latitude as a string',
			SEND,
			() => withContent('location', (c) => (c.Latitude = '22.54')),
			90010,
		],
		[
			'TIMFaceElem Data missing (SDK)',
			SEND,
			() => withContent('face', (c) => delete c.Data),
			90010,
		],
		[
			'TIMFaceElem Index not an integer',
			SEND,
			() => withContent('face', (c) => (c.Index = 1.5)),
			90010,
		],
		[
			'TIMCustomElem Desc not a string',
			SEND,
			() => withContent('custom', (c) => (c.Desc = 5)),
			90010,
		],
		[
			'TIMCustomElem Ext as an object',
			SEND,
			() => withContent('custom', (c) => (c.Ext = { url: 'x' })),
			90010,
		],
		[
			'TIMSoundElem Size as a string',
			SEND,
			() => withContent('sound', (c) => (c.Size = '62351')),
			90010,
		],
		[
			'TIMSoundElem Download_Flag 1',
			SEND,
			() => withContent('sound', (c) => (c.Download_Flag = 1)),
			90010,
		],
		[
			'TIMFileElem FileName renamed (SDK requires it)',
			SEND,
			() => withContent('file', (c) => rename(c, 'FileName', 'Name')),
			90010,
		],
		[
			'TIMFileElem FileSize missing (SDK)',
			SEND,
			() => withContent('file', (c) => delete c.FileSize),
			90010,
		],
		[
			'TIMImageElem ImageFormat missing (SDK)',
			SEND,
			() => withContent('image', (c) => delete c.ImageFormat),
			90010,
		],
		[
			'TIMImageElem ImageInfoArray empty',
			SEND,
			() => withContent('image', (c) => (c.ImageInfoArray = [])),
			90010,
		],
		[
			'ImageInfoArray URL cased as Url',
			SEND,
			() => withContent('image', (c) => rename(c.ImageInfoArray[0], 'URL', 'Url')),
			90010,
		],
		[
			'ImageInfoArray Size as a string',
			SEND,
			() => withContent('image', (c) => (c.ImageInfoArray[2].Size = '12535')),
			90010,
		],
		[
			'ImageInfoArray item not an object',
			SEND,
			() => withContent('image', (c) => (c.ImageInfoArray = ['https://x/i.jpg'])),
			90010,
		],
		[
			'OfflinePushInfo not an object',
			SEND,
			() => msg(text('x'), { OfflinePushInfo: 'push' }),
			90010,
		],
		['OfflinePushInfo.Desc not a string', SEND, () => withPush((p) => (p.Desc = 5)), 90010],
		[
			'ApnsInfo.BadgeMode as a string',
			SEND,
			() => withPush((p) => (p.ApnsInfo.BadgeMode = '1')),
			90010,
		],
		[
			'AndroidInfo as an array',
			SEND,
			() => withPush((p) => (p.AndroidInfo = [{ Sound: 'a.mp3' }])),
			90010,
		],
		[
			'AndroidInfo.XiaoMiChannelID as a number',
			SEND,
			() => withPush((p) => (p.AndroidInfo.XiaoMiChannelID = 1)),
			90010,
		],
		[
			'CloudCustomData as an object',
			SEND,
			() => msg(text('x'), { CloudCustomData: { a: 1 } }),
			20001,
		],
		[
			'SendMsgControl as a string',
			SEND,
			() => msg(text('x'), { SendMsgControl: 'NoUnread' }),
			20001,
		],
		[
			'IsNeedReadReceipt as a boolean',
			SEND,
			() => msg(text('x'), { IsNeedReadReceipt: true }),
			20001,
		],
		[
			'SupportMessageExtension 2',
			SEND,
			() => msg(text('x'), { SupportMessageExtension: 2 }),
			20001,
		],
		['From_Account empty', SEND, () => msg(text('x'), { From_Account: '' }), 20001],
		[
			'nested forwarded element with a wrong type',
			SEND,
			() => withContent('relay', (c) => (c.MsgList[0].MsgBody = [el('TIMTextElem', { Text: 1 })])),
			90010,
		],
		[
			'nested forwarded element of an unknown type',
			SEND,
			() => withContent('relay', (c) => (c.MsgList[1].MsgBody = [el('TIMHologram', {})])),
			90002,
		],
		[
			'forwarded message without MsgBody',
			SEND,
			() => withContent('relay', (c) => delete c.MsgList[0].MsgBody),
			90010,
		],
		[
			'merged forward with neither MsgList nor JsonMsgKey',
			SEND,
			() => withContent('relay', (c) => delete c.MsgList),
			90010,
		],
		[
			'TIMRelayElem AbstractList as a string',
			SEND,
			() => withContent('relay', (c) => (c.AbstractList = 'bob: hi')),
			90010,
		],
		['admin_getroammsg MaxCnt as a string', ROAM, () => roam({ MaxCnt: '10' }), 20001],
		[
			'admin_getroammsg MinTime as a date string',
			ROAM,
			() => roam({ MinTime: '2023-11-14' }),
			20001,
		],
		['admin_getroammsg without MaxTime', ROAM, () => roam({ MaxTime: undefined }), 20001],
		[
			'admin_set_msg_read MsgReadTime as a date string',
			READ,
			() => ({ Report_Account: 'bob', Peer_Account: 'alice', MsgReadTime: '2023-11-14' }),
			20001,
		],
		[
			'get_c2c_unread_msg_num Peer_Account as a string',
			'openim/get_c2c_unread_msg_num',
			() => ({ To_Account: 'bob', Peer_Account: 'alice' }),
			20001,
		],
		[
			'account_import Nick as a number',
			'im_open_login_svc/account_import',
			() => ({ UserID: 'dave', Nick: 5 }),
			70402,
		],
		[
			'account_import Nick over 500 bytes',
			'im_open_login_svc/account_import',
			() => ({ UserID: 'dave', Nick: 'n'.repeat(501) }),
			40601,
		],
		[
			'account_check UserID cased as UserId',
			'im_open_login_svc/account_check',
			() => ({ CheckItem: [{ UserId: 'bob' }] }),
			70402,
		],
		[
			'account_check item not an object',
			'im_open_login_svc/account_check',
			() => ({ CheckItem: ['bob'] }),
			70402,
		],
	]);
});

describe('values outside the documented sets are answered but recorded', () => {
	cases([
		[
			'ApnsInfo.BadgeMode 2',
			SEND,
			() => withPush((p) => (p.ApnsInfo.BadgeMode = 2)),
			/ApnsInfo\.BadgeMode: 2 is not one of 0, 1/,
		],
		[
			'ApnsInfo.InterruptionLevel unknown',
			SEND,
			() => withPush((p) => (p.ApnsInfo.InterruptionLevel = 'urgent')),
			/InterruptionLevel: "urgent"/,
		],
		[
			'ApnsInfo.MutableContent 2',
			SEND,
			() => withPush((p) => (p.ApnsInfo.MutableContent = 2)),
			/MutableContent: 2/,
		],
		['OfflinePushInfo.PushFlag 2', SEND, () => withPush((p) => (p.PushFlag = 2)), /PushFlag: 2/],
		[
			'AndroidInfo.HuaWeiImportance HIGH',
			SEND,
			() => withPush((p) => (p.AndroidInfo.HuaWeiImportance = 'HIGH')),
			/HuaWeiImportance: "HIGH" is not one of "LOW", "NORMAL"/,
		],
		[
			'AndroidInfo.HonorImportance low',
			SEND,
			() => withPush((p) => (p.AndroidInfo.HonorImportance = 'low')),
			/HonorImportance: "low"/,
		],
		[
			'AndroidInfo.VIVOClassification 2',
			SEND,
			() => withPush((p) => (p.AndroidInfo.VIVOClassification = 2)),
			/VIVOClassification: 2/,
		],
		[
			'AndroidInfo.HuaWeiImage over http',
			SEND,
			() => withPush((p) => (p.AndroidInfo.HuaWeiImage = 'http://cdn.example.com/h.png')),
			/HuaWeiImage .* is not an https:\/\/ URL/,
		],
		[
			'SendMsgControl with an unknown value',
			SEND,
			() => msg(text('x'), { SendMsgControl: ['NoUnRead'] }),
			/SendMsgControl: "NoUnRead" is not one of/,
		],
		[
			'ForbidCallbackControl with an unknown value',
			SEND,
			() => msg(text('x'), { ForbidCallbackControl: ['ForbidBefore'] }),
			/ForbidCallbackControl: "ForbidBefore"/,
		],
		[
			'TIMImageElem ImageFormat 5',
			SEND,
			() => withContent('image', (c) => (c.ImageFormat = 5)),
			/ImageFormat: 5 is not one of 1, 2, 3, 4, 255/,
		],
		[
			'ImageInfoArray Type 4',
			SEND,
			() => withContent('image', (c) => (c.ImageInfoArray[0].Type = 4)),
			/ImageInfoArray\[0\]\.Type: 4/,
		],
		[
			'ImageInfoArray URL that is not a URL',
			SEND,
			() => withContent('image', (c) => (c.ImageInfoArray[0].URL = 'cdn/i.jpg')),
			/URL "cdn\/i.jpg" is not an http\(s\):\/\/ URL/,
		],
		[
			'TIMFileElem UUID empty',
			SEND,
			() => withContent('file', (c) => (c.UUID = '')),
			/\(TIMFileElem\)\.MsgContent\.UUID is empty/,
		],
		[
			'TIMVideoFileElem ThumbWidth negative',
			SEND,
			() => withContent('video', (c) => (c.ThumbWidth = -1)),
			/ThumbWidth -1 is outside 0/,
		],
		[
			'TIMLocationElem Latitude 91',
			SEND,
			() => withContent('location', (c) => (c.Latitude = 91)),
			/Latitude 91 is outside -90..90/,
		],
		[
			'TIMRelayElem MsgNum not matching MsgList',
			SEND,
			() => withContent('relay', (c) => (c.MsgNum = 3)),
			/MsgNum is 3 but MsgList holds 2/,
		],
		[
			'TIMRelayElem with both MsgList and JsonMsgKey',
			SEND,
			() => withContent('relay', (c) => (c.JsonMsgKey = 'k')),
			/both MsgList and JsonMsgKey/,
		],
		[
			'forwarded message with neither To_Account nor GroupId',
			SEND,
			() => withContent('relay', (c) => delete c.MsgList[0].To_Account),
			/MsgList\[0\] names neither To_Account/,
		],
		[
			'forwarded message with an unknown field',
			SEND,
			() => withContent('relay', (c) => (c.MsgList[1].MsgTime = T0)),
			/MsgList\[1\]: unknown field MsgTime/,
		],
		[
			'admin_getroammsg naming both Operator_Account and From_Account',
			ROAM,
			() => roam({ From_Account: 'alice' }),
			/names both Operator_Account and From_Account/,
		],
		[
			'admin_getroammsg with MinTime after MaxTime',
			ROAM,
			() => roam({ MinTime: T0 + 1 }),
			/MinTime 1700000001 is after MaxTime/,
		],
	]);
});

describe('times are Unix seconds', () => {
	it('sendmsg MsgTimeStamp in milliseconds → 90006', async () => {
		const r = await call(SEND, msg(text('x'), { MsgTimeStamp: T0 * 1000 }));
		expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90006 });
		expect(r.json.ErrorInfo).toMatch(/milliseconds/);
		expect(emu.messages).toHaveLength(0);
	});

	it('MsgReadTime in milliseconds, number or string, is answered (all becomes read) but recorded', async () => {
		await send('bob', { From_Account: 'alice' });
		clockMs += 10_000;
		await send('bob', { From_Account: 'alice' });
		const r = await call(READ, {
			Report_Account: 'bob',
			Peer_Account: 'alice',
			MsgReadTime: T0 * 1000,
		});
		expect(r.json.ErrorCode).toBe(0);
		expect(emu.unread('bob', 'alice')).toBe(0);
		expect(takeViolations()).toEqual([
			expect.stringMatching(/MsgReadTime 1700000000000 looks like milliseconds/),
		]);
		await call(READ, {
			Report_Account: 'bob',
			Peer_Account: 'alice',
			MsgReadTime: String(T0 * 1000),
		});
		expect(takeViolations()).toEqual([
			expect.stringMatching(/MsgReadTime 1700000000000 looks like milliseconds/),
		]);
		// seconds are fine and read only up to then
		await send('bob', { From_Account: 'alice' });
		await call(READ, { Report_Account: 'bob', Peer_Account: 'alice', MsgReadTime: T0 });
		expect(emu.unread('bob', 'alice')).toBe(1);
	});

	it('admin_getroammsg MinTime/MaxTime in milliseconds are recorded', async () => {
		await send('bob', { From_Account: 'alice' });
		const r = await call(ROAM, roam({ MinTime: (T0 - 60) * 1000, MaxTime: (T0 + 60) * 1000 }));
		expect(r.json.ErrorCode).toBe(0);
		expect(r.json.MsgCnt).toBe(0); // as Tencent: nothing lies after a millisecond MinTime
		expect(takeViolations()).toEqual([
			expect.stringMatching(/MinTime 1699999940000 looks like milliseconds/),
			expect.stringMatching(/MaxTime 1700000060000 looks like milliseconds/),
		]);
	});

	it('a forwarded message with MsgTimeStamp in milliseconds is recorded', async () => {
		const r = await call(
			SEND,
			withContent('relay', (c) => (c.MsgList[0].MsgTimeStamp = (T0 - 60) * 1000)),
		);
		expect(r.json.ErrorCode).toBe(0);
		expect(takeViolations()).toEqual([
			expect.stringMatching(/MsgList\[0\]\.MsgTimeStamp \d+ looks like milliseconds/),
		]);
	});
});

describe('duplicate check: sender, MsgSeq, MsgRandom and content for 120 s, recipients not included', () => {
	const news = (To_Account: string[], MsgRandom = 41) => ({
		From_Account: 'alice',
		To_Account,
		MsgRandom,
		MsgSeq: 7,
		MsgBody: text('news'),
	});

	it("a second batchsendmsg reusing the first call's MsgRandom/MsgSeq for others is dropped as a repeat", async () => {
		for (const id of ['dave', 'erin']) emu.importAccount(id);
		const first = await call(BATCH, news(['bob', 'carol']));
		expect(first.json).toMatchObject({ ErrorCode: 0, MsgKey: `7_41_${T0}` });
		clockMs += 3000;
		const second = await call(BATCH, news(['dave', 'erin']));
		expect(second.json).toEqual({
			ActionStatus: 'OK',
			ErrorInfo: '',
			ErrorCode: 0,
			MsgKey: `7_41_${T0}`,
		});
		expect(emu.http.requests.at(-1)?.note).toMatch(/^duplicate/);
		expect(emu.messages.map((m) => m.To_Account)).toEqual(['bob', 'carol']);
		expect(emu.unread('dave')).toBe(0);
		expect(takeViolations()).toEqual([
			expect.stringMatching(/repeat of 7_41_1700000000 .*dave, erin never receive it$/),
		]);
		// each call with its own MsgRandom is a message of its own
		const third = await call(BATCH, news(['dave', 'erin'], 42));
		expect(third.json.MsgKey).toBe(`7_42_${T0 + 3}`);
		expect(emu.messages.map((m) => m.To_Account)).toEqual(['bob', 'carol', 'dave', 'erin']);
	});

	it('a retry of the same batch call is the same message: first MsgKey, stored once, no violation', async () => {
		emu.http.inject({ fault: { kind: 'dropAfterHandling' } });
		await expect(call(BATCH, news(['bob', 'ghost', 'carol']))).rejects.toThrow();
		expect(emu.messages).toHaveLength(2);
		clockMs += 2000;
		const retry = await call(BATCH, news(['bob', 'ghost', 'carol']));
		expect(retry.json).toEqual({
			ActionStatus: 'OK',
			ErrorInfo: '',
			ErrorCode: 0,
			MsgKey: emu.messages[0].MsgKey,
			ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107 }],
		});
		expect(emu.http.requests.at(-1)?.note).toBe('duplicate');
		expect(emu.messages).toHaveLength(2);
		expect(emu.unread('bob')).toBe(1);
	});

	it('a retry carrying only some of the recipients is still the same message', async () => {
		await call(BATCH, news(['bob', 'carol']));
		const retry = await call(BATCH, news(['carol']));
		expect(retry.json.MsgKey).toBe(`7_41_${T0}`);
		expect(emu.http.requests.at(-1)?.note).toBe('duplicate');
		expect(emu.messages).toHaveLength(2);
	});

	it('sendmsg and batchsendmsg share the key', async () => {
		await call(BATCH, news(['bob', 'carol']));
		const one = await call(SEND, { ...news([]), To_Account: 'carol' });
		expect(one.json).toMatchObject({ ErrorCode: 0, MsgKey: `7_41_${T0}`, MsgTime: T0 });
		expect(emu.http.requests.at(-1)?.note).toBe('duplicate');
		expect(emu.messages).toHaveLength(2);
	});

	it('the window runs 120 s from the first send; another sender or other content is another message', async () => {
		await call(BATCH, news(['bob']));
		await call(BATCH, { ...news(['bob']), From_Account: 'carol' });
		await call(BATCH, { ...news(['bob']), MsgBody: text('other news') });
		expect(emu.messages).toHaveLength(3);
		clockMs += 119_999;
		await call(BATCH, news(['bob']));
		expect(emu.messages).toHaveLength(3);
		clockMs += 1;
		const late = await call(BATCH, news(['bob']));
		expect(late.json.MsgKey).toBe(`7_41_${T0 + 120}`);
		expect(emu.messages).toHaveLength(4);
	});
});

// ---- third-party callbacks (inbound.md §2) ----------------------------------------------------------------------

interface Hit {
	method: string;
	path: string;
	query: Record<string, string>;
	/** Query parameter names in the order received. */
	keys: string[];
	headers: http.IncomingHttpHeaders;
	text: string;
	body: unknown;
}

interface Answer {
	status?: number;
	/** Raw answer text; the OK envelope when absent. */
	body?: string;
}

const OK_ENVELOPE = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };

/** The app backend: a loopback server that records every callback and answers as told (held while the gate is shut). */
class Receiver {
	readonly hits: Hit[] = [];
	answer: (hit: Hit) => Answer = () => ({});
	url = '';
	private gate?: { promise: Promise<void>; open: () => void };
	private readonly server = http.createServer((req, res) => void this.onRequest(req, res));

	async start(path = '/im/callback'): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
	}

	async stop(): Promise<void> {
		this.open();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Hold every answer until open(). */
	shut(): void {
		let open = () => {};
		const promise = new Promise<void>((resolve) => (open = resolve));
		this.gate = { promise, open };
	}

	open(): void {
		this.gate?.open();
		this.gate = undefined;
	}

	/** Hits of one command, in arrival order. */
	of(command: string): Hit[] {
		return this.hits.filter((h) => h.query.CallbackCommand === command);
	}

	private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const text = Buffer.concat(chunks).toString('utf8');
		const u = new URL(req.url ?? '/', 'http://receiver');
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		const hit: Hit = {
			method: req.method ?? '',
			path: u.pathname,
			query: Object.fromEntries(u.searchParams),
			keys: [...u.searchParams.keys()],
			headers: req.headers,
			text,
			body,
		};
		this.hits.push(hit);
		const a = this.answer(hit);
		if (this.gate) await this.gate.promise;
		if (res.destroyed) return;
		res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
		res.end(a.body ?? JSON.stringify(OK_ENVELOPE));
	}
}

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const TOKEN = 'callback-token';
const BEFORE = 'C2C.CallbackBeforeSendMsg';
const AFTER = 'C2C.CallbackAfterSendMsg';
const WITHDRAW = 'C2C.CallbackAfterMsgWithDraw';
const REPORT = 'C2C.CallbackAfterMsgReport';
const ALL = [BEFORE, AFTER, WITHDRAW, REPORT];
const QUERY_ORDER = [
	'SdkAppid',
	'CallbackCommand',
	'contenttype',
	'ClientIP',
	'OptPlatform',
	'RequestTime',
	'Sign',
];

/** The query Tencent appends; with a token, RequestTime and a Sign computed here, independently of the emulator. */
function expectedQuery(
	command: string,
	o: { time?: number; token?: string | null; app?: number } = {},
) {
	const q: Record<string, string> = {
		SdkAppid: String(o.app ?? APP),
		CallbackCommand: command,
		contenttype: 'json',
		ClientIP: '127.0.0.1',
		OptPlatform: 'RESTAPI',
	};
	const token = o.token === undefined ? TOKEN : o.token;
	if (token !== null) {
		const t = String(o.time ?? T0);
		q.RequestTime = t;
		q.Sign = sha256hex(token + t);
	}
	return q;
}

describe('third-party callbacks', () => {
	let rx: Receiver;
	beforeEach(async () => {
		rx = new Receiver();
		await rx.start();
	});
	afterEach(async () => {
		rx.open();
		await emu.settle();
		await rx.stop();
	});

	const tick = (commands: string[] = ALL, extra: Record<string, unknown> = {}) =>
		emu.setCallback(APP, { url: rx.url, token: TOKEN, commands, ...extra });

	it('the signer reproduces the official vector (sha256 of token + RequestTime)', () => {
		const vector = '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061';
		expect(tencentImCallbackSign('xxxxyyyy', 1669872112)).toBe(vector);
		expect(tencentImCallbackSign('xxxxyyyy', '1669872112')).toBe(vector);
		expect(sha256hex('xxxxyyyy1669872112')).toBe(vector);
		expect(Object.values(TENCENT_IM_CALLBACK).sort()).toEqual([...ALL].sort());
	});

	it('C2C.CallbackAfterSendMsg: a JSON POST after sendmsg, with the whole query and body', async () => {
		await send('bob', { From_Account: 'carol' }); // before any callback is configured: bob has 1 unread
		tick([AFTER]);
		clockMs = (T0 + 42) * 1000 + 300;
		const r = await call('openim/sendmsg', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 77,
			MsgRandom: 123456,
			MsgBody: text('hi'),
			CloudCustomData: 'ccd',
		});
		expect(r.json).toEqual({ ...OK_ENVELOPE, MsgTime: T0 + 42, MsgKey: `77_123456_${T0 + 42}` });
		await emu.settle();
		expect(rx.hits).toHaveLength(1);
		const [h] = rx.hits;
		expect(h.method).toBe('POST');
		expect(h.path).toBe('/im/callback');
		expect(h.headers['content-type']).toBe('application/json');
		expect(h.keys).toEqual(QUERY_ORDER);
		expect(h.query).toEqual(expectedQuery(AFTER, { time: T0 + 42 }));
		expect(h.body).toEqual({
			CallbackCommand: AFTER,
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 77,
			MsgRandom: 123456,
			MsgTime: T0 + 42,
			MsgKey: `77_123456_${T0 + 42}`,
			OnlineOnlyFlag: 0,
			SendMsgResult: 0,
			ErrorInfo: 'send msg succeed',
			UnreadMsgNum: 2,
			MsgBody: text('hi'),
			CloudCustomData: 'ccd',
		});
		expect(emu.callbacks).toEqual([
			{
				sdkAppId: APP,
				command: AFTER,
				url: `${rx.url}?${new URLSearchParams(h.query).toString()}`,
				query: h.query,
				body: h.body,
				status: 200,
				answer: OK_ENVELOPE,
				done: true,
			},
		]);
	});

	it('without a token there is no RequestTime or Sign; server-filled MsgSeq, online-only, no CloudCustomData', async () => {
		emu.setCallback(APP, { url: rx.url, commands: [AFTER] });
		const r = await call('openim/sendmsg', {
			To_Account: 'bob',
			MsgRandom: 9,
			MsgBody: text('x'),
			OnlineOnlyFlag: 1,
		});
		await emu.settle();
		expect(rx.hits).toHaveLength(1);
		expect(rx.hits[0].keys).toEqual(QUERY_ORDER.slice(0, 5));
		expect(rx.hits[0].query).toEqual(expectedQuery(AFTER, { token: null }));
		expect(rx.hits[0].body).toEqual({
			CallbackCommand: AFTER,
			From_Account: 'administrator',
			To_Account: 'bob',
			MsgSeq: expect.any(Number),
			MsgRandom: 9,
			MsgTime: T0,
			MsgKey: expect.stringMatching(new RegExp(`^\\d+_9_${T0}$`)),
			OnlineOnlyFlag: 1,
			SendMsgResult: 0,
			ErrorInfo: 'send msg succeed',
			UnreadMsgNum: 0,
			MsgBody: text('x'),
		});
		expect((rx.hits[0].body as Record<string, unknown>).MsgKey).toBe(r.json.MsgKey);
	});

	it('RequestTime follows the emulator clock and every Sign verifies', async () => {
		tick([AFTER]);
		await send('bob');
		clockMs += 61_000;
		await send('bob');
		await emu.settle();
		expect(rx.hits.map((h) => h.query.RequestTime)).toEqual([String(T0), String(T0 + 61)]);
		for (const h of rx.hits) expect(h.query.Sign).toBe(sha256hex(TOKEN + h.query.RequestTime));
		expect(rx.hits[0].query.Sign).not.toBe(rx.hits[1].query.Sign);
	});

	it('the REST answer does not wait for an after-callback', async () => {
		tick([AFTER]);
		rx.shut();
		const r = await send('bob');
		expect(r.json.ErrorCode).toBe(0);
		expect(emu.callbacks).toHaveLength(1);
		expect(emu.callbacks[0]).toMatchObject({ command: AFTER, done: false });
		expect(emu.callbacks[0].status).toBeUndefined();
		rx.open();
		await emu.settle();
		expect(emu.callbacks[0]).toMatchObject({ status: 200, answer: OK_ENVELOPE, done: true });
	});

	it('batchsendmsg never calls back, even with every callback ticked', async () => {
		tick(ALL);
		const r = await call('openim/batchsendmsg', {
			To_Account: ['alice', 'bob'],
			MsgRandom: 5,
			MsgBody: text('b'),
		});
		expect(r.json.ErrorCode).toBe(0);
		await emu.settle();
		expect(rx.hits).toEqual([]);
		expect(emu.callbacks).toEqual([]);
		// the same configuration does call back for sendmsg
		await send('bob');
		await emu.settle();
		expect(rx.hits.map((h) => h.query.CallbackCommand)).toEqual([BEFORE, AFTER]);
	});

	it('only the ticked commands fire; removing the configuration stops them', async () => {
		tick([]);
		const s1 = await send('bob', { From_Account: 'alice' });
		await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'alice' });
		await emu.settle();
		expect(rx.hits).toEqual([]);

		tick([WITHDRAW]);
		const s2 = await send('bob', { From_Account: 'alice' });
		await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'alice' });
		await call('openim/admin_msgwithdraw', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgKey: s1.json.MsgKey,
		});
		await emu.settle();
		expect(rx.hits.map((h) => h.query.CallbackCommand)).toEqual([WITHDRAW]);

		emu.setCallback(APP, undefined);
		await call('openim/admin_msgwithdraw', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgKey: s2.json.MsgKey,
		});
		await emu.settle();
		expect(rx.hits).toHaveLength(1);
	});

	it('sendmsg ForbidCallbackControl suppresses the named callback', async () => {
		tick(ALL);
		const only = async (forbid: string[]) => {
			rx.hits.length = 0;
			expect((await send('bob', { ForbidCallbackControl: forbid })).json.ErrorCode).toBe(0);
			await emu.settle();
			return rx.hits.map((h) => h.query.CallbackCommand);
		};
		expect(await only(['ForbidBeforeSendMsgCallback'])).toEqual([AFTER]);
		expect(await only(['ForbidAfterSendMsgCallback'])).toEqual([BEFORE]);
		expect(await only(['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'])).toEqual([]);
		expect(await only([])).toEqual([BEFORE, AFTER]);
		expect(emu.messages).toHaveLength(4);
	});

	it('C2C.CallbackBeforeSendMsg is awaited before the message is stored; ErrorCode 0 allows it', async () => {
		tick([BEFORE, AFTER]);
		let storedWhenAsked = -1;
		rx.answer = (h) => {
			if (h.query.CallbackCommand === BEFORE) storedWhenAsked = emu.messages.length;
			return { body: JSON.stringify(OK_ENVELOPE) };
		};
		clockMs = (T0 + 7) * 1000;
		const r = await call('openim/sendmsg', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 12,
			MsgRandom: 34,
			MsgBody: text('before'),
			CloudCustomData: 'cc',
		});
		expect(r.json).toEqual({ ...OK_ENVELOPE, MsgTime: T0 + 7, MsgKey: `12_34_${T0 + 7}` });
		expect(storedWhenAsked).toBe(0);
		await emu.settle();
		expect(rx.hits.map((h) => h.query.CallbackCommand)).toEqual([BEFORE, AFTER]);
		const [before, after] = rx.hits;
		expect(before.keys).toEqual(QUERY_ORDER);
		expect(before.query).toEqual(expectedQuery(BEFORE, { time: T0 + 7 }));
		expect(before.headers['content-type']).toBe('application/json');
		expect(before.body).toEqual({
			CallbackCommand: BEFORE,
			From_Account: 'alice',
			To_Account: 'bob',
			MsgSeq: 12,
			MsgRandom: 34,
			MsgTime: T0 + 7,
			MsgKey: `12_34_${T0 + 7}`,
			OnlineOnlyFlag: 0,
			MsgBody: text('before'),
			CloudCustomData: 'cc',
		});
		expect(after.body).toMatchObject({
			MsgKey: `12_34_${T0 + 7}`,
			MsgBody: text('before'),
			UnreadMsgNum: 1,
		});
		expect(emu.messages).toHaveLength(1);
		expect(emu.callbacks.map((c) => [c.command, c.status])).toEqual([
			[BEFORE, 200],
			[AFTER, 200],
		]);
	});

	it('ErrorCode 1 refuses: the sender gets 20006, nothing is stored, no after-send callback', async () => {
		tick([BEFORE, AFTER]);
		rx.answer = () => ({
			body: JSON.stringify({ ActionStatus: 'OK', ErrorInfo: 'no', ErrorCode: 1 }),
		});
		const r = await send('bob', { From_Account: 'alice' });
		expect(r.json).toEqual({
			ActionStatus: 'FAIL',
			ErrorCode: 20006,
			ErrorInfo: expect.any(String),
		});
		await emu.settle();
		expect(emu.messages).toEqual([]);
		expect(emu.unread('bob')).toBe(0);
		expect(rx.hits.map((h) => h.query.CallbackCommand)).toEqual([BEFORE]);
		expect(emu.callbacks[0].answer).toEqual({ ActionStatus: 'OK', ErrorInfo: 'no', ErrorCode: 1 });
	});

	it('an ErrorCode in 120001–130000 refuses with that code and ErrorInfo; another code refuses with 20006 and is recorded', async () => {
		tick([BEFORE]);
		rx.answer = () => ({
			body: JSON.stringify({
				ActionStatus: 'OK',
				ErrorInfo: 'blocked by the bot',
				ErrorCode: 120001,
			}),
		});
		expect((await send('bob')).json).toEqual({
			ActionStatus: 'FAIL',
			ErrorCode: 120001,
			ErrorInfo: 'blocked by the bot',
		});
		rx.answer = () => ({
			body: JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 7 }),
		});
		expect((await send('bob')).json.ErrorCode).toBe(20006);
		expect(takeViolations()).toEqual([expect.stringContaining('answered ErrorCode 7')]);
		expect(emu.messages).toEqual([]);
	});

	it('ErrorCode 2 drops silently: the sender sees success, nothing is stored or counted', async () => {
		tick([BEFORE, AFTER]);
		rx.answer = () => ({
			body: JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 2 }),
		});
		const r = await call('openim/sendmsg', {
			To_Account: 'bob',
			MsgSeq: 1,
			MsgRandom: 2,
			MsgBody: text('gone'),
		});
		expect(r.json).toEqual({ ...OK_ENVELOPE, MsgTime: T0, MsgKey: `1_2_${T0}` });
		await emu.settle();
		expect(emu.messages).toEqual([]);
		expect(emu.unread('bob')).toBe(0);
		expect(rx.hits.map((h) => h.query.CallbackCommand)).toEqual([BEFORE]);
		expect(emu.http.requests.at(-1)?.note).toBe(`dropped by ${BEFORE}`);
	});

	it('MsgBody and CloudCustomData in the answer replace the message, also in history and the after-send callback', async () => {
		tick([BEFORE, AFTER]);
		rx.answer = (h) =>
			h.query.CallbackCommand === BEFORE
				? {
						body: JSON.stringify({
							...OK_ENVELOPE,
							MsgBody: text('[censored]'),
							CloudCustomData: 'rewritten',
						}),
					}
				: {};
		const r = await send('bob', {
			From_Account: 'alice',
			MsgBody: text('bad word'),
			CloudCustomData: 'orig',
		});
		expect(r.json.ErrorCode).toBe(0);
		await emu.settle();
		expect((rx.of(BEFORE)[0].body as Record<string, unknown>).MsgBody).toEqual(text('bad word'));
		expect(emu.messages[0]).toMatchObject({
			MsgBody: text('[censored]'),
			CloudCustomData: 'rewritten',
		});
		expect(rx.of(AFTER)[0].body).toMatchObject({
			MsgBody: text('[censored]'),
			CloudCustomData: 'rewritten',
		});
		const h = await call('openim/admin_getroammsg', {
			Operator_Account: 'bob',
			Peer_Account: 'alice',
			MaxCnt: 10,
			MinTime: 0,
			MaxTime: T0 + 10,
		});
		expect(h.json.MsgList[0]).toMatchObject({
			MsgBody: text('[censored]'),
			CloudCustomData: 'rewritten',
		});
	});

	it('an invalid replacement is ignored and recorded', async () => {
		tick([BEFORE]);
		rx.answer = () => ({
			body: JSON.stringify({ ...OK_ENVELOPE, MsgBody: [], CloudCustomData: 5 }),
		});
		expect(
			(await send('bob', { MsgBody: text('kept'), CloudCustomData: 'kept' })).json.ErrorCode,
		).toBe(0);
		expect(emu.messages[0]).toMatchObject({ MsgBody: text('kept'), CloudCustomData: 'kept' });
		expect(takeViolations()).toEqual([
			expect.stringContaining('answer MsgBody is ignored'),
			expect.stringContaining('answer CloudCustomData is not a string'),
		]);
	});

	it('no answer within timeoutMs: the message goes through unchanged, the callback is recorded as a timeout', async () => {
		tick([BEFORE, AFTER], { timeoutMs: 150 });
		rx.shut();
		const started = Date.now();
		const r = await send('bob', { MsgBody: text('late') });
		const took = Date.now() - started;
		expect(r.json.ErrorCode).toBe(0);
		expect(took).toBeGreaterThanOrEqual(140);
		expect(took).toBeLessThan(1500);
		rx.open();
		await emu.settle();
		expect(emu.messages[0].MsgBody).toEqual(text('late'));
		expect(emu.callbacks.map((c) => [c.command, c.error, c.status])).toEqual([
			[BEFORE, 'timeout', undefined],
			[AFTER, undefined, 200],
		]);
		expect(takeViolations()).toEqual([
			expect.stringContaining(`${BEFORE} callback to ${rx.url}: no answer within 150 ms`),
		]);
	});

	it('the default timeout is 2 s', async () => {
		tick([BEFORE]);
		rx.shut();
		const started = Date.now();
		expect((await send('bob')).json.ErrorCode).toBe(0);
		const took = Date.now() - started;
		expect(took).toBeGreaterThanOrEqual(1900);
		expect(took).toBeLessThan(3500);
		expect(emu.messages).toHaveLength(1);
		expect(takeViolations()).toEqual([expect.stringContaining('no answer within 2000 ms')]);
	}, 10_000);

	it('an answer that is not HTTP 200 with a JSON ErrorCode counts as no callback, and is recorded', async () => {
		tick([BEFORE]);
		const answers: Answer[] = [
			{ body: '<html>oops</html>' },
			{ status: 500, body: JSON.stringify({ ...OK_ENVELOPE, ErrorCode: 1 }) },
			{ body: '{}' },
		];
		for (const a of answers) {
			rx.answer = () => a;
			expect((await send('bob')).json.ErrorCode).toBe(0);
		}
		expect(emu.messages).toHaveLength(3);
		expect(emu.callbacks.map((c) => c.answer)).toEqual([
			'<html>oops</html>',
			{ ...OK_ENVELOPE, ErrorCode: 1 },
			{},
		]);
		expect(takeViolations()).toEqual([
			expect.stringContaining('the answer is not a JSON object'),
			expect.stringContaining('answered HTTP 500'),
			expect.stringContaining('the answer has no integer ErrorCode'),
		]);
	});

	it('C2C.CallbackAfterMsgWithDraw after admin_msgwithdraw', async () => {
		const s1 = await send('bob', { From_Account: 'alice' });
		await send('bob', { From_Account: 'carol' });
		tick([WITHDRAW]);
		clockMs += 30_000;
		const w = await call('openim/admin_msgwithdraw', {
			From_Account: 'alice',
			To_Account: 'bob',
			MsgKey: s1.json.MsgKey,
		});
		expect(w.json.ErrorCode).toBe(0);
		// a refused recall (already recalled) calls nothing
		expect(
			(
				await call('openim/admin_msgwithdraw', {
					From_Account: 'alice',
					To_Account: 'bob',
					MsgKey: s1.json.MsgKey,
				})
			).json.ErrorCode,
		).toBe(20023);
		await emu.settle();
		expect(rx.hits).toHaveLength(1);
		expect(rx.hits[0].keys).toEqual(QUERY_ORDER);
		expect(rx.hits[0].query).toEqual(expectedQuery(WITHDRAW, { time: T0 + 30 }));
		expect(rx.hits[0].headers['content-type']).toBe('application/json');
		expect(rx.hits[0].body).toEqual({
			CallbackCommand: WITHDRAW,
			From_Account: 'alice',
			To_Account: 'bob',
			MsgKey: s1.json.MsgKey,
			UnreadMsgNum: 1,
		});
		expect(emu.callbacks[0]).toMatchObject({ command: WITHDRAW, status: 200, answer: OK_ENVELOPE });
	});

	it('C2C.CallbackAfterMsgReport after admin_set_msg_read', async () => {
		await send('bob', { From_Account: 'alice' });
		clockMs += 10_000;
		await send('bob', { From_Account: 'alice' });
		await send('bob', { From_Account: 'carol' });
		tick([REPORT]);
		clockMs = (T0 + 20) * 1000;
		await call('openim/admin_set_msg_read', {
			Report_Account: 'bob',
			Peer_Account: 'alice',
			MsgReadTime: String(T0 + 5),
		});
		await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'alice' });
		await emu.settle();
		expect(rx.hits.map((h) => h.query)).toEqual([
			expectedQuery(REPORT, { time: T0 + 20 }),
			expectedQuery(REPORT, { time: T0 + 20 }),
		]);
		expect(rx.hits.map((h) => h.body)).toEqual([
			{
				CallbackCommand: REPORT,
				Report_Account: 'bob',
				Peer_Account: 'alice',
				LastReadTime: T0 + 5,
				UnreadMsgNum: 2,
			},
			{
				CallbackCommand: REPORT,
				Report_Account: 'bob',
				Peer_Account: 'alice',
				LastReadTime: T0 + 20,
				UnreadMsgNum: 1,
			},
		]);
		// a refused report calls nothing
		expect(
			(await call('openim/admin_set_msg_read', { Report_Account: 'ghost', Peer_Account: 'alice' }))
				.json.ErrorCode,
		).toBe(90008);
		await emu.settle();
		expect(rx.hits).toHaveLength(2);
	});

	it('after-callback answers are recorded; a bad one is a violation, an unreachable URL only an error', async () => {
		tick([AFTER]);
		rx.answer = () => ({ body: 'thanks' });
		expect((await send('bob')).json.ErrorCode).toBe(0);
		await emu.settle();
		expect(emu.callbacks[0]).toMatchObject({ status: 200, answer: 'thanks', done: true });
		expect(takeViolations()).toEqual([
			`${AFTER} callback to ${rx.url}: the answer is not a JSON object: "thanks"; Tencent ignores it`,
		]);

		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		emu.setCallback(APP, { url: `http://127.0.0.1:${port}/cb`, commands: [AFTER] });
		expect((await send('bob')).json.ErrorCode).toBe(0);
		await emu.settle();
		expect(emu.callbacks[1]).toMatchObject({
			done: true,
			error: expect.stringMatching(/ECONNREFUSED/),
		});
		expect(emu.callbacks[1].status).toBeUndefined();
		expect(emu.messages).toHaveLength(2);
	});

	it('a repeat within the duplicate window calls no callback', async () => {
		tick(ALL);
		const body = { To_Account: 'bob', MsgRandom: 77, MsgBody: text('same') };
		const a = await call('openim/sendmsg', body);
		const b = await call('openim/sendmsg', body);
		expect(b.json.MsgKey).toBe(a.json.MsgKey);
		await emu.settle();
		expect(rx.hits.map((h) => h.query.CallbackCommand)).toEqual([BEFORE, AFTER]);
	});

	it('the configured URL keeps its own query; each app has its own URL', async () => {
		emu.setCallback(APP, { url: `${rx.url}?route=tim&x=1`, token: TOKEN, commands: [AFTER] });
		emu.setCallback(OTHER_APP, { url: `${rx.url}?app=other`, commands: [AFTER] });
		await send('bob');
		const other = {
			sdkappid: String(OTHER_APP),
			identifier: 'boss',
			sig: makeSig({ appid: OTHER_APP, key: OTHER_KEY, id: 'boss' }),
		};
		expect(
			(await call('openim/sendmsg', { To_Account: 'bob', MsgRandom: 3, MsgBody: text('o') }, other))
				.json.ErrorCode,
		).toBe(0);
		await emu.settle();
		expect(rx.hits.map((h) => h.keys)).toEqual([
			['route', 'x', ...QUERY_ORDER],
			['app', ...QUERY_ORDER.slice(0, 5)],
		]);
		expect(rx.hits[0].query).toEqual({ route: 'tim', x: '1', ...expectedQuery(AFTER) });
		expect(rx.hits[1].query).toEqual({
			app: 'other',
			...expectedQuery(AFTER, { app: OTHER_APP, token: null }),
		});
		expect(rx.hits[1].body).toMatchObject({ From_Account: 'boss', To_Account: 'bob' });
		expect(emu.callbacks.map((c) => c.sdkAppId)).toEqual([APP, OTHER_APP]);
	});

	it('the app config can carry the callback; clientIp is an option', async () => {
		const saved = emu;
		emu = new TencentImEmulator({
			apps: [
				{
					sdkAppId: APP,
					secretKey: KEY,
					callback: { url: rx.url, token: TOKEN, commands: [AFTER], clientIp: '203.0.113.9' },
				},
			],
			now: () => clockMs,
		});
		try {
			await emu.start();
			emu.importAccount('bob');
			expect((await send('bob')).json.ErrorCode).toBe(0);
			await emu.settle();
			expect(rx.hits[0].query).toEqual({ ...expectedQuery(AFTER), ClientIP: '203.0.113.9' });
			expect(emu.violations).toEqual([]);
		} finally {
			await emu.stop();
			emu = saved;
		}
	});

	it('pushCallback posts any callback body, ticked or not, with the given OptPlatform and ClientIP', async () => {
		await expect(emu.pushCallback(APP, { CallbackCommand: 'State.StateChange' })).rejects.toThrow(
			/no callback URL/,
		);
		tick([]);
		const body = {
			CallbackCommand: 'State.StateChange',
			EventTime: 1629883332497,
			Info: { Action: 'Login', To_Account: 'alice', Reason: 'Register' },
		};
		const rec = await emu.pushCallback(APP, body, { optPlatform: 'IOS', clientIp: '10.0.0.8' });
		expect(rec).toMatchObject({
			command: 'State.StateChange',
			status: 200,
			answer: OK_ENVELOPE,
			done: true,
		});
		expect(rx.hits).toHaveLength(1);
		expect(rx.hits[0].query).toEqual({
			...expectedQuery('State.StateChange'),
			OptPlatform: 'IOS',
			ClientIP: '10.0.0.8',
		});
		expect(rx.hits[0].body).toEqual(body);
	});

	it('setCallback refuses an unknown app or a URL that is not http(s)://', () => {
		expect(() => emu.setCallback(42, { url: rx.url, commands: [AFTER] })).toThrow(
			/unknown SDKAppID/,
		);
		expect(() => emu.setCallback(APP, { url: 'ftp://example.com/cb', commands: [AFTER] })).toThrow(
			/http/,
		);
		expect(() => emu.setCallback(APP, { url: 'example.com/cb', commands: [AFTER] })).toThrow(
			/http/,
		);
		expect(() =>
			emu.setCallback(APP, { url: 'https://example.com/cb', commands: [AFTER] }),
		).not.toThrow();
	});

	it('stop() abandons callbacks still in flight without a violation', async () => {
		tick([AFTER]);
		rx.shut();
		expect((await send('bob')).json.ErrorCode).toBe(0);
		await emu.stop();
		expect(emu.callbacks[0]).toMatchObject({ done: true, error: 'emulator stopped' });
		expect(emu.violations).toEqual([]);
	});
});
