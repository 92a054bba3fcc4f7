/**
 * Mixin Messenger bot API client: request shapes, the response envelope, errors, retries, batching and the
 * presigned upload. It has no n8n UI code; the HTTP functions it is given do the signing and the sending.
 */
import { chunk, chunkByCountAndBytes, utf8Length } from '../../common/batching';
import { PlatformApiError } from '../../common/errors';
import type { HttpFn, HttpResponse } from '../../common/http';
import { processLimiter, type SlidingWindowLimiter } from '../../common/rateLimit';
import { parseJsonOrUndefined, settle } from '../../common/settle';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from '../../common/retry';
import './secrets';
import { uniqueConversationId } from './signing';

export const PLATFORM = 'Mixin';

/** Documented limits of POST /messages and POST /acknowledgements (the stricter reading of "128 KB" and "1 MB"). */
export const MAX_MESSAGES_PER_REQUEST = 100;
export const MAX_MESSAGE_BYTES = 128_000;
export const MAX_REQUEST_BYTES = 1_000_000;
export const MAX_ACKS_PER_REQUEST = 100;
/** Group limits of POST /conversations (docs: name 512 characters, up to 256 members; announcement 1024). */
export const MAX_GROUP_NAME_CHARS = 512;
export const MAX_GROUP_ANNOUNCEMENT_CHARS = 1024;
export const MAX_GROUP_MEMBERS = 256;

/** Categories a bot may send through POST /messages. */
export const SENDABLE_CATEGORIES = [
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
] as const;

export interface OutgoingMessage {
	conversation_id: string;
	recipient_id?: string;
	message_id: string;
	category: string;
	data_base64: string;
	quote_message_id?: string;
	silent?: boolean;
	/** Seconds until the message disappears (Mixin's disappearing messages). */
	expire_in?: number;
}

export interface Attachment {
	type?: string;
	attachment_id: string;
	upload_url?: string;
	view_url: string;
	created_at?: string;
}

export type MessageView = Record<string, unknown> & { message_id: string; conversation_id: string };

/** A user as GET /search/:q returns it (only the fields the node reads are typed). */
export type UserView = Record<string, unknown> & { user_id: string; identity_number?: string };

/** A conversation with its participants, as POST /conversations, GET /conversations/:id and participant changes return it. */
export type ConversationView = Record<string, unknown> & { conversation_id: string };

export type ParticipantAction = 'ADD' | 'REMOVE';

export interface GroupRequest {
	conversationId: string;
	name: string;
	participantIds: string[];
	announcement?: string;
	/** The random id the conversation id was derived from (GroupConversationId), when it was. */
	randomId?: string;
}

export interface Acknowledgement {
	message_id: string;
	status: 'READ' | 'DELIVERED';
}

export type SendOutcome =
	| {
			ok: true;
			message: OutgoingMessage;
			response?: MessageView;
			batchSize: number;
			createdConversation: boolean;
	  }
	| { ok: false; message: OutgoingMessage; error: unknown };

const HINTS: Record<number, string> = {
	400: 'Mixin could not parse the request body.',
	401: "Mixin rejected the signature: check the credential's app ID, session ID and private key, and that this machine's clock is right.",
	403: 'The user has not started a conversation with the bot, accepts messages only from contacts, or blocked the bot.',
	404: 'Not found: the attachment expired or does not exist, or the endpoint is wrong.',
	429: 'Mixin rate limit reached; retries back off automatically.',
	10002: 'Mixin found an invalid field in the request.',
	20116: 'The group chat is full.',
};

function header(response: HttpResponse, name: string): string | undefined {
	const value = response.headers[name] ?? response.headers[name.toLowerCase()];
	return typeof value === 'string' ? value : undefined;
}

/** Mixin counts a bot's messages per minute: a 429 waits as long as Mixin says, or out the minute. */
const RATE_WINDOW_SECONDS = 60;
/** The bot's message quota (Mixin: 100,000 messages a minute). */
export const MESSAGES_PER_MINUTE = 100_000;

function rateLimitWait(response: HttpResponse): number {
	const raw = header(response, 'retry-after');
	const seconds = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds : RATE_WINDOW_SECONDS;
}

