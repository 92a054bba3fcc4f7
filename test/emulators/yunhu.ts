/**
 * Yunhu (云湖) emulator: one loopback server for both of Yunhu's HTTP APIs, plus a fake Qiniu upload host and a
 * webhook pusher.
 *
 * - Client ("user") API under /v1/...: protobuf in and out (proto/yunhu/*.proto, loaded with keepCase so fields keep
 *   their snake_case names), `token` header. msg send/edit/list (three windows)/recall/batch recall/button report,
 *   JSON edit records and download records, GET /v1/user/info, GET /v1/misc/qiniu-token* and POST /qiniu/.
 * - Bot Open API under /open-apis/v1/...: JSON with `?token=`, send/batch_send/edit/recall/messages and
 *   image/video/file uploads, `{code,msg,data}` envelope, 10 requests/s per token and endpoint.
 * - Webhooks: pushEvent(url, envelope) POSTs a §3.2 envelope; messageReceiveEvent/buttonReportEvent build them, and a
 *   bot with `webhookUrl` gets its events pushed automatically (await settle() before asserting).
 *
 * Usage: `const emu = new YunhuEmulator(); await emu.start(); emu.addUser({ token, id, name }); emu.addBot({ token,
 * botId, name, friends: [id] })`, point the node at `emu.baseUrl` (client API, Open API) and `emu.qiniuUploadUrl`,
 * then assert on `emu.messages`, `emu.uploads`, `emu.editRecords`, `emu.violations` and `emu.http.requests`.
 *
 * Rules come from shared/reference/yunhu.md and the seed only; the node's code is never imported. Where the reference
 * leaves a behaviour open the choice is marked "OPEN:". Decoded protobuf bodies (RecordedRequest.decoded) are plain
 * objects with snake_case keys, enums as numbers and 64-bit integers as JS numbers (toObject longs: Number).
 * RecordedRequest.note is 'duplicate' for an absorbed repeat send, otherwise `<code> <msg>` on refusals.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { PlatformEmulator, jsonReply, type RecordedRequest, type Reply } from './common';

// ---- Public types --------------------------------------------------------------------------------------------------

export type UploadKind = 'image' | 'file' | 'video' | 'audio';
export type BotUploadKind = 'image' | 'video' | 'file';

export interface YunhuEmulatorOptions {
	/** Clock in epoch milliseconds (send/edit/recall times, token deadlines, rate limit window). Default Date.now. */
	now?: () => number;
	/** list-message-by-seq cap ("about 30-31" in the reference). Default 30. */
	bySeqLimit?: number;
	/** list-message count when msg_count is 0. Default 20. */
	listMessageDefaultCount?: number;
	/** list-message msg_count ceiling. Default 100. */
	listMessageMax?: number;
	/** list-message-by-mid-seq msg_count ceiling. Default 100. */
	midSeqMax?: number;
	/** list-message-edit-record page size ceiling. Default 50. */
	editRecordMaxSize?: number;
	/** GET /open-apis/v1/bot/messages before/after ceiling (each). Default 100. */
	botMessagesMax?: number;
	/** Open API requests per token and endpoint in a sliding 1 s window. Default 10. */
	botRateLimitPerSecond?: number;
	/** Lifetime of the Qiniu upload tokens handed out. Default 1 h. */
	qiniuTokenTtlMs?: number;
	/** Fake Qiniu size ceiling per upload (normal users: 40 MB). */
	qiniuMaxBytes?: number;
	/** Open API upload ceilings; defaults image 10 MB, video 20 MB, file 20 MB. */
	botUploadMaxBytes?: Partial<Record<BotUploadKind, number>>;
}

export interface YunhuUserConfig {
	/** Session token for the client API `token` header. */
	token: string;
	id: string;
	name: string;
	avatarUrl?: string;
	email?: string;
	phone?: string;
	isVip?: boolean;
}

export interface YunhuBotConfig {
	/** Open API token (`?token=`). */
	token: string;
	botId: string;
	name: string;
	avatarUrl?: string;
	/** User ids that added the bot (the only users /bot/send may reach). */
	friends?: string[];
	/** Groups the bot is in; unknown groups are created empty. */
	groups?: string[];
	/** Every Open API call answers 1004. */
	banned?: boolean;
	/** Subscription URL: message and button events for this bot are POSTed here. */
	webhookUrl?: string;
}

export interface YunhuGroupConfig {
	groupId: string;
	name?: string;
	/** User ids in the group (the owner and admins are added to it). */
	members?: string[];
	owner?: string;
	admins?: string[];
	/** Bot ids in the group. */
	bots?: string[];
	/** Open API sends to it answer 1005. */
	banned?: boolean;
}

/** MsgContent fields that are set, by their proto names (text, image, file_url, audio_time, mentioned_id, ...). */
export type YunhuContent = Record<string, string | number | string[]>;

export interface YunhuStoredMessage {
	msgId: string;
	/** Chat key: `user:<a>|<b>` (ids sorted), `bot:<botId>|<userId>` or `group:<groupId>`. */
	chat: string;
	/** Per-chat sequence, from 1. */
	seq: number;
	senderId: string;
	senderType: 'user' | 'bot';
	/** Client API numbering: 1 text, 2 image, 3 markdown, 4 file, 5 form, 7 sticker, 8 html, 10 video, 11 audio. */
	contentType: number;
	content: YunhuContent;
	/** Milliseconds. */
	sendTime: number;
	editTime?: number;
	recallTime?: number;
	recalledBy?: string;
	quoteMsgId?: string;
	commandId?: number;
	via: 'client' | 'bot' | 'setup';
}

export interface YunhuUpload {
	key: string;
	kind: UploadKind;
	bytes: Buffer;
	fsize: number;
	/** Qiniu etag of the bytes. */
	hash: string;
	mimeType: string;
	fileName?: string;
	via: 'qiniu' | 'bot';
	/** User id (Qiniu) or bot id (Open API). */
	uploaderId: string;
	uploadedAt: number;
}

export interface YunhuEditRecord {
	id: number;
	msgId: string;
	/** Content type before the edit. */
	contentType: number;
	/** Content before the edit, as a JSON string of its MsgContent fields. */
	contentOld: string;
	/** When the message was first sent (ms). */
	createTime: number;
	/** When the edit happened (ms). */
	msgTime: number;
	editorId: string;
}

export interface YunhuQiniuToken {
	token: string;
	kind: UploadKind;
	bucket: string;
	userId: string;
	/** Milliseconds. */
	deadline: number;
}

export interface YunhuButtonReport {
	msgId: string;
	chatType: number;
	chatId: string;
	userId: string;
	buttonValue: string;
	at: number;
}

export interface YunhuEventEnvelope {
	version: '1.0';
	header: { eventId: string; eventType: string; eventTime: number };
	event: Record<string, unknown>;
}

export interface YunhuPushResult {
	status: number;
	text: string;
	json?: unknown;
}

export interface YunhuPushedEvent {
	url: string;
	envelope: YunhuEventEnvelope;
	status?: number;
	error?: string;
}

// ---- Platform constants --------------------------------------------------------------------------------------------

const PROTO_DIR = path.resolve(__dirname, '../../proto/yunhu');
const MSG_ID_RE = /^[0-9a-f]{32}$/;
const HTTP_URL_RE = /^https?:\/\//i;
const MB = 1024 * 1024;

const CT = {
	text: 1,
	image: 2,
	markdown: 3,
	file: 4,
	form: 5,
	post: 6,
	sticker: 7,
	html: 8,
	video: 10,
	audio: 11,
} as const;
// OPEN: call (13) and A2UI (14) need server-side objects and are refused like unknown content types; an article
// (post, 6) is sent with its title, text and format, as the seed's send_message documents.
const SENDABLE = new Set<number>(Object.values(CT));
const EDIT_TARGETS = new Set<number>([CT.text, CT.markdown, CT.html]);
const OPEN_CONTENT_TYPE: Record<number, string> = {
	1: 'text',
	2: 'image',
	3: 'markdown',
	4: 'file',
	5: 'form',
	6: 'post',
	7: 'expression',
	8: 'html',
	10: 'video',
	11: 'audio',
};
const BOT_CONTENT_TYPES: Record<string, number> = {
	text: 1,
	image: 2,
	markdown: 3,
	file: 4,
	html: 8,
	video: 10,
};

// OPEN: buckets per token kind; the audio bucket name is not in the reference.
const QINIU_BUCKET: Record<UploadKind, string> = {
	image: 'chat68',
	file: 'chat68-file',
	video: 'chat68-video',
	audio: 'chat68-audio',
};
const QINIU_AK = 'emulator-access-key';
const QINIU_BLOCK = 4 * MB;
// OPEN: CDN bases other than images are not in the reference.
const CDN: Record<UploadKind, string> = {
	image: 'https://chat-img.jwznb.com/',
	file: 'https://chat-file.jwznb.com/',
	video: 'https://chat-video1.jwznb.com/',
	audio: 'https://chat-audio1.jwznb.com/',
};

const EXTENSIONS: Record<Exclude<UploadKind, 'file'>, Set<string>> = {
	image: new Set([
		'jpg',
		'jpeg',
		'png',
		'gif',
		'webp',
		'bmp',
		'heic',
		'heif',
		'tif',
		'tiff',
		'ico',
	]),
	video: new Set(['mp4', 'mov', 'm4v', 'webm', 'mkv', 'avi', '3gp', 'flv', 'wmv']),
	audio: new Set(['m4a', 'mp3', 'aac', 'amr', 'wav', 'ogg', 'opus', 'flac', 'silk']),
};

