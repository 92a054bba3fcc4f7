/**
 * Tencent Cloud IM server REST client: request shapes, the ActionStatus envelope, error codes, rate limits,
 * retries and batching. No n8n UI code; the HTTP function it is given signs each request (UserSig in the query).
 */
import { chunk, chunkByCountAndBytes, utf8Length } from '../../common/batching';
import { InputError, PlatformApiError } from '../../common/errors';
import type { HttpFn, HttpResponse } from '../../common/http';
import { LimiterPool, processLimiter, SlidingWindowLimiter } from '../../common/rateLimit';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from '../../common/retry';
import { parseJsonOrUndefined, settle } from '../../common/settle';
import './secrets';

export const PLATFORM = 'Tencent IM';

/** Documented limits. */
export const MAX_BODY_BYTES = 8192;
export const REQUESTS_PER_SECOND = 200;
/** How long a rate-limit refusal waits: a little over Tencent's one-second window. */
export const RATE_WINDOW_MS = 1100;
/**
 * The node's own window per API. Each request's slot is held from when it may leave until its answer is in and for
 * this long after (SlidingWindowLimiter.hold), so Tencent's one-second window never sees more than the limit,
 * however the network delays requests; the few milliseconds over a second absorb clock granularity.
 */
export const LIMITER_WINDOW_MS = 1010;
export const BATCH_MAX_RECIPIENTS = 500;
export const BATCH_RECIPIENTS_PER_MINUTE = 12_000;
export const BATCH_WINDOW_MS = 61_000;
export const MAX_MSG_LIFETIME_SECONDS = 604_800;
export const UNREAD_PEERS_PER_REQUEST = 10;
export const ACCOUNT_CHECK_PER_REQUEST = 100;
export const ACCOUNT_IMPORT_PER_REQUEST = 100;
export const ACCOUNT_IMPORT_REQUESTS_PER_SECOND = 100;
const MULTI_ACCOUNT_IMPORT_API = 'im_open_login_svc/multiaccount_import';
/** APIs Tencent limits below REQUESTS_PER_SECOND. */
const API_REQUESTS_PER_SECOND: Record<string, number> = {
	[MULTI_ACCOUNT_IMPORT_API]: ACCOUNT_IMPORT_REQUESTS_PER_SECOND,
};
export const ROAM_PAGE_SIZE = 100;

/** Codes worth sending again: internal errors, timeouts, rate limits. */
const TRANSIENT_CODES = new Set([20004, 20005, 91000, 90992, 70169, 60008]);
const RATE_LIMIT_CODES = new Set([60007, 60011, 60018, 60019]);

const HINTS: Record<number, string> = {
	70001:
		"The UserSig expired: check the clock of the n8n server and the credential's UserSig lifetime.",
	70002: 'No UserSig was sent: check the credential.',
	70003: 'Tencent could not read the UserSig: check the secret key.',
	70009:
		"The UserSig does not verify: the secret key belongs to another SDKAppID, or the credential's region is not the app's data centre.",
	70013: 'The admin identifier does not match the one inside the UserSig.',
	70014: 'The SDKAppID does not match the one inside the UserSig.',
	70016: "The key was not found: the credential's region is probably not the app's data centre.",
	70020:
		"The SDKAppID was not found: the credential's region is probably not the app's data centre.",
	70107: 'The account has not been imported: use Account → Import first.',
	70398: 'The account quota of the app is used up (a trial app allows 100 accounts).',
	70403: 'The identifier is not an app admin: use an admin account from the IM console.',
	90009: 'The identifier is not an app admin: use an admin account from the IM console.',
	20003: 'The sender or recipient has not been imported: use Account → Import first.',
	90012: 'The recipient has not been imported: use Account → Import first.',
	90048: 'The account does not exist: use Account → Import first.',
	20022: 'No message with this MsgKey between these accounts.',
	20023: 'The message was already recalled.',
	90054: 'The MsgKey is malformed; use the MsgKey a send returned.',
	90026: 'Message lifetime must be 0 to 604800 seconds.',
	93000: 'The request is larger than Tencent accepts (8 KB).',
	60007: 'Tencent rate limit reached; retried automatically.',
	60011: 'The SDKAppID rate limit was reached; retried automatically.',
	60021: "The n8n server's IP address is not in the app's IP allow-list.",
	80001: 'Tencent content moderation rejected the text.',
	80004: 'Tencent content moderation rejected the media.',
};