/** Interpret Mixin's envelope: HTTP 202 or 500 with `{error}` is a failure whatever the status says. */
export function parseEnvelope<T>(response: HttpResponse): T {
	const parsed = response.body === '' ? { value: {} } : parseJsonOrUndefined(response.body);
	if (!parsed) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: response.statusCode,
			text: `unparsable response (HTTP ${response.statusCode})`,
			httpStatus: response.statusCode,
			hint: 'The server answered with something other than JSON (often a gateway page); retried automatically.',
			retryable: true,
		});
	}
	const doc = parsed.value;
	const error = (doc as { error?: { code?: number; description?: string; extra?: unknown } } | null)
		?.error;
	const wait = rateLimitWait(response);
	if (error && typeof error === 'object') {
		const code = Number(error.code ?? response.statusCode);
		const extra = error.extra ? ` ${JSON.stringify(error.extra)}` : '';
		throw new PlatformApiError({
			platform: PLATFORM,
			code,
			text: `${error.description ?? 'error'}${extra}`,
			httpStatus: response.statusCode,
			hint: HINTS[code],
			// Mixin's business codes are 10000 and up (10002 invalid field, 20116 group full …): sending the same
			// request again cannot help; only rate limits and server errors are temporary
			retryable: code === 429 || code === 500 || response.statusCode >= 500,
			retryAfterSeconds: code === 429 ? wait : undefined,
		});
	}
	if (response.statusCode >= 300) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: response.statusCode,
			text: `HTTP ${response.statusCode}`,
			httpStatus: response.statusCode,
			hint: HINTS[response.statusCode],
			retryable: response.statusCode === 429 || response.statusCode >= 500,
			retryAfterSeconds: response.statusCode === 429 ? wait : undefined,
		});
	}
	return (doc as { data?: T }).data as T;
}

export function isForbidden(error: unknown): boolean {
	return error instanceof PlatformApiError && Number(error.code) === 403;
}

function hasCode(error: unknown, code: number): error is PlatformApiError {
	return error instanceof PlatformApiError && Number(error.code) === code;
}

/** The same refusal with a hint that fits the request (the generic hints speak of messages and attachments). */
function withHint(error: unknown, hints: Partial<Record<number, string>>): unknown {
	if (!(error instanceof PlatformApiError)) return error;
	const hint = hints[Number(error.code)];
	if (!hint) return error;
	return new PlatformApiError({
		platform: error.platform,
		code: error.code,
		text: error.text,
		httpStatus: error.httpStatus,
		hint,
		retryable: error.retryable,
		retryAfterSeconds: error.retryAfterSeconds,
		uncertain: error.uncertain,
	});
}

const GROUP_HINTS = {
	403: 'The bot must be in the group, and only its owner or an admin may change participants.',
	404: 'No conversation has this ID.',
};

/**
 * Mixin refuses a whole request when one of its messages is invalid: 10002 (invalid field) or 400 (a field that
 * cannot be decoded). Which message it was is not reliably said, so a batch refused so is sent again one by one.
 */
export function isInvalidRequest(error: unknown): boolean {
	return error instanceof PlatformApiError && [400, 10002].includes(Number(error.code));
}

export function messageBytes(message: OutgoingMessage): number {
	return utf8Length(JSON.stringify(message));
}

export interface MixinClientOptions {
	/** Signs with the bot session (JWT) and resolves paths against the API base URL. */
	signed: HttpFn;
	/** Sends with no credential, for presigned upload and download URLs. */
	plain: HttpFn;
	/** The bot's own user id, for deriving 1:1 conversation ids. */
	botUserId: string;
	/** Share the bot's message quota with every client of the process (the node sets it; standalone use may not). */
	sharedQuota?: boolean;
	/** The share of the quota this process may use (queue mode: one share per worker). */
	limitShare?: number;
	retry?: RetryPolicy;
	timeoutMs?: number;
	sleep?: Sleep;
}

export class MixinClient {
	private readonly retry: RetryPolicy;
	private readonly quota?: SlidingWindowLimiter;

	constructor(private readonly options: MixinClientOptions) {
		this.retry = options.retry ?? DEFAULT_RETRY;
		if (options.sharedQuota) {
			const limit = Math.max(
				MAX_MESSAGES_PER_REQUEST,
				Math.floor(MESSAGES_PER_MINUTE * (options.limitShare ?? 1)),
			);
			this.quota = processLimiter(
				`mixin|${options.botUserId}|messages`,
				limit,
				RATE_WINDOW_SECONDS * 1000 + 1000,
			);
		}
	}

	get botUserId(): string {
		return this.options.botUserId;
	}

