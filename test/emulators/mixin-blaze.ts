/**
 * Mixin Blaze emulator: the WebSocket side of Mixin Messenger (shared/reference/inbound.md §1), served on the
 * MixinEmulator's own port, so one base URL serves HTTP and `ws://…/`. It shares that emulator's bot sessions, users,
 * conversations, attachments and sent messages, and never imports the node's code.
 *
 * Public API
 *
 *   const blaze = new MixinBlazeEmulator(mixin, options?)   attach to a MixinEmulator (before or after its start())
 *   blaze.url                                               ws://127.0.0.1:<port>/
 *
 * Options (MixinBlazeOptions)
 *   authFailure      'frame' (default): accept the upgrade, send `{action: "ERROR", error: {code: 401}}`, close;
 *                    'http': reject the upgrade with HTTP 401
 *   pingIntervalMs   send WebSocket pings every N ms (0 = never, the default); pongs are counted per connection
 *   repushOnRelist   a repeated LIST_PENDING_MESSAGES on the same socket pushes every pending message again (default
 *                    true); false: only the first one does
 *   badFrames        'close' (default): a text / non-gzip / non-JSON frame closes the socket (1003 / 1007);
 *                    'ignore': it is dropped. Either way it is recorded as a violation
 *   now              clock in epoch ms (timestamps, records); default Date.now
 *
 * Setup (each returns the MessageView as pushed live; the message stays pending until acknowledged)
 *   pushMessage({ from, category, data, to?, conversationId?, quoteMessageId?, messageId?, representativeId?,
 *                 silent?, expireIn?, sessionId? })
 *   pushText(from, text, extra?)          pushPost(from, markdown, extra?)
 *   pushImage(from, media?, extra?)       pushFile(from, media?, extra?)      pushAudio(from, media?, extra?)
 *   pushVideo(from, media?, extra?)       (each uploads an attachment that GET /attachments/:id and view_url serve)
 *   pushContact(from, userId, extra?)     pushLocation(from, place, extra?)   pushSticker(from, sticker?, extra?)
 *   pushSystemConversation(event, extra?) pushSnapshot(from, transfer, extra?) pushRecall(from, messageId, extra?)
 *   markDelivered(messageId) / markRead(messageId)   receipt for a message the bot POSTed to /messages
 *
 * Controls
 *   dropConnections()                 destroy every socket without a close frame (client sees 1006)
 *   closeConnections(code?, reason?)  close every socket cleanly (default 1001 going away)
 *   refuseNext(n?, how?)              the next n handshakes fail: how = 'unauthorized' (as with a wrong key, per
 *                                     authFailure) or { status: 5xx, body? } (default { status: 503 })
 *   refuseHandshakes(how) / acceptHandshakes()   every handshake fails until told otherwise
 *   pauseReplies() / resumeReplies()  while paused, client requests are recorded but neither handled nor answered
 *                                     (server pushes still go out)
 *   sendRaw(payload, botId?)          send to the bot's listening sockets what the push helpers cannot make: a frame
 *                                     object (gzip JSON, as Blaze sends it), or bytes / text exactly as given
 *
 * Accessors
 *   handshakes   every upgrade attempt: time, path, offered protocols, JWT claims, outcome, status, reason
 *   connections  every opened socket: id, bot, times, close code, protocol, headers, claims, listing, pings/pongs
 *   openConnections, connectionCount
 *   frames       every frame in and out, decoded (undecodable ones with why)
 *   acks         every acknowledgement: message_id, status, channel socket | socket-batch | http, time, matched
 *   receipts     every receipt pushed or queued;  pushed: every message view pushed by pushMessage
 *   pending(botId?), isPending(messageId)
 *   violations   protocol mistakes of the client (also appended to mixin.violations, prefixed "blaze: ")
 *   waitFor(probe, timeoutMs?, what?), waitForConnections(n), waitForListening(), waitForAck(messageId),
 *   waitForFrame(predicate)   promises that re-check after every change and reject after timeoutMs (default 5 s)
 *
 * Socket acknowledgements are not added to mixin.acknowledgements (that list stays HTTP-only); `acks` has both.
 *
 * Choices the reference leaves open are marked `OPEN:` below.
 */
import * as crypto from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

import { uniqueConversationId, type MixinEmulator, type StoredAttachment } from './mixin';

// ---- Platform constants (reference inbound.md §1.2–1.6) -------------------------------------------------------------

const PROTOCOL = 'Mixin-Blaze-1';
/** The handshake token signs a GET of "/" with an empty body, whatever the URL's query. */
const HANDSHAKE_SIG_METHOD = 'GET';
const HANDSHAKE_SIG_URI = '/';
const SOURCE_PENDING = 'LIST_PENDING_MESSAGES';
const SOURCE_LIVE = '';
const SOURCE_RECEIPT = 'ACKNOWLEDGE_MESSAGE_RECEIPT';
const ACK_STATUSES = new Set(['READ', 'DELIVERED']);
/** Sender of system pushes (group events); fox-one drops messages whose user_id is not a real user. */
export const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const UNAUTHORIZED = { status: 202, code: 401, description: 'Unauthorized, maybe invalid token.' };
const INVALID = { status: 202, code: 10002, description: 'The request data has invalid field.' };
/** A 1×1 PNG, the default picture of pushImage. */
const TINY_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

