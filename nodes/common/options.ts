import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from './http';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';

const DEFAULT_ATTEMPTS = DEFAULT_RETRY.attempts;
const DEFAULT_BASE_DELAY_MS = DEFAULT_RETRY.baseDelayMs;
/** Items of a run in flight at once, by default: enough to fill the platforms' rate limits at usual latencies. */
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 50;

/**
 * The "Request Options" collection every node shows: how many items run at once (messages to the same recipient
 * always keep their order unless told otherwise), this instance's share of the platform's rate limits, retries and
 * timeout.
 */
export function requestOptionsProperty(platform: string, retriedWhen: string): INodeProperties {
	return {
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: DEFAULT_CONCURRENCY,
				description: `How many items are sent at once (1 to ${MAX_CONCURRENCY}); ${platform}'s rate limits still hold`,
			},
			{
				displayName: 'Keep Order per Recipient',
				name: 'keepOrder',
				type: 'boolean',
				default: true,
				description:
					'Whether messages to the same recipient (user, chat, account) go out one after another in item order, while different recipients are served at once',
			},
			{
				displayName: 'Rate Limit Share',
				name: 'limitShare',
				type: 'number',
				typeOptions: { minValue: 0.01, maxValue: 1, numberPrecision: 2 },
				default: 1,
				description: `The share of ${platform}'s rate limits this n8n instance may use. The limits are held for the whole n8n process; in queue mode each worker is a process of its own, so with 3 workers set 0.33.`,
			},
			{
				displayName: 'Retry Attempts',
				name: 'retryAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: DEFAULT_ATTEMPTS,
				description: `How many times to try a request in all when ${retriedWhen}. The request is sent again unchanged, so ${platform} does not deliver a message twice.`,
			},
			{
				displayName: 'Retry Base Delay (Ms)',
				name: 'retryDelayMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_BASE_DELAY_MS,
				description: 'Wait before the first retry; it doubles with each further retry',
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeoutMs',
				type: 'number',
				typeOptions: { minValue: 100 },
				default: DEFAULT_TIMEOUT_MS,
				description: 'How long to wait for one answer before treating the request as failed',
			},
		],
	};
}

export interface RequestSettings {
	retry: RetryPolicy;
	timeoutMs: number;
	concurrency: number;
	keepOrder: boolean;
	/** The share (0–1] of the platform's rate limits this process may use. */
	limitShare: number;
}

/** Request options as set on the node (read from the first item: they apply to the whole run). */
export function readRequestOptions(ctx: IExecuteFunctions): RequestSettings {
	const options = ctx.getNodeParameter('requestOptions', 0, {}) as {
		retryAttempts?: number;
		retryDelayMs?: number;
		timeoutMs?: number;
		concurrency?: number;
		keepOrder?: boolean;
		limitShare?: number;
	};
	const concurrency = Math.floor(Number(options.concurrency ?? DEFAULT_CONCURRENCY));
	const share = Number(options.limitShare ?? 1);
	return {
		retry: {
			attempts: options.retryAttempts ?? DEFAULT_RETRY.attempts,
			baseDelayMs: options.retryDelayMs ?? DEFAULT_RETRY.baseDelayMs,
			maxDelayMs: DEFAULT_RETRY.maxDelayMs,
		},
		timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		concurrency: Math.min(
			MAX_CONCURRENCY,
			Math.max(1, Number.isFinite(concurrency) ? concurrency : DEFAULT_CONCURRENCY),
		),
		keepOrder: options.keepOrder !== false,
		limitShare: Number.isFinite(share) && share > 0 ? Math.min(1, share) : 1,
	};
}