const SEND_KEYS = new Set(['recvId', 'recvType', 'contentType', 'content', 'parentId']);
// OPEN: batch_send accepts parentId like send.
const BATCH_KEYS = new Set(['recvIds', 'recvType', 'contentType', 'content', 'parentId']);
const EDIT_KEYS = new Set(['msgId', 'recvId', 'recvType', 'contentType', 'content']);
const RECALL_KEYS = new Set(['msgId', 'chatId', 'chatType']);
// OPEN: fileName is accepted next to fileKey (the batch page shows it); fileUrl is not.
const CONTENT_KEYS = new Set([
	'text',
	'imageKey',
	'fileKey',
	'videoKey',
	'fileName',
	'buttons',
	'at',
]);
const BUTTON_KEYS = new Set(['text', 'actionType', 'url', 'value']);

const NOT_LOGGED_IN = { code: -101, msg: '未登录' };

// ---- Errors --------------------------------------------------------------------------------------------------------

/** A refusal in the platform's envelope: Status.code on protobuf routes, `code` in JSON. */
class ApiError extends Error {
	constructor(
		readonly code: number,
		msg: string,
	) {
		super(msg);
	}
}

// OPEN: the client API's refusal codes are undocumented; 1002 for malformed input, -1 for missing or forbidden objects.
const badRequest = (msg: string) => new ApiError(1002, msg);
const notFound = (msg: string) => new ApiError(-1, msg);

// ---- Small helpers -------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const isNonEmptyStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function randomHexId(): string {
	return randomBytes(16).toString('hex');
}

function sha1(b: Buffer): Buffer {
	return createHash('sha1').update(b).digest();
}

/** Qiniu's etag: 0x16 + sha1 for one 4 MB block, else 0x96 + sha1 of the blocks' sha1s; URL-safe base64. */
export function qiniuEtag(data: Buffer): string {
	if (data.length <= QINIU_BLOCK)
		return Buffer.concat([Buffer.from([0x16]), sha1(data)]).toString('base64url');
	const parts: Buffer[] = [];
	for (let i = 0; i < data.length; i += QINIU_BLOCK)
		parts.push(sha1(data.subarray(i, i + QINIU_BLOCK)));
	return Buffer.concat([Buffer.from([0x96]), sha1(Buffer.concat(parts))]).toString('base64url');
}

function extensionOf(name: string | undefined): string {
	const m = /\.([A-Za-z0-9]+)$/.exec(name ?? '');
	return m ? m[1].toLowerCase() : '';
}

function sniffImage(b: Buffer): boolean {
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true;
	if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return true;
	if (b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'GIF8') return true;
	return (
		b.length >= 12 &&
		b.subarray(0, 4).toString('latin1') === 'RIFF' &&
		b.subarray(8, 12).toString('latin1') === 'WEBP'
	);
}

/** Whether a file is of the kind an upload token was issued for (MIME type, file or key extension, image magic). */
// OPEN: a token of one kind refuses files of another; file tokens take anything.
function fileFitsKind(
	kind: UploadKind,
	mime: string,
	names: Array<string | undefined>,
	bytes: Buffer,
): boolean {
	if (kind === 'file') return true;
	if (mime.toLowerCase().startsWith(`${kind}/`)) return true;
	if (names.some((n) => EXTENSIONS[kind].has(extensionOf(n)))) return true;
	return kind === 'image' && sniffImage(bytes);
}

function varint(n: number): Buffer {
	const out: number[] = [];
	let v = n >>> 0;
	while (v > 0x7f) {
		out.push((v & 0x7f) | 0x80);
		v >>>= 7;
	}
	out.push(v);
	return Buffer.from(out);
}

function wireTypeOf(field: protobuf.Field): number {
	if (field.resolvedType instanceof protobuf.Type) return 2;
	if (field.resolvedType instanceof protobuf.Enum) return 0;
	return (protobuf.types.basic as Record<string, number>)[field.type] ?? -1;
}

/**
 * Walk the wire format against `type`: returns the bytes of the known, correctly typed fields (sub-messages cleaned
 * recursively) and lists every unknown field and wire-type mismatch in `problems`. Throws on malformed bytes.
 */
function scanFields(
	type: protobuf.Type,
	bytes: Uint8Array,
	where: string,
	problems: string[],
): Buffer {
	const r = protobuf.Reader.create(bytes);
	const out: Buffer[] = [];
	while (r.pos < r.len) {
		const start = r.pos;
		const tag = r.uint32();
		const id = tag >>> 3;
		const wt = tag & 7;
		if (id === 0) throw new Error('field number 0');
		const dataStart = r.pos;
		r.skipType(wt);
		const end = r.pos;
		const field = type.fieldsById[id];
		if (!field) {
			problems.push(`${where}: unknown field ${id} (wire type ${wt})`);
			continue;
		}
		const expected = wireTypeOf(field);
		if (field.resolvedType instanceof protobuf.Type && wt === 2) {
			const lr = protobuf.Reader.create(bytes.subarray(dataStart, end));
			lr.uint32();
			const inner = scanFields(
				field.resolvedType,
				bytes.subarray(dataStart + lr.pos, end),
				`${where}.${field.name}`,
				problems,
			);
			out.push(varint(tag), varint(inner.length), inner);
			continue;
		}
		const packed = field.repeated && wt === 2 && expected !== 2;
		if (wt !== expected && !packed) {
			problems.push(
				`${where}: field ${id} (${field.name}) sent with wire type ${wt}, expected ${expected}`,
			);
			continue;
		}
		out.push(Buffer.from(bytes.subarray(start, end)));
	}
	return Buffer.concat(out);
}

/** The project's .proto files, names kept as written (snake_case). */
export function loadYunhuProtos(): protobuf.Root {
	const root = new protobuf.Root();
	root.loadSync(
		['common.proto', 'msg.proto', 'user.proto'].map((f) => path.join(PROTO_DIR, f)),
		{ keepCase: true },
	);
	root.resolveAll();
	return root;
}

// ---- Internal state ------------------------------------------------------------------------------------------------

type User = YunhuUserConfig;

interface Bot {
	token: string;
	botId: string;
	name: string;
	avatarUrl?: string;
	friends: Set<string>;
	banned: boolean;
	webhookUrl?: string;
}

interface Group {
	groupId: string;
	name: string;
	members: Set<string>;
	owner?: string;
	admins: Set<string>;
	bots: Set<string>;
	banned: boolean;
}

interface Chat {
	key: string;
	kind: 'user' | 'bot' | 'group';
	/** user: the two user ids; bot: [botId, userId]; group: [groupId]. */
	ids: string[];
	lastSeq: number;
	messages: YunhuStoredMessage[];
}

interface ClientRoute {
	method: 'GET' | 'POST';
	kind: 'pb' | 'json';
	/** No token needed (a wrong one is still refused). */
	anonymous?: boolean;
	run: (req: RecordedRequest, user: User | undefined) => Reply | Promise<Reply>;
}

interface BotRoute {
	methods: Array<'GET' | 'POST'>;
	run: (req: RecordedRequest, bot: Bot) => unknown | Promise<unknown>;
}

type Types = Record<
	| 'Status'
	| 'StatusResponse'
	| 'SendMsgRequest'
	| 'ListMsgRequest'
	| 'ListMsgBySeqRequest'
	| 'ListMsgByMidSeqRequest'
	| 'ListMsgResponse'
	| 'ButtonReportRequest'
	| 'RecallMsg'
	| 'UserInfo',
	protobuf.Type
>;

export class YunhuEmulator extends PlatformEmulator {
	/** Every stored message, in storage order. */
	readonly messages: YunhuStoredMessage[] = [];
	/** Uploaded objects by key (fake Qiniu and Open API uploads share one store). */
	readonly uploads = new Map<string, YunhuUpload>();
	readonly editRecords: YunhuEditRecord[] = [];
	readonly downloadRecords: Array<{
		msgId: string;
		downloadPath: string;
		userId: string;
		at: number;
	}> = [];
	readonly buttonReports: YunhuButtonReport[] = [];
	readonly qiniuTokens = new Map<string, YunhuQiniuToken>();
	readonly pushedEvents: YunhuPushedEvent[] = [];
	/** Open API requests refused with 1007. */
	rateLimited = 0;

	readonly types: Types;
	private readonly now: () => number;
	private readonly opts: Required<Omit<YunhuEmulatorOptions, 'now' | 'botUploadMaxBytes'>> & {
		botUploadMaxBytes: Record<BotUploadKind, number>;
	};
	private readonly usersByToken = new Map<string, User>();
	private readonly users = new Map<string, User>();
	private readonly botsByToken = new Map<string, Bot>();
	private readonly bots = new Map<string, Bot>();
	private readonly groups = new Map<string, Group>();
	private readonly chats = new Map<string, Chat>();
	private readonly byId = new Map<string, YunhuStoredMessage>();
	private readonly botHits = new Map<string, number[]>();
	private readonly pushes: Array<Promise<unknown>> = [];
	private readonly qiniuSecret = randomBytes(20);
	private readonly clientRoutes: Record<string, ClientRoute>;
	private readonly botRoutes: Record<string, BotRoute>;
	private nextRequestId = 100000 + Math.floor(Math.random() * 900000);
	private nextEditRecordId = 1000000;