// ---- Types ----------------------------------------------------------------------------------------------------------

export interface BlazeError {
	status?: number;
	code: number;
	description: string;
}

/** One BlazeMessage, the JSON inside every gzip binary frame. */
export interface BlazeFrame {
	id: string;
	action: string;
	params?: unknown;
	data?: unknown;
	error?: BlazeError;
}

/** What a bot receives in `data` of CREATE_MESSAGE (reference §1.5). */
export interface MessageView {
	type: 'message';
	representative_id: string;
	quote_message_id: string;
	conversation_id: string;
	/** The sender. */
	user_id: string;
	session_id: string;
	message_id: string;
	category: string;
	/** Standard base64 with padding (legacy field clients still read). */
	data: string;
	/** base64url without padding. */
	data_base64: string;
	status: string;
	/** 'LIST_PENDING_MESSAGES' when pushed as pending, '' when live. */
	source: string;
	silent: boolean;
	expire_in: number;
	created_at: string;
	updated_at: string;
}

export interface ReceiptView {
	message_id: string;
	status: 'DELIVERED' | 'READ';
	source: typeof SOURCE_RECEIPT;
	updated_at: string;
}

export type Refusal = 'unauthorized' | { status: number; body?: string };

export interface MixinBlazeOptions {
	authFailure?: 'frame' | 'http';
	pingIntervalMs?: number;
	repushOnRelist?: boolean;
	badFrames?: 'close' | 'ignore';
	now?: () => number;
}

export interface BlazeHandshake {
	at: number;
	path: string;
	/** Subprotocols the client offered. */
	protocols: string[];
	authorization?: string;
	/** JWT payload as sent (decoded without verifying), when it parses. */
	claims?: Record<string, unknown>;
	outcome: 'accepted' | 'refused';
	/** 101 when upgraded (also for a 401 answered with an ERROR frame), else the HTTP status of the refusal. */
	status: number;
	reason?: string;
	connectionId?: number;
}

export interface BlazeConnection {
	id: number;
	/** The authenticated bot; '' when the socket was opened only to send the 401 ERROR frame. */
	appId: string;
	sessionId: string;
	openedAt: number;
	closedAt?: number;
	closeCode?: number;
	closedBy?: 'client' | 'server' | 'dropped';
	protocol: string;
	protocols: string[];
	headers: IncomingHttpHeaders;
	claims?: Record<string, unknown>;
	authFailed: boolean;
	/** LIST_PENDING_MESSAGES was received, so pushes go to this socket. */
	listing: boolean;
	pings: number;
	pongs: number;
}

export interface RecordedFrame {
	connectionId: number;
	direction: 'in' | 'out';
	at: number;
	/** Decoded message; absent when the frame could not be decoded. */
	frame?: BlazeFrame;
	binary: boolean;
	gzip: boolean;
	bytes: number;
	/** Why an incoming frame was refused. */
	error?: string;
	/** Received while replies were paused: not handled, not answered. */
	unanswered?: boolean;
}

export interface AckRecord {
	message_id: string;
	status: string;
	channel: 'socket' | 'socket-batch' | 'http';
	at: number;
	botId: string;
	connectionId?: number;
	/** It removed a pending message (false: unknown id or already acknowledged). */
	matched: boolean;
}

export interface ReceiptRecord extends ReceiptView {
	botId: string;
	at: number;
	/** Sent to a listening socket at once; false: queued until the bot's next LIST_PENDING_MESSAGES. */
	live: boolean;
}

export interface PushInput {
	/** Sender user id (SYSTEM_USER_ID for system pushes). */
	from: string;
	category: string;
	/** Text (UTF-8), an object (JSON) or raw bytes. */
	data: string | Buffer | Record<string, unknown> | unknown[];
	/** Receiving bot; default the only registered bot. */
	to?: string;
	/** Default the unique 1:1 conversation of `from` and the bot; a group must be declared with mixin.addGroup. */
	conversationId?: string;
	quoteMessageId?: string;
	messageId?: string;
	representativeId?: string;
	silent?: boolean;
	expireIn?: number;
	/** Sender's session; default a stable one per user. */
	sessionId?: string;
}

/** What the typed helpers accept besides their payload. */
export type PushExtra = Omit<PushInput, 'from' | 'category' | 'data'>;

export interface MediaInput {
	bytes?: Buffer;
	mimeType?: string;
	/** PLAIN_DATA file name. */
	name?: string;
	width?: number;
	height?: number;
	/** Milliseconds (audio, video). */
	duration?: number;
	/** Standard base64 (image, video). */
	thumbnail?: string;
	/** Standard base64 (audio). */
	waveform?: string;
}

interface LiveConnection {
	ws: WebSocket;
	record: BlazeConnection;
	pingTimer?: NodeJS.Timeout;
}

interface Waiter {
	check: () => boolean;
}

type Json = Record<string, unknown>;

// ---- Small helpers --------------------------------------------------------------------------------------------------

/** RFC 3339 with nanoseconds, as Mixin prints timestamps. */
function rfc3339Nano(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '000000Z');
}

