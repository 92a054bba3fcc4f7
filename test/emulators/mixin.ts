/**
 * Mixin Messenger bot API emulator: a loopback server that speaks Mixin's wire protocol (EdDSA JWT auth with a
 * request-bound `sig` claim, the `{"data":…}` / `{"error":…}` envelope with HTTP 202 client errors, POST /messages in
 * single and batch form, acknowledgements, attachments with a presigned fake-S3 upload, CONTACT conversations, GET /me,
 * user search by Mixin ID, GROUP conversations, reading a conversation and adding/removing group participants).
 *
 * Written only from the platform rules in shared/reference/mixin.md and the seed; it never imports the node's code,
 * so a wrong constant in the node makes a test fail instead of agreeing with itself.
 *
 * RecordedRequest.note is set to `duplicate` on a success that absorbed a repeated message id, and to
 * `<kind>: <detail>` on failures, kind ∈ unauthorized | forbidden | invalid | not-found | bad-json | server-error | s3 |
 * rate-limited.
 *
 * Message payloads are checked against the keys Mixin's own clients and SDKs read (android-app, ios-app,
 * the Dart and Kotlin bot SDKs). A known key of the wrong type is refused with 202/10002 naming it, as the
 * server's Go struct decode would fail [inferred]. An unknown or misspelt key, a media type clients cannot play
 * or a broken base64 field is stored as Mixin stores it and recorded as a violation: the server passes the
 * payload on, and clients silently drop what they do not know.
 */
import * as crypto from 'node:crypto';
import { PlatformEmulator, jsonReply, type RecordedRequest, type Reply } from './common';

export interface MixinUser {
	userId: string;
	/**
	 * The 1:1 conversation with the bot exists (the user messaged/added the bot, or POST /conversations ran).
	 * Default false: Mixin answers 403 until then.
	 */
	hasConversation?: boolean;
	/** CONTACTS: the user refuses messages from strangers, so the bot always gets 403. Default EVERYBODY. */
	receiveMessageSource?: 'EVERYBODY' | 'CONTACTS';
	blockedBot?: boolean;
	/** The Mixin ID the apps show (digits); GET /search/:q finds only users that have one. */
	identityNumber?: string;
	fullName?: string;
}

export interface StoredMessage {
	message_id: string;
	conversation_id: string;
	recipient_id?: string;
	category: string;
	/** Decoded bytes of `data` / `data_base64`. */
	payload: Buffer;
	/** Parsed payload for the JSON categories (everything but PLAIN_TEXT / PLAIN_POST). */
	json?: unknown;
	quote_message_id?: string;
	silent?: boolean;
	/**
	 * Seconds until the message disappears, as sent. OPEN: only the Node SDK typings and the seed's MessageView name
	 * `expire_in`; it is stored and echoed, and nothing here makes a message disappear.
	 */
	expire_in?: number;
	/** Sender: the bot's uid. */
	user_id: string;
	via: 'single' | 'batch';
	/** Which field carried the content, so tests can insist on `data_base64`. */
	dataField: 'data' | 'data_base64';
	created_at: string;
}

export interface StoredConversation {
	conversation_id: string;
	category: 'CONTACT' | 'GROUP';
	creator_id: string;
	participants: string[];
	/** Groups: name and announcement as created; the creator is the OWNER, these members are ADMINs. */
	name?: string;
	announcement?: string;
	admins?: string[];
	/** Groups: the random_id the creator sent, if any (recorded, not checked). */
	random_id?: string;
}

export interface StoredAttachment {
	attachment_id: string;
	/** Bytes received by the fake S3 PUT; absent until uploaded. */
	uploaded?: Buffer;
	created_at: string;
	view_url: string;
	upload_url: string;
}

export interface MixinEmulatorOptions {
	/** Answer a repeated message id with 202/10002 instead of absorbing it (negative tests). */
	rejectDuplicateMessageIds?: boolean;
	/** Answer a token whose jti was already accepted with 202/401 (the docs say tokens cannot be reused). */
	rejectReusedJti?: boolean;
	/**
	 * 'forbid' (default): an id never passed to addUser is no user: 403 on /messages, 10002 on /conversations, and a
	 * violation when shared as a contact. 'allow': it behaves as a user whose conversation with the bot exists.
	 */
	unknownUsers?: 'allow' | 'forbid';
	/** Clock in epoch milliseconds (token exp/iat, upload URL expiry, timestamps). Default Date.now. */
	now?: () => number;
}

// ---- Platform constants (reference §1.2, §2.3, §3.1–3.3, §5) -------------------------------------------------------

const MAX_MESSAGES_PER_BATCH = 100;
const MAX_MESSAGE_BYTES = 128 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ACKS_PER_REQUEST = 100;
/** Server clock tolerance for `iat` in the future (drift over ~5 min yields 401). */
const IAT_SKEW_SECONDS = 300;
/** Presigned upload URLs are valid 6 h (X-Amz-Expires=21600). */
const UPLOAD_URL_TTL_SECONDS = 21600;
const SIGNED_HEADERS = 'content-type;host;x-amz-acl';
const UPLOAD_CONTENT_TYPE = 'application/octet-stream';
const UPLOAD_ACL = 'public-read';
const CARD_TITLE_MAX = 36;
const CARD_DESCRIPTION_MAX = 1024;
const BUTTON_LABEL_MAX = 36;
// The docs say 1–6 buttons; the Go SDK raised its limit to 18 (b3fc4d4 "update app button limit"), followed here.
const BUTTON_GROUP_MAX = 18;
/** Bot sessions sign with scope FULL; any other scope (an OAuth grant) is refused on these endpoints. */
const BOT_SCOPE = 'FULL';
/** Ed25519 SubjectPublicKeyInfo DER header; the raw 32-byte key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const TEXT_CATEGORIES = new Set(['PLAIN_TEXT', 'PLAIN_POST']);
const CATEGORIES = new Set([
	'PLAIN_TEXT',
	'PLAIN_POST',
	'PLAIN_IMAGE',
	'PLAIN_DATA',
	'PLAIN_STICKER',
	'PLAIN_CONTACT',
	'PLAIN_AUDIO',
	'PLAIN_VIDEO',
	'PLAIN_LIVE',
	'PLAIN_LOCATION',
	'APP_CARD',
	'APP_BUTTON_GROUP',
	'MESSAGE_RECALL',
]);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL_RAW_RE = /^[A-Za-z0-9_-]*$/;
/** The legacy `data` field is lenient: std or url-safe alphabet, optional padding, line breaks (Ruby gem). */
const BASE64_LENIENT_RE = /^[A-Za-z0-9+/_\-=\r\n]*$/;
// Either case: Android's Color.parseColor and iOS's scanHexInt64 read both, so neither form is wrong.
const COLOR_RE = /^#[0-9A-Fa-f]{6}$/;
/** What both clients decode thumbnail/waveform with: iOS Data(base64Encoded:) and Android's std-alphabet Base64. */
const BASE64_STD_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Message keys of POST /messages (docs _req.msgs, Go MessageRequest, fox-one MessageRequest, Node 7.5 typings). */
const MESSAGE_KEYS = new Set([
	'conversation_id',
	'recipient_id',
	'message_id',
	'category',
	'data',
	'data_base64',
	'representative_id',
	'quote_message_id',
	'silent',
	'expire_in',
]);

/**
 * Mixin's unique 1:1 conversation id (§4.1): md5 of the two lower-case uuid strings in ascending order, then
 * version nibble 3 and the RFC 4122 variant bits.
 */
