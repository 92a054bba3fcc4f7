import { sleep } from 'n8n-workflow';

import { PlatformApiError } from './errors';
import { settle } from './settle';

export interface RetryPolicy {
	/** Total attempts, the first one included (1 = no retry). */
	attempts: number;
	/** Delay before the second attempt; doubles each time, with jitter. */
	baseDelayMs: number;
	/** Upper bound of one delay. */
	maxDelayMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export type Sleep = (ms: number) => Promise<void>;

/** The longest wait a platform's own "retry after" may impose on one attempt (a per-minute window, with margin). */
export const MAX_REQUESTED_WAIT_MS = 120_000;

/**
 * Exponential backoff with ±20 % jitter. When the platform says how long to wait (Retry-After, or a rate-limit
 * window), that wait is honoured even beyond the backoff's own ceiling, so the retry does not hit the same window.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, error?: unknown): number {
	const max = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs!;
	if (error instanceof PlatformApiError && error.retryAfterSeconds !== undefined) {
		return Math.min(MAX_REQUESTED_WAIT_MS, Math.max(0, Math.round(error.retryAfterSeconds * 1000)));
	}
	const exp = policy.baseDelayMs * 2 ** (attempt - 1);
	const jitter = exp * 0.2 * (Math.random() * 2 - 1);
	return Math.min(max, Math.max(0, Math.round(exp + jitter)));
}

/**
 * Run `attempt` until it succeeds, fails with a non-retryable error, or the attempts run out. The caller
 * builds the request inside `attempt` from values fixed beforehand (message ids, MsgRandom), so a retry
 * repeats the same request and only the per-request signature changes.
 */
export async function withRetry<T>(
	policy: RetryPolicy,
	attempt: (attemptNumber: number) => Promise<T>,
	isRetryable: (error: unknown) => boolean = (e) => e instanceof PlatformApiError && e.retryable,
	wait: Sleep = sleep,
): Promise<T> {
	const attempts = Math.max(1, Math.floor(policy.attempts));
	for (let n = 1; ; n++) {
		const outcome = await settle(attempt(n));
		if (outcome.ok) return outcome.value;
		if (n >= attempts || !isRetryable(outcome.error)) throw outcome.error;
		await wait(backoffDelay(policy, n, outcome.error));
	}
}
