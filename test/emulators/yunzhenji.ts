/**
 * Yunzhenji (云真机: WeCom accounts on cloud phones, by miaokol) open API emulator.
 *
 * - POST /oauth/token `{app_id, app_secret, grand_type}` issues 7200 s tokens by the emulator's clock; every business
 *   call carries `app_id` + `access_token` (POST: JSON body, GET: query string). Envelope `{errcode, message?, data?}`,
 *   always HTTP 200 for platform errors.
 * - POST /wechat/sendMessage checks the sender, the target and up to 5 messages field by field, answers
 *   `data: [{idx, api_send_svrid, api_send_id?}]`, stores each accepted message in `sends` and, soon after answering,
 *   executes it: an AES-256-CBC encrypted `chatMsg` callback, then `chatMsgSendFail` when the fail rule matches.
 * - GET /wechat/list, /wechat/contactInfo, /wechat/blackContactList, /wechat/whiteContactList.
 * - Callbacks: one POST per notification array, body encrypted with the app's EncodingAESKey (43-character base64 or
 *   32-character raw), sent as raw base64 or `{"encrypt": "<base64>"}`; 1 s timeout, never retried. Every attempt is
 *   recorded in `callbacks`; `await flushCallbacks()` waits for all scheduled deliveries.
 *
 * Usage: `const emu = new YunzhenjiEmulator({ apps: [{ appId, appSecret, encodingAesKey }] }); await emu.start();
 * emu.addAccount({ wxid }); emu.addCustomer({ wxid, relWxids: [account] }); emu.setCallbackUrl(url)`, point the node
 * at `emu.baseUrl`, then assert on `emu.sends`, `emu.callbacks`, `emu.violations` and `emu.http.requests`.
 *
 * Rules come from shared/reference/yunzhenji.md, inbound.md §4 and the seed only; the node's code is never imported.
 * Where the reference leaves a behaviour open the choice is marked "OPEN:". Clock: `now()` in epoch milliseconds.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { PlatformEmulator, jsonReply, type RecordedRequest, type Reply } from './common';

// ---- Crypto (inbound.md §4) ---------------------------------------------------------------------------------------

const BLOCK = 32;

/** Key bytes of an EncodingAESKey: 43 characters = base64 of 32 bytes (`=` appended), 32 characters = UTF-8 bytes. */
export function yunzhenjiKeyBytes(encodingAesKey: string): Buffer {
	if (encodingAesKey.length === 43 && /^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
		return Buffer.from(`${encodingAesKey}=`, 'base64');
	}
	if (encodingAesKey.length === 32 && Buffer.byteLength(encodingAesKey, 'utf8') === 32) {
		return Buffer.from(encodingAesKey, 'utf8');
	}
	throw new Error('EncodingAESKey must be 43 base64 characters or 32 single-byte characters');
}