export function uniqueConversationId(a: string, b: string): string {
	const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
	const h = crypto
		.createHash('md5')
		.update(x + y)
		.digest();
	h[6] = (h[6] & 0x0f) | 0x30;
	h[8] = (h[8] & 0x3f) | 0x80;
	const hex = h.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- Errors in Mixin's envelope (§2.2, §2.3) -----------------------------------------------------------------------

class MixinApiError extends Error {
	constructor(
		readonly httpStatus: number,
		readonly code: number,
		readonly description: string,
		readonly note: string,
		readonly extra?: Record<string, unknown>,
	) {
		super(description);
	}
}

const unauthorized = (why: string) =>
	new MixinApiError(202, 401, 'Unauthorized, maybe invalid token.', `unauthorized: ${why}`);
const forbidden = (why: string) => new MixinApiError(202, 403, 'Forbidden', `forbidden: ${why}`);
const notFound = (why: string) =>
	new MixinApiError(202, 404, 'The endpoint is not found.', `not-found: ${why}`);
// The server's own spelling ("pasred") is kept on purpose.
const badJson = () =>
	new MixinApiError(
		202,
		400,
		'The request body can’t be pasred as valid data.',
		'bad-json: body is not JSON',
	);
const invalid = (field: string, reason: string) =>
	new MixinApiError(
		202,
		10002,
		'The request data has invalid field.',
		`invalid: ${field}: ${reason}`,
		{
			field,
			reason,
		},
	);
const serverError = (why: string) =>
	new MixinApiError(500, 500, 'Internal Server Error', `server-error: ${why}`);

// ---- Small helpers -------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC3339 with nanoseconds, as Mixin prints timestamps (`2022-08-19T03:06:17.363215481Z`). */
function rfc3339Nano(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '000000Z');
}

function sha256hex(data: Buffer | string): string {
	return crypto.createHash('sha256').update(data).digest('hex');
}

/** Length in user-visible characters (code points), which is what the 36/1024 limits count. */
function charLength(s: string): number {
	return [...s].length;
}

const isPositiveInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const isNonNegativeInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

interface Session {
	uid: string;
	sid: string;
	publicKey: crypto.KeyObject;
	rawPublicKey: Buffer;
}

interface AttachmentSecrets {
	objectPath: string;
	amzDate: string;
	signature: string;
	createdMs: number;
}

/** Outcome of checking one message: a new message to store, or a repeat of one already stored. */
type Checked =
	{ kind: 'new'; message: StoredMessage } | { kind: 'duplicate'; original: StoredMessage };

/** What verifyToken answers: the bot session a token belongs to and its claims, or why Mixin would answer 401. */
export type TokenCheck =
	| { ok: true; appId: string; sessionId: string; claims: Record<string, unknown> }
	| { ok: false; reason: string };

export type AcknowledgementListener = (
	acks: Array<{ message_id: string; status: 'READ' | 'DELIVERED' }>,
	appId: string,
) => void;

export class MixinEmulator extends PlatformEmulator {
	readonly messages: StoredMessage[] = [];
	readonly acknowledgements: Array<{ message_id: string; status: 'READ' | 'DELIVERED' }> = [];
	readonly conversations = new Map<string, StoredConversation>();
	readonly attachments = new Map<string, StoredAttachment>();
	duplicatesSeen = 0;

	private readonly opts: Required<Omit<MixinEmulatorOptions, 'now'>>;
	private readonly now: () => number;
	private readonly sessions = new Map<string, Session>();
	private readonly users = new Map<string, MixinUser>();
	private readonly seenJti = new Set<string>();
	private readonly attachmentSecrets = new Map<string, AttachmentSecrets>();
	/** Object path (/s3/…) → attachment id, for the fake S3. */
	private readonly objects = new Map<string, string>();
	/** Per-emulator key that "presigns" upload URLs, so a tampered URL fails like a real S3 signature. */
	private readonly s3Secret = crypto.randomBytes(32);
	private readonly ackListeners: AcknowledgementListener[] = [];

	constructor(opts: MixinEmulatorOptions = {}) {
		super();
		this.opts = {
			rejectDuplicateMessageIds: opts.rejectDuplicateMessageIds ?? false,
			rejectReusedJti: opts.rejectReusedJti ?? false,
			unknownUsers: opts.unknownUsers ?? 'forbid',
		};
		this.now = opts.now ?? Date.now;
	}

	/** Register a bot session; the bot's user id is its app id. */
	registerSession(s: { appId: string; sessionId: string; publicKey: Buffer }): void {
		if (s.publicKey.length !== 32)
			throw new Error('registerSession: publicKey must be the 32 raw Ed25519 bytes');
		const publicKey = crypto.createPublicKey({
			key: Buffer.concat([ED25519_SPKI_PREFIX, s.publicKey]),
			format: 'der',
			type: 'spki',
		});
		const uid = s.appId.toLowerCase();
		const sid = s.sessionId.toLowerCase();
		this.sessions.set(`${uid}|${sid}`, {
			uid,
			sid,
			publicKey,
			rawPublicKey: Buffer.from(s.publicKey),
		});
	}

	addUser(u: MixinUser): void {
		const userId = u.userId.toLowerCase();
		const defaults = {
			hasConversation: false,
			receiveMessageSource: 'EVERYBODY' as const,
			blockedBot: false,
		};
		this.users.set(userId, { ...defaults, ...u, userId });
	}

	/** A group the test declares; include the bot's uid in participants or sends to it are 403 (bot not a member). */
	addGroup(g: { conversationId: string; participants: string[] }): void {
		const participants = g.participants.map((p) => p.toLowerCase());
		const id = g.conversationId.toLowerCase();
		this.conversations.set(id, {
			conversation_id: id,
			category: 'GROUP',
			creator_id: participants[0] ?? '',
			participants,
		});
	}

	/** The registered bot sessions (lower-case ids), for emulators that share this one's state. */
	registeredSessions(): Array<{ appId: string; sessionId: string }> {
		return [...this.sessions.values()].map((s) => ({ appId: s.uid, sessionId: s.sid }));
	}

	/** A user passed to addUser (with its current state), or undefined. */
	getUser(userId: string): MixinUser | undefined {
		const u = this.users.get(userId.toLowerCase());
		return u ? { ...u } : undefined;
	}

	/**
	 * Check `authorization` as the API checks a request's token (signature, exp/iat, scp, jti, and `sig` over
	 * METHOD + uri + body), e.g. for a WebSocket handshake that is not an API request.
	 */
	verifyToken(
		authorization: string | undefined,
		method: string,
		uri: string,
		body: Buffer | string = '',
	): TokenCheck {
		try {
			const { session, claims } = this.checkToken(authorization, method, uri, Buffer.from(body));
			return { ok: true, appId: session.uid, sessionId: session.sid, claims };
		} catch (e) {
			if (!(e instanceof MixinApiError)) throw e;
			return { ok: false, reason: e.note.replace(/^unauthorized: /, '') };
		}
	}

	/** Called with every accepted POST /acknowledgements and the bot that sent it. */
	onAcknowledgements(listener: AcknowledgementListener): void {
		this.ackListeners.push(listener);
	}

	/** An attachment already uploaded with `bytes`, as if a user had sent it; its view_url serves them. */
	addUploadedAttachment(bytes: Buffer): StoredAttachment {
		const att = this.newAttachment();
		att.uploaded = Buffer.from(bytes);
		return att;
	}

	/** A registered user, or a default one for unknown ids when unknownUsers is 'allow'. */
	private userFor(userId: string): MixinUser | undefined {
		const known = this.users.get(userId);
		if (known) return known;
		return this.opts.unknownUsers === 'allow' ? { userId, hasConversation: true } : undefined;
	}

	// ---- Dispatch --------------------------------------------------------------------------------------------------

	protected async handle(req: RecordedRequest): Promise<Reply> {
		// The fake S3 lives on the same server but is not part of the API: no JWT, XML errors.
		if (req.path.startsWith('/s3/')) return this.handleS3(req);
		// Mixin echoes the caller's X-Request-Id (fox-one rejects a response whose id differs).
		const sent = req.headers['x-request-id'];
		const requestId = typeof sent === 'string' && sent.length > 0 ? sent : crypto.randomUUID();
		const headers = { 'x-request-id': requestId };
		try {
			const route = this.route(req);
			const session = this.authenticate(req);
			const data = route(session);
			return jsonReply(200, data, headers);
		} catch (e) {
			if (!(e instanceof MixinApiError)) throw e;
			req.note = e.note;
			const error: Json = { status: e.httpStatus, code: e.code, description: e.description };
			if (e.extra) error.extra = e.extra;
			return jsonReply(e.httpStatus, { error: { ...error, request_id: requestId } }, headers);
		}
	}

