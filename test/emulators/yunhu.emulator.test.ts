import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { YunhuEmulator, type YunhuEventEnvelope } from './yunhu';

// The tests encode and decode with the project's .proto files on their own, not through the emulator.
const root = new protobuf.Root();
root.loadSync(
	['common.proto', 'msg.proto', 'user.proto'].map((f) =>
		path.resolve(__dirname, '../../proto/yunhu', f),
	),
	{ keepCase: true },
);
root.resolveAll();
const T = (name: string) => root.lookupType(`yh.${name}`);

const T0 = 1_750_000_000_000;
let clock = T0;
let emu: YunhuEmulator;

const hex = () => randomBytes(16).toString('hex');
type Any = Record<string, any>;

beforeEach(async () => {
	clock = T0;
	emu = new YunhuEmulator({ now: () => clock });
	await emu.start();
	emu.addUser({ token: 'tok-alice', id: 'alice', name: 'Alice' });
	emu.addUser({ token: 'tok-bob', id: 'bob', name: 'Bob' });
	emu.addUser({ token: 'tok-carol', id: 'carol', name: 'Carol' });
	emu.addBot({
		token: 'bot-token',
		botId: 'bot1',
		name: 'Helper',
		friends: ['alice'],
		groups: ['g1'],
	});
	emu.addGroup({ groupId: 'g1', name: 'Group', owner: 'alice', members: ['bob'] });
});
afterEach(async () => {
	await emu.stop();
});

// ---- client API helpers --------------------------------------------------------------------------------------------

interface PbResult {
	status: number;
	/** Set when the answer was JSON (no/bad token, JSON routes). */
	json?: Any;
	/** Decoded protobuf answer (plain object, longs as numbers). */
	pb?: Any;
}

async function client(
	route: string,
	o: {
		token?: string | null;
		method?: string;
		req?: string;
		body?: Any;
		raw?: Uint8Array;
		res?: string;
		json?: unknown;
	} = {},
): Promise<PbResult> {
	const headers: Record<string, string> = {};
	if (o.token !== null) headers.token = o.token ?? 'tok-alice';
	let body: BodyInit | undefined = o.raw && new Uint8Array(o.raw);
	if (o.req && o.body) body = new Uint8Array(T(o.req).encode(T(o.req).fromObject(o.body)).finish());
	if (o.json !== undefined) {
		body = JSON.stringify(o.json);
		headers['content-type'] = 'application/json';
	} else if (body !== undefined) headers['content-type'] = 'application/x-protobuf';
	const res = await fetch(`${emu.baseUrl}${route}`, { method: o.method ?? 'POST', headers, body });
	const bytes = Buffer.from(await res.arrayBuffer());
	// Like robust clients: JSON when it parses as a JSON object, else protobuf.
	if (bytes[0] === 0x7b) {
		try {
			return { status: res.status, json: JSON.parse(bytes.toString('utf8')) };
		} catch {
			// fall through to protobuf
		}
	}
	if (res.status !== 200) return { status: res.status };
	const type = T(o.res ?? 'StatusResponse');
	return {
		status: res.status,
		pb: type.toObject(type.decode(bytes), { longs: Number, enums: Number }),
	};
}

const sendReq = (o: Any) => ({
	msg_id: hex(),
	chat_id: 'bob',
	chat_type: 1,
	content_type: 1,
	content: { text: 'hi' },
	...o,
});

async function send(
	o: Any = {},
	token = 'tok-alice',
	route = '/v1/msg/send-message',
): Promise<PbResult> {
	return await client(route, { token, req: 'SendMsgRequest', body: sendReq(o) });
}

const code = (r: PbResult) => r.pb?.status?.code ?? r.json?.code;

async function list(route: string, req: string, body: Any, token = 'tok-alice'): Promise<Any> {
	const r = await client(route, { token, req, body, res: 'ListMsgResponse' });
	expect(r.pb?.status.code).toBe(1);
	return r.pb!;
}

const seqs = (r: Any): number[] => (r.data ?? []).map((d: Any) => d.msg_seq);

function qiniuEtag(b: Buffer): string {
	return Buffer.concat([Buffer.from([0x16]), createHash('sha1').update(b).digest()]).toString(
		'base64url',
	);
}

async function qiniuToken(
	route = '/v1/misc/qiniu-token',
	token: string | null = 'tok-alice',
): Promise<string> {
	const r = await client(route, { method: 'GET', token });
	expect(r.json).toMatchObject({ code: 1, msg: 'success' });
	return r.json!.data.token as string;
}

async function qiniuUpload(f: {
	token?: string;
	key?: string;
	bytes?: Buffer;
	name?: string;
	type?: string;
}): Promise<{
	status: number;
	json: Any;
}> {
	const fd = new FormData();
	if (f.token !== undefined) fd.append('token', f.token);
	if (f.key !== undefined) fd.append('key', f.key);
	if (f.bytes)
		fd.append(
			'file',
			new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }),
			f.name ?? 'upload.bin',
		);
	const res = await fetch(emu.qiniuUploadUrl, { method: 'POST', body: fd });
	return { status: res.status, json: (await res.json()) as Any };
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);

async function uploadImage(bytes = JPEG): Promise<string> {
	const key = `${createHash('md5').update(bytes).digest('hex')}.jpg`;
	const r = await qiniuUpload({
		token: await qiniuToken(),
		key,
		bytes,
		name: 'a.jpg',
		type: 'image/jpeg',
	});
	expect(r.status).toBe(200);
	return key;
}

// ---- bot API helpers -----------------------------------------------------------------------------------------------