export interface Envelope {
	ActionStatus: 'OK' | 'FAIL';
	ErrorCode: number;
	ErrorInfo: string;
	[key: string]: unknown;
}

export function isRetryableCode(code: number): boolean {
	return TRANSIENT_CODES.has(code) || RATE_LIMIT_CODES.has(code);
}

/** How long a rate-limit refusal asks us to wait: long enough for the window that refused to move on. */
function rateLimitWaitSeconds(code: number, api?: string): number | undefined {
	if (!RATE_LIMIT_CODES.has(code)) return undefined;
	// batchsendmsg is also limited per recipient per minute; its refusal uses the same code
	if (api === 'openim/batchsendmsg') return BATCH_WINDOW_MS / 1000;
	return RATE_WINDOW_MS / 1000;
}

/** Interpret Tencent's reply: HTTP 200 says nothing, the body decides. */
export function parseEnvelope(response: HttpResponse, api?: string): Envelope {
	if (response.statusCode !== 200) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: response.statusCode,
			text: `HTTP ${response.statusCode}`,
			httpStatus: response.statusCode,
			hint: 'The gateway answered with an HTTP error; retried automatically when it is temporary.',
			retryable:
				response.statusCode >= 500 || response.statusCode === 429 || response.statusCode === 408,
		});
	}
	const parsed = parseJsonOrUndefined(response.body);
	const doc = parsed?.value as Partial<Envelope> | undefined;
	if (!doc || typeof doc !== 'object' || typeof doc.ActionStatus !== 'string') {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: 'INVALID_RESPONSE',
			text: 'the answer is not a Tencent IM JSON envelope',
			httpStatus: response.statusCode,
			retryable: true,
		});
	}
	const code = Number(doc.ErrorCode ?? 0);
	if (doc.ActionStatus !== 'OK' || code !== 0) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code,
			text: String(doc.ErrorInfo || doc.ActionStatus),
			httpStatus: response.statusCode,
			hint: HINTS[code],
			retryable: isRetryableCode(code),
			retryAfterSeconds: rateLimitWaitSeconds(code, api),
		});
	}
	return doc as Envelope;
}

export type MsgElement = { MsgType: string; MsgContent: Record<string, unknown> };

/** Message fields shared by sendmsg and batchsendmsg. */
export interface MessageRequest {
	From_Account?: string;
	MsgRandom: number;
	MsgSeq?: number;
	MsgBody: MsgElement[];
	SyncOtherMachine?: number;
	MsgLifeTime?: number;
	CloudCustomData?: string;
	OfflinePushInfo?: Record<string, unknown>;
	SendMsgControl?: string[];
	IsNeedReadReceipt?: number;
}

export interface RecipientOutcome {
	To_Account: string;
	ok: boolean;
	/** The MsgRandom of the call that carried this recipient. */
	MsgRandom: number;
	/** Tencent's code, or the network error's (ECONNRESET …) when no answer came. */
	ErrorCode?: number | string;
	error?: string;
	MsgKey?: string;
}

export interface AccountImportOutcome {
	UserID: string;
	ok: boolean;
	/** Tencent's code (or the network error's) when the call carrying the account failed; none for FailAccounts. */
	ErrorCode?: number | string;
	error?: string;
}

export interface RoamMessage {
	From_Account: string;
	To_Account: string;
	MsgKey: string;
	MsgFlagBits?: number;
	[key: string]: unknown;
}

export interface TencentImClientOptions {
	http: HttpFn;
	/**
	 * The app (SDKAppID) the limits belong to: with a scope, the limiters are shared by every client of the process
	 * for that app; without one (a client used on its own, tests with a fake clock), the client keeps its own.
	 */
	scope?: string;
	/** The share of Tencent's limits this process may use (queue mode: one share per worker). */
	limitShare?: number;
	retry?: RetryPolicy;
	timeoutMs?: number;
	sleep?: Sleep;
	now?: () => number;
}

/** The MsgRandom of call `k` of a batch send: call 0 keeps the message's, later calls step on, never 0. */
export function callMsgRandom(msgRandom: number, k: number): number {
	return ((msgRandom - 1 + k) % 0xffffffff) + 1;
}