/** PKCS#7 with K = 32: always 1…32 bytes of padding, each holding the pad length. */
export function pkcs7Pad32(data: Buffer): Buffer {
	const n = BLOCK - (data.length % BLOCK);
	return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function pkcs7Unpad32(data: Buffer): Buffer {
	const n = data.length > 0 ? data[data.length - 1] : 0;
	if (n < 1 || n > BLOCK || n > data.length || data.length % 16 !== 0)
		throw new Error('bad PKCS#7 padding');
	for (let i = data.length - n; i < data.length; i++)
		if (data[i] !== n) throw new Error('bad PKCS#7 padding');
	return data.subarray(0, data.length - n);
}

/** AES-256-CBC, IV = first 16 key bytes, padding to 32-byte blocks; returns base64. */
export function encryptYunzhenji(plaintext: string | Buffer, encodingAesKey: string): string {
	const key = yunzhenjiKeyBytes(encodingAesKey);
	const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
	// Node would pad to 16-byte blocks; the platform pads to 32.
	cipher.setAutoPadding(false);
	const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
	return Buffer.concat([cipher.update(pkcs7Pad32(data)), cipher.final()]).toString('base64');
}

export function decryptYunzhenji(ciphertextBase64: string, encodingAesKey: string): string {
	const key = yunzhenjiKeyBytes(encodingAesKey);
	const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
	// A pad value above 16 makes Node's own unpadding throw.
	decipher.setAutoPadding(false);
	const raw = Buffer.concat([
		decipher.update(Buffer.from(ciphertextBase64, 'base64')),
		decipher.final(),
	]);
	return pkcs7Unpad32(raw).toString('utf8');
}

// ---- Public types --------------------------------------------------------------------------------------------------

export interface YunzhenjiAppConfig {
	appId: string;
	appSecret: string;
	/** 43-character base64 EncodingAESKey, or a 32-character key used as its UTF-8 bytes. */
	encodingAesKey: string;
	/** Enterprise id put in notifications as `corp_wxid` (omitted when unset). */
	corpWxid?: string;
	callbackUrl?: string;
}

export type YunzhenjiCallbackBodyForm = 'base64' | 'json';

export interface YunzhenjiEmulatorOptions {
	apps: YunzhenjiAppConfig[];
	/** Clock in epoch milliseconds (token lifetime, svrid timestamps, delayed_time, send_time). Default Date.now. */
	now?: () => number;
	/** The `grand_type` value /oauth/token requires. Default 'client_credential'. */
	grantType?: string;
	/** expires_in of issued tokens, seconds. Default 7200. */
	tokenTtlSeconds?: number;
	/** A new token invalidates the app's earlier ones (40001). Default false. */
	newTokenRevokesPrevious?: boolean;
	/** 'data': `{errcode:0, data:{access_token, expires_in}}` (default); 'top': the two fields at the top level. */
	tokenResponseShape?: 'data' | 'top';
	/** How the ciphertext is carried: raw base64 body (default) or a JSON object `{[callbackJsonField]: base64}`. */
	callbackBodyForm?: YunzhenjiCallbackBodyForm;
	/** Field name of the JSON-wrapped form. Default 'encrypt'. */
	callbackJsonField?: string;
	/** Content-Type of callback POSTs. Default 'application/json; charset=utf-8' for both forms. */
	callbackContentType?: string;
	/** Time the receiver gets to answer before the delivery counts as a timeout. Default 1000 ms. */
	callbackTimeoutMs?: number;
	/** Real-time delay between answering sendMessage and executing each message. Default 5 ms. */
	executeDelayMs?: number;
	/** Timeouts per app and (China) day after which its callbacks stop for the rest of the day. Default 1000. */
	callbackTimeoutsPerDay?: number;
	/** Hold a message with a future delayed_time until the clock reaches it (see releaseDue). Default false. */
	holdDelayed?: boolean;
	/** A target_wxid containing 'fail' makes every message to it fail. Default true. */
	failTargetsContainingFail?: boolean;
	/** Further failure rule: true or a reason string fails the message (chatMsgSendFail after chatMsg). */
	failWhen?: (m: YunzhenjiSentMessage) => boolean | string;
	/** A customer target must have added the sender; a group target must contain it. Default true. */
	requireRelation?: boolean;
}

export interface YunzhenjiAccount {
	/** Numeric id from /wechat/list. */
	id: number;
	appId: string;
	wxid: string;
	nickname: string;
	fullName: string;
	avatar: string;
	online: boolean;
	corpWxid?: string;
	corpName?: string;
}

export interface YunzhenjiCustomer {
	wxid: string;
	nickname: string;
	/** WeCom accounts that added this customer. */
	relWxids: string[];
	/** Customer groups (R:...) the customer is in. */
	roomWxids: string[];
}

export interface YunzhenjiGroup {
	/** `R:` + digits. */
	wxid: string;
	name: string;
	/** WeCom accounts in the group (may send to it). */
	relWxids: string[];
	/** Customers in the group. */
	memberWxids: string[];
}

export interface YunzhenjiListedContact {
	id: number;
	appId: string;
	wxid: string;
	nickname: string;
	/** The WeCom account the entry belongs to ('' when app-wide). */
	relWxid: string;
	remark: string;
	/** Unix seconds. */
	createdAt: number;
}

export type YunzhenjiSendStatus = 'held' | 'queued' | 'sent' | 'failed';

export interface YunzhenjiSentMessage {
	appId: string;
	/** Sending WeCom account. */
	wxid: string;
	targetWxid: string;
	/** Position in the request's messages. */
	idx: number;
	msgType: string;
	content: Record<string, unknown>;
	delayedTime?: number;
	/** As the caller gave it (number or string). */
	apiSendId?: number | string;
	apiSendSvrid: string;
	/** Clock (ms) when accepted. */
	acceptedAt: number;
	/** held: waiting for delayed_time; queued: accepted, not yet executed; sent / failed: executed. */
	status: YunzhenjiSendStatus;
	failReason?: string;
	/** Platform message id, set when executed. */
	msgId?: string;
	/** Clock (ms) when executed. */
	executedAt?: number;
}

export interface YunzhenjiNotification {
	type: string;
	corp_wxid?: string;
	rel_wxid: string;
	data: Array<Record<string, unknown>>;
}

export interface YunzhenjiCallbackDelivery {
	appId: string;
	url: string;
	notifications: YunzhenjiNotification[];
	/** The JSON text before encryption. */
	plaintext: string;
	/** The body as posted (base64, or the JSON wrapper). */
	body: string;
	bodyForm: YunzhenjiCallbackBodyForm;
	contentType: string;
	/** Clock (ms) at the attempt. */
	at: number;
	status?: number;
	responseText?: string;
	error?: string;
	timedOut: boolean;
	/** Not sent: the app exceeded its daily timeout allowance. */
	blocked: boolean;
	/** Real milliseconds until answered or given up. */
	durationMs?: number;
}

/** Body of a chatMsg notification's data item for a message a customer (or anyone) sent to an account. */
export interface YunzhenjiIncomingMessage {
	/** The WeCom account that receives it (rel_wxid; its app gets the callback). */
	relWxid: string;
	fromWxid: string;
	/** Set for group messages. */
	roomWxid?: string;
	msgType?: string;
	content?: Record<string, unknown>;
	/** Shortcut for a text message. */
	text?: string;
	msgId?: string;
	/** Unix seconds; default now. */
	sendTime?: number;
}

// ---- Rules ---------------------------------------------------------------------------------------------------------

// OPEN: numeric error codes are unknown publicly; these follow WeCom/WeChat's meanings (40001, 42001, 43002, ...).
const ERR = {
	invalidToken: 40001,
	badGrant: 40002,
	badWxid: 40003,
	badMsgType: 40008,
	badAppId: 40013,
	badParam: 40035,
	badSecret: 40125,
	noToken: 41001,
	noAppId: 41002,
	noSecret: 41004,
	expiredToken: 42001,
	needGet: 43001,
	needPost: 43002,
	tooMany: 45008,
	noTarget: 46004,
	badJson: 47001,
} as const;

const MAX_MESSAGES = 5;
const MAX_PAGE_SIZE = 100;
const SEND_TOP_FIELDS = new Set(['app_id', 'access_token', 'wxid', 'target_wxid', 'messages']);
const MESSAGE_FIELDS = new Set(['msg_type', 'content', 'delayed_time', 'api_send_id']);
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

type Check = (v: unknown) => boolean;
interface FieldRule {
	required: boolean;
	check: Check;
	/** What the value must be, for the refusal message. */
	what: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

const req = (check: Check, what: string): FieldRule => ({ required: true, check, what });
const opt = (check: Check, what: string): FieldRule => ({ required: false, check, what });
const URL_RULE = req(isNonEmptyStr, 'a non-empty string');

/** Content fields per msg_type (reference §B.3/§B.4); null = opaque object. */
const CONTENT_RULES: Record<string, Record<string, FieldRule> | null> = {
	text: { items: req((v) => Array.isArray(v) && v.length > 0, 'a non-empty array of items') },
	announcement: { text: req(isNonEmptyStr, 'a non-empty string') },
	picture: { url: URL_RULE },
	link: {
		title: req(isNonEmptyStr, 'a non-empty string'),
		url: URL_RULE,
		cover: opt(isStr, 'a string'),
		desc: opt(isStr, 'a string'),
	},
	file: { title: req(isNonEmptyStr, 'a non-empty string'), url: URL_RULE },
	voice: {
		url: URL_RULE,
		duration: req((v) => isInt(v) && v >= 1 && v <= 60, 'an integer from 1 to 60 (seconds)'),
		// The seed sends "" here; it must be present as a string.
		org_content: req(isStr, 'a string (copied from a received voice message)'),
	},
	// OPEN: video content is not documented; url required, cover and a positive integer duration optional.
	video: {
		url: URL_RULE,
		cover: opt(isStr, 'a string'),
		duration: opt((v) => isInt(v) && v > 0, 'a positive integer'),
	},
	// OPEN: program, card and channel contents are not documented; any JSON object is accepted as is.
	program: null,
	card: null,
	channel: null,
};

// OPEN: text item shapes are guesses (reference §B.4); other item types pass through unchecked.
/** Text item shapes; other item types pass through. */
const TEXT_ITEM_RULES: Record<string, Record<string, FieldRule>> = {
	text: { text: req(isNonEmptyStr, 'a non-empty string') },
	at: { wxid: req(isNonEmptyStr, 'a non-empty string') },
	emoji: { text: req(isNonEmptyStr, 'a non-empty string such as "[微笑]"') },
};

class ApiError extends Error {
	constructor(
		readonly errcode: number,
		message: string,
	) {
		super(message);
	}
}

interface App extends YunzhenjiAppConfig {
	blacklist: YunzhenjiListedContact[];
	whitelist: YunzhenjiListedContact[];
	// OPEN: deliveries run one after another per app, so callbacks arrive in order (the platform may not).
	chain: Promise<unknown>;
	timeouts: { day: number; count: number };
}

interface Token {
	appId: string;
	expiresAt: number;
	revoked: boolean;
	expired: boolean;
}

interface Timer {
	handle: ReturnType<typeof setTimeout>;
	resolve: () => void;
}

type Route = { method: 'GET' | 'POST'; run: (req: RecordedRequest) => Record<string, unknown> };

const randomLetters = (n: number): string => {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	let s = '';
	for (let i = 0; i < n; i++) s += abc[randomInt(abc.length)];
	return s;
};
const randomDigits = (n: number): string => {
	let s = String(randomInt(1, 10));
	while (s.length < n) s += String(randomInt(10));
	return s;
};

// ---- Emulator ------------------------------------------------------------------------------------------------------

export class YunzhenjiEmulator extends PlatformEmulator {
	/** Every message sendMessage accepted, in order. */
	readonly sends: YunzhenjiSentMessage[] = [];
	/** Every callback attempt (including blocked ones), in order. */
	readonly callbacks: YunzhenjiCallbackDelivery[] = [];
	tokensIssued = 0;

	private readonly apps = new Map<string, App>();
	private readonly accountsByWxid = new Map<string, YunzhenjiAccount>();
	private readonly customersByWxid = new Map<string, YunzhenjiCustomer>();
	private readonly groupsByWxid = new Map<string, YunzhenjiGroup>();
	private readonly tokens = new Map<string, Token>();
	private readonly pending = new Set<Promise<unknown>>();
	private readonly timers = new Set<Timer>();
	private readonly now: () => number;
	private readonly grantType: string;
	private readonly tokenTtlSeconds: number;
	private readonly tokenResponseShape: 'data' | 'top';
	private readonly callbackJsonField: string;
	private readonly callbackTimeoutMs: number;
	private readonly executeDelayMs: number;
	private readonly callbackTimeoutsPerDay: number;
	private readonly failTargetsContainingFail: boolean;
	private readonly requireRelation: boolean;
	private nextAccountId = 1;
	private nextListId = 1;
	private truncations: Array<{ count: number; remaining: number }> = [];
	private injected: Array<{ path?: string; errcode: number; message: string; remaining: number }> =
		[];
	private stopped = false;

	newTokenRevokesPrevious: boolean;
	holdDelayed: boolean;
	callbackBodyForm: YunzhenjiCallbackBodyForm;
	callbackContentType: string;
	failWhen?: (m: YunzhenjiSentMessage) => boolean | string;

	constructor(opts: YunzhenjiEmulatorOptions) {
		super();
		for (const a of opts.apps) {
			// A malformed key fails here, at setup, rather than in a background delivery.
			yunzhenjiKeyBytes(a.encodingAesKey);
			this.apps.set(a.appId, {
				...a,
				blacklist: [],
				whitelist: [],
				chain: Promise.resolve(),
				timeouts: { day: -1, count: 0 },
			});
		}
		this.now = opts.now ?? Date.now;
		// OPEN: the required grand_type value was cut off in the docs; 'client_credential' by default.
		this.grantType = opts.grantType ?? 'client_credential';
		this.tokenTtlSeconds = opts.tokenTtlSeconds ?? 7200;
		// OPEN: a new token leaves earlier ones valid until they expire; newTokenRevokesPrevious makes them 40001.
		this.newTokenRevokesPrevious = opts.newTokenRevokesPrevious ?? false;
		// OPEN: the token answer's shape is unknown; the fields sit in `data` like the other endpoints' answers.
		this.tokenResponseShape = opts.tokenResponseShape ?? 'data';
		// OPEN: the callback body form is unknown; raw base64 by default, `{"encrypt": ...}` as the alternative.
		this.callbackBodyForm = opts.callbackBodyForm ?? 'base64';
		this.callbackJsonField = opts.callbackJsonField ?? 'encrypt';
		// OPEN: the docs state a JSON content type for callbacks, so it is sent even with a raw base64 body.
		this.callbackContentType = opts.callbackContentType ?? 'application/json; charset=utf-8';
		this.callbackTimeoutMs = opts.callbackTimeoutMs ?? 1000;
		// OPEN: the docs give no execution delay; messages run 5 ms after the answer.
		this.executeDelayMs = opts.executeDelayMs ?? 5;
		// OPEN: the daily timeout allowance counts per app and per calendar day in China time (UTC+8).
		this.callbackTimeoutsPerDay = opts.callbackTimeoutsPerDay ?? 1000;
		this.holdDelayed = opts.holdDelayed ?? false;
		this.failTargetsContainingFail = opts.failTargetsContainingFail ?? true;
		this.failWhen = opts.failWhen;
		// OPEN: sending to a customer who has not added the sender (or a group without it) is refused with 46004.
		this.requireRelation = opts.requireRelation ?? true;
	}

	// ---- Setup -----------------------------------------------------------------------------------------------------

	/** A WeCom account that has logged in on a cloud phone of the app (default: the first app); online by default. */
	addAccount(o: {
		wxid: string;
		nickname?: string;
		fullName?: string;
		avatar?: string;
		online?: boolean | 0 | 1;
		appId?: string;
		corpWxid?: string;
		corpName?: string;
	}): YunzhenjiAccount {
		const app = this.appOrFirst(o.appId);
		const account: YunzhenjiAccount = {
			id: this.nextAccountId++,
			appId: app.appId,
			wxid: o.wxid,
			nickname: o.nickname ?? `WeCom ${o.wxid.slice(-4)}`,
			fullName: o.fullName ?? o.nickname ?? `WeCom ${o.wxid.slice(-4)}`,
			avatar: o.avatar ?? `https://avatar.example/${o.wxid}.png`,
			online: o.online === undefined ? true : Boolean(o.online),
			corpWxid: o.corpWxid ?? app.corpWxid,
			corpName: o.corpName,
		};
		this.accountsByWxid.set(o.wxid, account);
		return account;
	}

	/** A customer (external contact) added by `relWxids`, in the groups `roomWxids` (created when unknown). */
	addCustomer(o: {
		wxid: string;
		nickname?: string;
		relWxids?: string[];
		roomWxids?: string[];
	}): YunzhenjiCustomer {
		const existing = this.customersByWxid.get(o.wxid);
		const c: YunzhenjiCustomer = existing ?? {
			wxid: o.wxid,
			nickname: '',
			relWxids: [],
			roomWxids: [],
		};
		c.nickname = o.nickname ?? (c.nickname || `Customer ${o.wxid.slice(-4)}`);
		for (const r of o.relWxids ?? []) if (!c.relWxids.includes(r)) c.relWxids.push(r);
		for (const room of o.roomWxids ?? []) {
			if (!c.roomWxids.includes(room)) c.roomWxids.push(room);
			const g = this.groupsByWxid.get(room) ?? this.addGroup({ wxid: room });
			if (!g.memberWxids.includes(o.wxid)) g.memberWxids.push(o.wxid);
		}
		this.customersByWxid.set(o.wxid, c);
		return c;
	}

	/** A customer group (`R:...`) with the WeCom accounts `relWxids` and customers `memberWxids` in it. */
	addGroup(o: {
		wxid: string;
		name?: string;
		relWxids?: string[];
		memberWxids?: string[];
	}): YunzhenjiGroup {
		if (!o.wxid.startsWith('R:'))
			throw new Error(`addGroup: a group wxid starts with "R:" (${o.wxid})`);
		const g = this.groupsByWxid.get(o.wxid) ?? {
			wxid: o.wxid,
			name: '',
			relWxids: [],
			memberWxids: [],
		};
		g.name = o.name ?? (g.name || `Group ${o.wxid.slice(-4)}`);
		for (const r of o.relWxids ?? []) if (!g.relWxids.includes(r)) g.relWxids.push(r);
		this.groupsByWxid.set(o.wxid, g);
		for (const m of o.memberWxids ?? []) {
			if (!g.memberWxids.includes(m)) g.memberWxids.push(m);
			const c = this.customersByWxid.get(m);
			if (c && !c.roomWxids.includes(o.wxid)) c.roomWxids.push(o.wxid);
		}
		return g;
	}

	/** An entry of the app's black list (GET /wechat/blackContactList). */
	addBlacklisted(o: ListEntryInput): YunzhenjiListedContact {
		return this.addListed('blacklist', o);
	}

	/** An entry of the app's white list (GET /wechat/whiteContactList). */
	addWhitelisted(o: ListEntryInput): YunzhenjiListedContact {
		return this.addListed('whitelist', o);
	}

	// OPEN: one callback URL per app; the back office's separate test callback URL is not emulated.
	/** Where the app's callbacks go; undefined stops them (default: the first app). */
	setCallbackUrl(url: string | undefined, appId?: string): void {
		this.appOrFirst(appId).callbackUrl = url;
	}

	/** Change an account's online state, optionally pushing a login/logout notification. */
	async setOnline(
		wxid: string,
		online: boolean,
		notify = false,
	): Promise<YunzhenjiCallbackDelivery | undefined> {
		const a = this.account(wxid);
		a.online = online;
		return notify
			? await this.pushNotifications([this.loginNotification(wxid, online)])
			: undefined;
	}

	// ---- Test controls ---------------------------------------------------------------------------------------------

	/** Every token issued so far answers 42001 (expired). */
	expireTokens(appId?: string): void {
		for (const t of this.tokens.values()) if (!appId || t.appId === appId) t.expired = true;
	}

	/** Every token issued so far answers 40001 (invalid). */
	revokeTokens(appId?: string): void {
		for (const t of this.tokens.values()) if (!appId || t.appId === appId) t.revoked = true;
	}

	/** The next `times` (default 1) accepted sendMessage calls answer (and keep) only their first `count` messages. */
	acceptOnly(count: number, times = 1): void {
		this.truncations.push({ count, remaining: times });
	}

	/** Answer the next `times` (default 1) authenticated calls (to `path`, or any) with errcode/message. */
	injectError(o: { path?: string; errcode: number; message?: string; times?: number }): void {
		const message = o.message ?? `error ${o.errcode}`;
		this.injected.push({ path: o.path, errcode: o.errcode, message, remaining: o.times ?? 1 });
	}

	clearInjectedErrors(): void {
		this.injected = [];
		this.truncations = [];
	}

	/** Execute held messages whose delayed_time the clock has reached; returns how many were released. */
	releaseDue(): number {
		let n = 0;
		for (const m of this.sends) {
			if (m.status === 'held' && (m.delayedTime ?? 0) * 1000 <= this.now()) {
				m.status = 'queued';
				this.scheduleExecution(m);
				n += 1;
			}
		}
		return n;
	}

	/** Scheduled executions and deliveries not finished yet. */
	get pendingCallbacks(): number {
		return this.pending.size;
	}

	/** Release due messages, then wait until every scheduled execution and delivery has finished. */
	async flushCallbacks(): Promise<void> {
		this.releaseDue();
		while (this.pending.size > 0) await Promise.all([...this.pending]);
	}

	override async stop(): Promise<void> {
		this.stopped = true;
		for (const t of this.timers) {
			clearTimeout(t.handle);
			t.resolve();
		}
		this.timers.clear();
		while (this.pending.size > 0) await Promise.all([...this.pending]);
		await super.stop();
	}

	// ---- State accessors -------------------------------------------------------------------------------------------

	get accounts(): YunzhenjiAccount[] {
		return [...this.accountsByWxid.values()];
	}

	get customers(): YunzhenjiCustomer[] {
		return [...this.customersByWxid.values()];
	}

	get groups(): YunzhenjiGroup[] {
		return [...this.groupsByWxid.values()];
	}

	blacklist(appId?: string): YunzhenjiListedContact[] {
		return [...this.appOrFirst(appId).blacklist];
	}

	whitelist(appId?: string): YunzhenjiListedContact[] {
		return [...this.appOrFirst(appId).whitelist];
	}

	sendsTo(targetWxid: string): YunzhenjiSentMessage[] {
		return this.sends.filter((m) => m.targetWxid === targetWxid);
	}

	/** All notifications of delivered (or attempted) callbacks, flattened, optionally of one type. */
	notifications(type?: string): YunzhenjiNotification[] {
		return this.callbacks.flatMap((c) => c.notifications).filter((n) => !type || n.type === type);
	}

	/** Decrypt a callback body in either form with the app's key (default: the first app). */
	decryptCallbackBody(body: string, appId?: string): YunzhenjiNotification[] {
		const key = this.appOrFirst(appId).encodingAesKey;
		let cipher = body;
		const t = body.trimStart();
		if (t.startsWith('{')) {
			const wrapped = JSON.parse(t) as Record<string, unknown>;
			const v = wrapped[this.callbackJsonField];
			if (!isStr(v)) throw new Error(`JSON callback body without "${this.callbackJsonField}"`);
			cipher = v;
		}
		return JSON.parse(decryptYunzhenji(cipher, key)) as YunzhenjiNotification[];
	}

	// ---- Callback helpers ------------------------------------------------------------------------------------------

	/** A `chatMsg` notification for a message someone sent to the account `relWxid`. */
	chatMsgNotification(o: YunzhenjiIncomingMessage): YunzhenjiNotification {
		const msgType = o.msgType ?? 'text';
		const content = o.content ?? { items: [{ type: 'text', text: o.text ?? '' }] };
		return this.notification('chatMsg', o.relWxid, [
			{
				msg_id: o.msgId ?? randomDigits(19),
				msg_type: msgType,
				content,
				from_wxid: o.fromWxid,
				to_wxid: o.roomWxid ?? o.relWxid,
				room_wxid: o.roomWxid ?? '',
				is_self: 0,
				send_time: o.sendTime ?? Math.floor(this.now() / 1000),
			},
		]);
	}

	/** Push an incoming message (a customer writing to an account) to the account's app. */
	async pushIncomingMessage(
		o: YunzhenjiIncomingMessage,
	): Promise<YunzhenjiCallbackDelivery | undefined> {
		return await this.pushNotifications([this.chatMsgNotification(o)]);
	}

	/**
	 * A `contacts` notification: customers added, updated or deleted on account `relWxid`. Pushing it through
	 * pushContactsEvent also updates the emulator's relations.
	 */
	contactsNotification(o: {
		relWxid: string;
		event: 'add' | 'update' | 'delete';
		contacts: Array<{ wxid: string; nickname?: string } & Record<string, unknown>>;
	}): YunzhenjiNotification {
		// OPEN: the contacts data shape is unknown; one item per contact carrying `event`, `wxid`, `nickname`.
		return this.notification(
			'contacts',
			o.relWxid,
			o.contacts.map((c) => ({
				event: o.event,
				nickname: '',
				...c,
				time: Math.floor(this.now() / 1000),
			})),
		);
	}

	async pushContactsEvent(
		o: Parameters<YunzhenjiEmulator['contactsNotification']>[0],
	): Promise<YunzhenjiCallbackDelivery | undefined> {
		for (const c of o.contacts) {
			if (o.event === 'delete') {
				const known = this.customersByWxid.get(c.wxid);
				if (known) known.relWxids = known.relWxids.filter((r) => r !== o.relWxid);
			} else {
				this.addCustomer({ wxid: c.wxid, nickname: c.nickname, relWxids: [o.relWxid] });
			}
		}
		return await this.pushNotifications([this.contactsNotification(o)]);
	}

	/** A login (or logout) notification of account `wxid`. */
	loginNotification(wxid: string, online: boolean): YunzhenjiNotification {
		const a = this.account(wxid);
		// OPEN: the login event's type names are unknown; 'login' and 'logout'.
		return this.notification(online ? 'login' : 'logout', wxid, [
			{ wxid, nickname: a.nickname, online: online ? 1 : 0, time: Math.floor(this.now() / 1000) },
		]);
	}

	/**
	 * Encrypt and POST notifications to an app's callback URL (the app of the first notification's rel_wxid, or
	 * `appId`, or the first app; `url` overrides the app's URL). Resolves with the delivery record, or undefined when
	 * there is no URL.
	 */
	async pushNotifications(
		notifications: YunzhenjiNotification[],
		o: { appId?: string; url?: string } = {},
	): Promise<YunzhenjiCallbackDelivery | undefined> {
		const relApp = notifications[0] && this.accountsByWxid.get(notifications[0].rel_wxid)?.appId;
		const app = this.appOrFirst(o.appId ?? relApp);
		return await this.enqueue(app, () => this.deliver(app, notifications, o.url));
	}

	// ---- Dispatch --------------------------------------------------------------------------------------------------

	private readonly routes: Record<string, Route> = {
		'/oauth/token': { method: 'POST', run: (r) => this.token(r) },
		'/wechat/sendMessage': { method: 'POST', run: (r) => this.sendMessage(r) },
		'/wechat/list': { method: 'GET', run: (r) => this.list(r) },
		'/wechat/contactInfo': { method: 'GET', run: (r) => this.contactInfo(r) },
		'/wechat/blackContactList': { method: 'GET', run: (r) => this.contactList(r, 'blacklist') },
		// OPEN: the white list endpoint's path is inferred from the docs' anchor `whiteContactList`.
		'/wechat/whiteContactList': { method: 'GET', run: (r) => this.contactList(r, 'whitelist') },
	};

	protected handle(req: RecordedRequest): Reply {
		this.releaseDue();
		const route = Object.prototype.hasOwnProperty.call(this.routes, req.path)
			? this.routes[req.path]
			: undefined;
		// OPEN: an unknown path answers HTTP 404 with a JSON envelope.
		if (!route) {
			req.note = 'not found';
			return this.reply(404, { errcode: 404, message: `no such API: ${req.path}` });
		}
		try {
			// OPEN: a wrong method answers HTTP 200 with 43001 (require GET) / 43002 (require POST), as WeChat does.
			if (req.method !== route.method) {
				throw new ApiError(
					route.method === 'GET' ? ERR.needGet : ERR.needPost,
					`require ${route.method} method`,
				);
			}
			const body = route.run(req);
			req.note ??= 'ok';
			return this.reply(200, body);
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			req.note = req.note ? `${req.note}; ${e.errcode} ${e.message}` : `${e.errcode} ${e.message}`;
			return this.reply(200, { errcode: e.errcode, message: e.message });
		}
	}

	private reply(status: number, body: unknown): Reply {
		return jsonReply(status, body, { 'content-type': 'application/json; charset=UTF-8' });
	}

	private jsonBody(req: RecordedRequest): Record<string, unknown> {
		const type = String(req.headers['content-type'] ?? '');
		if (!/^application\/json\b/i.test(type)) {
			this.violation(
				req,
				`POST body sent as "${type || 'no content type'}", the platform documents application/json`,
			);
		}
		if (!isObj(req.json))
			throw new ApiError(ERR.badJson, 'data format error: the body must be a JSON object');
		return req.json;
	}

	private authenticate(req: RecordedRequest, appId: unknown, token: unknown): App {
		if (!isNonEmptyStr(appId)) throw new ApiError(ERR.noAppId, 'app_id is missing');
		if (!isNonEmptyStr(token)) throw new ApiError(ERR.noToken, 'access_token is missing');
		const app = this.apps.get(appId);
		if (!app) throw new ApiError(ERR.badAppId, 'invalid app_id');
		const t = this.tokens.get(token);
		if (!t || t.appId !== appId || t.revoked) {
			throw new ApiError(ERR.invalidToken, 'invalid access_token, or it is not the latest one');
		}
		if (t.expired || this.now() >= t.expiresAt)
			throw new ApiError(ERR.expiredToken, 'access_token expired');
		const inj = this.injected.find((x) => x.remaining > 0 && (!x.path || x.path === req.path));
		if (inj) {
			inj.remaining -= 1;
			req.note = 'injected';
			throw new ApiError(inj.errcode, inj.message);
		}
		return app;
	}

	// ---- /oauth/token ----------------------------------------------------------------------------------------------

	private token(req: RecordedRequest): Record<string, unknown> {
		const b = this.jsonBody(req);
		// OPEN: the token page's parameter list was cut off, so extra fields are ignored rather than refused.
		if (!isNonEmptyStr(b.app_id)) throw new ApiError(ERR.noAppId, 'app_id is missing');
		if (!isNonEmptyStr(b.app_secret)) throw new ApiError(ERR.noSecret, 'app_secret is missing');
		if (b.grand_type === undefined) {
			const hint = b.grant_type !== undefined ? ' (the platform spells the field grand_type)' : '';
			throw new ApiError(ERR.badGrant, `grand_type is missing${hint}`);
		}
		const app = this.apps.get(b.app_id);
		if (!app) throw new ApiError(ERR.badAppId, 'invalid app_id');
		if (b.app_secret !== app.appSecret) throw new ApiError(ERR.badSecret, 'invalid app_secret');
		if (b.grand_type !== this.grantType) throw new ApiError(ERR.badGrant, 'invalid grand_type');
		if (this.newTokenRevokesPrevious) this.revokeTokens(app.appId);
		const accessToken = randomBytes(24).toString('hex');
		this.tokens.set(accessToken, {
			appId: app.appId,
			expiresAt: this.now() + this.tokenTtlSeconds * 1000,
			revoked: false,
			expired: false,
		});
		this.tokensIssued += 1;
		const data = { access_token: accessToken, expires_in: this.tokenTtlSeconds };
		return this.tokenResponseShape === 'top' ? { errcode: 0, ...data } : { errcode: 0, data };
	}

	// ---- /wechat/sendMessage ---------------------------------------------------------------------------------------

	private sendMessage(req: RecordedRequest): Record<string, unknown> {
		const b = this.jsonBody(req);
		const app = this.authenticate(req, b.app_id, b.access_token);
		for (const k of Object.keys(b)) {
			if (!SEND_TOP_FIELDS.has(k)) throw new ApiError(ERR.badParam, `unknown field "${k}"`);
		}

		if (!isNonEmptyStr(b.wxid)) throw new ApiError(ERR.badParam, 'wxid is missing');
		const sender = this.accountsByWxid.get(b.wxid);
		// OPEN: an offline account is accepted (the phone sends when it is back); only unknown accounts are refused.
		if (!sender || sender.appId !== app.appId) {
			throw new ApiError(
				ERR.badWxid,
				`wxid ${b.wxid} is not a WeCom account logged in under this app`,
			);
		}
		if (!isNonEmptyStr(b.target_wxid)) throw new ApiError(ERR.badParam, 'target_wxid is missing');
		const target = b.target_wxid;
		const isGroup = target.startsWith('R:');
		this.checkTarget(sender.wxid, target, isGroup);

		if (!Array.isArray(b.messages)) throw new ApiError(ERR.badParam, 'messages must be an array');
		if (b.messages.length === 0) throw new ApiError(ERR.badParam, 'messages must not be empty');
		if (b.messages.length > MAX_MESSAGES) {
			throw new ApiError(
				ERR.tooMany,
				`at most ${MAX_MESSAGES} messages per request (got ${b.messages.length})`,
			);
		}
		const parsed = b.messages.map((m, i) => this.parseMessage(req, m, i, isGroup));
		const ids = parsed.filter((p) => p.apiSendId !== undefined).map((p) => String(p.apiSendId));
		if (new Set(ids).size !== ids.length) {
			this.violation(
				req,
				'the same api_send_id is used twice in one request, so callbacks cannot be told apart',
			);
		}

		const cut = this.truncations.find((t) => t.remaining > 0);
		let accepted = parsed;
		if (cut) {
			cut.remaining -= 1;
			accepted = parsed.slice(0, cut.count);
			req.note = `partial ${accepted.length}/${parsed.length}`;
		}
		const data = accepted.map((p) => {
			const m: YunzhenjiSentMessage = {
				appId: app.appId,
				wxid: sender.wxid,
				targetWxid: target,
				idx: p.idx,
				msgType: p.msgType,
				content: structuredClone(p.content),
				apiSendSvrid: `${sender.wxid},${target},${this.now()}${randomLetters(6)}`,
				acceptedAt: this.now(),
				status: 'queued',
			};
			if (p.delayedTime !== undefined) m.delayedTime = p.delayedTime;
			if (p.apiSendId !== undefined) m.apiSendId = p.apiSendId;
			this.sends.push(m);
			if (this.holdDelayed && (m.delayedTime ?? 0) * 1000 > this.now()) m.status = 'held';
			else this.scheduleExecution(m);
			const item: Record<string, unknown> = { idx: m.idx, api_send_svrid: m.apiSendSvrid };
			if (m.apiSendId !== undefined) item.api_send_id = String(m.apiSendId);
			return item;
		});
		return { errcode: 0, data };
	}

	private checkTarget(sender: string, target: string, isGroup: boolean): void {
		if (isGroup) {
			const g = this.groupsByWxid.get(target);
			if (!g) throw new ApiError(ERR.noTarget, `customer group ${target} not found`);
			if (this.requireRelation && !g.relWxids.includes(sender)) {
				throw new ApiError(
					ERR.noTarget,
					`WeCom account ${sender} is not in the customer group ${target}`,
				);
			}
			return;
		}
		const c = this.customersByWxid.get(target);
		if (!c) throw new ApiError(ERR.noTarget, `customer ${target} not found`);
		if (this.requireRelation && !c.relWxids.includes(sender)) {
			throw new ApiError(ERR.noTarget, `customer ${target} has not added WeCom account ${sender}`);
		}
	}

	private parseMessage(req: RecordedRequest, m: unknown, i: number, isGroup: boolean) {
		const at = `messages[${i}]`;
		if (!isObj(m)) throw new ApiError(ERR.badParam, `${at} must be an object`);
		for (const k of Object.keys(m)) {
			if (!MESSAGE_FIELDS.has(k)) throw new ApiError(ERR.badParam, `${at}: unknown field "${k}"`);
		}
		if (!isNonEmptyStr(m.msg_type)) throw new ApiError(ERR.badParam, `${at}.msg_type is missing`);
		const msgType = m.msg_type;
		if (!Object.prototype.hasOwnProperty.call(CONTENT_RULES, msgType)) {
			throw new ApiError(ERR.badMsgType, `${at}: unknown msg_type "${msgType}"`);
		}
		if (msgType === 'announcement' && !isGroup) {
			throw new ApiError(
				ERR.badParam,
				`${at}: an announcement can only be sent to a customer group (R:...)`,
			);
		}
		if (!isObj(m.content)) throw new ApiError(ERR.badParam, `${at}.content must be an object`);
		const content = m.content;
		const rules = CONTENT_RULES[msgType];
		if (rules) this.checkFields(req, content, rules, `${at}.content`, true);
		if (msgType === 'text') {
			(content.items as unknown[]).forEach((item, j) => {
				const where = `${at}.content.items[${j}]`;
				if (!isObj(item) || !isNonEmptyStr(item.type))
					throw new ApiError(ERR.badParam, `${where} needs a type`);
				const itemRules = TEXT_ITEM_RULES[item.type];
				if (itemRules) this.checkFields(req, item, itemRules, where, false);
			});
		}

		let delayedTime: number | undefined;
		if (m.delayed_time !== undefined) {
			if (!isInt(m.delayed_time) || m.delayed_time < 0) {
				throw new ApiError(ERR.badParam, `${at}.delayed_time must be an integer of Unix seconds`);
			}
			// A millisecond value passes the check but schedules the send thousands of years ahead.
			if (m.delayed_time > 99_999_999_999) {
				this.violation(
					req,
					`${at}.delayed_time ${m.delayed_time} looks like milliseconds; it is Unix seconds`,
				);
			}
			delayedTime = m.delayed_time;
		}
		let apiSendId: number | string | undefined;
		if (m.api_send_id !== undefined) {
			// OPEN: an empty string is refused like any other non-id value.
			if (!isInt(m.api_send_id) && !isNonEmptyStr(m.api_send_id)) {
				throw new ApiError(
					ERR.badParam,
					`${at}.api_send_id must be an integer or a non-empty string`,
				);
			}
			apiSendId = m.api_send_id;
		}
		return { idx: i, msgType, content, delayedTime, apiSendId };
	}

	/** Required/typed fields refuse; unknown fields are recorded as violations (the platform would ignore them). */
	private checkFields(
		req: RecordedRequest,
		obj: Record<string, unknown>,
		rules: Record<string, FieldRule>,
		where: string,
		flagUnknown: boolean,
	): void {
		for (const [k, r] of Object.entries(rules)) {
			const v = obj[k];
			if (v === undefined) {
				if (r.required) throw new ApiError(ERR.badParam, `${where}.${k} is missing`);
				continue;
			}
			if (!r.check(v)) throw new ApiError(ERR.badParam, `${where}.${k} must be ${r.what}`);
		}
		if (!flagUnknown) return;
		for (const k of Object.keys(obj)) {
			if (!Object.prototype.hasOwnProperty.call(rules, k))
				this.violation(req, `${where}: unknown field "${k}"`);
		}
	}

	// ---- Execution and callbacks -----------------------------------------------------------------------------------

	private scheduleExecution(m: YunzhenjiSentMessage): void {
		if (this.stopped) return;
		const app = this.appOrFirst(m.appId);
		const timer = {} as Timer;
		const p = new Promise<void>((resolve) => {
			timer.resolve = resolve;
			timer.handle = setTimeout(() => {
				this.timers.delete(timer);
				void this.enqueue(app, () => this.execute(app, m)).then(() => resolve());
			}, this.executeDelayMs);
		});
		this.timers.add(timer);
		this.track(p);
	}

	/** Run `job` after the app's earlier jobs; tracked until done. */
	private enqueue<T>(app: App, job: () => Promise<T>): Promise<T | undefined> {
		const run = app.chain.then(async () => (this.stopped ? undefined : await job()));
		app.chain = run.catch(() => undefined);
		return this.track(run);
	}

	private track<T>(p: Promise<T>): Promise<T> {
		const settled = p.then(
			() => undefined,
			() => undefined,
		);
		this.pending.add(settled);
		void settled.then(() => this.pending.delete(settled));
		return p;
	}

	private async execute(app: App, m: YunzhenjiSentMessage): Promise<void> {
		m.msgId = randomDigits(19);
		m.executedAt = this.now();
		const byTarget = this.failTargetsContainingFail && m.targetWxid.includes('fail');
		const verdict = (byTarget && 'the target refused the message') || this.failWhen?.(m) || false;
		m.status = verdict ? 'failed' : 'sent';
		if (verdict)
			m.failReason = typeof verdict === 'string' ? verdict : 'send failed on the WeCom client';

		const isGroup = m.targetWxid.startsWith('R:');
		const ids: Record<string, unknown> = { api_send_svrid: m.apiSendSvrid };
		// OPEN: callbacks echo api_send_id as a string, like the sendMessage answer.
		if (m.apiSendId !== undefined) ids.api_send_id = String(m.apiSendId);
		const sendTime = Math.floor(m.executedAt / 1000);
		// OPEN: the chatMsg data item's field names are unknown publicly (from_wxid, to_wxid, room_wxid, is_self, ...).
		const echo = this.notification('chatMsg', m.wxid, [
			{
				msg_id: m.msgId,
				msg_type: m.msgType,
				content: m.content,
				from_wxid: m.wxid,
				to_wxid: m.targetWxid,
				room_wxid: isGroup ? m.targetWxid : '',
				is_self: 1,
				send_time: sendTime,
				...ids,
			},
		]);
		// OPEN: each notification goes in its own POST; chatMsg first, then chatMsgSendFail.
		await this.deliver(app, [echo]);
		if (!verdict) return;
		const fail = this.notification('chatMsgSendFail', m.wxid, [
			{
				msg_type: m.msgType,
				from_wxid: m.wxid,
				to_wxid: m.targetWxid,
				room_wxid: isGroup ? m.targetWxid : '',
				err_code: 1,
				err_msg: m.failReason,
				fail_time: sendTime,
				...ids,
			},
		]);
		await this.deliver(app, [fail]);
	}

	private async deliver(
		app: App,
		notifications: YunzhenjiNotification[],
		url = app.callbackUrl,
	): Promise<YunzhenjiCallbackDelivery | undefined> {
		if (!url || this.stopped) return undefined;
		const plaintext = JSON.stringify(notifications);
		const cipher = encryptYunzhenji(plaintext, app.encodingAesKey);
		const body =
			this.callbackBodyForm === 'json'
				? JSON.stringify({ [this.callbackJsonField]: cipher })
				: cipher;
		const record: YunzhenjiCallbackDelivery = {
			appId: app.appId,
			url,
			notifications: structuredClone(notifications),
			plaintext,
			body,
			bodyForm: this.callbackBodyForm,
			contentType: this.callbackContentType,
			at: this.now(),
			timedOut: false,
			blocked: false,
		};
		this.callbacks.push(record);
		const day = Math.floor((this.now() + CHINA_OFFSET_MS) / DAY_MS);
		if (app.timeouts.day !== day) app.timeouts = { day, count: 0 };
		if (app.timeouts.count > this.callbackTimeoutsPerDay) {
			record.blocked = true;
			return record;
		}
		const ctrl = new AbortController();
		const started = Date.now();
		const timer = setTimeout(() => ctrl.abort(), this.callbackTimeoutMs);
		try {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': this.callbackContentType },
				body,
				signal: ctrl.signal,
			});
			record.status = res.status;
			record.responseText = await res.text();
		} catch (e) {
			// Pushed once, never retried, whatever went wrong.
			if (ctrl.signal.aborted) {
				record.timedOut = true;
				record.error = `no answer within ${this.callbackTimeoutMs} ms`;
				app.timeouts.count += 1;
			} else {
				record.error = (e as Error).message;
			}
		} finally {
			clearTimeout(timer);
			record.durationMs = Date.now() - started;
		}
		return record;
	}

	// ---- GET endpoints ---------------------------------------------------------------------------------------------

	private queryAuth(req: RecordedRequest): App {
		return this.authenticate(
			req,
			req.query.get('app_id') ?? undefined,
			req.query.get('access_token') ?? undefined,
		);
	}

	private paging(req: RecordedRequest): { page: number; pageSize: number } {
		const int = (name: string, def: number): number => {
			const raw = req.query.get(name);
			if (raw === null || raw === '') return def;
			if (!/^\d+$/.test(raw) || Number(raw) < 1)
				throw new ApiError(ERR.badParam, `${name} must be a positive integer`);
			return Number(raw);
		};
		const page = int('page', 1);
		let pageSize = int('page_size', 10);
		// OPEN: a page_size above 100 is capped at 100 (recorded as a violation) rather than refused.
		if (pageSize > MAX_PAGE_SIZE) {
			this.violation(req, `page_size ${pageSize} is above the maximum ${MAX_PAGE_SIZE}`);
			pageSize = MAX_PAGE_SIZE;
		}
		return { page, pageSize };
	}

	private page<T>(items: T[], page: number, pageSize: number): Record<string, unknown> {
		// OPEN: the paging shape is unknown; data = {list, total, page, page_size}.
		const list = items.slice((page - 1) * pageSize, page * pageSize);
		return { errcode: 0, data: { list, total: items.length, page, page_size: pageSize } };
	}

	private list(req: RecordedRequest): Record<string, unknown> {
		const app = this.queryAuth(req);
		const raw = req.query.get('online');
		if (raw !== null && raw !== '' && !['-1', '0', '1'].includes(raw)) {
			throw new ApiError(ERR.badParam, 'online must be -1 (all), 0 (offline) or 1 (online)');
		}
		const online = raw === null || raw === '' ? -1 : Number(raw);
		const { page, pageSize } = this.paging(req);
		const items = this.accounts
			.filter((a) => a.appId === app.appId && (online === -1 || Number(a.online) === online))
			.sort((x, y) => x.id - y.id)
			// OPEN: only id, wxid, nickname, full_name and avatar are documented; online and the corp fields are added.
			.map((a) => ({
				id: a.id,
				wxid: a.wxid,
				nickname: a.nickname,
				full_name: a.fullName,
				avatar: a.avatar,
				online: a.online ? 1 : 0,
				corp_wxid: a.corpWxid ?? '',
				corp_name: a.corpName ?? '',
			}));
		return this.page(items, page, pageSize);
	}

	private contactInfo(req: RecordedRequest): Record<string, unknown> {
		const app = this.queryAuth(req);
		const wxid = req.query.get('wxid');
		if (!wxid) throw new ApiError(ERR.badParam, 'wxid is missing');
		const c = this.customersByWxid.get(wxid);
		const mine = (w: string) => this.accountsByWxid.get(w)?.appId === app.appId;
		// OPEN: a customer unknown to the app's accounts answers 46004 rather than empty lists.
		if (!c || !c.relWxids.some(mine))
			throw new ApiError(ERR.noTarget, `customer ${wxid} not found`);
		return {
			errcode: 0,
			data: { wxid, rel_wxids: c.relWxids.filter(mine), room_wxids: [...c.roomWxids] },
		};
	}

	private contactList(
		req: RecordedRequest,
		which: 'blacklist' | 'whitelist',
	): Record<string, unknown> {
		const app = this.queryAuth(req);
		const { page, pageSize } = this.paging(req);
		// OPEN: list items are {id, wxid, nickname, rel_wxid, remark, created_at}.
		const items = app[which].map((e) => ({
			id: e.id,
			wxid: e.wxid,
			nickname: e.nickname,
			rel_wxid: e.relWxid,
			remark: e.remark,
			created_at: e.createdAt,
		}));
		return this.page(items, page, pageSize);
	}

	// ---- Helpers ---------------------------------------------------------------------------------------------------

	private appOrFirst(appId?: string): App {
		const app = appId === undefined ? this.apps.values().next().value : this.apps.get(appId);
		if (!app) throw new Error(`no app ${appId ?? '(none configured)'}`);
		return app;
	}

	private account(wxid: string): YunzhenjiAccount {
		const a = this.accountsByWxid.get(wxid);
		if (!a) throw new Error(`no account ${wxid}; call addAccount first`);
		return a;
	}

	private notification(
		type: string,
		relWxid: string,
		data: Array<Record<string, unknown>>,
	): YunzhenjiNotification {
		const corp = this.accountsByWxid.get(relWxid)?.corpWxid;
		return corp
			? { type, corp_wxid: corp, rel_wxid: relWxid, data }
			: { type, rel_wxid: relWxid, data };
	}

	private addListed(which: 'blacklist' | 'whitelist', o: ListEntryInput): YunzhenjiListedContact {
		const app = this.appOrFirst(o.appId);
		const entry: YunzhenjiListedContact = {
			id: this.nextListId++,
			appId: app.appId,
			wxid: o.wxid,
			nickname: o.nickname ?? this.customersByWxid.get(o.wxid)?.nickname ?? '',
			relWxid: o.relWxid ?? '',
			remark: o.remark ?? '',
			createdAt: o.createdAt ?? Math.floor(this.now() / 1000),
		};
		app[which].push(entry);
		return entry;
	}
}

export interface ListEntryInput {
	wxid: string;
	nickname?: string;
	relWxid?: string;
	remark?: string;
	/** Unix seconds; default now. */
	createdAt?: number;
	appId?: string;
}