async function bot(
	route: string,
	body?: unknown,
	o: {
		token?: string | null;
		method?: string;
		query?: Record<string, string>;
		contentType?: string;
	} = {},
): Promise<{ status: number; json: Any }> {
	const q = new URLSearchParams(o.query ?? {});
	if (o.token !== null) q.set('token', o.token ?? 'bot-token');
	const res = await fetch(`${emu.openApiBaseUrl}${route}?${q.toString()}`, {
		method: o.method ?? 'POST',
		headers: body === undefined ? {} : { 'content-type': o.contentType ?? 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, json: res.status === 200 ? (JSON.parse(text) as Any) : { text } };
}

const botText = (o: Any = {}) => ({
	recvId: 'alice',
	recvType: 'user',
	contentType: 'text',
	content: { text: 'hello' },
	...o,
});

async function botUpload(
	kind: 'image' | 'video' | 'file',
	bytes: Buffer,
	name: string,
	field: string = kind,
) {
	const fd = new FormData();
	fd.append(field, new Blob([new Uint8Array(bytes)]), name);
	const res = await fetch(`${emu.openApiBaseUrl}/${kind}/upload?token=bot-token`, {
		method: 'POST',
		body: fd,
	});
	return (await res.json()) as Any;
}

/** A local webhook receiver. */
async function receiver(): Promise<{ url: string; bodies: Any[]; close: () => Promise<void> }> {
	const bodies: Any[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			bodies.push({
				headers: req.headers,
				json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
			});
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"code":0,"message":"success"}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return { url, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// ---- Client API: auth and routing ----------------------------------------------------------------------------------

describe('client API auth and routing', () => {
	test('GET /v1/user/info returns protobuf UserInfo', async () => {
		const r = await client('/v1/user/info', { method: 'GET', res: 'UserInfo' });
		expect(r.pb).toMatchObject({
			status: { code: 1, msg: 'success' },
			data: { id: 'alice', name: 'Alice' },
		});
		expect(typeof r.pb!.status.request_id).toBe('number');
	});

	test('missing or unknown token → JSON -101 even on protobuf routes', async () => {
		for (const token of [null, 'nope']) {
			const a = await client('/v1/user/info', { method: 'GET', token });
			expect(a).toEqual({ status: 200, json: { code: -101, msg: '未登录' } });
			const b = await send({}, token as string);
			expect(b.json).toEqual({ code: -101, msg: '未登录' });
		}
		expect(emu.messages).toHaveLength(0);
	});

	test('wrong HTTP method or unknown path → plain 404', async () => {
		for (const [route, method] of [
			['/v1/msg/send-message', 'GET'],
			['/v1/user/info', 'POST'],
			['/v1/misc/qiniu-token', 'POST'],
			['/v1/msg/nope', 'POST'],
		]) {
			const res = await fetch(`${emu.baseUrl}${route}`, {
				method,
				headers: { token: 'tok-alice' },
			});
			expect(res.status).toBe(404);
			expect(await res.text()).toBe('404 page not found');
		}
	});

	test('unparsable protobuf → status 1002', async () => {
		const r = await client('/v1/msg/send-message', { raw: Buffer.from([0x12, 0x50, 0x01]) });
		expect(r.pb?.status.code).toBe(1002);
	});
});

// ---- Client API: send ----------------------------------------------------------------------------------------------

describe('send-message', () => {
	test('stores a text message with seq, time and decoded body; both sides of a 1:1 chat see it', async () => {
		const id = hex();
		const r = await send({
			msg_id: id,
			content: { text: 'hi bob', mentioned_id: ['bob'] },
			quote_msg_id: '',
		});
		expect(r.pb?.status).toMatchObject({ code: 1, msg: 'success' });
		expect(emu.messages).toHaveLength(1);
		expect(emu.message(id)).toMatchObject({
			senderId: 'alice',
			seq: 1,
			sendTime: T0,
			contentType: 1,
			content: { text: 'hi bob' },
		});
		const rec = emu.http.requests.at(-1)!;
		expect(rec.decoded).toMatchObject({
			msg_id: id,
			chat_id: 'bob',
			chat_type: 1,
			content: { text: 'hi bob' },
		});
		expect(emu.violations).toEqual([]);

		const mine = await list('/v1/msg/list-message', 'ListMsgRequest', {
			msg_count: 10,
			chat_type: 1,
			chat_id: 'bob',
		});
		expect(mine.data[0]).toMatchObject({
			msg_id: id,
			direction: 'right',
			send_time: T0,
			sender: { chat_id: 'alice', name: 'Alice' },
		});
		const theirs = await list(
			'/v1/msg/list-message',
			'ListMsgRequest',
			{ msg_count: 10, chat_type: 1, chat_id: 'alice' },
			'tok-bob',
		);
		expect(theirs.data[0]).toMatchObject({ msg_id: id, direction: 'left' });
		expect(emu.chatMessages({ users: ['bob', 'alice'] })).toHaveLength(1);
	});

	test('group and bot chats; seq is per chat', async () => {
		expect(code(await send({ chat_type: 2, chat_id: 'g1' }))).toBe(1);
		expect(code(await send({ chat_type: 2, chat_id: 'g1' }, 'tok-bob'))).toBe(1);
		expect(code(await send({ chat_type: 3, chat_id: 'bot1' }))).toBe(1);
		expect(emu.chatMessages({ group: 'g1' }).map((m) => m.seq)).toEqual([1, 2]);
		expect(emu.chatMessages({ bot: 'bot1', user: 'alice' }).map((m) => m.seq)).toEqual([1]);
	});

	test('a repeated (sender, msg_id) is idempotent and noted as duplicate; another sender gets -1', async () => {
		const id = hex();
		expect(code(await send({ msg_id: id }))).toBe(1);
		expect(code(await send({ msg_id: id, content: { text: 'retry' } }))).toBe(1);
		expect(emu.http.requests.at(-1)!.note).toBe('duplicate');
		expect(emu.messages).toHaveLength(1);
		expect(emu.message(id)!.content.text).toBe('hi');
		expect(code(await send({ msg_id: id, chat_id: 'alice' }, 'tok-bob'))).toBe(-1);
		expect(emu.messages).toHaveLength(1);
	});

	test.each([
		['uppercase', 'A'.repeat(32)],
		['uuid with dashes', '0f8fad5b-d9cb-469f-a165-70867728950e'],
		['31 characters', 'a'.repeat(31)],
		['empty', ''],
	])('msg_id %s → 1002', async (_n, id) => {
		expect(code(await send({ msg_id: id }))).toBe(1002);
		expect(emu.messages).toHaveLength(0);
	});

	test.each([
		['text without text', { content_type: 1, content: {} }],
		['markdown without text', { content_type: 3, content: { buttons: '[]' } }],
		['html without text', { content_type: 8, content: {} }],
		['image without image or image_url', { content_type: 2, content: {} }],
		['file without file_name', { content_type: 4, content: { file_url: 'https://x/y.bin' } }],
		['file without file_url', { content_type: 4, content: { file_name: 'y.bin' } }],
		['video without video_url', { content_type: 10, content: {} }],
		['audio without audio_time', { content_type: 11, content: { audio_url: 'https://x/a.m4a' } }],
		[
			'sticker without image/expression/sticker ids',
			{ content_type: 7, content: { sticker_item_id: 3 } },
		],
		['form without form', { content_type: 5, content: {} }],
		['form that is not JSON', { content_type: 5, content: { form: 'x' } }],
		['unknown content type 99', { content_type: 99 }],
		['post (6)', { content_type: 6, content: { post_id: '1' } }],
		['content type 0', { content_type: 0 }],
		['buttons that are not JSON', { content: { text: 'x', buttons: '{bad' } }],
	])('%s → 1002', async (_n, o) => {
		expect(code(await send(o))).toBe(1002);
		expect(emu.messages).toHaveLength(0);
	});

	test('media kinds accepted with URLs or uploaded keys', async () => {
		const url = 'https://example.com/';
		const ok: Any[] = [
			{ content_type: 2, content: { image_url: `${url}a.jpg` } },
			{ content_type: 4, content: { file_url: `${url}f.bin`, file_name: 'f.bin', file_size: 3 } },
			{ content_type: 10, content: { video_url: `${url}v.mp4` } },
			{ content_type: 11, content: { audio_url: `${url}a.m4a`, audio_time: 3 } },
			{ content_type: 7, content: { expression_id: '12' } },
			{ content_type: 7, content: { sticker_item_id: 3, sticker_pack_id: 4 } },
			{ content_type: 5, content: { form: '{"a":{"id":"a","value":"1"}}' } },
			{
				content_type: 3,
				content: { text: '**b**', buttons: '[[{"text":"x","actionType":3,"value":"v"}]]' },
			},
		];
		for (const o of ok) expect(code(await send(o))).toBe(1);
		const key = await uploadImage();
		expect(code(await send({ content_type: 2, content: { image: key } }))).toBe(1);
		expect(code(await send({ content_type: 2, content: { image_url: key } }))).toBe(1);
		expect(emu.messages).toHaveLength(ok.length + 2);
		expect(emu.violations).toEqual([]);
	});

	test('keys never uploaded, or uploaded with another kind of token, are refused', async () => {
		expect(await send({ content_type: 2, content: { image: 'nope.jpg' } })).toMatchObject({
			pb: { status: { code: -1, msg: '图片获取失败' } },
		});
		expect(
			code(await send({ content_type: 4, content: { file_url: 'nope.bin', file_name: 'n' } })),
		).toBe(-1);
		expect(code(await send({ content_type: 10, content: { video_url: 'nope.mp4' } }))).toBe(-1);
		expect(
			code(await send({ content_type: 11, content: { audio_url: 'nope.m4a', audio_time: 2 } })),
		).toBe(-1);
		const bytes = randomBytes(20);
		const up = await qiniuUpload({
			token: await qiniuToken('/v1/misc/qiniu-token2'),
			key: 'doc.bin',
			bytes,
			name: 'doc.bin',
		});
		expect(up.status).toBe(200);
		expect(
			code(await send({ content_type: 4, content: { file_url: 'doc.bin', file_name: 'doc.bin' } })),
		).toBe(1);
		expect(code(await send({ content_type: 2, content: { image: 'doc.bin' } }))).toBe(-1);
	});

	test.each([
		['unknown user', { chat_type: 1, chat_id: 'nobody' }, 'tok-alice'],
		['group the sender is not in', { chat_type: 2, chat_id: 'g1' }, 'tok-carol'],
		['unknown group', { chat_type: 2, chat_id: 'g9' }, 'tok-alice'],
		['bot the sender has not added', { chat_type: 3, chat_id: 'bot1' }, 'tok-bob'],
		['chat type 0', { chat_type: 0, chat_id: 'bob' }, 'tok-alice'],
	])('unknown chat (%s) → -1', async (_n, o, token) => {
		expect(code(await send(o, token))).toBe(-1);
		expect(emu.messages).toHaveLength(0);
	});

	test('an unknown top-level field is a violation and the message is still sent', async () => {
		const body = T('SendMsgRequest')
			.encode(T('SendMsgRequest').fromObject(sendReq({})))
			.finish();
		const extra = protobuf.Writer.create()
			.uint32((99 << 3) | 0)
			.uint32(7)
			.finish();
		const r = await client('/v1/msg/send-message', { raw: Buffer.concat([body, extra]) });
		expect(code(r)).toBe(1);
		expect(emu.messages).toHaveLength(1);
		expect(emu.violations).toEqual([
			'POST /v1/msg/send-message: SendMsgRequest: unknown field 99 (wire type 0)',
		]);
		expect(emu.http.requests.at(-1)!.note).toContain('violation');
	});

	test('legacy media (field 9), unknown content fields and mistyped fields are violations', async () => {
		const w = protobuf.Writer.create();
		w.uint32((2 << 3) | 2).string(hex());
		w.uint32((3 << 3) | 0).uint32(5); // chat_id as a varint: wrong wire type
		w.uint32((3 << 3) | 2).string('bob');
		w.uint32((4 << 3) | 0).uint32(1);
		w.uint32((5 << 3) | 2)
			.fork()
			.uint32((1 << 3) | 2)
			.string('x')
			.uint32((40 << 3) | 2)
			.string('?')
			.ldelim();
		w.uint32((6 << 3) | 0).uint32(1);
		w.uint32((9 << 3) | 2)
			.fork()
			.uint32((1 << 3) | 2)
			.string('k')
			.ldelim();
		const r = await client('/v1/msg/send-message', { raw: w.finish() });
		expect(code(r)).toBe(1);
		expect(emu.messages[0]).toMatchObject({ chat: 'user:alice|bob', content: { text: 'x' } });
		expect(emu.violations).toEqual([
			'POST /v1/msg/send-message: SendMsgRequest: field 3 (chat_id) sent with wire type 0, expected 2',
			'POST /v1/msg/send-message: SendMsgRequest.content: unknown field 40 (wire type 2)',
			'POST /v1/msg/send-message: SendMsgRequest: unknown field 9 (wire type 2)',
		]);
	});

	test('fields out of number order are valid protobuf: noted, no violation', async () => {
		const w = protobuf.Writer.create();
		w.uint32((6 << 3) | 0).uint32(1);
		w.uint32((5 << 3) | 2)
			.fork()
			.uint32((1 << 3) | 2)
			.string('x')
			.ldelim();
		w.uint32((4 << 3) | 0).uint32(1);
		w.uint32((3 << 3) | 2).string('bob');
		w.uint32((2 << 3) | 2).string(hex());
		expect(code(await client('/v1/msg/send-message', { raw: w.finish() }))).toBe(1);
		expect(emu.violations).toEqual([]);
		expect(emu.http.requests.at(-1)!.note).toBe('non-canonical protobuf encoding');
	});
});

// ---- Client API: edit ----------------------------------------------------------------------------------------------

describe('edit-message and edit records', () => {
	test('edit sets edit_time and keeps paged edit records', async () => {
		const id = hex();
		await send({ msg_id: id, content: { text: 'v1' } });
		clock += 1000;
		expect(
			code(
				await send(
					{ msg_id: id, content: { text: 'v2' }, content_type: 3 },
					'tok-alice',
					'/v1/msg/edit-message',
				),
			),
		).toBe(1);
		clock += 1000;
		expect(
			code(
				await send(
					{ msg_id: id, content: { text: 'v3' }, content_type: 8 },
					'tok-alice',
					'/v1/msg/edit-message',
				),
			),
		).toBe(1);
		expect(emu.message(id)).toMatchObject({
			contentType: 8,
			content: { text: 'v3' },
			editTime: T0 + 2000,
			seq: 1,
		});
		expect(emu.messages).toHaveLength(1);
		const l = await list('/v1/msg/list-message', 'ListMsgRequest', {
			chat_type: 1,
			chat_id: 'bob',
		});
		expect(l.data[0]).toMatchObject({ edit_time: T0 + 2000, content_type: 8 });

		const p1 = await client('/v1/msg/list-message-edit-record', {
			json: { msgId: id, size: 1, page: 1 },
		});
		expect(p1.json).toMatchObject({ code: 1, msg: 'success', data: { total: 2 } });
		expect(p1.json!.data.list).toEqual([
			{
				id: expect.any(Number),
				msgId: id,
				contentType: 3,
				contentOld: '{"text":"v2"}',
				createTime: T0,
				msgTime: T0 + 2000,
			},
		]);
		const p2 = await client('/v1/msg/list-message-edit-record', {
			json: { msgId: id, size: 1, page: 2 },
		});
		expect(p2.json!.data.list[0]).toMatchObject({
			contentType: 1,
			contentOld: '{"text":"v1"}',
			msgTime: T0 + 1000,
		});
		expect(JSON.parse(p2.json!.data.list[0].contentOld)).toEqual({ text: 'v1' });
		const none = await client('/v1/msg/list-message-edit-record', {
			json: { msgId: hex(), size: 10, page: 1 },
		});
		expect(none.json).toEqual({ code: 1, data: { list: [], total: 0 }, msg: 'success' });
		expect(emu.editRecordsOf(id)).toHaveLength(2);
	});

	test('refusals: not the sender, unknown id, wrong chat, non-text target type, empty text', async () => {
		const id = hex();
		await send({ msg_id: id });
		const edit = (o: Any, token = 'tok-alice') =>
			send({ msg_id: id, ...o }, token, '/v1/msg/edit-message');
		expect(await edit({ chat_id: 'alice' }, 'tok-bob')).toMatchObject({
			pb: { status: { code: -1, msg: '消息不存在或无权限修改' } },
		});
		expect(code(await send({ msg_id: hex() }, 'tok-alice', '/v1/msg/edit-message'))).toBe(-1);
		expect(code(await edit({ chat_type: 2, chat_id: 'g1' }))).toBe(-1);
		expect(code(await edit({ content_type: 2, content: { image_url: 'https://x/a.jpg' } }))).toBe(
			1002,
		);
		expect(
			code(
				await edit({ content_type: 11, content: { audio_url: 'https://x/a.m4a', audio_time: 1 } }),
			),
		).toBe(1002);
		expect(code(await edit({ content: {} }))).toBe(1002);
		expect(emu.editRecords).toHaveLength(0);
		expect(emu.message(id)!.editTime).toBeUndefined();
	});

	test('edit-record JSON route needs a token and a msgId', async () => {
		expect(
			(await client('/v1/msg/list-message-edit-record', { token: null, json: { msgId: 'x' } }))
				.json,
		).toEqual({
			code: -101,
			msg: '未登录',
		});
		expect(
			(await client('/v1/msg/list-message-edit-record', { json: { size: 1 } })).json?.code,
		).toBe(1002);
	});
});

// ---- Client API: lists ---------------------------------------------------------------------------------------------

describe('list windows', () => {
	const ids: string[] = [];
	beforeEach(() => {
		ids.length = 0;
		for (let i = 1; i <= 40; i++) {
			clock = T0 + i;
			ids.push(
				emu.addMessage({
					senderId: i % 2 ? 'alice' : 'bob',
					chatType: 2,
					chatId: 'g1',
					text: `m${i}`,
				}).msgId,
			);
		}
	});
	const g = { chat_type: 2, chat_id: 'g1' };

	test('list-message: newest when msg_id is empty, else the ones before it', async () => {
		expect(
			seqs(await list('/v1/msg/list-message', 'ListMsgRequest', { ...g, msg_count: 5 })),
		).toEqual([36, 37, 38, 39, 40]);
		const before = await list('/v1/msg/list-message', 'ListMsgRequest', {
			...g,
			msg_count: 3,
			msg_id: ids[9],
		});
		expect(seqs(before)).toEqual([7, 8, 9]);
		expect(before.total).toBe(3);
		expect(before.data[0]).toMatchObject({
			content: { text: 'm7' },
			send_time: T0 + 7,
			sender: { chat_id: 'alice' },
		});
		expect(
			seqs(
				await list('/v1/msg/list-message', 'ListMsgRequest', {
					...g,
					msg_count: 3,
					msg_id: ids[0],
				}),
			),
		).toEqual([]);
	});

	test('list-message-by-seq: after msg_start (exclusive), capped at the newest 30', async () => {
		expect(
			seqs(
				await list('/v1/msg/list-message-by-seq', 'ListMsgBySeqRequest', { ...g, msg_start: 35 }),
			),
		).toEqual([36, 37, 38, 39, 40]);
		const far = await list('/v1/msg/list-message-by-seq', 'ListMsgBySeqRequest', {
			...g,
			msg_start: 0,
		});
		expect(seqs(far)).toEqual(Array.from({ length: 30 }, (_, i) => i + 11));
		expect(far.total).toBe(30);
		expect(
			seqs(
				await list('/v1/msg/list-message-by-seq', 'ListMsgBySeqRequest', { ...g, msg_start: 40 }),
			),
		).toEqual([]);
	});

	test('list-message-by-mid-seq: includes the msg_id message, msg_count+1 items', async () => {
		const r = await list('/v1/msg/list-message-by-mid-seq', 'ListMsgByMidSeqRequest', {
			...g,
			msg_id: ids[9],
			msg_count: 3,
		});
		expect(seqs(r)).toEqual([7, 8, 9, 10]);
		expect(r.total).toBe(4);
		// The nanoyunhu pattern: msg_seq -1 (as uint64) with msg_count 1 gives [previous, target].
		const one = await list('/v1/msg/list-message-by-mid-seq', 'ListMsgByMidSeqRequest', {
			...g,
			msg_id: ids[20],
			msg_seq: '18446744073709551615',
			msg_count: 1,
		});
		expect(one.data.map((d: Any) => d.msg_id)).toEqual([ids[19], ids[20]]);
		expect(
			seqs(
				await list('/v1/msg/list-message-by-mid-seq', 'ListMsgByMidSeqRequest', {
					...g,
					msg_id: ids[1],
					msg_count: 5,
				}),
			),
		).toEqual([1, 2]);
		expect(
			seqs(
				await list('/v1/msg/list-message-by-mid-seq', 'ListMsgByMidSeqRequest', {
					...g,
					msg_seq: 5,
					msg_count: 1,
				}),
			),
		).toEqual([4, 5]);
	});

	test('a configurable by-seq cap', async () => {
		await emu.stop();
		emu = new YunhuEmulator({ bySeqLimit: 31 });
		await emu.start();
		emu.addUser({ token: 'tok-alice', id: 'alice', name: 'Alice' });
		emu.addGroup({ groupId: 'g1', members: ['alice'] });
		for (let i = 0; i < 40; i++)
			emu.addMessage({ senderId: 'alice', chatType: 2, chatId: 'g1', text: `m${i}` });
		expect(
			seqs(
				await list('/v1/msg/list-message-by-seq', 'ListMsgBySeqRequest', { ...g, msg_start: 0 }),
			),
		).toHaveLength(31);
	});

	test('lists of a chat the user is not in → -1', async () => {
		const r = await client('/v1/msg/list-message', {
			token: 'tok-carol',
			req: 'ListMsgRequest',
			body: g,
			res: 'ListMsgResponse',
		});
		expect(r.pb?.status.code).toBe(-1);
		expect(r.pb?.data ?? []).toEqual([]);
	});
});

// ---- Client API: recall, button report, download record ------------------------------------------------------------

describe('recall, button-report, file-download-record', () => {
	const recall = (ids: string[], o: Any = {}, token = 'tok-alice', batch = false) =>
		client(batch ? '/v1/msg/recall-msg-batch' : '/v1/msg/recall-msg', {
			token,
			req: 'RecallMsg',
			body: { msg_id: ids, chat_id: 'bob', chat_type: 1, ...o },
		});

	test('recall sets recall_time; only the sender may; lists still show it', async () => {
		const id = hex();
		await send({ msg_id: id });
		expect(code(await recall([id], { chat_id: 'alice' }, 'tok-bob'))).toBe(-1);
		clock += 500;
		expect(code(await recall([id]))).toBe(1);
		expect(emu.message(id)).toMatchObject({ recallTime: T0 + 500, recalledBy: 'alice' });
		const l = await list('/v1/msg/list-message', 'ListMsgRequest', {
			chat_type: 1,
			chat_id: 'bob',
		});
		expect(l.data[0]).toMatchObject({ msg_id: id, recall_time: T0 + 500 });
		expect(code(await recall([hex()]))).toBe(-1);
		expect(code(await recall(['bad']))).toBe(1002);
	});

	test('a group owner may recall a member message', async () => {
		const id = hex();
		await send({ msg_id: id, chat_type: 2, chat_id: 'g1' }, 'tok-bob');
		expect(code(await recall([id], { chat_type: 2, chat_id: 'g1' }))).toBe(1);
	});

	test('batch recall is all or nothing; the single route with two ids recalls the last and flags it', async () => {
		const [a, b, c] = [hex(), hex(), hex()];
		for (const id of [a, b, c]) await send({ msg_id: id });
		expect(code(await recall([a, hex()], {}, 'tok-alice', true))).toBe(-1);
		expect(emu.message(a)!.recallTime).toBeUndefined();
		expect(code(await recall([a, b], {}, 'tok-alice', true))).toBe(1);
		expect([a, b].map((id) => emu.message(id)!.recallTime)).toEqual([T0, T0]);
		expect(emu.violations).toEqual([]);
		const d = hex();
		await send({ msg_id: d });
		expect(code(await recall([c, d]))).toBe(1);
		expect(emu.message(c)!.recallTime).toBeUndefined();
		expect(emu.message(d)!.recallTime).toBe(T0);
		expect(emu.violations).toHaveLength(1);
	});

	test('button-report records the tap and pushes button.report.inline to the bot webhook', async () => {
		const hook = await receiver();
		try {
			emu.addBot({
				token: 'bot-token',
				botId: 'bot1',
				name: 'Helper',
				friends: ['alice'],
				groups: ['g1'],
				webhookUrl: hook.url,
			});
			const m = emu.addMessage({ senderId: 'bot1', chatType: 1, chatId: 'alice', text: 'pick' });
			const body = {
				msg_id: m.msgId,
				chat_type: 3,
				chat_id: 'bot1',
				user_id: 'alice',
				button_value: 'yes',
			};
			expect(
				code(await client('/v1/msg/button-report', { req: 'ButtonReportRequest', body })),
			).toBe(1);
			expect(emu.buttonReports).toEqual([
				{
					msgId: m.msgId,
					chatType: 3,
					chatId: 'bot1',
					userId: 'alice',
					buttonValue: 'yes',
					at: T0,
				},
			]);
			await emu.settle();
			expect(hook.bodies).toHaveLength(1);
			expect(hook.bodies[0].json).toMatchObject({
				version: '1.0',
				header: { eventType: 'button.report.inline', eventTime: T0 },
				event: { msgId: m.msgId, recvId: 'alice', recvType: 'user', userId: 'alice', value: 'yes' },
			});
			expect(hook.bodies[0].json.header.eventId).toMatch(/^[0-9a-f]{32}$/);
			expect(
				code(
					await client('/v1/msg/button-report', {
						req: 'ButtonReportRequest',
						body: { ...body, user_id: 'bob' },
					}),
				),
			).toBe(1002);
			expect(
				code(
					await client('/v1/msg/button-report', {
						req: 'ButtonReportRequest',
						body: { ...body, msg_id: hex() },
					}),
				),
			).toBe(-1);
		} finally {
			await hook.close();
		}
	});

	test('file-download-record: file messages only', async () => {
		const fileId = hex();
		await send({
			msg_id: fileId,
			content_type: 4,
			content: { file_url: 'https://x/f.bin', file_name: 'f.bin' },
		});
		const textId = hex();
		await send({ msg_id: textId });
		const r = await client('/v1/msg/file-download-record', {
			token: 'tok-bob',
			json: { msgId: fileId, downloadPath: '/tmp/f.bin' },
		});
		expect(r.json).toEqual({ code: 1, msg: 'success' });
		expect(emu.downloadRecords).toEqual([
			{ msgId: fileId, downloadPath: '/tmp/f.bin', userId: 'bob', at: T0 },
		]);
		expect(
			(
				await client('/v1/msg/file-download-record', {
					json: { msgId: textId, downloadPath: '/x' },
				})
			).json?.code,
		).toBe(-1);
		expect(
			(
				await client('/v1/msg/file-download-record', {
					token: 'tok-carol',
					json: { msgId: fileId, downloadPath: '/x' },
				})
			).json?.code,
		).toBe(-1);
		expect(
			(await client('/v1/msg/file-download-record', { json: { msgId: fileId } })).json?.code,
		).toBe(1002);
	});
});

// ---- Qiniu -----------------------------------------------------------------------------------------------------------

describe('Qiniu upload flow', () => {
	test('token endpoints hand out ak:sign:policy tokens of their kind', async () => {
		const kinds: Array<[string, string]> = [
			['/v1/misc/qiniu-token', 'chat68'],
			['/v1/misc/qiniu-token2', 'chat68-file'],
			['/v1/misc/qiniu-token-video', 'chat68-video'],
			['/v1/misc/qiniu-token-audio', 'chat68-audio'],
		];
		for (const [route, bucket] of kinds) {
			const t = await qiniuToken(route);
			const parts = t.split(':');
			expect(parts).toHaveLength(3);
			expect(JSON.parse(Buffer.from(parts[2], 'base64url').toString())).toMatchObject({
				scope: bucket,
			});
		}
		expect((await client('/v1/misc/qiniu-token', { method: 'GET', token: null })).json).toEqual({
			code: -101,
			msg: '未登录',
		});
		// The audio token is documented as not needing the header.
		expect(await qiniuToken('/v1/misc/qiniu-token-audio', null)).toContain(':');
	});

	test('upload replies key/hash/fsize and the key can be sent as an image', async () => {
		const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(100)]);
		const key = `${createHash('md5').update(bytes).digest('hex')}.png`;
		const r = await qiniuUpload({
			token: await qiniuToken(),
			key,
			bytes,
			name: 'p.png',
			type: 'image/png',
		});
		expect(r).toEqual({ status: 200, json: { key, hash: qiniuEtag(bytes), fsize: bytes.length } });
		expect(emu.uploads.get(key)).toMatchObject({
			kind: 'image',
			via: 'qiniu',
			uploaderId: 'alice',
			fsize: 108,
		});
		// The same bytes again under the same key is fine.
		expect(
			(
				await qiniuUpload({
					token: await qiniuToken(),
					key,
					bytes,
					name: 'p.png',
					type: 'image/png',
				})
			).status,
		).toBe(200);
		expect(code(await send({ content_type: 2, content: { image: key } }))).toBe(1);
		const l = await list('/v1/msg/list-message', 'ListMsgRequest', {
			chat_type: 1,
			chat_id: 'bob',
		});
		expect(l.data[0].content.image_url).toBe(`https://chat-img.jwznb.com/${key}`);
	});

	test('video and audio flows', async () => {
		const v = randomBytes(50);
		expect(
			(
				await qiniuUpload({
					token: await qiniuToken('/v1/misc/qiniu-token-video'),
					key: 'v.mp4',
					bytes: v,
					type: 'video/mp4',
				})
			).status,
		).toBe(200);
		const a = randomBytes(50);
		expect(
			(
				await qiniuUpload({
					token: await qiniuToken('/v1/misc/qiniu-token-audio'),
					key: 'a.m4a',
					bytes: a,
					name: 'a.m4a',
				})
			).status,
		).toBe(200);
		expect(code(await send({ content_type: 10, content: { video_url: 'v.mp4' } }))).toBe(1);
		expect(
			code(await send({ content_type: 11, content: { audio_url: 'a.m4a', audio_time: 4 } })),
		).toBe(1);
		expect(code(await send({ content_type: 10, content: { video_url: 'a.m4a' } }))).toBe(-1);
	});

	test('refusals', async () => {
		const img = await qiniuToken();
		expect(await qiniuUpload({ key: 'k.jpg', bytes: JPEG })).toEqual({
			status: 401,
			json: { error: 'token not specified' },
		});
		expect((await qiniuUpload({ token: 'ak:sign:policy', key: 'k.jpg', bytes: JPEG })).status).toBe(
			401,
		);
		expect((await qiniuUpload({ token: img, key: 'k.jpg' })).status).toBe(400);
		const wrongKind = await qiniuUpload({
			token: img,
			key: 'clip.mp4',
			bytes: randomBytes(10),
			name: 'clip.mp4',
			type: 'video/mp4',
		});
		expect(wrongKind.status).toBe(403);
		expect(wrongKind.json.error).toMatch(/forbidden/);
		expect(
			(await qiniuUpload({ token: img, key: 'k.jpg', bytes: JPEG, name: 'k.jpg' })).status,
		).toBe(200);
		const other = Buffer.concat([JPEG, Buffer.from([1])]);
		expect(await qiniuUpload({ token: img, key: 'k.jpg', bytes: other, name: 'k.jpg' })).toEqual({
			status: 614,
			json: { error: 'file exists' },
		});
		clock += 3600_001;
		expect(await qiniuUpload({ token: img, key: 'k2.jpg', bytes: JPEG })).toEqual({
			status: 401,
			json: { error: 'expired token' },
		});
		const raw = await fetch(emu.qiniuUploadUrl, {
			method: 'POST',
			body: 'x',
			headers: { 'content-type': 'text/plain' },
		});
		expect(raw.status).toBe(400);
		expect((await fetch(emu.qiniuUploadUrl)).status).toBe(404);
		expect(emu.uploads.size).toBe(1);
	});

	test('without a key Qiniu names the object by its hash', async () => {
		const r = await qiniuUpload({
			token: await qiniuToken('/v1/misc/qiniu-token2'),
			bytes: Buffer.from('abc'),
		});
		expect(r.json.key).toBe(qiniuEtag(Buffer.from('abc')));
	});
});

// ---- Bot Open API ----------------------------------------------------------------------------------------------------

describe('bot Open API: send', () => {
	test('send to a friend and to a group returns messageInfo with a server-made id', async () => {
		const r = await bot('/bot/send', botText());
		expect(r.json).toMatchObject({
			code: 1,
			msg: 'success',
			data: { messageInfo: { recvId: 'alice', recvType: 'user' } },
		});
		const msgId = r.json.data.messageInfo.msgId as string;
		expect(msgId).toMatch(/^[0-9a-f]{32}$/);
		expect(emu.message(msgId)).toMatchObject({
			senderId: 'bot1',
			senderType: 'bot',
			chat: 'bot:bot1|alice',
			content: { text: 'hello' },
		});
		const g = await bot(
			'/bot/send',
			botText({ recvId: 'g1', recvType: 'group', contentType: 'markdown', parentId: msgId }),
		);
		expect(g.json.code).toBe(1);
		expect(emu.chatMessages({ group: 'g1' })[0]).toMatchObject({
			contentType: 3,
			quoteMsgId: msgId,
		});
		// The user sees the bot's message through the client API.
		const l = await list('/v1/msg/list-message', 'ListMsgRequest', {
			chat_type: 3,
			chat_id: 'bot1',
		});
		expect(l.data[0]).toMatchObject({
			msg_id: msgId,
			direction: 'left',
			sender: { chat_id: 'bot1', chat_type: 3, name: 'Helper' },
		});
		expect(emu.violations).toEqual([]);
	});

	test.each([
		['not a friend', botText({ recvId: 'bob' }), 1003, 'recvId值错误，该用户不是机器人好友'],
		[
			'group without the bot',
			botText({ recvId: 'g9', recvType: 'group' }),
			-1,
			'群(ID:g9)中未添加当前机器人',
		],
		['unknown top-level key', botText({ chatId: 'x' }), 1002, undefined],
		['unknown content key', botText({ content: { text: 'x', imageUrl: 'y' } }), 1002, undefined],
		[
			'contentType not allowed',
			botText({ contentType: 'audio' }),
			1002,
			'contentType取值错误，请翻看文档',
		],
		['contentType post', botText({ contentType: 'post' }), 1002, 'contentType取值错误，请翻看文档'],
		['empty text', botText({ content: { text: '' } }), 1002, '消息内容不能为空'],
		['no content', botText({ content: undefined }), 1002, '消息内容不能为空'],
		['recvType bot', botText({ recvType: 'bot' }), 1002, undefined],
		[
			'image key never uploaded',
			botText({ contentType: 'image', content: { imageKey: 'x.jpg' } }),
			-1,
			'图片获取失败',
		],
		[
			'video key never uploaded',
			botText({ contentType: 'video', content: { videoKey: 'x.mp4' } }),
			-1,
			'视频获取失败',
		],
		[
			'file key never uploaded',
			botText({ contentType: 'file', content: { fileKey: 'x.bin' } }),
			-1,
			'文件获取失败',
		],
		[
			'bad buttons',
			botText({ content: { text: 'x', buttons: [[{ text: 'a', actionType: 1 }]] } }),
			1002,
			undefined,
		],
	])('%s', async (_n, body, c, msg) => {
		const r = await bot('/bot/send', body);
		expect(r.status).toBe(200);
		expect(r.json.code).toBe(c);
		if (msg) expect(r.json.msg).toBe(msg);
		expect(emu.messages).toHaveLength(0);
	});

	test('token, banned bot, banned group', async () => {
		expect((await bot('/bot/send', botText(), { token: null })).json).toEqual({
			code: 1002,
			msg: 'token不存在',
		});
		expect((await bot('/bot/send', botText(), { token: 'nope' })).json).toEqual({
			code: 1003,
			msg: '非法token',
		});
		emu.addBot({ token: 'banned', botId: 'bot2', name: 'B', friends: ['alice'], banned: true });
		expect((await bot('/bot/send', botText(), { token: 'banned' })).json.code).toBe(1004);
		emu.addGroup({ groupId: 'g2', bots: ['bot1'], banned: true });
		expect((await bot('/bot/send', botText({ recvId: 'g2', recvType: 'group' }))).json.code).toBe(
			1005,
		);
		expect(emu.messages).toHaveLength(0);
	});

	test('buttons and mentions; a mention missing from the text is a violation', async () => {
		const buttons = [
			[
				{ text: 'Yes', actionType: 3, value: 'y' },
				{ text: 'Site', actionType: 1, url: 'https://x' },
			],
		];
		const ok = await bot(
			'/bot/send',
			botText({
				recvId: 'g1',
				recvType: 'group',
				content: { text: '@Bob\u200b hi', at: ['bob'], buttons },
			}),
		);
		expect(ok.json.code).toBe(1);
		expect(emu.messages[0].content).toMatchObject({
			buttons: JSON.stringify(buttons),
			mentioned_id: ['bob'],
		});
		expect(emu.violations).toEqual([]);
		await bot(
			'/bot/send',
			botText({ recvId: 'g1', recvType: 'group', content: { text: 'hi', at: ['bob'] } }),
		);
		expect(emu.violations).toEqual([
			'POST /open-apis/v1/bot/send: at bob: text lacks "@Bob" followed by U+200B',
		]);
	});

	test('a body that is not sent as application/json is a violation', async () => {
		expect((await bot('/bot/send', botText(), { contentType: 'text/plain' })).json.code).toBe(1);
		expect(emu.violations).toHaveLength(1);
	});

	test('batch_send: duplicate ids get one send, unreachable recipients are left out', async () => {
		emu.setFriend('bot1', 'bob');
		const r = await bot('/bot/batch_send', {
			recvIds: ['alice', 'bob', 'alice', 'carol'],
			recvType: 'user',
			contentType: 'text',
			content: { text: 'all' },
		});
		expect(r.json).toMatchObject({ code: 1, data: { successCount: 2 } });
		expect(r.json.data.successList.map((s: Any) => s.recvId)).toEqual(['alice', 'bob']);
		expect(emu.messages).toHaveLength(2);
		expect(
			(
				await bot('/bot/batch_send', {
					recvIds: ['carol'],
					recvType: 'user',
					contentType: 'text',
					content: { text: 'x' },
				})
			).json.code,
		).toBe(1003);
		expect(
			(
				await bot('/bot/batch_send', {
					recvIds: [],
					recvType: 'user',
					contentType: 'text',
					content: { text: 'x' },
				})
			).json.code,
		).toBe(1002);
		expect((await bot('/bot/batch_send', botText())).json.code).toBe(1002);
	});
});

describe('bot Open API: uploads', () => {
	test('image/video/file uploads return keys that send accepts', async () => {
		const img = await botUpload('image', JPEG, 'photo.jpg');
		expect(img).toMatchObject({ code: 1, msg: 'success' });
		const imageKey = img.data.imageKey as string;
		expect(imageKey).toBe(`${createHash('md5').update(JPEG).digest('hex')}.jpg`);
		const vid = await botUpload('video', randomBytes(30), 'clip.mp4');
		const file = await botUpload('file', Buffer.from('report'), 'report.txt');
		expect(typeof vid.data.videoKey).toBe('string');
		expect(typeof file.data.fileKey).toBe('string');
		expect(emu.uploads.get(imageKey)).toMatchObject({
			kind: 'image',
			via: 'bot',
			uploaderId: 'bot1',
		});
		expect(
			(await bot('/bot/send', botText({ contentType: 'image', content: { imageKey } }))).json.code,
		).toBe(1);
		expect(
			(
				await bot(
					'/bot/send',
					botText({ contentType: 'video', content: { videoKey: vid.data.videoKey } }),
				)
			).json.code,
		).toBe(1);
		const f = await bot(
			'/bot/send',
			botText({ contentType: 'file', content: { fileKey: file.data.fileKey } }),
		);
		expect(f.json.code).toBe(1);
		expect(emu.message(f.json.data.messageInfo.msgId)!.content).toMatchObject({
			file_name: 'report.txt',
			file_size: 6,
		});
		// A file key is not an image.
		expect(
			(
				await bot(
					'/bot/send',
					botText({ contentType: 'image', content: { imageKey: file.data.fileKey } }),
				)
			).json.code,
		).toBe(-1);
		expect(emu.violations).toEqual([]);
	});

	test('refusals: no extension, wrong field, too large; .jpeg is flagged', async () => {
		expect((await botUpload('image', JPEG, 'photo')).code).toBe(1002);
		expect((await botUpload('image', JPEG, 'photo.jpg', 'file')).code).toBe(1002);
		expect((await botUpload('image', JPEG, 'photo.jpeg')).code).toBe(1);
		expect(emu.violations).toEqual([
			'POST /open-apis/v1/image/upload: image filename uses .jpeg; use .jpg',
		]);
		const big = Buffer.alloc(10 * 1024 * 1024 + 1);
		expect((await botUpload('image', big, 'big.png')).code).toBe(1002);
		expect((await botUpload('file', Buffer.alloc(10 * 1024 * 1024 + 1), 'big.bin')).code).toBe(1);
		const fd = new FormData();
		fd.append('image', new Blob([new Uint8Array(JPEG)]), 'p.png');
		fd.append('name', 'p.png');
		const extra = await fetch(`${emu.openApiBaseUrl}/image/upload?token=bot-token`, {
			method: 'POST',
			body: fd,
		});
		expect(((await extra.json()) as Any).code).toBe(1);
		expect(emu.violations.at(-1)).toBe(
			'POST /open-apis/v1/image/upload: unexpected form fields: name',
		);
		const json = await bot('/image/upload', { image: 'x' });
		expect(json.json.code).toBe(1002);
	});
});

describe('bot Open API: edit, recall, messages', () => {
	async function sent(text = 'hello', o: Any = {}): Promise<string> {
		return (await bot('/bot/send', botText({ content: { text }, ...o }))).json.data.messageInfo
			.msgId as string;
	}

	test('edit: text/markdown/html take effect and leave edit records', async () => {
		const id = await sent();
		clock += 10;
		const r = await bot('/bot/edit', {
			msgId: id,
			recvId: 'alice',
			recvType: 'user',
			contentType: 'markdown',
			content: { text: '**new**' },
		});
		expect(r.json).toEqual({ code: 1, msg: 'success', data: { successCount: 1 } });
		expect(emu.message(id)).toMatchObject({
			contentType: 3,
			content: { text: '**new**' },
			editTime: T0 + 10,
		});
		expect(emu.editRecordsOf(id)).toMatchObject([
			{ contentOld: '{"text":"hello"}', contentType: 1 },
		]);
	});

	test('edit refusals and an edit to image that has no effect', async () => {
		const id = await sent();
		const edit = (o: Any) =>
			bot('/bot/edit', {
				msgId: id,
				recvId: 'alice',
				recvType: 'user',
				contentType: 'text',
				content: { text: 'x' },
				...o,
			});
		expect((await edit({ msgId: hex() })).json).toEqual({
			code: -1,
			msg: '消息不存在或无权限修改',
		});
		expect((await edit({ recvId: 'g1', recvType: 'group' })).json.code).toBe(-1);
		const userMsg = await send({ chat_type: 3, chat_id: 'bot1' });
		expect(code(userMsg)).toBe(1);
		expect((await edit({ msgId: emu.messages.at(-1)!.msgId })).json.code).toBe(-1);
		expect((await edit({ parentId: 'x' })).json.code).toBe(1002);
		expect((await edit({ content: {} })).json.code).toBe(1002);
		const imageKey = (await botUpload('image', JPEG, 'p.jpg')).data.imageKey as string;
		expect((await edit({ contentType: 'image', content: { imageKey } })).json.code).toBe(1);
		expect(emu.message(id)).toMatchObject({ contentType: 1, content: { text: 'hello' } });
		expect(emu.violations).toEqual([
			'POST /open-apis/v1/bot/edit: edit to contentType image has no effect',
		]);
	});

	test('recall uses chatId/chatType; recvId is an unknown key', async () => {
		const id = await sent();
		expect(
			(await bot('/bot/recall', { msgId: id, recvId: 'alice', recvType: 'user' })).json.code,
		).toBe(1002);
		expect(
			(await bot('/bot/recall', { msgId: id, chatId: 'g1', chatType: 'group' })).json.code,
		).toBe(-1);
		clock += 5;
		expect(
			(await bot('/bot/recall', { msgId: id, chatId: 'alice', chatType: 'user' })).json,
		).toEqual({
			code: 1,
			msg: 'success',
		});
		expect(emu.message(id)).toMatchObject({ recallTime: T0 + 5, recalledBy: 'bot1' });
		expect(
			(await bot('/bot/recall', { msgId: id, chatId: 'alice', chatType: 'bot' })).json.code,
		).toBe(1002);
	});

	test('messages: latest N, a window around message-id, GET and POST', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 6; i++) {
			clock = T0 + i;
			ids.push(await sent(`m${i}`));
		}
		const q = (extra: Record<string, string>) => ({
			'chat-id': 'alice',
			'chat-type': 'user',
			...extra,
		});
		const latest = await bot('/bot/messages', undefined, {
			method: 'GET',
			query: q({ before: '2' }),
		});
		expect(latest.json.code).toBe(1);
		expect(latest.json.data.list.map((m: Any) => m.msgId)).toEqual([ids[4], ids[5]]);
		expect(latest.json.data.list[0]).toMatchObject({
			senderId: 'bot1',
			senderType: 'bot',
			senderNickname: 'Helper',
			contentType: 'text',
			content: { text: 'm4' },
			sendTime: T0 + 4,
		});
		const around = await bot('/bot/messages', undefined, {
			method: 'POST',
			query: q({ 'message-id': ids[2], before: '1', after: '2' }),
		});
		expect(around.json.data.list.map((m: Any) => m.msgId)).toEqual([
			ids[1],
			ids[2],
			ids[3],
			ids[4],
		]);
		expect(around.json.data.total).toBe(4);
		const zero = await bot('/bot/messages', undefined, {
			method: 'GET',
			query: q({ 'message-id': ids[2], before: '0', after: '0' }),
		});
		expect(zero.json.data.list).toEqual([]);
		expect(
			(
				await bot('/bot/messages', undefined, {
					method: 'GET',
					query: q({ 'message-id': hex(), before: '1' }),
				})
			).json.code,
		).toBe(-1);
		expect(
			(await bot('/bot/messages', undefined, { method: 'GET', query: q({ before: 'x' }) })).json
				.code,
		).toBe(1002);
		expect(
			(await bot('/bot/messages', undefined, { method: 'GET', query: { 'chat-type': 'user' } }))
				.json.code,
		).toBe(1002);
		expect((await bot('/bot/messages', undefined, { method: 'PUT', query: q({}) })).status).toBe(
			404,
		);
		expect((await bot('/bot/send', undefined, { method: 'GET' })).status).toBe(404);
	});

	test('rate limit: 10 per second per token and endpoint, sliding window', async () => {
		const q = { 'chat-id': 'alice', 'chat-type': 'user', before: '1' };
		for (let i = 0; i < 10; i++) {
			clock = T0 + i * 50;
			expect((await bot('/bot/messages', undefined, { method: 'GET', query: q })).json.code).toBe(
				1,
			);
		}
		const limited = await bot('/bot/messages', undefined, { method: 'GET', query: q });
		expect(limited.json.code).toBe(1007);
		expect(emu.rateLimited).toBe(1);
		// Another endpoint has its own budget.
		expect((await bot('/bot/send', botText())).json.code).toBe(1);
		// The oldest hit (T0) leaves the window at T0 + 1000.
		clock = T0 + 1000;
		expect((await bot('/bot/messages', undefined, { method: 'GET', query: q })).json.code).toBe(1);
		expect((await bot('/bot/messages', undefined, { method: 'GET', query: q })).json.code).toBe(
			1007,
		);
		expect(emu.rateLimited).toBe(2);
	});
});

