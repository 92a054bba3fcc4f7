import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from './http';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';

const DEFAULT_ATTEMPTS = DEFAULT_RETRY.attempts;
const DEFAULT_BASE_DELAY_MS = DEFAULT_RETRY.baseDelayMs;

/** The "Request Options" collection every operation shows: retries and timeout. */
export function requestOptionsProperty(platform: string, retriedWhen: string): INodeProperties {
	return {
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
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
}

/** Request options as set on the node (read from the first item: they apply to the whole run). */
export function readRequestOptions(ctx: IExecuteFunctions): RequestSettings {
	const options = ctx.getNodeParameter('requestOptions', 0, {}) as {
		retryAttempts?: number;
		retryDelayMs?: number;
		timeoutMs?: number;
	};
	return {
		retry: {
			attempts: options.retryAttempts ?? DEFAULT_RETRY.attempts,
			baseDelayMs: options.retryDelayMs ?? DEFAULT_RETRY.baseDelayMs,
			maxDelayMs: DEFAULT_RETRY.maxDelayMs,
		},
		timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
}