export class TencentImClient {
	private readonly requestLimiters: LimiterPool;
	private readonly recipientLimiter: SlidingWindowLimiter;
	private readonly retry: RetryPolicy;

	constructor(private readonly options: TencentImClientOptions) {
		this.retry = options.retry ?? DEFAULT_RETRY;
		const now = options.now ?? Date.now;
		const share = options.limitShare ?? 1;
		const requests = (api: string) =>
			Math.max(1, Math.floor((API_REQUESTS_PER_SECOND[api] ?? REQUESTS_PER_SECOND) * share));
		const recipients = Math.max(
			BATCH_MAX_RECIPIENTS,
			Math.floor(BATCH_RECIPIENTS_PER_MINUTE * share),
		);
		const { scope } = options;
		this.requestLimiters = new LimiterPool((api) =>
			scope
				? processLimiter(`tencent-im|${scope}|${api}`, requests(api), LIMITER_WINDOW_MS)
				: new SlidingWindowLimiter(requests(api), LIMITER_WINDOW_MS, now, options.sleep),
		);
		this.recipientLimiter = scope
			? processLimiter(`tencent-im|${scope}|batch-recipients`, recipients, BATCH_WINDOW_MS)
			: new SlidingWindowLimiter(recipients, BATCH_WINDOW_MS, now, options.sleep);
	}

	/**
	 * One REST call. The body is serialised once and checked against the 8 KB ceiling before anything is sent; each
	 * attempt waits for the API's rate limit, and the HTTP function signs it anew.
	 */
	async call<T extends Envelope = Envelope>(
		api: string,
		body: object,
		beforeAttempt?: () => Promise<void>,
	): Promise<T> {
		const serialized = JSON.stringify(body);
		const bytes = utf8Length(serialized);
		if (bytes > MAX_BODY_BYTES) {
			throw new InputError(
				'Message',
				`the request is ${bytes} bytes; Tencent Cloud IM accepts at most ${MAX_BODY_BYTES}`,
				'Shorten the message or its custom data, or send fewer recipients per call.',
			);
		}
		const limiter = this.requestLimiters.get(api);
		return await withRetry(
			this.retry,
			async () => {
				if (beforeAttempt) await beforeAttempt();
				const response = await limiter.during(1, async () => {
					return await this.options.http({
						method: 'POST',
						url: `/v4/${api}`,
						body: serialized,
						headers: { 'Content-Type': 'application/json; charset=utf-8' },
						timeoutMs: this.options.timeoutMs,
					});
				});
				return parseEnvelope(response, api) as T;
			},
			undefined,
			this.options.sleep,
		);
	}

	async sendMessage(
		toAccount: string,
		message: MessageRequest,
	): Promise<{ MsgKey: string; MsgTime: number; MsgId?: string }> {
		const reply = await this.call('openim/sendmsg', { To_Account: toAccount, ...message });
		return {
			MsgKey: String(reply.MsgKey),
			MsgTime: Number(reply.MsgTime),
			...(reply.MsgId ? { MsgId: String(reply.MsgId) } : {}),
		};
	}

	/**
	 * The recipient lists of a batch send: at most 500 per call, and few enough that each call's body stays within
	 * the 8 KB ceiling. Only a message that is too large with a single recipient is refused.
	 */
	batchCalls(toAccounts: string[], message: MessageRequest): string[][] {
		// the longest MsgRandom a call can carry, so every call's size is counted with room to spare
		const base = utf8Length(JSON.stringify({ To_Account: [], ...message, MsgRandom: 0xffffffff }));
		const one = base + utf8Length(JSON.stringify(toAccounts[0] ?? ''));
		if (one > MAX_BODY_BYTES) {
			throw new InputError(
				'Message',
				`the message is too large: with one recipient the request is ${one} bytes; Tencent Cloud IM accepts at most ${MAX_BODY_BYTES}`,
				'Shorten the message or its custom data.',
			);
		}
		return chunkByCountAndBytes(
			toAccounts,
			BATCH_MAX_RECIPIENTS,
			MAX_BODY_BYTES - base,
			(id) => utf8Length(JSON.stringify(id)),
			1,
			0,
		);
	}