// ---- Webhook events --------------------------------------------------------------------------------------------------

describe('webhook events', () => {
	test('pushEvent POSTs the envelope as JSON and returns the answer', async () => {
		const hook = await receiver();
		try {
			const env: YunhuEventEnvelope = emu.messageReceiveEvent({
				senderId: 'alice',
				chatType: 'bot',
				chatId: 'bot1',
				text: 'hi',
			});
			const r = await emu.pushEvent(hook.url, env);
			expect(r).toEqual({
				status: 200,
				text: '{"code":0,"message":"success"}',
				json: { code: 0, message: 'success' },
			});
			expect(hook.bodies[0].headers['content-type']).toMatch(/^application\/json/);
			expect(hook.bodies[0].json).toEqual({
				version: '1.0',
				header: { eventId: env.header.eventId, eventType: 'message.receive.normal', eventTime: T0 },
				event: {
					sender: {
						senderId: 'alice',
						senderType: 'user',
						senderUserLevel: 'unknown',
						senderNickname: 'Alice',
					},
					chat: { chatId: 'bot1', chatType: 'bot' },
					message: {
						msgId: (env.event.message as Any).msgId,
						parentId: '',
						sendTime: T0,
						chatId: 'bot1',
						chatType: 'bot',
						contentType: 'text',
						content: { text: 'hi' },
						commandId: 0,
						commandName: '',
					},
				},
			});
			const btn = emu.buttonReportEvent({
				msgId: hex(),
				recvId: 'g1',
				recvType: 'group',
				userId: 'bob',
				value: 'v',
			});
			expect(btn.header.eventType).toBe('button.report.inline');
			expect(btn.event).toMatchObject({
				recvId: 'g1',
				recvType: 'group',
				userId: 'bob',
				value: 'v',
				time: T0,
			});
			expect(emu.pushedEvents).toHaveLength(1);
		} finally {
			await hook.close();
		}
	});

	test('a user message to the bot or its group is pushed to the bot webhook', async () => {
		const hook = await receiver();
		try {
			emu.addBot({
				token: 'bot-token',
				botId: 'bot1',
				name: 'Helper',
				friends: ['alice'],
				groups: ['g1'],
				webhookUrl: hook.url,
			});
			const id = hex();
			await send({ msg_id: id, chat_type: 3, chat_id: 'bot1', content: { text: 'ping' } });
			await send(
				{ chat_type: 2, chat_id: 'g1', content_type: 3, content: { text: '*md*' } },
				'tok-bob',
			);
			await send({});
			await emu.settle();
			// Separate connections: arrival order is not guaranteed.
			const byChat = new Map(
				hook.bodies.map((b) => [b.json.event.chat.chatType as string, b.json as Any]),
			);
			expect(hook.bodies).toHaveLength(2);
			expect(byChat.get('bot')!.event).toMatchObject({
				chat: { chatId: 'bot1', chatType: 'bot' },
				message: { msgId: id, contentType: 'text', content: { text: 'ping' } },
			});
			expect(byChat.get('group')!.event).toMatchObject({
				chat: { chatId: 'g1', chatType: 'group' },
				sender: { senderId: 'bob', senderUserLevel: 'member', senderNickname: 'Bob' },
				message: { contentType: 'markdown' },
			});
			expect(emu.messageReceiveEventFor(id).event).toMatchObject({ chat: { chatId: 'bot1' } });
		} finally {
			await hook.close();
		}
	});
});