	constructor(opts: YunhuEmulatorOptions = {}) {
		super();
		this.now = opts.now ?? Date.now;
		this.opts = {
			bySeqLimit: opts.bySeqLimit ?? 30,
			listMessageDefaultCount: opts.listMessageDefaultCount ?? 20,
			listMessageMax: opts.listMessageMax ?? 100,
			midSeqMax: opts.midSeqMax ?? 100,
			editRecordMaxSize: opts.editRecordMaxSize ?? 50,
			botMessagesMax: opts.botMessagesMax ?? 100,
			botRateLimitPerSecond: opts.botRateLimitPerSecond ?? 10,
			qiniuTokenTtlMs: opts.qiniuTokenTtlMs ?? 3600_000,
			qiniuMaxBytes: opts.qiniuMaxBytes ?? 40 * MB,
			botUploadMaxBytes: {
				image: 10 * MB,
				video: 20 * MB,
				file: 20 * MB,
				...opts.botUploadMaxBytes,
			},
		};
		const root = loadYunhuProtos();
		const t = (n: string) => root.lookupType(`yh.${n}`);
		this.types = {
			Status: t('Status'),
			StatusResponse: t('StatusResponse'),
			SendMsgRequest: t('SendMsgRequest'),
			ListMsgRequest: t('ListMsgRequest'),
			ListMsgBySeqRequest: t('ListMsgBySeqRequest'),
			ListMsgByMidSeqRequest: t('ListMsgByMidSeqRequest'),
			ListMsgResponse: t('ListMsgResponse'),
			ButtonReportRequest: t('ButtonReportRequest'),
			RecallMsg: t('RecallMsg'),
			UserInfo: t('UserInfo'),
		};
		this.clientRoutes = this.makeClientRoutes();
		this.botRoutes = this.makeBotRoutes();
	}

	// ---- URLs ------------------------------------------------------------------------------------------------------

	/** The fake Qiniu upload host's URL (POST multipart here). */
	get qiniuUploadUrl(): string {
		return `${this.baseUrl}/qiniu/`;
	}

	/** Base of the Bot Open API (`${openApiBaseUrl}/bot/send`). */
	get openApiBaseUrl(): string {
		return `${this.baseUrl}/open-apis/v1`;
	}

	/** Public URL of an uploaded key, as the platform's CDN would serve it. */
	cdnUrl(key: string, kind: UploadKind = 'image'): string {
		return HTTP_URL_RE.test(key) ? key : `${CDN[kind]}${key}`;
	}

	// ---- Setup -----------------------------------------------------------------------------------------------------

	addUser(u: YunhuUserConfig): void {
		const user: User = { ...u };
		this.users.set(u.id, user);
		this.usersByToken.set(u.token, user);
	}

	addBot(b: YunhuBotConfig): void {
		const bot: Bot = {
			token: b.token,
			botId: b.botId,
			name: b.name,
			avatarUrl: b.avatarUrl,
			friends: new Set(b.friends ?? []),
			banned: b.banned ?? false,
			webhookUrl: b.webhookUrl,
		};
		this.bots.set(b.botId, bot);
		this.botsByToken.set(b.token, bot);
		for (const g of b.groups ?? []) this.ensureGroup(g).bots.add(b.botId);
	}

	/** Set (or, with undefined, remove) a bot's subscription URL, as the console's Subscription page does. */
	setBotWebhookUrl(botId: string, url: string | undefined): void {
		const bot = this.bots.get(botId);
		if (!bot) throw new Error(`setBotWebhookUrl: unknown bot ${botId}`);
		bot.webhookUrl = url;
	}

	addGroup(g: YunhuGroupConfig): void {
		const group = this.ensureGroup(g.groupId);
		if (g.name !== undefined) group.name = g.name;
		for (const m of g.members ?? []) group.members.add(m);
		if (g.owner !== undefined) {
			group.owner = g.owner;
			group.members.add(g.owner);
		}
		for (const a of g.admins ?? []) {
			group.admins.add(a);
			group.members.add(a);
		}
		for (const b of g.bots ?? []) group.bots.add(b);
		if (g.banned !== undefined) group.banned = g.banned;
	}

	/** The user added the bot (or, with `false`, removed it). */
	setFriend(botId: string, userId: string, friend = true): void {
		const bot = this.bots.get(botId);
		if (!bot) throw new Error(`setFriend: no bot ${botId}`);
		if (friend) bot.friends.add(userId);
		else bot.friends.delete(userId);
	}

	/**
	 * Store a message as if `senderId` (a user or a bot id) sent it to (chatType, chatId) as that sender addresses it:
	 * users use 1 user / 2 group / 3 bot, bots use 1 user / 2 group. Returns the stored message.
	 */
	addMessage(o: {
		senderId: string;
		chatType: 1 | 2 | 3;
		chatId: string;
		text?: string;
		contentType?: number;
		content?: YunhuContent;
		msgId?: string;
		sendTime?: number;
		quoteMsgId?: string;
		commandId?: number;
	}): YunhuStoredMessage {
		const bot = this.bots.get(o.senderId);
		const senderType = bot && !this.users.has(o.senderId) ? 'bot' : 'user';
		let chat: Chat;
		if (senderType === 'bot') {
			if (o.chatType === 1) chat = this.chat('bot', [o.senderId, o.chatId]);
			else if (o.chatType === 2) chat = this.chat('group', [o.chatId]);
			else throw new Error('addMessage: a bot sends to chat type 1 or 2');
		} else if (o.chatType === 1) chat = this.chat('user', [o.senderId, o.chatId]);
		else if (o.chatType === 2) chat = this.chat('group', [o.chatId]);
		else chat = this.chat('bot', [o.chatId, o.senderId]);
		return this.store(chat, {
			msgId: o.msgId ?? randomHexId(),
			senderId: o.senderId,
			senderType,
			contentType: o.contentType ?? CT.text,
			content: o.content ?? { text: o.text ?? '' },
			quoteMsgId: o.quoteMsgId,
			commandId: o.commandId,
			via: 'setup',
			sendTime: o.sendTime,
		});
	}

	// ---- State access ----------------------------------------------------------------------------------------------

	message(msgId: string): YunhuStoredMessage | undefined {
		return this.byId.get(msgId);
	}

	/** Messages of a chat in seq order: `{ users: [a, b] }`, `{ bot, user }` or `{ group }`. */
	chatMessages(
		spec: { users: [string, string] } | { bot: string; user: string } | { group: string },
	): YunhuStoredMessage[] {
		let key: string;
		if ('users' in spec) key = chatKey('user', spec.users);
		else if ('bot' in spec) key = chatKey('bot', [spec.bot, spec.user]);
		else key = chatKey('group', [spec.group]);
		return [...(this.chats.get(key)?.messages ?? [])];
	}

	/** Edit records of one message, oldest first. */
	editRecordsOf(msgId: string): YunhuEditRecord[] {
		return this.editRecords.filter((r) => r.msgId === msgId);
	}

	/** Wait for the automatic webhook pushes started so far. */
	async settle(): Promise<void> {
		await Promise.allSettled(this.pushes);
	}

	// ---- Webhook events (inbound §3.2) -----------------------------------------------------------------------------

	envelope(
		eventType: string,
		event: Record<string, unknown>,
		eventTime = this.now(),
	): YunhuEventEnvelope {
		return { version: '1.0', header: { eventId: randomHexId(), eventType, eventTime }, event };
	}

	/** A `message.receive.normal` envelope (`.instruction` when commandId is set) built from its parts. */
	messageReceiveEvent(o: {
		senderId: string;
		senderNickname?: string;
		senderUserLevel?: 'owner' | 'administrator' | 'member' | 'unknown';
		/** 'bot' (private chat, chatId = the bot id) or 'group'. */
		chatType: 'bot' | 'group';
		chatId: string;
		contentType?: string;
		content?: Record<string, unknown>;
		text?: string;
		msgId?: string;
		parentId?: string;
		sendTime?: number;
		commandId?: number;
		commandName?: string;
	}): YunhuEventEnvelope {
		const sendTime = o.sendTime ?? this.now();
		const command = o.commandId !== undefined && o.commandId !== 0;
		const message: Record<string, unknown> = {
			msgId: o.msgId ?? randomHexId(),
			parentId: o.parentId ?? '',
			sendTime,
			chatId: o.chatId,
			chatType: o.chatType,
			contentType: o.contentType ?? 'text',
			content: o.content ?? { text: o.text ?? '' },
			commandId: o.commandId ?? 0,
			commandName: o.commandName ?? '',
		};
		if (command) {
			message.instructionId = o.commandId;
			message.instructionName = o.commandName ?? '';
		}
		return this.envelope(
			command ? 'message.receive.instruction' : 'message.receive.normal',
			{
				sender: {
					senderId: o.senderId,
					senderType: 'user',
					senderUserLevel: o.senderUserLevel ?? (o.chatType === 'group' ? 'member' : 'unknown'),
					senderNickname: o.senderNickname ?? this.users.get(o.senderId)?.name ?? '',
				},
				chat: { chatId: o.chatId, chatType: o.chatType },
				message,
			},
			sendTime,
		);
	}