	/**
	 * Send one message to many accounts in the calls `batchCalls` makes, held under 12,000 recipients a minute. Each
	 * call carries its own MsgRandom (derived from the message's, so the same input gives the same values): Tencent's
	 * duplicate check does not look at the recipients, so calls sharing one would be dropped as repeats, while a retry
	 * of one call repeats its own. Returns one outcome per recipient; a recipient Tencent listed in ErrorList is never
	 * reported as sent. A call that fails outright reports its recipients with that error and the other calls still
	 * go out; only when no recipient at all was sent is the error thrown.
	 */
	async batchSendMessage(
		toAccounts: string[],
		message: MessageRequest,
	): Promise<RecipientOutcome[]> {
		const outcomes: RecipientOutcome[] = [];
		let callError: unknown;
		for (const [k, part] of this.batchCalls(toAccounts, message).entries()) {
			const MsgRandom = callMsgRandom(message.MsgRandom, k);
			const sent = await settle(
				this.call('openim/batchsendmsg', { To_Account: part, ...message, MsgRandom }, () =>
					this.recipientLimiter.acquire(part.length),
				),
			);
			if (!sent.ok) {
				const error = sent.error;
				const apiError = error instanceof PlatformApiError ? error : undefined;
				// 90012: Tencent refused every recipient of this call; that is an answer per recipient, not a failure
				if (Number(apiError?.code) !== 90012) callError ??= error;
				const code = apiError?.code ?? 'ERROR';
				const text = apiError?.text ?? (error instanceof Error ? error.message : String(error));
				outcomes.push(
					...part.map((to) => ({
						To_Account: to,
						ok: false,
						MsgRandom,
						ErrorCode: code,
						error: text,
					})),
				);
				continue;
			}
			const failed = new Map<string, number>();
			for (const entry of (sent.value.ErrorList as
				Array<{ To_Account: string; ErrorCode: number }> | undefined) ?? []) {
				failed.set(entry.To_Account, Number(entry.ErrorCode));
			}
			for (const to of part) {
				const code = failed.get(to);
				outcomes.push(
					code === undefined
						? { To_Account: to, ok: true, MsgRandom, MsgKey: String(sent.value.MsgKey) }
						: {
								To_Account: to,
								ok: false,
								MsgRandom,
								ErrorCode: code,
								error: HINTS[code] ?? `Tencent error ${code}`,
							},
				);
			}
		}
		if (callError && !outcomes.some((o) => o.ok)) throw callError;
		return outcomes;
	}

	/**
	 * A conversation's history between two accounts in [minTime, maxTime], newest first, following
	 * LastMsgKey/LastMsgTime until Tencent says Complete or `limit` messages were read.
	 */
	async listMessages(params: {
		operator: string;
		peer: string;
		minTime: number;
		maxTime: number;
		limit?: number;
	}): Promise<RoamMessage[]> {
		const messages: RoamMessage[] = [];
		let maxTime = params.maxTime;
		let lastMsgKey: string | undefined;
		const limit = params.limit ?? Infinity;
		for (;;) {
			const reply = await this.call('openim/admin_getroammsg', {
				Operator_Account: params.operator,
				Peer_Account: params.peer,
				MaxCnt: Math.min(ROAM_PAGE_SIZE, limit - messages.length),
				MinTime: params.minTime,
				MaxTime: maxTime,
				...(lastMsgKey ? { LastMsgKey: lastMsgKey } : {}),
			});
			const page = ((reply.MsgList as RoamMessage[] | undefined) ?? []).slice().reverse();
			messages.push(...page.slice(0, limit - messages.length));
			const complete = Number(reply.Complete) === 1;
			if (complete || messages.length >= limit || page.length === 0 || !reply.LastMsgKey) break;
			maxTime = Number(reply.LastMsgTime);
			lastMsgKey = String(reply.LastMsgKey);
		}
		return messages;
	}

	async recallMessage(fromAccount: string, toAccount: string, msgKey: string): Promise<void> {
		await this.call('openim/admin_msgwithdraw', {
			From_Account: fromAccount,
			To_Account: toAccount,
			MsgKey: msgKey,
		});
	}