	/** One API call with retries: the body is serialised once, each attempt is signed anew by the HTTP function. */
	async call<T>(
		method: 'GET' | 'POST',
		path: string,
		body?: unknown,
		isRetryable?: (error: unknown) => boolean,
	): Promise<T> {
		const serialized = body === undefined ? undefined : JSON.stringify(body);
		return await withRetry(
			this.retry,
			async () =>
				parseEnvelope<T>(
					await this.options.signed({
						method,
						url: path,
						body: serialized,
						headers: { 'Content-Type': 'application/json' },
						timeoutMs: this.options.timeoutMs,
					}),
				),
			isRetryable,
			this.options.sleep,
		);
	}

	async me(): Promise<Record<string, unknown>> {
		return await this.call('GET', '/me');
	}

	conversationIdWith(userId: string): string {
		return uniqueConversationId(this.options.botUserId, userId);
	}

	/** Create (or fetch, it is idempotent) the CONTACT conversation between the bot and a user. */
	async createContactConversation(userId: string): Promise<Record<string, unknown>> {
		return await this.call('POST', '/conversations', {
			category: 'CONTACT',
			conversation_id: this.conversationIdWith(userId),
			participants: [{ user_id: userId }],
		});
	}

	/**
	 * The user with this Mixin ID (identity number), or undefined when there is none (Mixin answers 404). User
	 * search has its own strict rate limit (Mixin: "if 429, wait 12 hours"), so a 429 here is not retried.
	 */
	async searchUser(identityNumber: string): Promise<UserView | undefined> {
		const found = await settle(
			this.call<UserView>(
				'GET',
				`/search/${encodeURIComponent(identityNumber)}`,
				undefined,
				(e) => e instanceof PlatformApiError && e.retryable && !hasCode(e, 429),
			),
		);
		if (found.ok) return found.value;
		if (hasCode(found.error, 404)) return undefined;
		throw withHint(found.error, {
			429: 'Mixin limits user searches strictly and asks to wait up to 12 hours after a 429; give user IDs (UUIDs) instead of Mixin IDs, or try later.',
		});
	}

	/**
	 * Create a group with the bot as its owner. The conversation id is chosen by the caller before the first
	 * attempt, so a retry cannot create a second group.
	 */
	async createGroupConversation(group: GroupRequest): Promise<ConversationView> {
		const body: Record<string, unknown> = {
			category: 'GROUP',
			conversation_id: group.conversationId,
			name: group.name,
			participants: group.participantIds.map((user_id) => ({ user_id })),
		};
		if (group.announcement) body.announcement = group.announcement;
		if (group.randomId) body.random_id = group.randomId;
		const created = await settle(this.call<ConversationView>('POST', '/conversations', body));
		if (created.ok) return created.value;
		throw withHint(created.error, {
			403: 'A participant does not accept being added to groups by the bot.',
		});
	}

	/** A conversation the bot is in, with its participants. */
	async getConversation(conversationId: string): Promise<ConversationView> {
		const read = await settle(
			this.call<ConversationView>('GET', `/conversations/${encodeURIComponent(conversationId)}`),
		);
		if (read.ok) return read.value;
		throw withHint(read.error, {
			...GROUP_HINTS,
			403: 'The bot is not a participant of this conversation.',
		});
	}

	/** Add users to or remove them from a group the bot owns or administers; returns the updated conversation. */
	async updateParticipants(
		conversationId: string,
		action: ParticipantAction,
		userIds: string[],
	): Promise<ConversationView> {
		const path = `/conversations/${encodeURIComponent(conversationId)}/participants/${action}`;
		const done = await settle(
			this.call<ConversationView>(
				'POST',
				path,
				userIds.map((user_id) => ({ user_id })),
			),
		);
		if (done.ok) return done.value;
		throw withHint(done.error, GROUP_HINTS);
	}

	private isContactMessage(message: OutgoingMessage): boolean {
		return (
			!!message.recipient_id &&
			message.conversation_id === this.conversationIdWith(message.recipient_id)
		);
	}

	/**
	 * Send one message in the single-object form, which returns the created message. On 403 to a user, create
	 * the CONTACT conversation once and send again with the same message id.
	 */
	async sendMessage(
		message: OutgoingMessage,
	): Promise<{ response: MessageView; createdConversation: boolean }> {
		await this.quota?.acquire(1);
		const first = await settle(this.call<MessageView>('POST', '/messages', message));
		if (first.ok) return { response: first.value, createdConversation: false };
		if (!isForbidden(first.error) || !this.isContactMessage(message)) throw first.error;
		await this.createContactConversation(message.recipient_id!);
		return {
			response: await this.call<MessageView>('POST', '/messages', message),
			createdConversation: true,
		};
	}