	/** The message event a bot receives for a stored user message (in its private chat or one of its groups). */
	messageReceiveEventFor(msgId: string): YunhuEventEnvelope {
		const m = this.byId.get(msgId);
		const chat = m && this.chats.get(m.chat);
		if (!m || !chat || chat.kind === 'user')
			throw new Error(`messageReceiveEventFor: ${msgId} is not in a bot or group chat`);
		const group = chat.kind === 'group' ? this.groups.get(chat.ids[0]) : undefined;
		let level: 'owner' | 'administrator' | 'member' | 'unknown' = 'unknown';
		if (group)
			level =
				group.owner === m.senderId
					? 'owner'
					: group.admins.has(m.senderId)
						? 'administrator'
						: 'member';
		return this.messageReceiveEvent({
			senderId: m.senderId,
			senderNickname: this.nameOf(m),
			senderUserLevel: level,
			chatType: chat.kind === 'group' ? 'group' : 'bot',
			chatId: chat.ids[0],
			contentType: OPEN_CONTENT_TYPE[m.contentType] ?? String(m.contentType),
			content: this.openContent(m),
			msgId: m.msgId,
			parentId: m.quoteMsgId,
			sendTime: m.sendTime,
			commandId: m.commandId,
		});
	}

	/** A `button.report.inline` envelope: `userId` tapped the button with `value` on message `msgId`. */
	buttonReportEvent(o: {
		msgId: string;
		recvId: string;
		recvType: 'user' | 'group';
		userId: string;
		value: string;
		time?: number;
	}): YunhuEventEnvelope {
		const time = o.time ?? this.now();
		return this.envelope(
			'button.report.inline',
			{
				time,
				msgId: o.msgId,
				recvId: o.recvId,
				recvType: o.recvType,
				userId: o.userId,
				value: o.value,
			},
			time,
		);
	}