	/** Unknown routes answer 404 before auth: there is nothing to authorize. */
	private route(req: RecordedRequest): (s: Session) => unknown {
		const key = `${req.method} ${req.path}`;
		switch (key) {
			case 'GET /me':
				return (s) => ({ data: this.meView(s) });
			case 'POST /conversations':
				return (s) => this.postConversations(req, s);
			case 'POST /messages':
				return (s) => this.postMessages(req, s);
			case 'POST /acknowledgements':
				return (s) => this.postAcknowledgements(req, s);
			case 'POST /attachments':
				return () => this.postAttachments(req);
		}
		const m = /^\/attachments\/([^/]+)$/.exec(req.path);
		if (req.method === 'GET' && m) return () => this.getAttachment(decodeURIComponent(m[1]));
		const groupRoute = this.usersAndGroupsRoute(req);
		if (groupRoute) return groupRoute;
		throw notFound(`no route ${key}`);
	}

	// ---- Auth (§1.2–1.5) -------------------------------------------------------------------------------------------

	private authenticate(req: RecordedRequest): Session {
		return this.checkToken(req.headers.authorization, req.method, req.url, req.body).session;
	}

	private checkToken(
		header: string | undefined,
		method: string,
		uri: string,
		body: Buffer,
	): { session: Session; claims: Json } {
		if (typeof header !== 'string') throw unauthorized('no Authorization header');
		const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header);
		if (!m) throw unauthorized('Authorization is not "Bearer <compact JWS>"');
		const [, h64, p64, s64] = m;
		const jose = decodeSegment(h64);
		if (!jose || jose.alg !== 'EdDSA') throw unauthorized('JWT header alg is not EdDSA');
		const claims = decodeSegment(p64);
		if (!claims) throw unauthorized('JWT payload is not a JSON object');
		if (typeof claims.uid !== 'string' || typeof claims.sid !== 'string')
			throw unauthorized('uid/sid missing');
		const session = this.sessions.get(`${claims.uid.toLowerCase()}|${claims.sid.toLowerCase()}`);
		if (!session) throw unauthorized('no session registered for uid/sid');
		// The signature covers the transmitted segments exactly; claim order and spacing are irrelevant.
		const signature = Buffer.from(s64, 'base64url');
		const signedOk =
			signature.length === 64 &&
			crypto.verify(null, Buffer.from(`${h64}.${p64}`, 'ascii'), session.publicKey, signature);
		if (!signedOk) throw unauthorized('Ed25519 signature does not verify with the session key');
		const nowSec = Math.floor(this.now() / 1000);
		if (typeof claims.exp !== 'number' || !(claims.exp > nowSec))
			throw unauthorized('token expired or exp missing');
		if (typeof claims.iat !== 'number' || claims.iat > nowSec + IAT_SKEW_SECONDS) {
			throw unauthorized('iat missing or too far in the future');
		}
		if (!isNonEmptyString(claims.scp)) throw unauthorized('scp missing');
		if (claims.scp !== BOT_SCOPE)
			throw unauthorized(`scp is ${JSON.stringify(claims.scp)}, not ${BOT_SCOPE}`);
		if (!isNonEmptyString(claims.jti)) throw unauthorized('jti missing');
		// sig binds the token to this very request: METHOD + path?query + raw body bytes, as received.
		const expectedSig = sha256hex(Buffer.concat([Buffer.from(method + uri, 'utf8'), body]));
		if (claims.sig !== expectedSig)
			throw unauthorized('sig does not match METHOD+URI+BODY of this request');
		const jtiKey = `${session.uid}|${claims.jti}`;
		if (this.opts.rejectReusedJti && this.seenJti.has(jtiKey)) throw unauthorized('jti reused');
		this.seenJti.add(jtiKey);
		return { session, claims };
	}

	/** Parse the JSON body; an empty body is `undefined` (allowed only where the caller says so). */
	private parseBody(req: RecordedRequest): unknown {
		if (req.body.length === 0) return undefined;
		try {
			return JSON.parse(req.text);
		} catch {
			throw badJson();
		}
	}

	// ---- GET /me (§3.5) --------------------------------------------------------------------------------------------

	private meView(s: Session): Json {
		// Bot identity numbers are 7000…; derive one deterministically from the uid.
		const digits = BigInt(`0x${sha256hex(s.uid).slice(0, 12)}`)
			.toString()
			.padStart(6, '0')
			.slice(0, 6);
		return {
			type: 'user',
			user_id: s.uid,
			identity_number: `7000${digits}`,
			phone: '',
			full_name: 'Emulator Bot',
			biography: '',
			avatar_url: '',
			relationship: 'ME',
			mute_until: '0001-01-01T00:00:00Z',
			created_at: rfc3339Nano(0),
			is_verified: false,
			is_scam: false,
			is_deactivated: false,
			session_id: s.sid,
			code_id: '',
			code_url: '',
			has_pin: false,
			has_emergency_contact: false,
			receive_message_source: 'EVERYBODY',
			accept_conversation_source: 'EVERYBODY',
			accept_search_source: 'EVERYBODY',
			fiat_currency: 'USD',
			transfer_notification_threshold: 0,
			transfer_confirmation_threshold: 100,
			app_id: s.uid,
		};
	}

	// ---- POST /conversations (§3.4) --------------------------------------------------------------------------------

	private postConversations(req: RecordedRequest, s: Session): unknown {
		const body = this.parseBody(req);
		if (!isObject(body)) throw invalid('body', 'expected a conversation object');
		if (body.category === 'GROUP') return this.postGroupConversation(body, s);
		if (body.category !== 'CONTACT') throw invalid('category', 'expected CONTACT or GROUP');
		if (typeof body.conversation_id !== 'string' || !UUID_RE.test(body.conversation_id)) {
			throw invalid('conversation_id', 'not a uuid');
		}
		if (!Array.isArray(body.participants)) throw invalid('participants', 'not an array');
		const ids: string[] = [];
		for (const [i, p] of body.participants.entries()) {
			if (!isObject(p) || typeof p.user_id !== 'string' || !UUID_RE.test(p.user_id)) {
				throw invalid(`participants[${i}].user_id`, 'not a uuid');
			}
			ids.push(p.user_id.toLowerCase());
		}
		// Listing the bot itself (e.g. as OWNER) makes the real server fail with 500 (bot-api-go-client#88).
		if (ids.includes(s.uid)) throw serverError('CONTACT participants include the bot itself');
		if (ids.length !== 1) throw invalid('participants', 'CONTACT needs exactly one participant');
		const userId = ids[0];
		const conversationId = body.conversation_id.toLowerCase();
		if (conversationId !== uniqueConversationId(s.uid, userId)) {
			throw invalid(
				'conversation_id',
				'not the unique conversation id of the bot and the participant',
			);
		}
		const user = this.userFor(userId);
		if (!user) throw invalid('participants[0].user_id', 'no such user');
		if (user.blockedBot) throw forbidden('user blocked the bot');
		// Idempotent: creating it again returns the existing conversation.
		let conv = this.conversations.get(conversationId);
		if (!conv) {
			conv = {
				conversation_id: conversationId,
				category: 'CONTACT',
				creator_id: s.uid,
				participants: [s.uid, userId],
			};
			this.conversations.set(conversationId, conv);
		}
		this.users.set(userId, { ...user, hasConversation: true });
		return { data: this.conversationView(conv, s) };
	}

	private conversationView(conv: StoredConversation, s: Session): Json {
		const createdAt = rfc3339Nano(this.now());
		return {
			type: 'conversation',
			conversation_id: conv.conversation_id,
			creator_id: conv.creator_id,
			category: conv.category,
			name: conv.name ?? '',
			icon_url: '',
			announcement: conv.announcement ?? '',
			created_at: createdAt,
			code_id: '',
			code_url: '',
			mute_until: '0001-01-01T00:00:00Z',
			expire_in: 0,
			participants: conv.participants.map((user_id) => ({
				type: 'participant',
				user_id,
				role: participantRole(conv, user_id),
				created_at: createdAt,
			})),
			participant_sessions: [
				{
					type: 'participant_session',
					user_id: s.uid,
					session_id: s.sid,
					public_key: s.rawPublicKey.toString('base64url'),
				},
			],
			circles: [],
		};
	}

	// ---- POST /messages (§3.1, §5) ---------------------------------------------------------------------------------

	private postMessages(req: RecordedRequest, s: Session): unknown {
		if (req.body.length > MAX_BODY_BYTES) throw invalid('body', 'request body exceeds 1 MB');
		const body = this.parseBody(req);
		const single = isObject(body);
		if (!single && !Array.isArray(body))
			throw invalid('body', 'expected a message object or an array of messages');
		const list: unknown[] = single ? [body] : (body as unknown[]);
		if (list.length < 1 || list.length > MAX_MESSAGES_PER_BATCH) {
			throw invalid('body', `a batch holds 1 to ${MAX_MESSAGES_PER_BATCH} messages`);
		}
		// Atomic: check every message first, store only when all pass.
		const accepted: StoredMessage[] = [];
		const outcomes: Checked[] = [];
		const pending: string[] = [];
		for (const [i, raw] of list.entries()) {
			const at = single ? 'message' : `messages[${i}]`;
			const warnings: string[] = [];
			const outcome = this.checkMessage(raw, at, s, accepted, single ? 'single' : 'batch', (m) =>
				warnings.push(m),
			);
			if (outcome.kind === 'new') {
				accepted.push(outcome.message);
				pending.push(...warnings);
			}
			outcomes.push(outcome);
		}
		// Only what Mixin actually stored counts: a refused batch or an absorbed repeat records nothing.
		for (const w of pending) this.violation(req, w);
		this.messages.push(...accepted);
		const dupes = outcomes.filter((o) => o.kind === 'duplicate').length;
		this.duplicatesSeen += dupes;
		if (dupes > 0) req.note = req.note ? `duplicate; ${req.note}` : 'duplicate';
		if (!single) return {}; // documented: "It returns empty JSON on success"
		const o = outcomes[0];
		return { data: this.messageView(o.kind === 'new' ? o.message : o.original, s) };
	}

	private checkMessage(
		raw: unknown,
		at: string,
		s: Session,
		earlier: StoredMessage[],
		via: 'single' | 'batch',
		warn: Warn,
	): Checked {
		if (!isObject(raw)) throw invalid(at, 'not an object');
		if (Buffer.byteLength(JSON.stringify(raw)) > MAX_MESSAGE_BYTES)
			throw invalid(at, 'message exceeds 128 KB');
		const messageId = uuidField(raw, 'message_id', at, true)!;
		const conversationId = uuidField(raw, 'conversation_id', at, true)!;
		let recipientId = uuidField(raw, 'recipient_id', at, false);
		const quoteId = uuidField(raw, 'quote_message_id', at, false);
		uuidField(raw, 'representative_id', at, false);
		if (raw.silent !== undefined && typeof raw.silent !== 'boolean')
			throw invalid(`${at}.silent`, 'not a boolean');
		if (raw.expire_in !== undefined && !isNonNegativeInt(raw.expire_in)) {
			throw invalid(`${at}.expire_in`, 'not a non-negative integer');
		}
		// The server decodes the message into a struct, so a misspelt key (quote_id, recipientId) is simply lost.
		for (const key of Object.keys(raw)) {
			if (MESSAGE_KEYS.has(key)) continue;
			warn(
				`${at}.${key}: not a message key; Mixin drops it (known: ${[...MESSAGE_KEYS].join(', ')})`,
			);
		}
		const category = raw.category;
		if (typeof category !== 'string' || !CATEGORIES.has(category))
			throw invalid(`${at}.category`, 'unknown category');
		const { payload, dataField } = decodeData(raw, at);
		const json = TEXT_CATEGORIES.has(category)
			? checkText(payload, at)
			: this.checkPayload(category, payload, at, s, warn);

		// Where the message goes: a declared group, or the bot's 1:1 conversation with recipient_id.
		const group = this.conversations.get(conversationId);
		if (group?.category === 'GROUP') {
			if (recipientId && !group.participants.includes(recipientId)) {
				throw invalid(`${at}.recipient_id`, 'not a participant of the group');
			}
		} else {
			if (!recipientId && group?.category === 'CONTACT')
				recipientId = group.participants.find((p) => p !== s.uid);
			if (!recipientId) throw invalid(`${at}.recipient_id`, 'required for a 1:1 conversation');
			if (recipientId === s.uid)
				throw invalid(`${at}.recipient_id`, 'the bot cannot message itself');
			if (conversationId !== uniqueConversationId(s.uid, recipientId)) {
				throw invalid(
					`${at}.conversation_id`,
					'not the unique conversation id of the bot and recipient_id',
				);
			}
		}
		if (category === 'MESSAGE_RECALL') {
			const target = (json as Json).message_id as string;
			const sent = [...this.messages, ...earlier].find(
				(m) => m.message_id === target && m.user_id === s.uid,
			);
			if (!sent || sent.conversation_id !== conversationId) {
				throw invalid(`${at}.data.message_id`, 'not a message this bot sent in this conversation');
			}
		}

		// message_id is the idempotency key: a repeat from the same sender succeeds without a second copy.
		const original = [...this.messages, ...earlier].find(
			(m) => m.message_id === messageId && m.user_id === s.uid,
		);
		if (original) {
			if (this.opts.rejectDuplicateMessageIds)
				throw invalid(`${at}.message_id`, 'message_id already used');
			return { kind: 'duplicate', original };
		}

		if (group?.category === 'GROUP') {
			if (!group.participants.includes(s.uid))
				throw forbidden('the bot is not a participant of the group');
		} else {
			const user = this.userFor(recipientId!);
			if (!user) throw forbidden('unknown user');
			if (user.blockedBot) throw forbidden('user blocked the bot');
			if (!user.hasConversation) throw forbidden('conversation not created yet');
			if (user.receiveMessageSource === 'CONTACTS')
				throw forbidden('user only accepts messages from contacts');
		}

		const message: StoredMessage = {
			message_id: messageId,
			conversation_id: conversationId,
			category,
			payload,
			user_id: s.uid,
			via,
			dataField,
			created_at: rfc3339Nano(this.now()),
		};
		if (recipientId) message.recipient_id = recipientId;
		if (json !== undefined) message.json = json;
		if (quoteId) message.quote_message_id = quoteId;
		if (typeof raw.silent === 'boolean') message.silent = raw.silent;
		if (typeof raw.expire_in === 'number') message.expire_in = raw.expire_in;
		return { kind: 'new', message };
	}

	/** Validate the JSON payload of a non-text category (§5) against PAYLOAD_SCHEMAS; returns the parsed value. */
	private checkPayload(
		category: string,
		payload: Buffer,
		at: string,
		s: Session,
		warn: Warn,
	): unknown {
		const where = `${at}.data`;
		let v: unknown;
		try {
			v = JSON.parse(payload.toString('utf8'));
		} catch {
			throw invalid(where, `${category} payload is not JSON`);
		}
		if (category === 'APP_BUTTON_GROUP') {
			if (!Array.isArray(v) || v.length < 1 || v.length > BUTTON_GROUP_MAX) {
				throw invalid(where, `APP_BUTTON_GROUP needs an array of 1 to ${BUTTON_GROUP_MAX} buttons`);
			}
			v.forEach((b, i) => checkButton(b, `${where}[${i}]`, warn));
			return v;
		}
		if (!isObject(v)) throw invalid(where, `${category} payload is not a JSON object`);
		checkKeys(v, PAYLOAD_SCHEMAS[category], where, category, warn);
		switch (category) {
			case 'PLAIN_IMAGE':
			case 'PLAIN_DATA':
			case 'PLAIN_AUDIO':
			case 'PLAIN_VIDEO':
				this.checkAttachment(category, v, where, warn);
				break;
			case 'PLAIN_CONTACT': {
				// Clients fetch the shared user by id; Mixin forwards the card without looking it up [inferred].
				const userId = (v.user_id as string).toLowerCase();
				if (userId === s.uid)
					warn(
						`${where}.user_id: the bot shares itself as a contact with the user it is talking to`,
					);
				else if (!this.userFor(userId))
					warn(`${where}.user_id: no such user, so clients show an empty contact card`);
				break;
			}
			case 'PLAIN_LIVE':
				if (v.thumb_url === v.url)
					warn(`${where}.thumb_url: same as url, but clients load it as the cover image`);
				break;
			case 'PLAIN_LOCATION':
				// Android's toLocationData reads (0, 0) as no location at all.
				if (v.latitude === 0 && v.longitude === 0)
					warn(`${where}: (0, 0) is shown as no location by Android`);
				break;
			case 'APP_CARD':
				checkAppCard(v, where, warn);
				break;
			case 'MESSAGE_RECALL':
				v.message_id = (v.message_id as string).toLowerCase();
				break;
		}
		return v;
	}

	/** A media payload must name an uploaded attachment, with the size, type and base64 fields clients can read. */
	private checkAttachment(category: string, v: Json, where: string, warn: Warn): void {
		const id = (v.attachment_id as string).toLowerCase();
		const att = this.attachments.get(id);
		if (!att) throw invalid(`${where}.attachment_id`, 'no such attachment');
		if (!att.uploaded) throw invalid(`${where}.attachment_id`, 'attachment was never uploaded');
		// The server never reads the S3 object, so a wrong size is stored; clients size downloads and progress by it.
		if (v.size !== att.uploaded.length) {
			warn(
				`${where}.size: ${String(v.size)} but ${att.uploaded.length} bytes were uploaded to the attachment`,
			);
		}
		const rule = MEDIA_TYPES[category];
		if (rule && !rule.ok(mediaType(v.mime_type as string))) {
			warn(`${where}.mime_type: ${String(v.mime_type)}; ${category} must be ${rule.what}`);
		}
		for (const key of ['thumbnail', 'waveform']) {
			const b64 = v[key];
			if (typeof b64 === 'string' && !BASE64_STD_RE.test(b64)) {
				warn(
					`${where}.${key}: not standard base64 with padding, which iOS and Android clients cannot decode`,
				);
			}
		}
	}

	private messageView(m: StoredMessage, s: Session): Json {
		return {
			type: 'message',
			representative_id: '',
			quote_message_id: m.quote_message_id ?? '',
			conversation_id: m.conversation_id,
			user_id: m.user_id,
			session_id: s.sid,
			message_id: m.message_id,
			category: m.category,
			data: m.payload.toString('base64'), // std alphabet, padded (seed: "aGVsbG8=")
			data_base64: m.payload.toString('base64url'), // url alphabet, unpadded (seed: "aGVsbG8")
			status: '',
			source: 'CREATE_MESSAGE',
			silent: m.silent ?? false,
			expire_in: m.expire_in ?? 0,
			created_at: m.created_at,
			updated_at: m.created_at,
		};
	}

	// ---- POST /acknowledgements (§3.2) ------------------------------------------------------------------------------

	private postAcknowledgements(req: RecordedRequest, s: Session): unknown {
		const body = this.parseBody(req);
		if (!Array.isArray(body) || body.length < 1 || body.length > MAX_ACKS_PER_REQUEST) {
			throw invalid('body', `expected an array of 1 to ${MAX_ACKS_PER_REQUEST} acknowledgements`);
		}
		const acks = body.map((a, i) => {
			if (!isObject(a)) throw invalid(`[${i}]`, 'not an object');
			if (!isUuid(a.message_id)) throw invalid(`[${i}].message_id`, 'not a uuid');
			if (a.status !== 'READ' && a.status !== 'DELIVERED')
				throw invalid(`[${i}].status`, 'not READ or DELIVERED');
			return {
				message_id: (a.message_id as string).toLowerCase(),
				status: a.status as 'READ' | 'DELIVERED',
			};
		});
		this.acknowledgements.push(...acks);
		for (const listener of this.ackListeners) listener(acks, s.uid);
		return { data: acks };
	}

	// ---- Attachments (§3.3) ----------------------------------------------------------------------------------------

	private postAttachments(req: RecordedRequest): unknown {
		const body = this.parseBody(req);
		if (body !== undefined && !isObject(body))
			throw invalid('body', 'expected an empty body or a JSON object');
		// Go and Node send no body and sign over ""; the docs' "leave them empty" object is accepted and ignored.
		if (req.body.length > 0) {
			this.violation(req, `a body (${req.body.length} bytes) where the official clients send none`);
		}
		return { data: attachmentView(this.newAttachment()) };
	}

	private newAttachment(): StoredAttachment {
		const createdMs = this.now();
		const attachmentId = crypto.randomUUID();
		const objectPath = `/s3/mixin/attachments/${Math.floor(createdMs / 1000)}-${sha256hex(crypto.randomBytes(32))}`;
		const amzDate = new Date(createdMs)
			.toISOString()
			.replace(/[-:]/g, '')
			.replace(/\.\d{3}/, '');
		const signature = this.presign(objectPath, amzDate);
		const query = new URLSearchParams({
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
			'X-Amz-Credential': `AKIAEMULATOR/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
			'X-Amz-Date': amzDate,
			'X-Amz-Expires': String(UPLOAD_URL_TTL_SECONDS),
			'X-Amz-SignedHeaders': SIGNED_HEADERS,
			'X-Amz-Signature': signature,
		});
		const viewUrl = `${this.baseUrl}${objectPath}`;
		const att: StoredAttachment = {
			attachment_id: attachmentId,
			created_at: rfc3339Nano(createdMs),
			view_url: viewUrl,
			upload_url: `${viewUrl}?${query.toString()}`,
		};
		this.attachments.set(attachmentId, att);
		this.attachmentSecrets.set(attachmentId, { objectPath, amzDate, signature, createdMs });
		this.objects.set(objectPath, attachmentId);
		return att;
	}

	private getAttachment(id: string): unknown {
		const att = this.attachments.get(id.toLowerCase());
		if (!att) throw notFound(`no attachment ${id}`);
		return { data: attachmentView(att) };
	}

	/** What the fake S3 expects X-Amz-Signature to be for an object (stands in for SigV4). */
	private presign(objectPath: string, amzDate: string): string {
		const canonical = `PUT\n${objectPath}\ncontent-type:${UPLOAD_CONTENT_TYPE}\nx-amz-acl:${UPLOAD_ACL}\n${amzDate}`;
		return crypto.createHmac('sha256', this.s3Secret).update(canonical).digest('hex');
	}

	// ---- Fake S3 -----------------------------------------------------------------------------------------------------

	private handleS3(req: RecordedRequest): Reply {
		const attachmentId = this.objects.get(req.path);
		const att = attachmentId ? this.attachments.get(attachmentId) : undefined;
		const secrets = attachmentId ? this.attachmentSecrets.get(attachmentId) : undefined;
		if (req.method === 'GET') {
			if (!att?.uploaded)
				return s3Error(req, 404, 'NoSuchKey', 'The specified key does not exist.');
			return {
				status: 200,
				headers: { 'content-type': UPLOAD_CONTENT_TYPE, etag: etagOf(att.uploaded) },
				body: att.uploaded,
			};
		}
		if (req.method !== 'PUT') {
			return s3Error(
				req,
				405,
				'MethodNotAllowed',
				'The specified method is not allowed against this resource.',
			);
		}
		// Query-string auth plus an Authorization header is refused outright.
		if (req.headers.authorization !== undefined) {
			return s3Error(
				req,
				400,
				'InvalidArgument',
				'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string ' +
					'parameter or the Authorization header should be specified',
			);
		}
		if (req.headers['transfer-encoding'] !== undefined) {
			const why = 'A header you provided implies functionality that is not implemented';
			return s3Error(req, 501, 'NotImplemented', why);
		}
		const length = req.headers['content-length'];
		if (length === undefined) {
			return s3Error(
				req,
				411,
				'MissingContentLength',
				'You must provide the Content-Length HTTP header.',
			);
		}
		if (Number(length) !== req.body.length) {
			const why =
				'You did not provide the number of bytes specified by the Content-Length HTTP header';
			return s3Error(req, 400, 'IncompleteBody', why);
		}
		const q = req.query;
		// content-type and x-amz-acl are signed headers: any other value breaks the presigned signature.
		const signatureOk =
			att !== undefined &&
			secrets !== undefined &&
			q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' &&
			q.get('X-Amz-SignedHeaders') === SIGNED_HEADERS &&
			q.get('X-Amz-Date') === secrets.amzDate &&
			q.get('X-Amz-Signature') === this.presign(req.path, q.get('X-Amz-Date') ?? '') &&
			req.headers['content-type'] === UPLOAD_CONTENT_TYPE &&
			req.headers['x-amz-acl'] === UPLOAD_ACL;
		if (!signatureOk || !att || !secrets) {
			return s3Error(
				req,
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
			);
		}
		if (this.now() > secrets.createdMs + UPLOAD_URL_TTL_SECONDS * 1000) {
			return s3Error(req, 403, 'AccessDenied', 'Request has expired');
		}
		att.uploaded = Buffer.from(req.body);
		return {
			status: 200,
			headers: { etag: etagOf(att.uploaded), 'content-length': '0' },
			body: '',
		};
	}

	// ---- Users and groups: GET /search/:q, GROUP conversations, GET /conversations/:id, participants ------------
	// Docs api/users/search.md, api/conversations/{create,read,group}.md, _partials/_resp.{user,conv}.md; Go SDK
	// (bot-api-go-client) conversation.go + user.go; Node SDK src/client/conversation.ts; iOS app (a search that
	// fails with 404 is "User not found").

	/**
	 * User searches answered before the strict search limit answers 429 (docs: "If a 429 error occurs, wait 12
	 * hours"). Unlimited unless a test sets it.
	 */
	userSearchesLeft = Infinity;

	private usersAndGroupsRoute(req: RecordedRequest): ((s: Session) => unknown) | undefined {
		const search = /^\/search\/([^/]+)$/.exec(req.path);
		if (req.method === 'GET' && search) return () => this.searchUser(decodeURIComponent(search[1]));
		const read = /^\/conversations\/([^/]+)$/.exec(req.path);
		if (req.method === 'GET' && read)
			return (s) => this.readConversation(decodeURIComponent(read[1]), s);
		const change = /^\/conversations\/([^/]+)\/participants\/(ADD|REMOVE)$/.exec(req.path);
		if (req.method === 'POST' && change) {
			const action = change[2] as 'ADD' | 'REMOVE';
			return (s) => this.changeParticipants(req, decodeURIComponent(change[1]), action, s);
		}
		return undefined;
	}

	/** GET /search/:q — by Mixin ID (identity number); an unknown one is Mixin's 202/404. */
	private searchUser(q: string): unknown {
		if (this.userSearchesLeft <= 0) throw tooManyRequests('user search limit reached');
		this.userSearchesLeft--;
		const user = [...this.users.values()].find(
			(u) => u.identityNumber !== undefined && u.identityNumber === q,
		);
		if (!user) throw notFound(`no user has Mixin ID ${q}`);
		return {
			data: {
				type: 'user',
				user_id: user.userId,
				identity_number: user.identityNumber,
				phone: '',
				full_name: user.fullName ?? '',
				biography: '',
				avatar_url: '',
				relationship: 'STRANGER',
				mute_until: '0001-01-01T00:00:00Z',
				created_at: rfc3339Nano(0),
				is_verified: false,
				is_scam: false,
			},
		};
	}

	/**
	 * POST /conversations with category GROUP. The client chooses conversation_id (docs: a random v4 or
	 * GroupConversationId; either is accepted, random_id is recorded, not checked). The creator becomes OWNER
	 * whether or not it lists itself (Android lists itself as OWNER; the SDKs do not); every other participant
	 * must be a user.
	 */
	private postGroupConversation(body: Json, s: Session): unknown {
		if (typeof body.conversation_id !== 'string' || !UUID_RE.test(body.conversation_id)) {
			throw invalid('conversation_id', 'not a uuid');
		}
		const name = groupText(body, 'name', GROUP_NAME_MAX);
		const announcement = groupText(body, 'announcement', GROUP_ANNOUNCEMENT_MAX);
		const randomId = uuidField(body, 'random_id', 'body', false);
		const ids = this.participantIds(body.participants, 'participants', true).filter(
			(id) => id !== s.uid,
		);
		// [inferred] a group of the creator alone is refused
		if (ids.length === 0)
			throw invalid('participants', 'a group needs a participant besides its creator');
		if (ids.length + 1 > GROUP_MEMBERS_MAX) throw groupFull(ids.length + 1);
		const conversationId = body.conversation_id.toLowerCase();
		const existing = this.conversations.get(conversationId);
		if (existing) {
			// [inferred] creating it again (a retry) returns the group; any other reuse of the id is refused
			if (existing.category === 'GROUP' && existing.creator_id === s.uid) {
				return { data: this.conversationView(existing, s) };
			}
			throw invalid('conversation_id', 'already the id of another conversation');
		}
		const conv: StoredConversation = {
			conversation_id: conversationId,
			category: 'GROUP',
			creator_id: s.uid,
			participants: [s.uid, ...ids],
			name,
			announcement,
			admins: [],
		};
		if (randomId) conv.random_id = randomId;
		this.conversations.set(conversationId, conv);
		return { data: this.conversationView(conv, s) };
	}

	/** GET /conversations/:id — only a participant may read a conversation (Go SDK: 403 / 404). */
	private readConversation(id: string, s: Session): unknown {
		const conv = this.conversations.get(id.toLowerCase());
		if (!conv) throw notFound(`no conversation ${id}`);
		if (!conv.participants.includes(s.uid))
			throw forbidden('the bot is not a participant of the conversation');
		return { data: this.conversationView(conv, s) };
	}

	/**
	 * POST /conversations/:id/participants/ADD|REMOVE with `[{user_id}]` — the group's owner and admins only
	 * (docs group.md, Node SDK). Answers the updated conversation; all or nothing.
	 */
	private changeParticipants(
		req: RecordedRequest,
		id: string,
		action: 'ADD' | 'REMOVE',
		s: Session,
	): unknown {
		const conv = this.conversations.get(id.toLowerCase());
		if (!conv) throw notFound(`no conversation ${id}`);
		if (conv.category !== 'GROUP') throw forbidden('participants change only in groups');
		if (!conv.participants.includes(s.uid))
			throw forbidden('the bot is not a participant of the group');
		if (participantRole(conv, s.uid) === '')
			throw forbidden('only the owner or an admin may change participants');
		const body = this.parseBody(req);
		if (!Array.isArray(body) || body.length === 0)
			throw invalid('body', 'expected a non-empty array of participants');
		const ids = this.participantIds(body, 'body', action === 'ADD');
		if (action === 'ADD') {
			const next = [...conv.participants, ...ids.filter((p) => !conv.participants.includes(p))];
			if (next.length > GROUP_MEMBERS_MAX) throw groupFull(next.length);
			conv.participants = next;
		} else {
			// [inferred] the owner cannot be removed (it would leave the group ownerless); absent users are ignored
			if (ids.includes(conv.creator_id)) throw forbidden('the owner cannot be removed');
			conv.participants = conv.participants.filter((p) => !ids.includes(p));
			conv.admins = (conv.admins ?? []).filter((p) => !ids.includes(p));
		}
		return { data: this.conversationView(conv, s) };
	}

	/** `[{user_id, role?}]` as unique lower-case user ids; `mustExist` refuses ids that are no user (10002). */
	private participantIds(list: unknown, at: string, mustExist: boolean): string[] {
		if (!Array.isArray(list)) throw invalid(at, 'not an array');
		const ids: string[] = [];
		for (const [i, p] of list.entries()) {
			if (!isObject(p) || typeof p.user_id !== 'string' || !UUID_RE.test(p.user_id)) {
				throw invalid(`${at}[${i}].user_id`, 'not a uuid');
			}
			const id = p.user_id.toLowerCase();
			if (mustExist && !this.sessionsHaveUser(id) && !this.userFor(id))
				throw invalid(`${at}[${i}].user_id`, 'no such user');
			if (!ids.includes(id)) ids.push(id);
		}
		return ids;
	}

	/** A registered bot is a user too (a bot may list itself). */
	private sessionsHaveUser(id: string): boolean {
		return [...this.sessions.values()].some((session) => session.uid === id);
	}
}

// ---- Users and groups: limits and errors (docs api/conversations/create.md, group.md, error-codes.md) -----------

const GROUP_NAME_MAX = 512;
const GROUP_ANNOUNCEMENT_MAX = 1024;
/** Members of a group, its owner included [inferred: the docs say "up to 256 people"]. */
const GROUP_MEMBERS_MAX = 256;

const groupFull = (members: number) =>
	new MixinApiError(
		202,
		20116,
		'The group chat is full.',
		`invalid: participants: ${members} members, at most ${GROUP_MEMBERS_MAX}`,
	);
const tooManyRequests = (why: string) =>
	new MixinApiError(202, 429, 'Too Many Requests', `rate-limited: ${why}`);

/** A participant's role as Mixin shows it: OWNER (the group's creator), ADMIN, or '' (members; everyone in CONTACT). */
function participantRole(conv: StoredConversation, userId: string): string {
	if (conv.category !== 'GROUP') return '';
	if (userId === conv.creator_id) return 'OWNER';
	return conv.admins?.includes(userId) ? 'ADMIN' : '';
}

/** An optional text field of a group request, at most `max` characters (10002 otherwise). */
function groupText(body: Json, field: string, max: number): string {
	const v = body[field];
	if (v === undefined || v === null) return '';
	if (typeof v !== 'string') throw invalid(field, 'not a string');
	if (charLength(v) > max) throw invalid(field, `longer than ${max} characters`);
	return v;
}

// ---- Module-level helpers ------------------------------------------------------------------------------------------

function decodeSegment(seg: string): Json | undefined {
	try {
		const v: unknown = JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
		return isObject(v) ? v : undefined;
	} catch {
		return undefined;
	}
}

function isUuid(v: unknown): v is string {
	return typeof v === 'string' && UUID_RE.test(v);
}

function inRange(n: number, min: number, max: number): boolean {
	return n >= min && n <= max;
}

/** A uuid field, lower-cased; optional fields may be absent, null or '' (SDKs send empty strings). */
function uuidField(obj: Json, key: string, at: string, required: boolean): string | undefined {
	const v = obj[key];
	if (v === undefined || v === null || v === '') {
		if (required) throw invalid(`${at}.${key}`, 'required');
		return undefined;
	}
	if (!isUuid(v)) throw invalid(`${at}.${key}`, 'not a uuid');
	return v.toLowerCase();
}

/** Exactly one of data / data_base64; data_base64 must be strict base64url without padding. */
function decodeData(raw: Json, at: string): { payload: Buffer; dataField: 'data' | 'data_base64' } {
	const present = (k: string) => raw[k] !== undefined && raw[k] !== null && raw[k] !== '';
	const hasData = present('data');
	const hasB64 = present('data_base64');
	if (hasData === hasB64)
		throw invalid(`${at}.data_base64`, 'send exactly one of data and data_base64');
	const field = hasB64 ? 'data_base64' : 'data';
	const v = raw[field];
	if (typeof v !== 'string') throw invalid(`${at}.${field}`, 'not a string');
	if (hasB64) {
		// Decoded like Go's RawURLEncoding: no '+', '/', '=' and no impossible lengths.
		if (!BASE64URL_RAW_RE.test(v) || v.length % 4 === 1)
			throw invalid(`${at}.data_base64`, 'not base64url without padding');
		return { payload: Buffer.from(v, 'base64url'), dataField: 'data_base64' };
	}
	const compact = v.replace(/[\r\n]/g, '');
	const unpadded = compact.replace(/=+$/, '');
	if (!BASE64_LENIENT_RE.test(v) || unpadded.includes('=') || unpadded.length % 4 === 1) {
		throw invalid(`${at}.data`, 'not base64');
	}
	return {
		payload: Buffer.from(unpadded.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url'),
		dataField: 'data',
	};
}

/** PLAIN_TEXT / PLAIN_POST carry raw UTF-8 text; an empty or non-UTF-8 payload is refused. */
function checkText(payload: Buffer, at: string): undefined {
	if (payload.length === 0) throw invalid(`${at}.data`, 'empty text');
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(payload);
	} catch {
		throw invalid(`${at}.data`, 'text is not valid UTF-8');
	}
	return undefined;
}

// ---- Payload schemas (§5) -----------------------------------------------------------------------------------

/** Where a violation goes while a request is checked; flushed only if Mixin stores the message. */
type Warn = (message: string) => void;

/** One key of a payload: its type test (a failure is 202/10002 naming it), and whether it must be present. */
interface KeySpec {
	ok: (v: unknown) => boolean;
	what: string;
	required?: boolean;
}
type Schema = Record<string, KeySpec>;

const need = (ok: (v: unknown) => boolean, what: string): KeySpec => ({ ok, what, required: true });
const may = (ok: (v: unknown) => boolean, what: string): KeySpec => ({ ok, what });
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
/** Optional uuids may be '' (SDKs without omitempty send empty strings). */
const isUuidOrEmpty = (v: unknown) => v === '' || isUuid(v);
const isText = (max: number) => (v: unknown) =>
	typeof v === 'string' && inRange(charLength(v), 1, max);
const isCoordinate = (limit: number) => (v: unknown) =>
	typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit;

/**
 * The attachment struct every client shares for PLAIN_IMAGE/DATA/AUDIO/VIDEO: android-app AttachmentMessagePayload,
 * ios-app TransferAttachmentData, mixin_bot_sdk_dart AttachmentMessage (attachment_id, mime_type, size required).
 */
const ATTACHMENT: Schema = {
	attachment_id: need(isUuid, 'a uuid'),
	mime_type: need(isNonEmptyString, 'a non-empty string'),
	size: need(isNonNegativeInt, 'a non-negative integer (bytes)'),
	name: may(isString, 'a string'),
	created_at: may(isString, 'a string'),
	shareable: may(isBoolean, 'a boolean'),
	caption: may(isString, 'a string'),
};
// Android marks a picture without non-zero width and height as invalid (AttachmentMessagePayload.invalidData).
const DIMENSIONS: Schema = {
	width: need(isPositiveInt, 'a positive integer (pixels)'),
	height: need(isPositiveInt, 'a positive integer (pixels)'),
};
// Clients store and format durations in milliseconds (the seed's "seconds" for video is wrong).
const DURATION: Schema = {
	duration: need(isNonNegativeInt, 'a non-negative integer (milliseconds)'),
};
const THUMBNAIL: Schema = { thumbnail: may(isString, 'a base64 string') };

const PAYLOAD_SCHEMAS: Record<string, Schema> = {
	PLAIN_IMAGE: { ...ATTACHMENT, ...DIMENSIONS, ...THUMBNAIL },
	PLAIN_VIDEO: { ...ATTACHMENT, ...DIMENSIONS, ...DURATION, ...THUMBNAIL },
	// Docs, clients, Dart and Kotlin SDKs read waveform; the Node SDK and fox-one say wave_form, which clients drop.
	PLAIN_AUDIO: { ...ATTACHMENT, ...DURATION, waveform: may(isString, 'a base64 string') },
	PLAIN_DATA: {
		...ATTACHMENT,
		name: need(isNonEmptyString, 'a non-empty string (the file name shown)'),
	},
	// The docs show sticker_id only; the seed, Node, fox-one and Dart SDKs also send name and album_id, followed here.
	PLAIN_STICKER: {
		sticker_id: need(isUuid, 'a uuid'),
		name: may(isString, 'a string'),
		album_id: may(isUuidOrEmpty, 'a uuid'),
	},
	PLAIN_CONTACT: { user_id: need(isUuid, 'a uuid') },
	// shareable is not in the docs' live payload but in the Node and Dart SDKs and both clients.
	PLAIN_LIVE: {
		...DIMENSIONS,
		thumb_url: need(isNonEmptyString, 'a non-empty string (cover image URL)'),
		url: need(isNonEmptyString, 'a non-empty string (stream URL)'),
		shareable: may(isBoolean, 'a boolean'),
	},
	// Clients parse latitude/longitude as doubles (not the seed's '' placeholders); all of them read venue_type too.
	PLAIN_LOCATION: {
		latitude: need(isCoordinate(90), 'a number in [-90, 90]'),
		longitude: need(isCoordinate(180), 'a number in [-180, 180]'),
		name: may(isString, 'a string'),
		address: may(isString, 'a string'),
		venue_type: may(isString, 'a string'),
	},
	// Old card (action, icon_url) and the current one (cover_url or cover, actions); docs responses.js and both clients.
	APP_CARD: {
		app_id: may(isUuidOrEmpty, 'a uuid'),
		icon_url: may(isNonEmptyString, 'a non-empty string'),
		cover_url: may(isString, 'a string'),
		cover: may(isObject, 'an object {url, mime_type, width, height, thumbnail}'),
		title: need(isText(CARD_TITLE_MAX), `1 to ${CARD_TITLE_MAX} characters`),
		description: need(isText(CARD_DESCRIPTION_MAX), `1 to ${CARD_DESCRIPTION_MAX} characters`),
		action: may(isNonEmptyString, 'a non-empty string'),
		actions: may((x) => Array.isArray(x) && x.length > 0, 'a non-empty array of buttons'),
		shareable: may(isBoolean, 'a boolean'),
		updated_at: may(isString, 'a string'),
	},
	MESSAGE_RECALL: { message_id: need(isUuid, 'a uuid') },
};

/** APP_BUTTON_GROUP items and APP_CARD actions (Go AppButtonView, Android ActionButtonData, iOS AppButtonData). */
const BUTTON: Schema = {
	label: need(isText(BUTTON_LABEL_MAX), `1 to ${BUTTON_LABEL_MAX} characters`),
	color: need((x) => typeof x === 'string' && COLOR_RE.test(x), 'a #RRGGBB color'),
	action: need(isNonEmptyString, 'a non-empty string'),
};

/** The rich cover iOS (RichCover) and Android (Cover) read; iOS cannot decode the card unless all five are there. */
const COVER: Schema = {
	url: may(isString, 'a string'),
	mime_type: may(isString, 'a string'),
	width: may(isPositiveInt, 'a positive integer'),
	height: may(isPositiveInt, 'a positive integer'),
	thumbnail: may(isString, 'a string'),
};

/** Why a key is wrong, for keys known to be misspelt by some SDK. */
const KEY_HINTS: Record<string, string> = {
	wave_form: 'the Node SDK and fox-one spell it so, but every client reads waveform',
	key: 'key and digest mark an encrypted attachment, which a PLAIN_ one is not',
	digest: 'key and digest mark an encrypted attachment, which a PLAIN_ one is not',
};

/**
 * Type-check the known keys (a wrong type fails like the server's struct decode: 202/10002 naming the field; null is
 * absent, as Go decodes it) and report every other key: Mixin stores it and clients drop it.
 */
function checkKeys(obj: Json, schema: Schema, where: string, what: string, warn: Warn): void {
	for (const [key, spec] of Object.entries(schema)) {
		const v = obj[key];
		if (v === undefined || v === null) {
			if (spec.required) throw invalid(`${where}.${key}`, `required: ${spec.what}`);
		} else if (!spec.ok(v)) {
			throw invalid(`${where}.${key}`, `must be ${spec.what}`);
		}
	}
	for (const key of Object.keys(obj)) {
		if (Object.hasOwn(schema, key)) continue;
		const why =
			KEY_HINTS[key] ?? `clients ignore it; ${what} reads ${Object.keys(schema).join(', ')}`;
		warn(`${where}.${key}: ${what} has no key "${key}" (${why})`);
	}
}

/** One APP_BUTTON_GROUP / APP_CARD action button: label 1–36, color #RRGGBB as given, non-empty action. */
function checkButton(b: unknown, where: string, warn: Warn): void {
	if (!isObject(b)) throw invalid(where, 'button is not an object');
	checkKeys(b, BUTTON, where, 'a button', warn);
	checkAction(b.action, `${where}.action`, warn);
}

/**
 * What a tap can do (§5, inbound.md §1.8): open an http(s) link (which must match the app's Resource Patterns) or a
 * mixin:// link, or `input:<text>`, which makes the user's client send <text> to the bot as a text message.
 * OPEN: whether Mixin refuses any other action is not known; it is stored and recorded as a violation, since clients
 * can do nothing with it. The `input:` prefix is matched in lower case, as the docs write it; no length limit of its
 * text is known, so none is enforced here.
 */
function checkAction(action: unknown, where: string, warn: Warn): void {
	if (typeof action !== 'string') return;
	if (action.startsWith('input:')) {
		if (action.slice('input:'.length).trim() === '')
			warn(`${where}: input: without text, so a tap sends nothing`);
		return;
	}
	if (!/^(https?|mixin):\/\/\S+$/i.test(action)) {
		const shown = JSON.stringify(action.slice(0, 60));
		warn(
			`${where}: ${shown} is neither an http(s):// or mixin:// link nor input:<text>, so a tap does nothing`,
		);
	}
}