	async markRead(reportAccount: string, peerAccount: string, msgReadTime?: number): Promise<void> {
		await this.call('openim/admin_set_msg_read', {
			Report_Account: reportAccount,
			Peer_Account: peerAccount,
			...(msgReadTime !== undefined ? { MsgReadTime: msgReadTime } : {}),
		});
	}

	/** Unread counts of an account, in total or per peer (asked 10 peers per call, as the API allows). */
	async unreadCount(
		toAccount: string,
		peers: string[] = [],
	): Promise<{
		total?: number;
		perPeer?: Array<{ Peer_Account: string; C2CUnreadMsgNum: number }>;
		errors?: Array<{ Peer_Account: string; ErrorCode: number }>;
	}> {
		if (peers.length === 0) {
			const reply = await this.call('openim/get_c2c_unread_msg_num', { To_Account: toAccount });
			return { total: Number(reply.AllC2CUnreadMsgNum ?? 0) };
		}
		const perPeer: Array<{ Peer_Account: string; C2CUnreadMsgNum: number }> = [];
		const errors: Array<{ Peer_Account: string; ErrorCode: number }> = [];
		for (const part of chunk(peers, UNREAD_PEERS_PER_REQUEST)) {
			const reply = await this.call('openim/get_c2c_unread_msg_num', {
				To_Account: toAccount,
				Peer_Account: part,
			});
			perPeer.push(...((reply.C2CUnreadMsgNumList as typeof perPeer | undefined) ?? []));
			errors.push(...((reply.ErrorList as typeof errors | undefined) ?? []));
		}
		return { perPeer, errors };
	}

	async importAccount(
		userId: string,
		profile: { Nick?: string; FaceUrl?: string } = {},
	): Promise<void> {
		await this.call('im_open_login_svc/account_import', { UserID: userId, ...profile });
	}

	/**
	 * Import many accounts with multiaccount_import, in calls of up to 100 accounts (and 8 KB), at most 100 calls a
	 * second. One outcome per account: one Tencent lists in FailAccounts is not imported; a call that fails outright
	 * reports its accounts with that error and the other calls still go out. Only when no account at all was imported
	 * is a call's error thrown.
	 */
	async importAccounts(userIds: string[]): Promise<AccountImportOutcome[]> {
		const overhead = utf8Length(JSON.stringify({ Accounts: [] }));
		const calls = chunkByCountAndBytes(
			userIds,
			ACCOUNT_IMPORT_PER_REQUEST,
			MAX_BODY_BYTES - overhead,
			(id) => utf8Length(JSON.stringify(id)),
			1,
			0,
		);
		const outcomes: AccountImportOutcome[] = [];
		let callError: unknown;
		for (const part of calls) {
			const imported = await settle(this.call(MULTI_ACCOUNT_IMPORT_API, { Accounts: part }));
			if (!imported.ok) {
				callError ??= imported.error;
				const apiError = imported.error instanceof PlatformApiError ? imported.error : undefined;
				const code = apiError?.code ?? 'ERROR';
				const text =
					apiError?.text ??
					(imported.error instanceof Error ? imported.error.message : String(imported.error));
				outcomes.push(
					...part.map((UserID) => ({ UserID, ok: false, ErrorCode: code, error: text })),
				);
				continue;
			}
			const failed = new Set(
				((imported.value.FailAccounts as unknown[] | undefined) ?? []).map(String),
			);
			for (const UserID of part) {
				outcomes.push(
					failed.has(UserID)
						? {
								UserID,
								ok: false,
								error: 'Tencent did not import this account (listed in FailAccounts)',
							}
						: { UserID, ok: true },
				);
			}
		}
		if (callError && !outcomes.some((o) => o.ok)) throw callError;
		return outcomes;
	}

	async checkAccounts(
		userIds: string[],
	): Promise<
		Array<{ UserID: string; AccountStatus: string; ResultCode?: number; ResultInfo?: string }>
	> {
		const results: Array<{
			UserID: string;
			AccountStatus: string;
			ResultCode?: number;
			ResultInfo?: string;
		}> = [];
		for (const part of chunk(userIds, ACCOUNT_CHECK_PER_REQUEST)) {
			const reply = await this.call('im_open_login_svc/account_check', {
				CheckItem: part.map((UserID) => ({ UserID })),
			});
			results.push(...((reply.ResultItem as typeof results | undefined) ?? []));
		}
		return results;
	}
}