	/** POST an event envelope as Yunhu does: JSON, no signature. */
	async pushEvent(
		url: string,
		envelope: YunhuEventEnvelope,
		headers: Record<string, string> = {},
	): Promise<YunhuPushResult> {
		const record: YunhuPushedEvent = { url, envelope };
		this.pushedEvents.push(record);
		try {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
				body: JSON.stringify(envelope),
			});
			const text = await res.text();
			record.status = res.status;
			let json: unknown;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			return { status: res.status, text, json };
		} catch (e) {
			record.error = (e as Error).message;
			throw e;
		}
	}

	private autoPush(bot: Bot | undefined, build: () => YunhuEventEnvelope): void {
		if (!bot?.webhookUrl) return;
		this.pushes.push(this.pushEvent(bot.webhookUrl, build()).catch(() => undefined));
	}

	// ---- Dispatch --------------------------------------------------------------------------------------------------

	protected async handle(req: RecordedRequest): Promise<Reply> {
		if (req.path === '/qiniu/' || req.path === '/qiniu') return await this.handleQiniu(req);
		if (req.path.startsWith('/open-apis/v1/')) return await this.handleBot(req);
		return await this.handleClient(req);
	}

	private notFoundReply(req: RecordedRequest): Reply {
		req.note = 'not found';
		return {
			status: 404,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: '404 page not found',
		};
	}

	// ---- Client API ------------------------------------------------------------------------------------------------

	private async handleClient(req: RecordedRequest): Promise<Reply> {
		const route = this.clientRoutes[req.path];
		if (!route || route.method !== req.method) return this.notFoundReply(req);
		const token = req.headers.token;
		const user =
			typeof token === 'string' && token.length > 0 ? this.usersByToken.get(token) : undefined;
		// OPEN: the -101 answer is HTTP 200.
		const tokenSent = typeof token === 'string' && token.length > 0;
		if (!user && (!route.anonymous || tokenSent)) {
			req.note = '-101 未登录';
			return jsonReply(200, NOT_LOGGED_IN);
		}
		try {
			return await route.run(req, user);
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			req.note = req.note ? `${req.note}; ${e.code} ${e.message}` : `${e.code} ${e.message}`;
			if (route.kind === 'json') return jsonReply(200, { code: e.code, msg: e.message });
			return this.pb(this.types.StatusResponse, {}, e.code, e.message);
		}
	}

	private makeClientRoutes(): Record<string, ClientRoute> {
		const pb = (run: ClientRoute['run']): ClientRoute => ({ method: 'POST', kind: 'pb', run });
		const json = (run: ClientRoute['run']): ClientRoute => ({ method: 'POST', kind: 'json', run });
		const qiniu = (kind: UploadKind, anonymous = false): ClientRoute => ({
			method: 'GET',
			kind: 'json',
			anonymous,
			run: (_req, user) => this.qiniuToken(kind, user),
		});
		return {
			'/v1/msg/send-message': pb((req, u) => this.sendMessage(req, u!)),
			'/v1/msg/edit-message': pb((req, u) => this.editMessage(req, u!)),
			'/v1/msg/list-message': pb((req, u) => this.listMessage(req, u!)),
			'/v1/msg/list-message-by-seq': pb((req, u) => this.listBySeq(req, u!)),
			'/v1/msg/list-message-by-mid-seq': pb((req, u) => this.listByMidSeq(req, u!)),
			'/v1/msg/recall-msg': pb((req, u) => this.recall(req, u!, false)),
			'/v1/msg/recall-msg-batch': pb((req, u) => this.recall(req, u!, true)),
			'/v1/msg/button-report': pb((req, u) => this.buttonReport(req, u!)),
			'/v1/msg/list-message-edit-record': json((req, u) => this.listEditRecords(req, u!)),
			'/v1/msg/file-download-record': json((req, u) => this.fileDownloadRecord(req, u!)),
			'/v1/user/info': { method: 'GET', kind: 'pb', run: (_req, u) => this.userInfo(u!) },
			'/v1/misc/qiniu-token': qiniu('image'),
			'/v1/misc/qiniu-token2': qiniu('file'),
			'/v1/misc/qiniu-token-video': qiniu('video'),
			// OPEN: the audio token works without a token header (the docs mark it "not required"); a wrong one is -101.
			'/v1/misc/qiniu-token-audio': qiniu('audio', true),
		};
	}

	private pb(type: protobuf.Type, fields: Json, code = 1, msg = 'success'): Reply {
		const body = { status: { request_id: this.nextRequestId++, code, msg }, ...fields };
		// OPEN: protobuf answers carry Content-Type application/x-protobuf.
		return {
			status: 200,
			headers: { 'content-type': 'application/x-protobuf' },
			body: Buffer.from(type.encode(body).finish()),
		};
	}

	/**
	 * Decode a protobuf body. Decoders drop unknown fields silently, so the decoded message is re-encoded and compared
	 * with the bytes received; on a difference a wire walk names each unknown or mistyped field as a violation.
	 */
	private decode(req: RecordedRequest, type: protobuf.Type): Json {
		let msg: protobuf.Message | undefined;
		try {
			msg = type.decode(req.body);
		} catch {
			msg = undefined;
		}
		if (!msg || !Buffer.from(type.encode(msg).finish()).equals(req.body)) {
			const problems: string[] = [];
			let clean: Buffer;
			try {
				clean = scanFields(type, req.body, type.name, problems);
			} catch {
				throw badRequest('请求数据解析失败');
			}
			// Fields out of order or repeated are valid protobuf: noted, not a violation.
			if (problems.length === 0) req.note = 'non-canonical protobuf encoding';
			for (const p of problems) this.violation(req, p);
			msg = type.decode(clean);
		}
		const obj = type.toObject(msg, { longs: Number, enums: Number, defaults: false }) as Json;
		req.decoded = obj;
		return obj;
	}

	/** The chat (chat_type, chat_id) names from `user`'s side, or -1 when it does not exist or is not theirs. */
	private clientChat(user: User, chatType: number, chatId: string): Chat {
		if (chatId) {
			if (chatType === 1 && this.users.has(chatId)) return this.chat('user', [user.id, chatId]);
			if (chatType === 2 && this.groups.get(chatId)?.members.has(user.id))
				return this.chat('group', [chatId]);
			// OPEN: a user reaches a bot's chat only after adding the bot (the friend list Open API sends check too).
			if (chatType === 3 && this.bots.get(chatId)?.friends.has(user.id))
				return this.chat('bot', [chatId, user.id]);
		}
		throw notFound('聊天对象不存在');
	}

	private requireMsgId(v: unknown): string {
		// OPEN: a msg_id that is not 32 lowercase hex characters is refused with 1002.
		if (typeof v !== 'string' || !MSG_ID_RE.test(v)) throw badRequest('msg_id格式错误');
		return v;
	}

	private requireMedia(key: string, kind: UploadKind, failure: string): void {
		if (HTTP_URL_RE.test(key)) return;
		// OPEN: a key that was never uploaded, or was uploaded with another kind of token, is refused like the Open API.
		if (this.uploads.get(key)?.kind !== kind) throw notFound(failure);
	}

	/** Required content fields per content type (reference §A.4). */
	private checkClientContent(ct: number, c: YunhuContent): void {
		if (!SENDABLE.has(ct)) throw badRequest('content_type取值错误');
		const empty = () => badRequest('消息内容不能为空');
		switch (ct) {
			case CT.text:
			case CT.markdown:
			case CT.html:
				if (!str(c.text)) throw empty();
				break;
			case CT.image: {
				const key = str(c.image) || str(c.image_url);
				if (!key) throw empty();
				this.requireMedia(key, 'image', '图片获取失败');
				break;
			}
			case CT.file:
				if (!str(c.file_url) || !str(c.file_name)) throw empty();
				this.requireMedia(str(c.file_url), 'file', '文件获取失败');
				break;
			case CT.video:
				if (!str(c.video_url)) throw empty();
				this.requireMedia(str(c.video_url), 'video', '视频获取失败');
				break;
			case CT.audio:
				if (!str(c.audio_url) || num(c.audio_time) <= 0) throw empty();
				this.requireMedia(str(c.audio_url), 'audio', '语音获取失败');
				break;
			case CT.sticker:
				if (
					!str(c.image) &&
					!str(c.expression_id) &&
					!(num(c.sticker_item_id) && num(c.sticker_pack_id))
				)
					throw empty();
				break;
			case CT.post:
				if (!str(c.post_title) || !str(c.post_content)) throw empty();
				if (c.post_content_type !== '1' && c.post_content_type !== '2')
					throw badRequest('post_content_type取值错误');
				break;
			case CT.form:
				if (!str(c.form)) throw empty();
				// OPEN: a form that is not a JSON object is refused.
				if (!isObj(parseJson(str(c.form)))) throw badRequest('form格式错误');
				break;
		}
		// OPEN: buttons that are not a JSON array are refused.
		if (
			c.buttons !== undefined &&
			str(c.buttons) !== '' &&
			!Array.isArray(parseJson(str(c.buttons)))
		) {
			throw badRequest('buttons格式错误');
		}
	}

	private sendMessage(req: RecordedRequest, user: User): Reply {
		const b = this.decode(req, this.types.SendMsgRequest);
		const msgId = this.requireMsgId(b.msg_id);
		const existing = this.byId.get(msgId);
		if (existing) {
			// OPEN: a repeated (sender, msg_id) is answered with success whatever its content or chat; another sender's id is -1.
			if (existing.senderType === 'user' && existing.senderId === user.id) {
				req.note = 'duplicate';
				return this.pb(this.types.StatusResponse, {});
			}
			throw notFound('消息ID已存在');
		}
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		const content = contentOf(b.content);
		const ct = num(b.content_type);
		this.checkClientContent(ct, content);
		const m = this.store(chat, {
			msgId,
			senderId: user.id,
			senderType: 'user',
			contentType: ct,
			content,
			quoteMsgId: str(b.quote_msg_id) || undefined,
			commandId: num(b.command_id) || undefined,
			via: 'client',
		});
		this.pushToBots(chat, m);
		return this.pb(this.types.StatusResponse, {});
	}

	/** Bots see user messages of their private chats and groups. */
	private pushToBots(chat: Chat, m: YunhuStoredMessage): void {
		if (m.senderType !== 'user') return;
		const bots =
			chat.kind === 'bot'
				? [this.bots.get(chat.ids[0])]
				: chat.kind === 'group'
					? [...(this.groups.get(chat.ids[0])?.bots ?? [])].map((id) => this.bots.get(id))
					: [];
		for (const bot of bots) this.autoPush(bot, () => this.messageReceiveEventFor(m.msgId));
	}

	private editMessage(req: RecordedRequest, user: User): Reply {
		const b = this.decode(req, this.types.SendMsgRequest);
		const msgId = this.requireMsgId(b.msg_id);
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		const m = this.byId.get(msgId);
		// OPEN: a recalled message cannot be edited.
		if (
			!m ||
			m.chat !== chat.key ||
			m.senderType !== 'user' ||
			m.senderId !== user.id ||
			m.recallTime !== undefined
		) {
			throw notFound('消息不存在或无权限修改');
		}
		const ct = num(b.content_type);
		// OPEN: a message of any content type may be edited into text, markdown or html.
		if (!EDIT_TARGETS.has(ct))
			throw badRequest('content_type取值错误，只能编辑为文本、Markdown或HTML');
		const content = contentOf(b.content);
		this.checkClientContent(ct, content);
		this.applyEdit(m, ct, content, user.id);
		m.quoteMsgId = str(b.quote_msg_id) || m.quoteMsgId;
		return this.pb(this.types.StatusResponse, {});
	}

	private applyEdit(
		m: YunhuStoredMessage,
		ct: number,
		content: YunhuContent,
		editorId: string,
	): void {
		const t = this.now();
		// OPEN: createTime is the message's send time and msgTime the edit's time (the seed's field comments).
		// OPEN: contentOld is the JSON of the old MsgContent fields that were set, by proto name ({"text":"..."}).
		this.editRecords.push({
			id: this.nextEditRecordId++,
			msgId: m.msgId,
			contentType: m.contentType,
			contentOld: JSON.stringify(m.content),
			createTime: m.sendTime,
			msgTime: t,
			editorId,
		});
		m.contentType = ct;
		m.content = content;
		m.editTime = t;
	}

	private listReply(user: User, items: YunhuStoredMessage[]): Reply {
		const data = items.map((m) => this.msgData(m, user.id));
		return this.pb(this.types.ListMsgResponse, { data, total: data.length });
	}

	// OPEN: every list answers oldest first (nanoyunhu reads by-mid-seq as [previous, target]); total = items returned.
	private listMessage(req: RecordedRequest, user: User): Reply {
		const b = this.decode(req, this.types.ListMsgRequest);
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		// OPEN: msg_count 0 means listMessageDefaultCount; larger counts are capped at listMessageMax.
		const count = Math.min(
			num(b.msg_count) > 0 ? num(b.msg_count) : this.opts.listMessageDefaultCount,
			this.opts.listMessageMax,
		);
		let before = chat.messages;
		if (str(b.msg_id)) {
			const anchor = chat.messages.find((m) => m.msgId === b.msg_id);
			// OPEN: an anchor that is not in the chat gives an empty list, not an error.
			before = anchor ? chat.messages.filter((m) => m.seq < anchor.seq) : [];
		}
		return this.listReply(user, before.slice(Math.max(0, before.length - count)));
	}

	private listBySeq(req: RecordedRequest, user: User): Reply {
		const b = this.decode(req, this.types.ListMsgBySeqRequest);
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		const start = num(b.msg_start);
		const after = chat.messages.filter((m) => m.seq > start);
		// More than the cap behind the newest: only the newest come back.
		return this.listReply(user, after.slice(Math.max(0, after.length - this.opts.bySeqLimit)));
	}

	private listByMidSeq(req: RecordedRequest, user: User): Reply {
		const b = this.decode(req, this.types.ListMsgByMidSeqRequest);
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		const count = Math.min(Math.max(0, num(b.msg_count)), this.opts.midSeqMax);
		// OPEN: msg_id picks the anchor; without it msg_seq does; neither (or an unknown one) gives an empty list.
		const anchor = str(b.msg_id)
			? chat.messages.find((m) => m.msgId === b.msg_id)
			: chat.messages.find((m) => m.seq === num(b.msg_seq));
		if (!anchor) return this.listReply(user, []);
		const before = chat.messages.filter((m) => m.seq < anchor.seq);
		return this.listReply(user, [...before.slice(Math.max(0, before.length - count)), anchor]);
	}

	private mayRecall(m: YunhuStoredMessage, user: User, chat: Chat): boolean {
		if (m.senderType === 'user' && m.senderId === user.id) return true;
		const group = chat.kind === 'group' ? this.groups.get(chat.ids[0]) : undefined;
		// OPEN: a group's owner and admins may recall other members' messages; there is no recall time window.
		return !!group && (group.owner === user.id || group.admins.has(user.id));
	}

	private recall(req: RecordedRequest, user: User, batch: boolean): Reply {
		const b = this.decode(req, this.types.RecallMsg);
		let ids = Array.isArray(b.msg_id) ? (b.msg_id as unknown[]).map(str) : [];
		if (!batch && ids.length > 1) {
			// The single endpoint's msg_id is not repeated, so a proto3 server keeps the last occurrence only.
			this.violation(
				req,
				`recall-msg got ${ids.length} msg_id values; only the last one is recalled`,
			);
			ids = ids.slice(-1);
		}
		if (ids.length === 0) throw badRequest('msg_id不能为空');
		for (const id of ids) this.requireMsgId(id);
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		const targets = ids.map((id) => this.byId.get(id));
		// OPEN: a batch is all or nothing: one unknown or foreign message refuses the whole request.
		for (const m of targets)
			if (!m || m.chat !== chat.key || !this.mayRecall(m, user, chat))
				throw notFound('消息不存在或无权限撤回');
		const t = this.now();
		for (const m of targets) {
			// OPEN: recalling an already recalled message succeeds and keeps the first recall_time.
			if (m && m.recallTime === undefined) {
				m.recallTime = t;
				m.recalledBy = user.id;
			}
		}
		return this.pb(this.types.StatusResponse, {});
	}

	private buttonReport(req: RecordedRequest, user: User): Reply {
		const b = this.decode(req, this.types.ButtonReportRequest);
		const chat = this.clientChat(user, num(b.chat_type), str(b.chat_id));
		const m = this.byId.get(str(b.msg_id));
		if (!m || m.chat !== chat.key) throw notFound('消息不存在');
		// OPEN: user_id must be the token's own user (a client reports its own taps).
		if (str(b.user_id) !== user.id) throw badRequest('user_id错误');
		if (!str(b.button_value)) throw badRequest('button_value不能为空');
		const report: YunhuButtonReport = {
			msgId: m.msgId,
			chatType: num(b.chat_type),
			chatId: str(b.chat_id),
			userId: user.id,
			buttonValue: str(b.button_value),
			at: this.now(),
		};
		this.buttonReports.push(report);
		if (m.senderType === 'bot') {
			// OPEN: in a private chat the event names the user as recvId with recvType 'user'.
			const recv =
				chat.kind === 'group'
					? { recvId: chat.ids[0], recvType: 'group' as const }
					: { recvId: user.id, recvType: 'user' as const };
			this.autoPush(this.bots.get(m.senderId), () =>
				this.buttonReportEvent({
					msgId: m.msgId,
					...recv,
					userId: user.id,
					value: report.buttonValue,
					time: report.at,
				}),
			);
		}
		return this.pb(this.types.StatusResponse, {});
	}

	private jsonBody(req: RecordedRequest): Json {
		if (!isObj(req.json)) throw badRequest('参数错误');
		return req.json;
	}

	/** A message `user` can see, or undefined. */
	private visibleMessage(user: User, msgId: unknown): YunhuStoredMessage | undefined {
		const m = typeof msgId === 'string' ? this.byId.get(msgId) : undefined;
		const chat = m && this.chats.get(m.chat);
		if (!m || !chat) return undefined;
		if (chat.kind === 'user' || chat.kind === 'bot')
			return chat.ids.includes(user.id) ? m : undefined;
		return this.groups.get(chat.ids[0])?.members.has(user.id) ? m : undefined;
	}

	private listEditRecords(req: RecordedRequest, user: User): Reply {
		const b = this.jsonBody(req);
		if (!isNonEmptyStr(b.msgId)) throw badRequest('msgId不能为空');
		const size = Math.min(
			Number.isSafeInteger(b.size) && (b.size as number) > 0 ? (b.size as number) : 10,
			this.opts.editRecordMaxSize,
		);
		const page = Number.isSafeInteger(b.page) && (b.page as number) > 0 ? (b.page as number) : 1;
		// OPEN: an unknown or invisible message has no records (not an error); records come newest first.
		const all = this.visibleMessage(user, b.msgId) ? this.editRecordsOf(b.msgId).reverse() : [];
		const list = all.slice((page - 1) * size, page * size).map(({ editorId: _e, ...r }) => r);
		return jsonReply(200, { code: 1, data: { list, total: all.length }, msg: 'success' });
	}

	private fileDownloadRecord(req: RecordedRequest, user: User): Reply {
		const b = this.jsonBody(req);
		if (!isNonEmptyStr(b.msgId) || !isNonEmptyStr(b.downloadPath)) throw badRequest('参数错误');
		const m = this.visibleMessage(user, b.msgId);
		// OPEN: only a file message the user can see takes a download record.
		if (!m || m.contentType !== CT.file) throw notFound('消息不存在');
		this.downloadRecords.push({
			msgId: b.msgId,
			downloadPath: b.downloadPath,
			userId: user.id,
			at: this.now(),
		});
		return jsonReply(200, { code: 1, msg: 'success' });
	}

	private userInfo(user: User): Reply {
		const data: Json = {
			id: user.id,
			name: user.name,
			avatar_url: user.avatarUrl ?? '',
			is_vip: user.isVip ?? false,
		};
		if (user.email) data.email = user.email;
		if (user.phone) data.phone = user.phone;
		return this.pb(this.types.UserInfo, { data });
	}

	private qiniuToken(kind: UploadKind, user: User | undefined): Reply {
		const deadline = this.now() + this.opts.qiniuTokenTtlMs;
		const bucket = QINIU_BUCKET[kind];
		const policy = Buffer.from(
			JSON.stringify({ scope: bucket, deadline: Math.floor(deadline / 1000) }),
		).toString('base64url');
		const sign = createHmac('sha1', this.qiniuSecret).update(policy).digest('base64url');
		const token = `${QINIU_AK}:${sign}:${policy}`;
		this.qiniuTokens.set(token, { token, kind, bucket, userId: user?.id ?? '', deadline });
		return jsonReply(200, { code: 1, data: { token }, msg: 'success' });
	}

	/** MsgData as the list endpoints return it, from `viewerId`'s side. */
	private msgData(m: YunhuStoredMessage, viewerId: string): Json {
		const sender = m.senderType === 'bot' ? this.bots.get(m.senderId) : this.users.get(m.senderId);
		const content: Json = { ...m.content };
		if (m.contentType === CT.image && !content.image_url && str(content.image)) {
			// Read side: the image URL is field 3; field 9 is the sticker URL there.
			content.image_url = this.cdnUrl(str(content.image));
			delete content.image;
		}
		const d: Json = {
			msg_id: m.msgId,
			sender: {
				chat_id: m.senderId,
				chat_type: m.senderType === 'bot' ? 3 : 1,
				name: this.nameOf(m),
				avatar_url: sender?.avatarUrl ?? '',
			},
			direction: m.senderType === 'user' && m.senderId === viewerId ? 'right' : 'left',
			content_type: m.contentType,
			// OPEN: a recalled message keeps its place and content, with recall_time set.
			content,
			send_time: m.sendTime,
			msg_seq: m.seq,
		};
		if (m.commandId) d.cmd = { cmd_id: m.commandId };
		if (m.recallTime !== undefined) d.recall_time = m.recallTime;
		if (m.quoteMsgId) d.quote_msg_id = m.quoteMsgId;
		if (m.editTime !== undefined) d.edit_time = m.editTime;
		return d;
	}

	private nameOf(m: YunhuStoredMessage): string {
		return (
			(m.senderType === 'bot'
				? this.bots.get(m.senderId)?.name
				: this.users.get(m.senderId)?.name) ?? ''
		);
	}

	// ---- Fake Qiniu ------------------------------------------------------------------------------------------------

	private async handleQiniu(req: RecordedRequest): Promise<Reply> {
		if (req.method !== 'POST') return this.notFoundReply(req);
		// OPEN: refusal statuses and texts follow Qiniu's (401 token, 413 size, 614 key taken, 403 type); 400 otherwise.
		const fail = (status: number, error: string) => {
			req.note = `qiniu ${status} ${error}`;
			return jsonReply(status, { error });
		};
		const ct = req.headers['content-type'] ?? '';
		if (!/^multipart\/form-data/i.test(ct)) return fail(400, 'invalid multipart format');
		let form: FormData;
		try {
			form = await new Response(new Uint8Array(req.body), {
				headers: { 'content-type': ct },
			}).formData();
		} catch {
			return fail(400, 'invalid multipart format');
		}
		const token = form.get('token');
		if (typeof token !== 'string' || !token) return fail(401, 'token not specified');
		const issued = this.qiniuTokens.get(token);
		if (!issued) return fail(401, 'bad token');
		if (this.now() > issued.deadline) return fail(401, 'expired token');
		const file = form.get('file');
		if (file === null || typeof file === 'string') return fail(400, 'file not specified');
		const bytes = Buffer.from(await file.arrayBuffer());
		if (bytes.length === 0) return fail(400, 'file is empty');
		if (bytes.length > this.opts.qiniuMaxBytes) return fail(413, 'exceed FsizeLimit');
		const hash = qiniuEtag(bytes);
		const keyField = form.get('key');
		// Qiniu names the object by its hash when no key is given.
		const key = typeof keyField === 'string' && keyField ? keyField : hash;
		const fileName = file.name || undefined;
		if (!fileFitsKind(issued.kind, file.type, [key, fileName], bytes)) {
			return fail(
				403,
				`limited mimeType: this file type (${file.type || 'unknown'}) is forbidden to upload`,
			);
		}
		const prev = this.uploads.get(key);
		if (prev && prev.hash !== hash) return fail(614, 'file exists');
		if (!prev) {
			this.uploads.set(key, {
				key,
				kind: issued.kind,
				bytes,
				fsize: bytes.length,
				hash,
				mimeType: file.type || 'application/octet-stream',
				fileName,
				via: 'qiniu',
				uploaderId: issued.userId,
				uploadedAt: this.now(),
			});
		}
		return jsonReply(200, { key, hash, fsize: bytes.length });
	}

	// ---- Bot Open API ----------------------------------------------------------------------------------------------

	private async handleBot(req: RecordedRequest): Promise<Reply> {
		const route = this.botRoutes[req.path.slice('/open-apis/v1'.length)];
		// OPEN: unknown routes and wrong methods on the Open API are a plain 404 as on the client API.
		if (!route || !route.methods.includes(req.method as 'GET' | 'POST'))
			return this.notFoundReply(req);
		const token = req.query.get('token') ?? '';
		// OPEN: every answer is HTTP 200; the outcome is in `code`.
		const refuse = (code: number, msg: string) => {
			req.note = `${code} ${msg}`;
			return jsonReply(200, { code, msg });
		};
		// Refused requests do not fill the window.
		if (!this.takeBotSlot(`${token}|${req.path}`)) {
			this.rateLimited += 1;
			// OPEN: the 1007 message text.
			return refuse(1007, '请求过于频繁，请稍后再试');
		}
		// OPEN: a missing token is 1002 "token不存在", an unknown one 1003 "非法token".
		if (!token) return refuse(1002, 'token不存在');
		const bot = this.botsByToken.get(token);
		if (!bot) return refuse(1003, '非法token');
		// OPEN: the 1004 message text.
		if (bot.banned) return refuse(1004, '机器人已被封禁');
		try {
			const data = await route.run(req, bot);
			return jsonReply(
				200,
				data === undefined ? { code: 1, msg: 'success' } : { code: 1, msg: 'success', data },
			);
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			return refuse(e.code, e.message);
		}
	}

	private takeBotSlot(key: string): boolean {
		const t = this.now();
		const hits = (this.botHits.get(key) ?? []).filter((x) => t - x < 1000);
		this.botHits.set(key, hits);
		if (hits.length >= this.opts.botRateLimitPerSecond) return false;
		hits.push(t);
		return true;
	}

	private makeBotRoutes(): Record<string, BotRoute> {
		const post = (run: BotRoute['run']): BotRoute => ({ methods: ['POST'], run });
		return {
			'/bot/send': post((req, bot) => this.botSend(req, bot)),
			'/bot/batch_send': post((req, bot) => this.botBatchSend(req, bot)),
			'/bot/edit': post((req, bot) => this.botEdit(req, bot)),
			'/bot/recall': post((req, bot) => this.botRecall(req, bot)),
			'/bot/messages': { methods: ['GET', 'POST'], run: (req, bot) => this.botMessages(req, bot) },
			'/image/upload': post((req, bot) => this.botUpload(req, bot, 'image')),
			'/video/upload': post((req, bot) => this.botUpload(req, bot, 'video')),
			'/file/upload': post((req, bot) => this.botUpload(req, bot, 'file')),
		};
	}

	/** The JSON body with only `allowed` keys (1002 otherwise). */
	private botJson(req: RecordedRequest, allowed: Set<string>): Json {
		const ct = String(req.headers['content-type'] ?? '');
		// The docs require it; a server that parses regardless would still answer.
		if (!/^application\/json/i.test(ct))
			this.violation(req, `Content-Type is "${ct}", expected application/json`);
		if (!isObj(req.json)) throw badRequest('参数错误，请求体不是JSON对象');
		const unknown = Object.keys(req.json).filter((k) => !allowed.has(k));
		// OPEN: the message text for unknown keys.
		if (unknown.length > 0) throw badRequest(`参数错误，未知字段: ${unknown.join(', ')}`);
		return req.json;
	}

	private botChat(bot: Bot, recvType: unknown, recvId: unknown): Chat {
		// OPEN: the message texts for a bad recvType and a missing recvId.
		if (recvType !== 'user' && recvType !== 'group') throw badRequest('recvType取值错误');
		if (!isNonEmptyStr(recvId)) throw badRequest('recvId不能为空');
		if (recvType === 'user') {
			if (!bot.friends.has(recvId)) throw new ApiError(1003, 'recvId值错误，该用户不是机器人好友');
			return this.chat('bot', [bot.botId, recvId]);
		}
		const group = this.groups.get(recvId);
		if (!group?.bots.has(bot.botId)) throw notFound(`群(ID:${recvId})中未添加当前机器人`);
		// OPEN: the 1005 message text.
		if (group.banned) throw new ApiError(1005, '该群已被封禁');
		return this.chat('group', [recvId]);
	}

	/** Validate an Open API content object and turn it into stored MsgContent fields. */
	private botContent(
		req: RecordedRequest,
		contentType: unknown,
		content: unknown,
	): { ct: number; content: YunhuContent } {
		if (typeof contentType !== 'string' || !(contentType in BOT_CONTENT_TYPES)) {
			throw badRequest('contentType取值错误，请翻看文档');
		}
		const ct = BOT_CONTENT_TYPES[contentType];
		if (!isObj(content)) throw badRequest('消息内容不能为空');
		const unknown = Object.keys(content).filter((k) => !CONTENT_KEYS.has(k));
		if (unknown.length > 0) throw badRequest(`参数错误，content未知字段: ${unknown.join(', ')}`);
		const out: YunhuContent = {};
		const text = content.text;
		if (text !== undefined && typeof text !== 'string')
			throw badRequest('参数错误，text必须是字符串');
		if (isNonEmptyStr(text)) out.text = text;
		const key = (
			field: 'imageKey' | 'fileKey' | 'videoKey',
			kind: BotUploadKind,
			failure: string,
		): string => {
			const v = content[field];
			if (!isNonEmptyStr(v)) throw badRequest('消息内容不能为空');
			if (this.uploads.get(v)?.kind !== kind) throw notFound(failure);
			return v;
		};
		switch (ct) {
			case CT.text:
			case CT.markdown:
			case CT.html:
				if (!out.text) throw badRequest('消息内容不能为空');
				break;
			case CT.image: {
				const k = key('imageKey', 'image', '图片获取失败');
				out.image = k;
				out.image_url = this.cdnUrl(k, 'image');
				break;
			}
			case CT.video: {
				const k = key('videoKey', 'video', '视频获取失败');
				out.video_url = k;
				out.file_size = this.uploads.get(k)!.fsize;
				break;
			}
			case CT.file: {
				const k = key('fileKey', 'file', '文件获取失败');
				const up = this.uploads.get(k)!;
				out.file_url = k;
				out.file_name = isNonEmptyStr(content.fileName) ? content.fileName : (up.fileName ?? k);
				out.file_size = up.fsize;
				break;
			}
		}
		if (content.buttons !== undefined) out.buttons = JSON.stringify(checkButtons(content.buttons));
		if (content.at !== undefined) {
			if (!Array.isArray(content.at) || !content.at.every(isNonEmptyStr))
				throw badRequest('参数错误，at必须是用户ID数组');
			out.mentioned_id = content.at as string[];
			for (const id of content.at as string[]) {
				const name = this.users.get(id)?.name;
				// A mention renders only when the text carries "@Name" + U+200B; the platform sends it either way.
				if (name !== undefined && !str(out.text).includes(`@${name}\u200b`)) {
					this.violation(req, `at ${id}: text lacks "@${name}" followed by U+200B`);
				}
			}
		}
		return { ct, content: out };
	}

	private botStore(
		bot: Bot,
		chat: Chat,
		ct: number,
		content: YunhuContent,
		parentId: unknown,
	): YunhuStoredMessage {
		return this.store(chat, {
			msgId: randomHexId(),
			senderId: bot.botId,
			senderType: 'bot',
			contentType: ct,
			content,
			quoteMsgId: isNonEmptyStr(parentId) ? parentId : undefined,
			via: 'bot',
		});
	}

	private botSend(req: RecordedRequest, bot: Bot): unknown {
		const b = this.botJson(req, SEND_KEYS);
		if (b.parentId !== undefined && typeof b.parentId !== 'string')
			throw badRequest('参数错误，parentId必须是字符串');
		const chat = this.botChat(bot, b.recvType, b.recvId);
		const { ct, content } = this.botContent(req, b.contentType, b.content);
		const m = this.botStore(bot, chat, ct, content, b.parentId);
		return { messageInfo: { msgId: m.msgId, recvId: b.recvId, recvType: b.recvType } };
	}

	private botBatchSend(req: RecordedRequest, bot: Bot): unknown {
		const b = this.botJson(req, BATCH_KEYS);
		if (!Array.isArray(b.recvIds) || b.recvIds.length === 0 || !b.recvIds.every(isNonEmptyStr)) {
			throw badRequest('recvIds不能为空');
		}
		if (b.recvType !== 'user' && b.recvType !== 'group') throw badRequest('recvType取值错误');
		const { ct, content } = this.botContent(req, b.contentType, b.content);
		const recvIds = [...new Set(b.recvIds as string[])];
		const chats: Array<{ recvId: string; chat: Chat }> = [];
		let firstError: ApiError | undefined;
		for (const recvId of recvIds) {
			try {
				chats.push({ recvId, chat: this.botChat(bot, b.recvType, recvId) });
			} catch (e) {
				if (!(e instanceof ApiError)) throw e;
				firstError ??= e;
			}
		}
		// OPEN: recipients the bot cannot reach are left out; when none is reachable the first refusal answers.
		if (chats.length === 0 && firstError) throw firstError;
		const successList = chats.map(({ recvId, chat }) => {
			const m = this.botStore(bot, chat, ct, { ...content }, b.parentId);
			return { msgId: m.msgId, recvId, recvType: b.recvType };
		});
		return { successCount: successList.length, successList };
	}

	private botEdit(req: RecordedRequest, bot: Bot): unknown {
		const b = this.botJson(req, EDIT_KEYS);
		if (!isNonEmptyStr(b.msgId)) throw badRequest('msgId不能为空');
		const chat = this.botChat(bot, b.recvType, b.recvId);
		const m = this.byId.get(b.msgId);
		if (
			!m ||
			m.chat !== chat.key ||
			m.senderType !== 'bot' ||
			m.senderId !== bot.botId ||
			m.recallTime !== undefined
		) {
			throw notFound('消息不存在或无权限修改');
		}
		const { ct, content } = this.botContent(req, b.contentType, b.content);
		if (!EDIT_TARGETS.has(ct)) {
			// OPEN: other edits answer successCount 1 without effect (only text, markdown and html take) and are flagged.
			this.violation(req, `edit to contentType ${String(b.contentType)} has no effect`);
		} else {
			this.applyEdit(m, ct, content, bot.botId);
		}
		return { successCount: 1 };
	}

	private botRecall(req: RecordedRequest, bot: Bot): unknown {
		const b = this.botJson(req, RECALL_KEYS);
		if (!isNonEmptyStr(b.msgId)) throw badRequest('msgId不能为空');
		if (b.chatType !== 'user' && b.chatType !== 'group') throw badRequest('chatType取值错误');
		if (!isNonEmptyStr(b.chatId)) throw badRequest('chatId不能为空');
		const key =
			b.chatType === 'user' ? chatKey('bot', [bot.botId, b.chatId]) : chatKey('group', [b.chatId]);
		const m = this.byId.get(b.msgId);
		// OPEN: the refusal text; recalling twice succeeds and keeps the first recall time.
		if (!m || m.chat !== key || m.senderType !== 'bot' || m.senderId !== bot.botId)
			throw notFound('消息不存在或无权限撤回');
		if (m.recallTime === undefined) {
			m.recallTime = this.now();
			m.recalledBy = bot.botId;
		}
		return undefined;
	}

	private botMessages(req: RecordedRequest, bot: Bot): unknown {
		const q = req.query;
		const chatId = q.get('chat-id') ?? '';
		const chatType = q.get('chat-type') ?? '';
		if (!chatId) throw badRequest('chat-id不能为空');
		const chat = this.botChat(bot, chatType, chatId);
		const count = (name: string): number => {
			const v = q.get(name);
			if (v === null || v === '') return 0;
			if (!/^\d+$/.test(v)) throw badRequest(`${name}取值错误`);
			return Math.min(Number(v), this.opts.botMessagesMax);
		};
		const before = count('before');
		const after = count('after');
		// OPEN: recalled messages are left out of the Open API list; items come oldest first; total = items returned.
		const visible = chat.messages.filter((m) => m.recallTime === undefined);
		let picked: YunhuStoredMessage[] = [];
		const anchorId = q.get('message-id');
		if (anchorId) {
			const i = visible.findIndex((m) => m.msgId === anchorId);
			// OPEN: an anchor that is not in the chat is -1 "消息不存在".
			if (i < 0) throw notFound('消息不存在');
			if (before > 0 || after > 0) picked = visible.slice(Math.max(0, i - before), i + 1 + after);
		} else if (before > 0) {
			picked = visible.slice(Math.max(0, visible.length - before));
		}
		const list = picked.map((m) => this.openItem(m));
		return { list, total: list.length };
	}

	private openItem(m: YunhuStoredMessage): Json {
		return {
			msgId: m.msgId,
			parentId: m.quoteMsgId ?? '',
			senderId: m.senderId,
			senderType: m.senderType,
			senderNickname: this.nameOf(m),
			contentType: OPEN_CONTENT_TYPE[m.contentType] ?? String(m.contentType),
			content: this.openContent(m),
			sendTime: m.sendTime,
			commandName: '',
			commandId: m.commandId ?? 0,
		};
	}

	/** Stored content in the Open API's (and webhooks') camelCase shape. */
	private openContent(m: YunhuStoredMessage): Json {
		const c = m.content;
		const out: Json = {};
		if (str(c.text)) out.text = c.text;
		if (str(c.buttons)) out.buttons = parseJson(str(c.buttons));
		const image = str(c.image) || str(c.image_url);
		if (m.contentType === CT.image && image) {
			out.imageUrl = this.cdnUrl(image, 'image');
			out.imageName = HTTP_URL_RE.test(image) ? '' : image;
			out.etag = this.uploads.get(image)?.hash ?? '';
		}
		if (m.contentType === CT.sticker && image) out.imageUrl = this.cdnUrl(image, 'image');
		if (str(c.file_url)) {
			out.fileName = str(c.file_name);
			out.fileUrl = c.file_url;
			out.fileSize = num(c.file_size);
		}
		if (str(c.video_url)) {
			out.videoUrl = this.cdnUrl(str(c.video_url), 'video');
			out.videoDuration = num(c.video_time);
		}
		if (str(c.audio_url)) {
			out.audioUrl = this.cdnUrl(str(c.audio_url), 'audio');
			out.audioDuration = num(c.audio_time);
		}
		if (Array.isArray(c.mentioned_id) && c.mentioned_id.length > 0) out.at = c.mentioned_id;
		if (str(c.form)) out.formJson = parseJson(str(c.form));
		if (str(c.quote_msg_text)) out.parent = c.quote_msg_text;
		return out;
	}

	private async botUpload(req: RecordedRequest, bot: Bot, kind: BotUploadKind): Promise<unknown> {
		const ct = String(req.headers['content-type'] ?? '');
		// OPEN: upload refusals (not multipart, missing field, too large, no extension) are 1002 with these texts.
		if (!/^multipart\/form-data/i.test(ct))
			throw badRequest('参数错误，请使用multipart/form-data上传');
		let form: FormData;
		try {
			form = await new Response(new Uint8Array(req.body), {
				headers: { 'content-type': ct },
			}).formData();
		} catch {
			throw badRequest('参数错误，multipart解析失败');
		}
		const file = form.get(kind);
		if (file === null || typeof file === 'string') throw badRequest(`参数错误，缺少${kind}文件`);
		const extra: string[] = [];
		form.forEach((_v, k) => {
			if (k !== kind && !extra.includes(k)) extra.push(k);
		});
		if (extra.length > 0) this.violation(req, `unexpected form fields: ${extra.join(', ')}`);
		const bytes = Buffer.from(await file.arrayBuffer());
		if (bytes.length === 0) throw badRequest('文件内容不能为空');
		if (bytes.length > this.opts.botUploadMaxBytes[kind]) throw badRequest('文件大小超过限制');
		const ext = extensionOf(file.name);
		if (kind === 'image') {
			if (!EXTENSIONS.image.has(ext)) throw badRequest('图片格式错误，文件名需带图片扩展名');
			// OPEN: .jpeg is accepted but flagged: the reference advises .jpg and whether .jpeg fails is unknown.
			if (ext === 'jpeg') this.violation(req, 'image filename uses .jpeg; use .jpg');
		}
		// OPEN: keys are md5 of the bytes plus the file's extension.
		const key = createHash('md5').update(bytes).digest('hex') + (ext ? `.${ext}` : '');
		if (!this.uploads.has(key)) {
			this.uploads.set(key, {
				key,
				kind,
				bytes,
				fsize: bytes.length,
				hash: qiniuEtag(bytes),
				mimeType: file.type || 'application/octet-stream',
				fileName: file.name || undefined,
				via: 'bot',
				uploaderId: bot.botId,
				uploadedAt: this.now(),
			});
		}
		return { [`${kind}Key`]: key };
	}

	// ---- Chats -----------------------------------------------------------------------------------------------------

	private ensureGroup(groupId: string): Group {
		let g = this.groups.get(groupId);
		if (!g) {
			g = {
				groupId,
				name: groupId,
				members: new Set(),
				admins: new Set(),
				bots: new Set(),
				banned: false,
			};
			this.groups.set(groupId, g);
		}
		return g;
	}

	private chat(kind: Chat['kind'], ids: string[]): Chat {
		const key = chatKey(kind, ids);
		let c = this.chats.get(key);
		if (!c) {
			c = {
				key,
				kind,
				ids: kind === 'user' ? [...ids].sort() : [...ids],
				lastSeq: 0,
				messages: [],
			};
			this.chats.set(key, c);
		}
		return c;
	}

	private store(
		chat: Chat,
		m: Omit<YunhuStoredMessage, 'chat' | 'seq' | 'sendTime'> & { sendTime?: number },
	): YunhuStoredMessage {
		chat.lastSeq += 1;
		const msg: YunhuStoredMessage = {
			...m,
			chat: chat.key,
			seq: chat.lastSeq,
			sendTime: m.sendTime ?? this.now(),
		};
		if (msg.quoteMsgId === undefined) delete msg.quoteMsgId;
		if (msg.commandId === undefined) delete msg.commandId;
		chat.messages.push(msg);
		this.messages.push(msg);
		this.byId.set(msg.msgId, msg);
		return msg;
	}
}