	/**
	 * Send many messages in requests of at most 100 messages and 1 MB. A batch refused with 403 (a recipient without
	 * a conversation) or as invalid (one bad message fails the whole request) is sent again one message at a time
	 * with the same ids, so only the messages that really cannot be delivered fail, each with its own error.
	 */
	async sendMessages(messages: OutgoingMessage[]): Promise<SendOutcome[]> {
		const outcomes = new Map<OutgoingMessage, SendOutcome>();
		const batches = chunkByCountAndBytes(
			messages,
			MAX_MESSAGES_PER_REQUEST,
			MAX_REQUEST_BYTES,
			messageBytes,
		);
		for (const batch of batches) {
			await this.quota?.acquire(batch.length);
			const sent = await settle(this.call('POST', '/messages', batch));
			if (sent.ok) {
				for (const message of batch) {
					outcomes.set(message, {
						ok: true,
						message,
						batchSize: batch.length,
						createdConversation: false,
					});
				}
				continue;
			}
			const oneByOne =
				isForbidden(sent.error) || (batch.length > 1 && isInvalidRequest(sent.error));
			if (!oneByOne) {
				for (const message of batch)
					outcomes.set(message, { ok: false, message, error: sent.error });
				continue;
			}
			for (const message of batch) {
				const one = await settle(this.sendMessage(message));
				outcomes.set(
					message,
					one.ok
						? { ok: true, message, batchSize: 1, ...one.value }
						: { ok: false, message, error: one.error },
				);
			}
		}
		return messages.map((m) => outcomes.get(m)!);
	}

	/** Acknowledge messages in requests of at most 100. Returns, per ack, null or the error of its request. */
	async acknowledge(acks: Acknowledgement[]): Promise<Array<unknown | null>> {
		const results: Array<unknown | null> = [];
		for (const part of chunk(acks, MAX_ACKS_PER_REQUEST)) {
			const sent = await settle(this.call('POST', '/acknowledgements', part));
			results.push(...part.map(() => (sent.ok ? null : sent.error)));
		}
		return results;
	}

	async getAttachment(attachmentId: string): Promise<Attachment> {
		return await this.call('GET', `/attachments/${encodeURIComponent(attachmentId)}`);
	}

	/**
	 * Create an attachment and PUT the bytes to its presigned URL with exactly the headers it was signed for
	 * (and no Authorization header).
	 */
	async uploadAttachment(bytes: Buffer): Promise<Attachment> {
		// no body, signed over an empty string, as Mixin's own clients send it
		const attachment = await this.call<Attachment>('POST', '/attachments');
		if (!attachment?.upload_url) {
			throw new PlatformApiError({
				platform: PLATFORM,
				code: 'NO_UPLOAD_URL',
				text: 'attachment has no upload_url',
			});
		}
		const uploadUrl = attachment.upload_url;
		await withRetry(
			this.retry,
			async () => {
				const response = await this.options.plain({
					method: 'PUT',
					url: uploadUrl,
					body: bytes,
					headers: {
						'Content-Type': 'application/octet-stream',
						'x-amz-acl': 'public-read',
						'Content-Length': String(bytes.length),
					},
					timeoutMs: this.options.timeoutMs,
				});
				if (response.statusCode >= 300) {
					const code =
						/<Code>([^<]+)<\/Code>/.exec(response.body)?.[1] ?? String(response.statusCode);
					throw new PlatformApiError({
						platform: PLATFORM,
						code,
						text: `attachment upload refused by storage (HTTP ${response.statusCode})`,
						httpStatus: response.statusCode,
						hint: 'The presigned upload URL refused the file.',
						retryable: response.statusCode >= 500,
					});
				}
			},
			undefined,
			this.options.sleep,
		);
		const { upload_url: _omitted, ...rest } = attachment;
		return rest;
	}

	/** Download an attachment's bytes from its view URL. */
	async download(viewUrl: string): Promise<{ bytes: Buffer; contentType?: string }> {
		return await withRetry(
			this.retry,
			async () => {
				const response = await this.options.plain({
					method: 'GET',
					url: viewUrl,
					binary: true,
					timeoutMs: this.options.timeoutMs,
				});
				if (response.statusCode >= 300) {
					throw new PlatformApiError({
						platform: PLATFORM,
						code: response.statusCode,
						text: `attachment download failed (HTTP ${response.statusCode})`,
						httpStatus: response.statusCode,
						retryable: response.statusCode >= 500,
					});
				}
				return {
					bytes: response.bytes ?? Buffer.alloc(0),
					contentType: header(response, 'content-type'),
				};
			},
			undefined,
			this.options.sleep,
		);
	}
}
