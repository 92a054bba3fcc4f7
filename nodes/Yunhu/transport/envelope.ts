/** What Yunhu's answers mean: the codes, their hints, and which failures are worth sending again. */
import { PlatformApiError } from '../../common/errors';
import type { HttpResponse } from '../../common/http';
import { parseJsonOrUndefined } from '../../common/settle';

export const PLATFORM = 'Yunhu';

export const SUCCESS = 1;
/** The client API's "not logged in": a token that is missing, wrong or logged out. */
export const NOT_LOGGED_IN = -101;
export const RATE_LIMITED = 1007;
/** The bot Open API's limit per endpoint, held by the node so Yunhu never needs to refuse. */
export const BOT_REQUESTS_PER_SECOND = 10;
/** How long a rate-limit refusal (1007) waits: a little over Yunhu's one-second window. */
export const BOT_RATE_WINDOW_MS = 1100;
/** The node's own window per endpoint; each request's slot is held until its answer is in (SlidingWindowLimiter.hold). */
export const BOT_LIMITER_WINDOW_MS = 1010;

const HINTS: Record<number, string> = {
	[NOT_LOGGED_IN]:
		"The user token is not logged in (expired, logged out or wrong): log in again and update the credential's token.",
	1002: 'Yunhu found an invalid parameter (a chat ID, a content type or an empty message).',
	1003: 'Yunhu refused the token, or the user has not added the bot as a friend.',
	1004: 'The bot is banned.',
	1005: 'The chat is banned.',
	[RATE_LIMITED]: "Yunhu's rate limit was reached; retried automatically after a pause.",
	4402: 'The user does not exist.',
	7100: 'The user is banned.',
	[-1]: 'Yunhu refused the request (see the message): e.g. the bot is not in the group, or the message does not exist.',
};

export function yunhuError(code: number, text: string, httpStatus?: number): PlatformApiError {
	return new PlatformApiError({
		platform: PLATFORM,
		code,
		text: text || `code ${code}`,
		httpStatus,
		hint: HINTS[code],
		retryable: code === RATE_LIMITED,
		retryAfterSeconds: code === RATE_LIMITED ? BOT_RATE_WINDOW_MS / 1000 : undefined,
	});
}

/** An HTTP-level failure (5xx, a gateway page, the wrong method's 404). */
export function httpError(response: HttpResponse, what = 'Yunhu'): PlatformApiError {
	return new PlatformApiError({
		platform: PLATFORM,
		code: response.statusCode,
		text: `HTTP ${response.statusCode} from ${what}`,
		httpStatus: response.statusCode,
		hint:
			response.statusCode === 404
				? 'Yunhu answers 404 for a wrong path or HTTP method: check the base URL.'
				: 'The server answered with an HTTP error; retried automatically when it is temporary.',
		retryable: response.statusCode >= 500 || response.statusCode === 429,
	});
}

export interface JsonEnvelope {
	code: number;
	msg?: string;
	data?: unknown;
}

/** A JSON answer `{code, msg, data}`, or undefined when the body is not one. */
export function jsonEnvelope(text: string): JsonEnvelope | undefined {
	const parsed = parseJsonOrUndefined(text);
	const doc = parsed?.value as Partial<JsonEnvelope> | undefined;
	if (!doc || typeof doc !== 'object' || typeof doc.code !== 'number') return undefined;
	return doc as JsonEnvelope;
}

/** The data of a JSON answer; a code other than 1 is Yunhu's refusal. */
export function parseJsonEnvelope<T>(response: HttpResponse): T {
	if (response.statusCode >= 300) throw httpError(response);
	const doc = jsonEnvelope(response.body);
	if (!doc) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: 'INVALID_RESPONSE',
			text: 'the answer is not a Yunhu JSON envelope',
			httpStatus: response.statusCode,
			retryable: true,
		});
	}
	if (doc.code !== SUCCESS) throw yunhuError(doc.code, String(doc.msg ?? ''), response.statusCode);
	return doc.data as T;
}