function chatKey(kind: Chat['kind'], ids: string[]): string {
	return `${kind}:${(kind === 'user' ? [...ids].sort() : ids).join('|')}`;
}

function parseJson(s: string): unknown {
	try {
		return JSON.parse(s);
	} catch {
		return undefined;
	}
}

/** The set fields of a decoded MsgContent. */
function contentOf(v: unknown): YunhuContent {
	const out: YunhuContent = {};
	if (!isObj(v)) return out;
	for (const [k, x] of Object.entries(v)) {
		if (
			typeof x === 'string'
				? x !== ''
				: typeof x === 'number'
					? x !== 0
					: Array.isArray(x) && x.length > 0
		) {
			out[k] = x as string | number | string[];
		}
	}
	return out;
}

/** Open API buttons: rows of { text, actionType 1 url | 2 copy | 3 report, url?, value? } (1002 otherwise). */
function checkButtons(v: unknown): unknown {
	// OPEN: the button shape is checked strictly (unknown keys, missing url/value) with one 1002 text.
	const bad = () => badRequest('buttons格式错误');
	if (!Array.isArray(v)) throw bad();
	for (const row of v) {
		if (!Array.isArray(row)) throw bad();
		for (const b of row) {
			if (!isObj(b) || Object.keys(b).some((k) => !BUTTON_KEYS.has(k)) || !isNonEmptyStr(b.text))
				throw bad();
			if (b.actionType === 1) {
				if (!isNonEmptyStr(b.url)) throw bad();
			} else if (b.actionType === 2 || b.actionType === 3) {
				if (typeof b.value !== 'string') throw bad();
			} else throw bad();
		}
	}
	return v;
}