/** Which card the clients render, and what each form needs to be decoded at all. */
function checkAppCard(v: Json, where: string, warn: Warn): void {
	const present = (k: string) => v[k] !== undefined && v[k] !== null;
	if (!present('action') && !present('actions'))
		throw invalid(where, 'APP_CARD needs action or actions');
	if (Array.isArray(v.actions))
		v.actions.forEach((b, i) => checkButton(b, `${where}.actions[${i}]`, warn));
	const cover = v.cover;
	if (isObject(cover)) {
		checkKeys(cover, COVER, `${where}.cover`, 'a cover', warn);
		const missing = Object.keys(COVER).filter((k) => cover[k] === undefined || cover[k] === null);
		if (missing.length > 0)
			warn(`${where}.cover: lacks ${missing.join(', ')}, so iOS cannot decode the card`);
	}
	if (present('action')) {
		checkAction(v.action, `${where}.action`, warn);
		// category.md: with action set the client draws the old card and ignores the new card's fields.
		for (const k of ['cover_url', 'cover', 'actions']) {
			if (present(k))
				warn(`${where}.${k}: ignored by clients because action makes this an old-style card`);
		}
		// iOS V0Content decodes icon_url as a required URL.
		if (!present('icon_url'))
			warn(`${where}.icon_url: missing, so iOS cannot decode the old-style card`);
	} else {
		// iOS V1Content decodes app_id and shareable as required; without them the card is not shown.
		for (const k of ['app_id', 'shareable']) {
			if (!present(k)) warn(`${where}.${k}: missing, so iOS cannot decode the card`);
		}
	}
}