function isObject(v: unknown): v is Json {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUuid(v: unknown): v is string {
	return typeof v === 'string' && UUID_RE.test(v);
}

function toBuffer(d: RawData): Buffer {
	if (Array.isArray(d)) return Buffer.concat(d);
	return Buffer.isBuffer(d) ? d : Buffer.from(d);
}

/** The JWT payload as sent, without verifying it (for the records). */
function peekClaims(authorization: string | undefined): Record<string, unknown> | undefined {
	const m = /^Bearer [^.]+\.([^.]+)\.[^.]*$/.exec(authorization ?? '');
	if (!m) return undefined;
	try {
		const v: unknown = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
		return isObject(v) ? v : undefined;
	} catch {
		return undefined;
	}
}

function encodeFrame(frame: BlazeFrame): Buffer {
	return zlib.gzipSync(Buffer.from(JSON.stringify(frame), 'utf8'));
}

/** A stable per-user session id for messages users send (derived, so runs are reproducible). */
function derivedSessionId(userId: string): string {
	const h = crypto.createHash('sha256').update(`session:${userId}`).digest();
	h[6] = (h[6] & 0x0f) | 0x40;
	h[8] = (h[8] & 0x3f) | 0x80;
	const hex = h.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- The emulator ---------------------------------------------------------------------------------------------------

export class MixinBlazeEmulator {
	readonly handshakes: BlazeHandshake[] = [];
	readonly connections: BlazeConnection[] = [];
	readonly frames: RecordedFrame[] = [];
	readonly acks: AckRecord[] = [];
	readonly receipts: ReceiptRecord[] = [];
	readonly pushed: MessageView[] = [];

	private readonly opts: Required<Omit<MixinBlazeOptions, 'now'>>;
	private readonly now: () => number;
	private readonly wss: WebSocketServer;
	private readonly live = new Map<number, LiveConnection>();
	/** Per bot: unacknowledged messages in push order. */
	private readonly pendingByBot = new Map<string, Map<string, MessageView>>();
	/** Per bot: receipts waiting for a listening socket. */
	private readonly queuedReceipts = new Map<string, ReceiptView[]>();
	private refusals: Array<{ remaining: number; how: Refusal }> = [];
	private paused = false;
	private nextConnectionId = 1;
	private waiters = new Set<Waiter>();

	constructor(
		readonly mixin: MixinEmulator,
		opts: MixinBlazeOptions = {},
	) {
		this.opts = {
			authFailure: opts.authFailure ?? 'frame',
			pingIntervalMs: opts.pingIntervalMs ?? 0,
			repushOnRelist: opts.repushOnRelist ?? true,
			badFrames: opts.badFrames ?? 'close',
		};
		this.now = opts.now ?? Date.now;
		this.wss = new WebSocketServer({
			noServer: true,
			clientTracking: false,
			perMessageDeflate: false,
			handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
		});
		mixin.http.onUpgrade((req, socket, head) => this.onUpgrade(req, socket, head));
		mixin.onAcknowledgements((acks, appId) => {
			for (const a of acks) this.applyAck(appId, a.message_id, a.status, 'http');
		});
	}

	get url(): string {
		return `${this.mixin.baseUrl.replace(/^http/, 'ws')}/`;
	}

	get openConnections(): BlazeConnection[] {
		return [...this.live.values()].map((c) => c.record);
	}

	get connectionCount(): number {
		return this.connections.length;
	}

	get violations(): string[] {
		return this.mixin.violations.filter((v) => v.startsWith('blaze: '));
	}

	/** Unacknowledged messages of a bot (default the only registered bot), in push order. */
	pending(botId?: string): MessageView[] {
		return [
			...(this.pendingByBot.get(this.botFor(botId)) ?? new Map<string, MessageView>()).values(),
		];
	}

	isPending(messageId: string): boolean {
		const id = messageId.toLowerCase();
		return [...this.pendingByBot.values()].some((m) => m.has(id));
	}

	// ---- Setup -----------------------------------------------------------------------------------------------------

	/** A message from a user (or the system) to a bot: delivered live to its listening sockets, pending until acked. */
	pushMessage(input: PushInput): MessageView {
		const botId = this.botFor(input.to);
		const from = input.from.toLowerCase();
		if (!isUuid(from)) throw new Error(`pushMessage: from ${input.from} is not a uuid`);
		if (from === botId) throw new Error('pushMessage: a bot does not receive its own messages');
		const conversationId = this.conversationFor(input, from, botId);
		const messageId = (input.messageId ?? crypto.randomUUID()).toLowerCase();
		if (!isUuid(messageId))
			throw new Error(`pushMessage: messageId ${input.messageId} is not a uuid`);
		if (this.pushed.some((m) => m.message_id === messageId))
			throw new Error(`pushMessage: ${messageId} used already`);
		for (const [key, v] of [
			['quoteMessageId', input.quoteMessageId],
			['representativeId', input.representativeId],
		] as const) {
			if (v !== undefined && !isUuid(v)) throw new Error(`pushMessage: ${key} ${v} is not a uuid`);
		}
		const payload = Buffer.isBuffer(input.data)
			? input.data
			: Buffer.from(
					typeof input.data === 'string' ? input.data : JSON.stringify(input.data),
					'utf8',
				);
		const at = rfc3339Nano(this.now());
		const view: MessageView = {
			type: 'message',
			representative_id: input.representativeId?.toLowerCase() ?? '',
			quote_message_id: input.quoteMessageId?.toLowerCase() ?? '',
			conversation_id: conversationId,
			user_id: from,
			session_id: input.sessionId ?? derivedSessionId(from),
			message_id: messageId,
			category: input.category,
			data: payload.toString('base64'),
			data_base64: payload.toString('base64url'),
			// OPEN: the status of a message as the bot receives it; SENT is the first status the SDKs list.
			status: 'SENT',
			source: SOURCE_LIVE,
			silent: input.silent ?? false,
			expire_in: input.expireIn ?? 0,
			created_at: at,
			updated_at: at,
		};
		this.pushed.push(view);
		let pending = this.pendingByBot.get(botId);
		if (!pending) this.pendingByBot.set(botId, (pending = new Map()));
		pending.set(messageId, view);
		// OPEN: how Blaze splits pushes between two sockets of one bot is unverified; every listening one gets it.
		for (const c of this.listeningSockets(botId)) this.sendPush(c, 'CREATE_MESSAGE', view);
		this.changed();
		return view;
	}

	pushText(from: string, text: string, extra: PushExtra = {}): MessageView {
		return this.pushMessage({ ...extra, from, category: 'PLAIN_TEXT', data: text });
	}

	pushPost(from: string, markdown: string, extra: PushExtra = {}): MessageView {
		return this.pushMessage({ ...extra, from, category: 'PLAIN_POST', data: markdown });
	}

	pushImage(from: string, media: MediaInput = {}, extra: PushExtra = {}): MessageView {
		const att = this.attachment(media.bytes ?? TINY_PNG);
		const data: Json = {
			...att,
			mime_type: media.mimeType ?? 'image/png',
			width: media.width ?? 1,
			height: media.height ?? 1,
		};
		if (media.thumbnail !== undefined) data.thumbnail = media.thumbnail;
		return this.pushMessage({ ...extra, from, category: 'PLAIN_IMAGE', data });
	}

	pushFile(from: string, media: MediaInput = {}, extra: PushExtra = {}): MessageView {
		const att = this.attachment(media.bytes ?? Buffer.from('emulated file\n'));
		const data = {
			...att,
			mime_type: media.mimeType ?? 'text/plain',
			name: media.name ?? 'file.txt',
		};
		return this.pushMessage({ ...extra, from, category: 'PLAIN_DATA', data });
	}

	pushAudio(from: string, media: MediaInput = {}, extra: PushExtra = {}): MessageView {
		const att = this.attachment(media.bytes ?? Buffer.from('OggS emulated opus'));
		const data: Json = {
			...att,
			mime_type: media.mimeType ?? 'audio/ogg',
			duration: media.duration ?? 1000,
		};
		data.waveform = media.waveform ?? Buffer.from([0, 8, 16, 8]).toString('base64');
		return this.pushMessage({ ...extra, from, category: 'PLAIN_AUDIO', data });
	}

	pushVideo(from: string, media: MediaInput = {}, extra: PushExtra = {}): MessageView {
		const att = this.attachment(media.bytes ?? Buffer.from('emulated mp4'));
		const data: Json = {
			...att,
			mime_type: media.mimeType ?? 'video/mp4',
			width: media.width ?? 640,
			height: media.height ?? 360,
			duration: media.duration ?? 1000,
		};
		if (media.thumbnail !== undefined) data.thumbnail = media.thumbnail;
		return this.pushMessage({ ...extra, from, category: 'PLAIN_VIDEO', data });
	}

	pushContact(from: string, userId: string, extra: PushExtra = {}): MessageView {
		return this.pushMessage({
			...extra,
			from,
			category: 'PLAIN_CONTACT',
			data: { user_id: userId.toLowerCase() },
		});
	}

	pushLocation(
		from: string,
		place: { latitude: number; longitude: number; name?: string; address?: string },
		extra: PushExtra = {},
	): MessageView {
		return this.pushMessage({ ...extra, from, category: 'PLAIN_LOCATION', data: { ...place } });
	}

	pushSticker(
		from: string,
		sticker: { stickerId?: string; name?: string; albumId?: string } = {},
		extra: PushExtra = {},
	): MessageView {
		const data: Json = { sticker_id: sticker.stickerId ?? crypto.randomUUID() };
		if (sticker.name !== undefined) data.name = sticker.name;
		if (sticker.albumId !== undefined) data.album_id = sticker.albumId;
		return this.pushMessage({ ...extra, from, category: 'PLAIN_STICKER', data });
	}

	/** A group membership event; sent by SYSTEM_USER_ID unless `userId` (the user who acted) is given. */
	pushSystemConversation(
		event: {
			conversationId: string;
			action: string;
			participantId: string;
			userId?: string;
			role?: string;
		},
		extra: PushExtra = {},
	): MessageView {
		const data: Json = { action: event.action, participant_id: event.participantId.toLowerCase() };
		if (event.userId !== undefined) data.user_id = event.userId.toLowerCase();
		if (event.role !== undefined) data.role = event.role;
		return this.pushMessage({
			...extra,
			from: event.userId ?? SYSTEM_USER_ID,
			conversationId: event.conversationId,
			category: 'SYSTEM_CONVERSATION',
			data,
		});
	}

	/** An incoming transfer from `from` to the bot. */
	pushSnapshot(
		from: string,
		transfer: {
			amount: string;
			assetId?: string;
			memo?: string;
			snapshotId?: string;
			transactionHash?: string;
		},
		extra: PushExtra = {},
	): MessageView {
		const botId = this.botFor(extra.to);
		const data = {
			type: 'snapshot',
			snapshot_id: transfer.snapshotId ?? crypto.randomUUID(),
			user_id: botId,
			opponent_id: from.toLowerCase(),
			transaction_hash: transfer.transactionHash ?? crypto.randomBytes(32).toString('hex'),
			asset_id: transfer.assetId ?? '965e5c6e-434c-3fa9-b780-c50f43cd955c',
			amount: transfer.amount,
			memo: transfer.memo ?? '',
			created_at: rfc3339Nano(this.now()),
		};
		return this.pushMessage({ ...extra, from, category: 'SYSTEM_ACCOUNT_SNAPSHOT', data });
	}

	/** The user recalls a message it pushed earlier. */
	pushRecall(from: string, messageId: string, extra: PushExtra = {}): MessageView {
		const target = this.pushed.find((m) => m.message_id === messageId.toLowerCase());
		if (!target || target.user_id !== from.toLowerCase()) {
			throw new Error(`pushRecall: ${messageId} is not a message ${from} sent`);
		}
		const conversationId = extra.conversationId ?? target.conversation_id;
		return this.pushMessage({
			...extra,
			from,
			conversationId,
			category: 'MESSAGE_RECALL',
			data: { message_id: target.message_id },
		});
	}

	/** The user's client received a message the bot sent through POST /messages. */
	markDelivered(messageId: string): ReceiptRecord {
		return this.receipt(messageId, 'DELIVERED');
	}

	/** The user read a message the bot sent through POST /messages. */
	markRead(messageId: string): ReceiptRecord {
		return this.receipt(messageId, 'READ');
	}

	// ---- Controls --------------------------------------------------------------------------------------------------

	dropConnections(): void {
		for (const c of this.live.values()) {
			c.record.closedBy = 'dropped';
			c.ws.terminate();
		}
	}

	closeConnections(code = 1001, reason = ''): void {
		for (const c of this.live.values()) {
			c.record.closedBy ??= 'server';
			c.ws.close(code, reason);
		}
	}

	refuseNext(n = 1, how: Refusal = { status: 503 }): void {
		this.refusals.push({ remaining: n, how });
	}

	refuseHandshakes(how: Refusal): void {
		this.refusals = [{ remaining: Infinity, how }];
	}

	acceptHandshakes(): void {
		this.refusals = [];
	}

	pauseReplies(): void {
		this.paused = true;
	}

	/**
	 * Send what the push helpers cannot make to every listening socket of a bot (default the only one): a frame
	 * object goes out as Blaze sends frames (gzip JSON, binary); bytes go out as a binary message and text as a text
	 * message, exactly as given. For tests of how a client copes with frames Blaze is not known to send.
	 */
	sendRaw(payload: BlazeFrame | Buffer | string, botId?: string): void {
		for (const c of this.listeningSockets(this.botFor(botId))) {
			if (!Buffer.isBuffer(payload) && typeof payload !== 'string') {
				this.send(c, payload);
				continue;
			}
			const binary = Buffer.isBuffer(payload);
			c.ws.send(payload, { binary });
			const bytes = binary ? payload : Buffer.from(payload, 'utf8');
			this.frames.push({
				connectionId: c.record.id,
				direction: 'out',
				at: this.now(),
				binary,
				gzip: bytes.subarray(0, 2).equals(GZIP_MAGIC),
				bytes: bytes.length,
			});
		}
		this.changed();
	}

	resumeReplies(): void {
		this.paused = false;
	}

	// ---- Waiting ---------------------------------------------------------------------------------------------------

	/** Resolve with the first truthy value of `probe`, re-checked after every change of the emulator's state. */
	waitFor<T>(
		probe: () => T | undefined | null | false,
		timeoutMs = 5000,
		what = 'condition',
	): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const first = probe();
			if (first) return resolve(first);
			const waiter: Waiter = {
				check: () => {
					const v = probe();
					if (!v) return false;
					clearTimeout(timer);
					resolve(v);
					return true;
				},
			};
			const timer = setTimeout(() => {
				this.waiters.delete(waiter);
				reject(new Error(`blaze: timed out after ${timeoutMs} ms waiting for ${what}`));
			}, timeoutMs);
			this.waiters.add(waiter);
		});
	}

	waitForConnections(n: number, timeoutMs?: number): Promise<BlazeConnection> {
		return this.waitFor(() => this.connections[n - 1], timeoutMs, `${n} connection(s)`);
	}

	/** The socket that has sent LIST_PENDING_MESSAGES, most recent first. */
	waitForListening(timeoutMs?: number): Promise<BlazeConnection> {
		const probe = () => this.openConnections.filter((c) => c.listing).pop();
		return this.waitFor(probe, timeoutMs, 'a listening connection');
	}

	waitForAck(messageId: string, timeoutMs?: number): Promise<AckRecord> {
		const id = messageId.toLowerCase();
		return this.waitFor(
			() => this.acks.find((a) => a.message_id === id),
			timeoutMs,
			`an ack of ${id}`,
		);
	}

	waitForFrame(
		predicate: (f: RecordedFrame) => boolean,
		timeoutMs?: number,
	): Promise<RecordedFrame> {
		return this.waitFor(() => this.frames.find(predicate), timeoutMs, 'a frame');
	}

	// ---- Handshake -------------------------------------------------------------------------------------------------

	private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => undefined);
		const path = new URL(req.url ?? '/', 'http://blaze').pathname;
		const offered = (req.headers['sec-websocket-protocol'] ?? '')
			.split(',')
			.map((p) => p.trim())
			.filter((p) => p.length > 0);
		const authorization = req.headers.authorization;
		const hs: BlazeHandshake = {
			at: this.now(),
			path,
			protocols: offered,
			authorization,
			claims: peekClaims(authorization),
			outcome: 'refused',
			status: 0,
		};
		this.handshakes.push(hs);

		if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
			return this.refuseHttp(socket, hs, 400, 'not a WebSocket upgrade');
		}
		const refusal = this.takeRefusal();
		if (refusal !== undefined && refusal !== 'unauthorized') {
			return this.refuseHttp(socket, hs, refusal.status, 'refused by the test', refusal.body);
		}
		if (path !== '/') {
			this.violation(`handshake on ${path}; Blaze serves only /`);
			return this.refuseHttp(socket, hs, 404, `no WebSocket endpoint at ${path}`);
		}
		// OPEN: whether Mixin refuses a missing subprotocol or upgrades without one; refused here so the bug shows.
		if (!offered.includes(PROTOCOL)) {
			this.violation(
				`handshake without subprotocol ${PROTOCOL} (offered: ${offered.join(', ') || 'none'})`,
			);
			return this.refuseHttp(socket, hs, 400, `subprotocol ${PROTOCOL} required`);
		}
		if (refusal === 'unauthorized')
			return this.refuseAuth(req, socket, head, hs, 'refused by the test (401)');
		const check = this.mixin.verifyToken(
			authorization,
			HANDSHAKE_SIG_METHOD,
			HANDSHAKE_SIG_URI,
			'',
		);
		if (!check.ok) return this.refuseAuth(req, socket, head, hs, check.reason);

		this.wss.handleUpgrade(req, socket, head, (ws) => {
			hs.outcome = 'accepted';
			hs.status = 101;
			const c = this.open(ws, req, hs, {
				appId: check.appId,
				sessionId: check.sessionId,
				authFailed: false,
			});
			hs.connectionId = c.record.id;
			this.changed();
		});
	}

	private takeRefusal(): Refusal | undefined {
		const r = this.refusals.find((x) => x.remaining > 0);
		if (!r) return undefined;
		r.remaining -= 1;
		return r.how;
	}

	private refuseHttp(
		socket: Duplex,
		hs: BlazeHandshake,
		status: number,
		reason: string,
		body?: string,
	): void {
		hs.status = status;
		hs.reason = reason;
		const text =
			body ?? (status === 401 ? JSON.stringify({ error: UNAUTHORIZED }) : `${status} ${reason}`);
		const type = status === 401 ? 'application/json' : 'text/plain';
		socket.once('finish', () => socket.destroy());
		socket.end(
			`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: ${type}\r\n` +
				`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
		);
		this.changed();
	}

	/**
	 * OPEN: the reference documents an `action: "ERROR"` frame with code 401 (Android force-logs-out on it) and
	 * Android also handles a 401 handshake; the frame is the default, authFailure 'http' gives the other.
	 */
	private refuseAuth(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		hs: BlazeHandshake,
		reason: string,
	): void {
		if (this.opts.authFailure === 'http')
			return this.refuseHttp(socket, hs, 401, `unauthorized: ${reason}`);
		this.wss.handleUpgrade(req, socket, head, (ws) => {
			hs.status = 101;
			hs.reason = `unauthorized: ${reason}`;
			const c = this.open(ws, req, hs, { appId: '', sessionId: '', authFailed: true });
			hs.connectionId = c.record.id;
			this.send(c, { id: crypto.randomUUID(), action: 'ERROR', error: UNAUTHORIZED });
			c.record.closedBy = 'server';
			// OPEN: the close code after the ERROR frame; 1008 (policy violation) here.
			ws.close(1008, 'Unauthorized');
			this.changed();
		});
	}

	private open(
		ws: WebSocket,
		req: IncomingMessage,
		hs: BlazeHandshake,
		who: { appId: string; sessionId: string; authFailed: boolean },
	): LiveConnection {
		const record: BlazeConnection = {
			id: this.nextConnectionId++,
			appId: who.appId,
			sessionId: who.sessionId,
			openedAt: this.now(),
			protocol: ws.protocol,
			protocols: hs.protocols,
			headers: req.headers,
			claims: hs.claims,
			authFailed: who.authFailed,
			listing: false,
			pings: 0,
			pongs: 0,
		};
		const c: LiveConnection = { ws, record };
		this.connections.push(record);
		this.live.set(record.id, c);
		ws.on('error', () => undefined);
		ws.on('message', (data, isBinary) => this.onFrame(c, toBuffer(data), isBinary));
		ws.on('pong', () => {
			record.pongs += 1;
			this.changed();
		});
		ws.on('close', (code) => {
			if (c.pingTimer) clearInterval(c.pingTimer);
			this.live.delete(record.id);
			record.closedAt = this.now();
			record.closeCode = code;
			record.closedBy ??= 'client';
			this.changed();
		});
		if (this.opts.pingIntervalMs > 0 && !who.authFailed) {
			c.pingTimer = setInterval(() => {
				if (ws.readyState !== ws.OPEN) return;
				record.pings += 1;
				ws.ping();
			}, this.opts.pingIntervalMs);
			c.pingTimer.unref();
		}
		return c;
	}

	// ---- Frames ----------------------------------------------------------------------------------------------------

	private onFrame(c: LiveConnection, raw: Buffer, isBinary: boolean): void {
		const rec: RecordedFrame = {
			connectionId: c.record.id,
			direction: 'in',
			at: this.now(),
			binary: isBinary,
			gzip: raw.subarray(0, 2).equals(GZIP_MAGIC),
			bytes: raw.length,
		};
		this.frames.push(rec);
		if (!isBinary)
			return this.badFrame(c, rec, 'a text frame; Blaze frames are binary gzip JSON', 1003);
		let text: string;
		try {
			text = zlib.gunzipSync(raw).toString('utf8');
		} catch {
			return this.badFrame(c, rec, 'a binary frame that is not gzip', 1007);
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			return this.badFrame(c, rec, 'gzip of something that is not JSON', 1007);
		}
		if (!isObject(parsed) || typeof parsed.id !== 'string' || typeof parsed.action !== 'string') {
			return this.badFrame(c, rec, 'JSON that is not a BlazeMessage {id, action, params?}', 1007);
		}
		const frame = parsed as unknown as BlazeFrame;
		rec.frame = frame;
		if (!isUuid(frame.id)) this.violation(`frame id ${JSON.stringify(frame.id)} is not a uuid`);
		// A socket opened only to deliver the 401 frame, and a paused server, handle nothing.
		if (c.record.authFailed || this.paused) rec.unanswered = true;
		else this.dispatch(c, frame);
		this.changed();
	}

	private badFrame(c: LiveConnection, rec: RecordedFrame, why: string, closeCode: number): void {
		rec.error = why;
		this.violation(`connection ${c.record.id}: ${why}`);
		// OPEN: what blaze.mixin.one does with such a frame is undocumented; closing makes the mistake visible.
		if (this.opts.badFrames === 'close') {
			c.record.closedBy = 'server';
			c.ws.close(closeCode, why.slice(0, 120));
		}
		this.changed();
	}

	private dispatch(c: LiveConnection, frame: BlazeFrame): void {
		switch (frame.action) {
			case 'LIST_PENDING_MESSAGES':
				return this.listPending(c, frame);
			case 'ACKNOWLEDGE_MESSAGE_RECEIPT':
				return this.ackOne(c, frame);
			case 'ACKNOWLEDGE_MESSAGE_RECEIPTS':
				return this.ackMany(c, frame);
			default:
				// OPEN: user-client actions (CREATE_MESSAGE over the socket, signal keys…) are not emulated.
				this.violation(`action ${frame.action} is not emulated`);
				return this.reply(c, frame, INVALID);
		}
	}

	/** OPEN: the reply carries no data and goes before the pushes; the order is not documented. */
	private listPending(c: LiveConnection, frame: BlazeFrame): void {
		const first = !c.record.listing;
		c.record.listing = true;
		this.reply(c, frame);
		if (first || this.opts.repushOnRelist) {
			for (const view of this.pending(c.record.appId)) {
				this.sendPush(c, 'CREATE_MESSAGE', { ...view, source: SOURCE_PENDING });
			}
		}
		const queued = this.queuedReceipts.get(c.record.appId) ?? [];
		this.queuedReceipts.delete(c.record.appId);
		for (const r of queued) this.sendPush(c, 'ACKNOWLEDGE_MESSAGE_RECEIPT', r);
	}

	private ackOne(c: LiveConnection, frame: BlazeFrame): void {
		const p = this.ackParams(frame);
		const problem = p === undefined ? 'params missing' : this.ackProblem(p, 'params');
		if (problem) {
			this.violation(`ACKNOWLEDGE_MESSAGE_RECEIPT: ${problem}`);
			return this.reply(c, frame, INVALID);
		}
		const a = p as Json;
		this.applyAck(
			c.record.appId,
			a.message_id as string,
			a.status as string,
			'socket',
			c.record.id,
		);
		this.reply(c, frame);
	}

	private ackMany(c: LiveConnection, frame: BlazeFrame): void {
		const p = this.ackParams(frame);
		const list = p?.messages;
		let problem: string | undefined;
		if (!Array.isArray(list) || list.length === 0)
			problem = 'params.messages is not a non-empty array';
		else {
			for (const [i, a] of list.entries()) problem ??= this.ackProblem(a, `params.messages[${i}]`);
		}
		if (problem) {
			this.violation(`ACKNOWLEDGE_MESSAGE_RECEIPTS: ${problem}`);
			return this.reply(c, frame, INVALID);
		}
		// OPEN: no batch size limit is documented for the socket (supergroup sends ≤80); none is enforced.
		for (const a of list as Json[]) {
			this.applyAck(
				c.record.appId,
				a.message_id as string,
				a.status as string,
				'socket-batch',
				c.record.id,
			);
		}
		this.reply(c, frame);
	}

	/** Acks travel in `params`; one sent in `data` is taken but recorded, since the SDKs all use params. */
	private ackParams(frame: BlazeFrame): Json | undefined {
		if (isObject(frame.params)) return frame.params;
		if (isObject(frame.data)) {
			this.violation(
				`${frame.action}: the acknowledgement is in data; Blaze requests carry it in params`,
			);
			return frame.data;
		}
		return undefined;
	}

	private ackProblem(a: unknown, at: string): string | undefined {
		if (!isObject(a)) return `${at} is not an object`;
		if (!isUuid(a.message_id)) return `${at}.message_id is not a uuid`;
		if (typeof a.status !== 'string' || !ACK_STATUSES.has(a.status))
			return `${at}.status is not READ or DELIVERED`;
		return undefined;
	}

	private applyAck(
		botId: string,
		messageId: string,
		status: string,
		channel: AckRecord['channel'],
		connectionId?: number,
	): void {
		const id = messageId.toLowerCase();
		const matched = this.pendingByBot.get(botId)?.delete(id) ?? false;
		const rec: AckRecord = { message_id: id, status, channel, at: this.now(), botId, matched };
		if (connectionId !== undefined) rec.connectionId = connectionId;
		this.acks.push(rec);
		this.changed();
	}

	private reply(c: LiveConnection, request: BlazeFrame, error?: BlazeError): void {
		const frame: BlazeFrame = { id: request.id, action: request.action };
		if (error) frame.error = error;
		this.send(c, frame);
	}

	private sendPush(c: LiveConnection, action: string, data: unknown): void {
		this.send(c, { id: crypto.randomUUID(), action, data });
	}

	private send(c: LiveConnection, frame: BlazeFrame): void {
		if (c.ws.readyState !== c.ws.OPEN) return;
		const bytes = encodeFrame(frame);
		c.ws.send(bytes, { binary: true });
		this.frames.push({
			connectionId: c.record.id,
			direction: 'out',
			at: this.now(),
			frame,
			binary: true,
			gzip: true,
			bytes: bytes.length,
		});
		this.changed();
	}

	// ---- Internals -------------------------------------------------------------------------------------------------

	private listeningSockets(botId: string): LiveConnection[] {
		return [...this.live.values()].filter((c) => c.record.listing && c.record.appId === botId);
	}

	/** OPEN: receipts are not pending messages; with no listening socket they wait for the next listing, once. */
	private receipt(messageId: string, status: 'DELIVERED' | 'READ'): ReceiptRecord {
		const id = messageId.toLowerCase();
		const sent = this.mixin.messages.find((m) => m.message_id === id);
		if (!sent)
			throw new Error(
				`mark${status === 'READ' ? 'Read' : 'Delivered'}: no message ${id} was POSTed`,
			);
		const view: ReceiptView = {
			message_id: id,
			status,
			source: SOURCE_RECEIPT,
			updated_at: rfc3339Nano(this.now()),
		};
		const sockets = this.listeningSockets(sent.user_id);
		if (sockets.length > 0) {
			for (const c of sockets) this.sendPush(c, 'ACKNOWLEDGE_MESSAGE_RECEIPT', view);
		} else {
			const queue = this.queuedReceipts.get(sent.user_id) ?? [];
			queue.push(view);
			this.queuedReceipts.set(sent.user_id, queue);
		}
		const rec: ReceiptRecord = {
			...view,
			botId: sent.user_id,
			at: this.now(),
			live: sockets.length > 0,
		};
		this.receipts.push(rec);
		this.changed();
		return rec;
	}

	private botFor(to: string | undefined): string {
		const bots = [...new Set(this.mixin.registeredSessions().map((s) => s.appId))];
		if (to !== undefined) {
			const id = to.toLowerCase();
			if (!bots.includes(id)) throw new Error(`blaze: no bot session registered for ${to}`);
			return id;
		}
		if (bots.length !== 1)
			throw new Error(`blaze: ${bots.length} bots are registered; say which one (to)`);
		return bots[0];
	}

	/** The conversation a push goes to; a user who messages the bot has a 1:1 conversation with it from then on. */
	private conversationFor(input: PushInput, from: string, botId: string): string {
		const unique = uniqueConversationId(botId, from);
		const id = (input.conversationId ?? unique).toLowerCase();
		const group = this.mixin.conversations.get(id);
		if (group?.category === 'GROUP') {
			if (!group.participants.includes(botId))
				throw new Error(`pushMessage: the bot is not in group ${id}`);
			if (from !== SYSTEM_USER_ID && !group.participants.includes(from)) {
				throw new Error(`pushMessage: ${from} is not in group ${id}`);
			}
			return id;
		}
		if (id !== unique)
			throw new Error(`pushMessage: ${id} is neither a declared group nor the 1:1 conversation`);
		if (from !== SYSTEM_USER_ID) {
			const user = this.mixin.getUser(from);
			this.mixin.addUser({ ...(user ?? { userId: from }), hasConversation: true });
		}
		return id;
	}

	private attachment(bytes: Buffer): { attachment_id: string; size: number; created_at: string } {
		const att: StoredAttachment = this.mixin.addUploadedAttachment(bytes);
		return { attachment_id: att.attachment_id, size: bytes.length, created_at: att.created_at };
	}

	private violation(message: string): void {
		this.mixin.violations.push(`blaze: ${message}`);
	}

	private changed(): void {
		for (const w of [...this.waiters]) if (w.check()) this.waiters.delete(w);
	}
}
