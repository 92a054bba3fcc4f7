import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { generateUserSig } from '../../nodes/TencentIm/transport/signing';
import { TencentImEmulator } from './tencent-im';

// Reference §1.6 app and vectors.
const APP = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const OTHER_APP = 1400000001;
const OTHER_KEY = 'another-secret-key';
const NPM_USERSIG =
	'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCxKVbKyMDOBCRVnpitZKVX6OKZql5uHh6aGlhYmhVlm6IdEmFuUGhnmh7hnamdaRhUYlhoHFORFmhnYKtUCAK0SM5I_';
const STORED_USERSIG =
	'eAEBrgBR-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiYWRtaW5pc3RyYXRvciIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLnRpbWUiOjE3MDAwMDAwMDAsIlRMUy5leHBpcmUiOjg2NDAwLCJUTFMuc2lnIjoieUxBZSt3N1dVZVV1cWJWOWgvVFg3OHUyMW9UR2kraTlacDF1M1Bwblk2MD0ifa0SM5I_';
const T0 = 1700000000;

/** Independent test-side UserSig builder with knobs for every failure. */
function makeSig(o: {
	appid?: number;
	key?: string;
	id?: string;
	time?: number;
	expire?: number;
	level?: number;
	doc?: (d: Record<string, unknown>) => Record<string, unknown>;
}): string {
	const appid = o.appid ?? APP;
	const id = o.id ?? 'administrator';
	const time = o.time ?? T0;
	const expire = o.expire ?? 86400;
	const content = `TLS.identifier:${id}\nTLS.sdkappid:${appid}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
	const sig = createHmac('sha256', o.key ?? KEY).update(content).digest('base64');
	let d: Record<string, unknown> = {
		'TLS.ver': '2.0',
		'TLS.identifier': id,
		'TLS.sdkappid': appid,
		'TLS.expire': expire,
		'TLS.time': time,
		'TLS.sig': sig,
	};
	if (o.doc) d = o.doc(d);
	return tb64(deflateSync(Buffer.from(JSON.stringify(d)), { level: o.level ?? 6 }));
}
const tb64 = (b: Buffer) => b.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');

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

async function call(api: string, body: unknown, o: CallOpts = {}): Promise<{ status: number; json: Record<string, any> }> {
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
});

describe('UserSig verification', () => {
	it('accepts the reference npm (deflate) and stored-block UserSigs', async () => {
		for (const sig of [NPM_USERSIG, STORED_USERSIG]) {
			const r = await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'alice' }] }, { sig });
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
		}
	});

	it('accepts sigs from the signing module (CompressionStream) and from zlib level 0', async () => {
		const mod = await generateUserSig({ sdkAppId: APP, secretKey: KEY, identifier: 'administrator', expireSeconds: 3600, now: T0 });
		const stored = makeSig({ level: 0 });
		expect(stored.startsWith('eAE')).toBe(true); // 78 01 header
		for (const sig of [mod, stored]) {
			const r = await call('openim/get_c2c_unread_msg_num', { To_Account: 'alice' }, { sig });
			expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, AllC2CUnreadMsgNum: 0 });
		}
	});

	it('accepts the other app with its own admin and key', async () => {
		const sig = makeSig({ appid: OTHER_APP, key: OTHER_KEY, id: 'boss' });
		const r = await call('openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') }, { sig, sdkappid: String(OTHER_APP), identifier: 'boss' });
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
		['v1 sig (TLS.version, no TLS.ver)', () => ({ sig: makeSig({ doc: ({ 'TLS.ver': _v, ...d }) => ({ ...d, 'TLS.version': '201610110000' }) }) }), 70003],
		['sdkappid as string in the doc', () => ({ sig: makeSig({ doc: (d) => ({ ...d, 'TLS.sdkappid': String(APP) }) }) }), 70003],
		['sig sdkappid differs from URL', () => ({ sig: makeSig({ appid: OTHER_APP }) }), 70014],
		['unknown app', () => ({ sig: makeSig({ appid: 1400009999 }), sdkappid: '1400009999' }), 70020],
		['identifier differs from sig', () => ({ sig: makeSig({ id: 'alice' }) }), 70013],
		['wrong key', () => ({ sig: makeSig({ key: OTHER_KEY }) }), 70009],
		['tampered TLS.time', () => ({ sig: makeSig({ doc: (d) => ({ ...d, 'TLS.time': T0 + 5 }) }) }), 70009],
		['expired', () => ({ sig: makeSig({ time: T0 - 100, expire: 99 }) }), 70001],
		// order: identifier check precedes HMAC; HMAC precedes expiry
		['identifier mismatch + wrong key', () => ({ sig: makeSig({ id: 'alice', key: OTHER_KEY }) }), 70013],
		['wrong key + expired', () => ({ sig: makeSig({ key: OTHER_KEY, time: 1, expire: 1 }) }), 70009],
		['sdkappid mismatch + unknown app', () => ({ sig: makeSig({ appid: 1400009999 }) }), 70014],
		['valid sig, identifier not an admin (openim)', () => ({ sig: makeSig({ id: 'alice' }), identifier: 'alice' }), 90009],
	];
	for (const [name, opts, code] of bad) {
		it(`${name} → ${code}`, async () => {
			const r = await call('openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') }, opts());
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
			expect(typeof r.json.ErrorInfo).toBe('string');
			expect(emu.messages).toHaveLength(0);
		});
	}

	it('expiry boundary: valid at time+expire, expired one second later', async () => {
		const sig = makeSig({ time: T0 - 100, expire: 100 });
		expect((await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] }, { sig })).json.ErrorCode).toBe(0);
		clockMs += 1000;
		expect((await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] }, { sig })).json.ErrorCode).toBe(70001);
	});

	it('non-admin identifier on an account API → 70403', async () => {
		const r = await call('im_open_login_svc/account_import', { UserID: 'dave' }, { sig: makeSig({ id: 'alice' }), identifier: 'alice' });
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
		expect(a).toEqual({ status: 200, json: { ActionStatus: 'FAIL', ErrorCode: 90001, ErrorInfo: 'Fail to Parse json data of body, Please check it' } });
		expect((await call('openim/sendmsg', undefined, { raw: '' })).json.ErrorCode).toBe(90001);
		expect((await call('openim/sendmsg', undefined, { raw: '[1]' })).json.ErrorCode).toBe(90001);
		expect((await call('im_open_login_svc/account_import', undefined, { raw: 'nope' })).json.ErrorCode).toBe(70402);
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
		expect(r.json).toEqual({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, MsgTime: T0 + 42, MsgKey: `77_123456_${T0 + 42}` });
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
		['MsgBody not an array', { MsgBody: { MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } } }, 90007],
		['MsgBody empty', { MsgBody: [] }, 90002],
		['unknown MsgType', { MsgBody: [{ MsgType: 'TIMBogusElem', MsgContent: {} }] }, 90002],
		['two custom elements', { MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'a' } }, { MsgType: 'TIMCustomElem', MsgContent: { Data: 'b' } }] }, 90002],
		['MsgContent missing', { MsgBody: [{ MsgType: 'TIMTextElem' }] }, 90010],
		['Text not a string', { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 5 } }] }, 90010],
		['MsgLifeTime > 7 days', { MsgLifeTime: 604801 }, 90026],
		['MsgLifeTime negative', { MsgLifeTime: -1 }, 90026],
		['MsgLifeTime not an integer', { MsgLifeTime: '60' }, 90044],
		['SyncOtherMachine 3', { SyncOtherMachine: 3 }, 90031],
		['SyncOtherMachine string', { SyncOtherMachine: '1' }, 90031],
		['MsgSeq negative', { MsgSeq: -1 }, 20001],
	];
	for (const [name, patch, code] of invalid) {
		it(`${name} → ${code}`, async () => {
			const body: Record<string, unknown> = { To_Account: 'bob', MsgRandom: 9, MsgBody: text('x'), ...patch };
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
		['TIMImageElem', { UUID: 'u1', ImageFormat: 1, ImageInfoArray: [{ Type: 1, Size: 10, Width: 10, Height: 10, URL: 'https://x/i.jpg' }] }, 'ImageInfoArray'],
		['TIMFileElem', { Url: 'https://x/f', UUID: 'f1', FileSize: 1, FileName: 'f', Download_Flag: 2 }, 'Download_Flag'],
		['TIMSoundElem', { Url: 'https://x/s', UUID: 's1', Size: 1, Second: 2, Download_Flag: 2 }, 'UUID'],
		[
			'TIMVideoFileElem',
			{ VideoUrl: 'https://x/v', VideoUUID: 'v1', VideoSize: 1, VideoSecond: 1, VideoFormat: 'mp4', VideoDownloadFlag: 2, ThumbUrl: 'https://x/t', ThumbUUID: 't1', ThumbSize: 1, ThumbWidth: 10, ThumbHeight: 10, ThumbFormat: 'JPG', ThumbDownloadFlag: 2 },
			'ThumbHeight',
		],
	];
	for (const [type, content, required] of elements) {
		it(`${type}: accepted when complete, 90010 without ${required}`, async () => {
			const good = await call('openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: type, MsgContent: content }] });
			expect(good.json.ErrorCode).toBe(0);
			const { [required]: _omit, ...rest } = content;
			const badR = await call('openim/sendmsg', { To_Account: 'bob', MsgRandom: 2, MsgBody: [{ MsgType: type, MsgContent: rest }] });
			expect(badR.json.ErrorCode).toBe(90010);
			expect(emu.messages).toHaveLength(1);
		});
	}

	it('image elements need URL, Width and Height per image', async () => {
		const r = await call('openim/sendmsg', {
			To_Account: 'bob',
			MsgRandom: 1,
			MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: 'u', ImageFormat: 1, ImageInfoArray: [{ Type: 1, Width: 1, Height: 1, url: 'lowercase' }] } }],
		});
		expect(r.json.ErrorCode).toBe(90010);
	});

	it('de-duplicates a resend within 120 s: same MsgKey/MsgTime, one stored copy, one unread', async () => {
		const body = { From_Account: 'alice', To_Account: 'bob', MsgRandom: 555, MsgBody: text('once') };
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

	it('is a new message after 120 s, or with a different MsgRandom, MsgSeq, recipient or body', async () => {
		const body = { From_Account: 'alice', To_Account: 'bob', MsgRandom: 555, MsgSeq: 1, MsgBody: text('once') };
		const a = await call('openim/sendmsg', body);
		await call('openim/sendmsg', { ...body, MsgRandom: 556 });
		await call('openim/sendmsg', { ...body, MsgSeq: 2 });
		await call('openim/sendmsg', { ...body, To_Account: 'carol' });
		await call('openim/sendmsg', { ...body, MsgBody: text('twice') });
		expect(emu.messages).toHaveLength(5);
		clockMs += 120_000;
		const b = await call('openim/sendmsg', body);
		expect(b.json.MsgKey).not.toBe(a.json.MsgKey);
		expect(emu.messages).toHaveLength(6);
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
		const per = await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob', Peer_Account: ['alice', 'carol', 'ghost'] });
		expect(per.json.C2CUnreadMsgNumList).toEqual([
			{ Peer_Account: 'alice', C2CUnreadMsgNum: 2 },
			{ Peer_Account: 'carol', C2CUnreadMsgNum: 1 },
		]);
		expect(per.json.ErrorList).toEqual([{ Peer_Account: 'ghost', ErrorCode: 70107 }]);
		expect((await call('openim/get_c2c_unread_msg_num', { To_Account: 'ghost' })).json.ErrorCode).toBe(90003);
		const eleven = Array.from({ length: 11 }, () => 'alice');
		expect((await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob', Peer_Account: eleven })).json.ErrorCode).toBe(20001);
	});

	it('admin_set_msg_read clears only that pair, up to MsgReadTime when given', async () => {
		await send('bob', { From_Account: 'alice' });
		clockMs += 10_000;
		await send('bob', { From_Account: 'alice' });
		await send('bob', { From_Account: 'carol' });
		const partial = await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'alice', MsgReadTime: String(T0 + 5) });
		expect(partial.json.ErrorCode).toBe(0);
		expect(emu.unread('bob', 'alice')).toBe(1);
		const r = await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'alice' });
		expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect(emu.unread('bob', 'alice')).toBe(0);
		expect(emu.unread('bob', 'carol')).toBe(1);
		// new messages count again
		await send('bob', { From_Account: 'alice' });
		expect(emu.unread('bob', 'alice')).toBe(1);
		expect((await call('openim/admin_set_msg_read', { Report_Account: 'ghost', Peer_Account: 'alice' })).json.ErrorCode).toBe(90008);
		expect((await call('openim/admin_set_msg_read', { Report_Account: 'bob', Peer_Account: 'ghost' })).json.ErrorCode).toBe(90003);
	});
});

describe('recall (admin_msgwithdraw)', () => {
	it('marks the message recalled, then 20023; unknown key 20022; malformed key 90054', async () => {
		const s = await send('bob', { From_Account: 'alice' });
		expect(emu.unread('bob')).toBe(1);
		const w = await call('openim/admin_msgwithdraw', { From_Account: 'alice', To_Account: 'bob', MsgKey: s.json.MsgKey });
		expect(w.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect(emu.messages[0].recalled).toBe(true);
		expect(emu.unread('bob')).toBe(0);
		const again = await call('openim/admin_msgwithdraw', { From_Account: 'alice', To_Account: 'bob', MsgKey: s.json.MsgKey });
		expect(again.json.ErrorCode).toBe(20023);
		expect((await call('openim/admin_msgwithdraw', { From_Account: 'alice', To_Account: 'bob', MsgKey: '1_2_3' })).json.ErrorCode).toBe(20022);
		// wrong direction does not find it
		expect((await call('openim/admin_msgwithdraw', { From_Account: 'bob', To_Account: 'alice', MsgKey: s.json.MsgKey })).json.ErrorCode).toBe(20022);
		expect((await call('openim/admin_msgwithdraw', { From_Account: 'alice', To_Account: 'bob', MsgKey: 'abc' })).json.ErrorCode).toBe(90054);
		expect((await call('openim/admin_msgwithdraw', { To_Account: 'bob', MsgKey: s.json.MsgKey })).json.ErrorCode).toBe(90008);
		expect((await call('openim/admin_msgwithdraw', { From_Account: 'alice', MsgKey: s.json.MsgKey })).json.ErrorCode).toBe(90003);

		const h = await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'alice', MaxCnt: 10, MinTime: 0, MaxTime: T0 + 10 });
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
			const r = await call('openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: 100 + i, MsgSeq: i, MsgBody: text(`t${i}`), CloudCustomData: `c${i}` });
			keys.push(r.json.MsgKey);
		}
		clockMs = (T0 + 100) * 1000;
		return keys;
	}

	it('pages newest first, ascending within a page, continuing with LastMsgTime/LastMsgKey until Complete', async () => {
		const keys = await seed(5);
		const req = { Operator_Account: 'alice', Peer_Account: 'bob', MaxCnt: 2, MinTime: T0, MaxTime: T0 + 100 };
		const p1 = await call('openim/admin_getroammsg', req);
		expect(p1.json).toMatchObject({ ActionStatus: 'OK', Complete: 0, MsgCnt: 2, LastMsgTime: T0 + 3, LastMsgKey: keys[3] });
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
		const p2 = await call('openim/admin_getroammsg', { ...req, MaxTime: p1.json.LastMsgTime, LastMsgKey: p1.json.LastMsgKey });
		expect(p2.json).toMatchObject({ Complete: 0, MsgCnt: 2, LastMsgKey: keys[1] });
		expect(p2.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[1], keys[2]]);
		const p3 = await call('openim/admin_getroammsg', { ...req, MaxTime: p2.json.LastMsgTime, LastMsgKey: p2.json.LastMsgKey });
		expect(p3.json).toMatchObject({ Complete: 1, MsgCnt: 1, LastMsgKey: keys[0] });
		expect(p3.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[0]]);
	});

	it('exact fit is Complete; MinTime/MaxTime filter; empty page values', async () => {
		const keys = await seed(4);
		const all = await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'alice', MaxCnt: 4, MinTime: T0, MaxTime: T0 + 100 });
		expect(all.json).toMatchObject({ Complete: 1, MsgCnt: 4 });
		const win = await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'alice', MaxCnt: 10, MinTime: T0 + 1, MaxTime: T0 + 2 });
		expect(win.json.MsgList.map((m: any) => m.MsgKey)).toEqual([keys[1], keys[2]]);
		const none = await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'carol', MaxCnt: 10, MinTime: 0, MaxTime: T0 + 100 });
		expect(none.json).toMatchObject({ ActionStatus: 'OK', Complete: 1, MsgCnt: 0, LastMsgTime: 0, LastMsgKey: '', MsgList: [] });
	});

	it('orders messages of the same second by MsgSeq', async () => {
		await call('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: 1, MsgSeq: 9, MsgBody: text('b') });
		await call('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: 2, MsgSeq: 3, MsgBody: text('a') });
		const r = await call('openim/admin_getroammsg', { Operator_Account: 'alice', Peer_Account: 'bob', MaxCnt: 10, MinTime: 0, MaxTime: T0 });
		expect(r.json.MsgList.map((m: any) => m.MsgSeq)).toEqual([3, 9]);
	});

	it('SyncOtherMachine=2 hides the message from the sender side only; online-only messages are never listed', async () => {
		await send('bob', { From_Account: 'alice', SyncOtherMachine: 2 });
		await send('bob', { From_Account: 'alice', MsgLifeTime: 0 });
		const q = { MaxCnt: 10, MinTime: 0, MaxTime: T0 + 1 };
		expect((await call('openim/admin_getroammsg', { ...q, Operator_Account: 'alice', Peer_Account: 'bob' })).json.MsgCnt).toBe(0);
		expect((await call('openim/admin_getroammsg', { ...q, Operator_Account: 'bob', Peer_Account: 'alice' })).json.MsgCnt).toBe(1);
	});

	it('caps a page by size (Complete 0) and validates its fields', async () => {
		await emu.stop();
		emu = new TencentImEmulator({ apps: [{ sdkAppId: APP, secretKey: KEY }], now: () => clockMs, roamPageBytes: 600 });
		await emu.start();
		emu.importAccount('alice');
		emu.importAccount('bob');
		for (let i = 0; i < 3; i++) await send('bob', { From_Account: 'alice', MsgBody: text('x'.repeat(250)) });
		const r = await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'alice', MaxCnt: 10, MinTime: 0, MaxTime: T0 });
		expect(r.json).toMatchObject({ Complete: 0, MsgCnt: 1 });
		expect((await call('openim/admin_getroammsg', { Operator_Account: 'ghost', Peer_Account: 'alice', MaxCnt: 1, MinTime: 0, MaxTime: T0 })).json.ErrorCode).toBe(90008);
		expect((await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'ghost', MaxCnt: 1, MinTime: 0, MaxTime: T0 })).json.ErrorCode).toBe(90003);
		expect((await call('openim/admin_getroammsg', { Operator_Account: 'bob', Peer_Account: 'alice', MinTime: 0, MaxTime: T0 })).json.ErrorCode).toBe(20001);
		// older field names are accepted
		expect((await call('openim/admin_getroammsg', { From_Account: 'bob', To_Account: 'alice', MaxCnt: 10, MinTime: 0, MaxTime: T0 })).json.MsgCnt).toBe(1);
	});
});

describe('batchsendmsg', () => {
	it('sends to imported recipients with one MsgKey and lists the others in ErrorList (70107)', async () => {
		const r = await call('openim/batchsendmsg', { From_Account: 'alice', To_Account: ['bob', 'ghost', 'carol'], MsgRandom: 9, MsgSeq: 4, MsgBody: text('all') });
		expect(r.json).toEqual({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, MsgKey: `4_9_${T0}`, ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107 }] });
		expect(emu.messages.map((m) => m.To_Account)).toEqual(['bob', 'carol']);
		expect(emu.messages.every((m) => m.MsgKey === `4_9_${T0}` && m.batch)).toBe(true);
		expect(emu.unread('bob', 'alice')).toBe(1);
		const ok = await call('openim/batchsendmsg', { To_Account: ['bob'], MsgRandom: 10, MsgBody: text('x') });
		expect(ok.json.ErrorList).toBeUndefined();
		expect(ok.json.ErrorCode).toBe(0);
	});

	it('all recipients unknown → 90012; more than 500 → 90011; not an array → 90003', async () => {
		expect((await call('openim/batchsendmsg', { To_Account: ['x', 'y'], MsgRandom: 1, MsgBody: text('x') })).json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90012 });
		const many = Array.from({ length: 501 }, (_, i) => `u${i}`);
		expect((await call('openim/batchsendmsg', { To_Account: many, MsgRandom: 1, MsgBody: text('x') })).json.ErrorCode).toBe(90011);
		expect((await call('openim/batchsendmsg', { To_Account: new Array<string>(500).fill('bob'), MsgRandom: 1, MsgBody: text('x') })).json.ErrorCode).toBe(0);
		expect((await call('openim/batchsendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') })).json.ErrorCode).toBe(90003);
		expect((await call('openim/batchsendmsg', { To_Account: [], MsgRandom: 1, MsgBody: text('x') })).json.ErrorCode).toBe(90003);
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
		emu = new TencentImEmulator({ apps: [{ sdkAppId: APP, secretKey: KEY }], now: () => clockMs, batchRecipientsPerMinute: 5 });
		await emu.start();
		for (const u of ['bob', 'carol', 'dave']) emu.importAccount(u);
		expect((await call('openim/batchsendmsg', { To_Account: ['bob', 'carol', 'dave'], MsgRandom: 1, MsgBody: text('a') })).json.ErrorCode).toBe(0);
		clockMs += 30_000;
		const r = await call('openim/batchsendmsg', { To_Account: ['bob', 'carol', 'dave'], MsgRandom: 2, MsgBody: text('b') });
		expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60007 });
		expect(emu.rateLimited).toBe(1);
		expect((await call('openim/batchsendmsg', { To_Account: ['bob', 'carol'], MsgRandom: 3, MsgBody: text('c') })).json.ErrorCode).toBe(0);
		clockMs += 30_000; // the first batch leaves the window
		expect((await call('openim/batchsendmsg', { To_Account: ['bob', 'carol', 'dave'], MsgRandom: 4, MsgBody: text('d') })).json.ErrorCode).toBe(0);
		expect(emu.messages).toHaveLength(8);
	});
});

describe('accounts', () => {
	it('imports idempotently and reports Imported/NotImported', async () => {
		expect((await call('im_open_login_svc/account_import', { UserID: 'dave', Nick: 'D' })).json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
		expect((await call('im_open_login_svc/account_import', { UserID: 'dave' })).json.ErrorCode).toBe(0);
		expect(emu.accounts.has('dave')).toBe(true);
		const r = await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'dave' }, { UserID: 'erin' }, { UserID: 'administrator' }] });
		expect(r.json.ResultItem).toEqual([
			{ UserID: 'dave', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
			{ UserID: 'erin', ResultCode: 0, ResultInfo: '', AccountStatus: 'NotImported' },
			{ UserID: 'administrator', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
		]);
		expect((await call('im_open_login_svc/account_import', { UserID: 'x'.repeat(33) })).json.ErrorCode).toBe(70402);
		expect((await call('im_open_login_svc/account_import', {})).json.ErrorCode).toBe(70402);
		expect((await call('im_open_login_svc/account_check', { CheckItem: [] })).json.ErrorCode).toBe(70402);
	});
});

describe('rate limit and faults', () => {
	it('refuses more than rateLimitPerSecond requests to one API within any 1 s window with 60007', async () => {
		await emu.stop();
		emu = new TencentImEmulator({ apps: [{ sdkAppId: APP, secretKey: KEY }], now: () => clockMs, rateLimitPerSecond: 3 });
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
		expect((await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob' })).json.ErrorCode).toBe(0);
		clockMs += 101; // the first request (t=0) leaves the window
		expect((await send('bob')).json.ErrorCode).toBe(0);
		expect((await send('bob')).json.ErrorCode).toBe(60007);
		expect(emu.rateLimited).toBe(2);
		expect(emu.messages).toHaveLength(4);
	});

	it('HTTP faults via http.inject: 502 and a dropped connection', async () => {
		emu.http.inject({ fault: { kind: 'status', status: 502 } });
		const res = await fetch(`${emu.baseUrl}/v4/openim/sendmsg?sdkappid=${APP}&identifier=administrator&usersig=${makeSig({})}&random=1&contenttype=json`, {
			method: 'POST',
			body: JSON.stringify({ To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') }),
		});
		expect(res.status).toBe(502);
		emu.http.inject({ fault: { kind: 'drop' } });
		await expect(send('bob')).rejects.toThrow();
		expect(emu.messages).toHaveLength(0);
		expect((await send('bob')).json.ErrorCode).toBe(0);
	});

	it.each([20004, 20005, 91000, 90992, 70169, 60008, 60007])('injectErrorCode %i answers FAIL without effect', async (code) => {
		emu.injectErrorCode({ command: 'sendmsg', code, times: 2 });
		expect((await call('openim/get_c2c_unread_msg_num', { To_Account: 'bob' })).json.ErrorCode).toBe(0);
		const a = await send('bob');
		const b = await send('bob');
		expect(a.status).toBe(200);
		expect(a.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
		expect(b.json.ErrorCode).toBe(code);
		expect(emu.messages).toHaveLength(0);
		expect((await send('bob')).json.ErrorCode).toBe(0);
		expect(emu.injectedErrors).toBe(2);
	});

	it('injectErrorCode matches service/command and, without command, any API; auth errors still come first', async () => {
		emu.injectErrorCode({ command: 'openim/batchsendmsg', code: 20005 });
		expect((await send('bob')).json.ErrorCode).toBe(0);
		expect((await call('openim/batchsendmsg', { To_Account: ['bob'], MsgRandom: 1, MsgBody: text('x') })).json.ErrorCode).toBe(20005);
		emu.injectErrorCode({ code: 91000 });
		expect((await call('openim/sendmsg', {}, { sig: makeSig({ key: OTHER_KEY }) })).json.ErrorCode).toBe(70009);
		expect((await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] })).json.ErrorCode).toBe(91000);
	});
});