/** A media type's essence (lower case, as RFC 2045 compares them) and its codecs parameter, if any. */
interface MediaType {
	essence: string;
	codecs?: string;
}

function mediaType(text: string): MediaType {
	const [essence, ...params] = text.split(';');
	const t: MediaType = { essence: essence.trim().toLowerCase() };
	for (const p of params) {
		const m = /^\s*codecs\s*=\s*"?([^"]*)"?\s*$/i.exec(p);
		if (m) t.codecs = m[1].trim().toLowerCase();
	}
	return t;
}

/** What Mixin clients can play for each media category (seed: audio/ogg and video/mp4 "only"). */
const MEDIA_TYPES: Record<string, { ok: (t: MediaType) => boolean; what: string }> = {
	PLAIN_IMAGE: { ok: (t) => /^image\/[\w.+-]+$/.test(t.essence), what: 'an image/* type' },
	PLAIN_AUDIO: {
		ok: (t) => t.essence === 'audio/ogg' && (t.codecs === undefined || t.codecs === 'opus'),
		what: 'audio/ogg with Opus (parameters such as codecs=opus allowed)',
	},
	PLAIN_VIDEO: { ok: (t) => t.essence === 'video/mp4', what: 'video/mp4 (parameters allowed)' },
};

function attachmentView(att: StoredAttachment): Json {
	return {
		type: 'attachment',
		attachment_id: att.attachment_id,
		upload_url: att.upload_url,
		view_url: att.view_url,
		created_at: att.created_at,
	};
}

function etagOf(bytes: Buffer): string {
	return `"${crypto.createHash('md5').update(bytes).digest('hex')}"`;
}

function s3Error(req: RecordedRequest, status: number, code: string, message: string): Reply {
	req.note = `s3: ${code}`;
	const requestId = crypto.randomBytes(8).toString('hex').toUpperCase();
	const body =
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
	return {
		status,
		headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
		body,
	};
}
