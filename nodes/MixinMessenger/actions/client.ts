import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { mixinSessionFromCredentials } from '../../../credentials/MixinMessengerApi.credentials';
import { signedHttp, unsignedHttp } from '../../common/http';
import { MixinClient, PLATFORM } from '../transport/api';

export const CREDENTIAL_TYPE = 'mixinMessengerApi';

/** Request behaviour options every operation shows. */
export const requestOptionsProperty: INodeProperties = {
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
			default: 4,
			description:
				'How many times to try a request in all when the network fails, Mixin answers 5xx or 429, or the answer cannot be read. Message IDs stay the same, so a retry never sends twice.',
		},
		{
			displayName: 'Retry Base Delay (Ms)',
			name: 'retryDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 500,
			description: 'Wait before the first retry; it doubles with each further retry',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeoutMs',
			type: 'number',
			typeOptions: { minValue: 100 },
			default: 30000,
			description: 'How long to wait for one answer before treating the request as failed',
		},
	],
};

/** The bot's own user id: reads the credential only (no request is made here). */
async function botUserId(ctx: IExecuteFunctions): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	return mixinSessionFromCredentials(credentials).appId;
}

const clients = new WeakMap<IExecuteFunctions, MixinClient>();

/** One client per node run; request options are read from the first item. */
export async function mixinClient(ctx: IExecuteFunctions): Promise<MixinClient> {
	const cached = clients.get(ctx);
	if (cached) return cached;
	const options = ctx.getNodeParameter('requestOptions', 0, {}) as {
		retryAttempts?: number;
		retryDelayMs?: number;
		timeoutMs?: number;
	};
	const client = new MixinClient({
		signed: signedHttp(ctx, CREDENTIAL_TYPE, PLATFORM),
		plain: unsignedHttp(ctx, PLATFORM),
		botUserId: await botUserId(ctx),
		retry: { attempts: options.retryAttempts ?? 4, baseDelayMs: options.retryDelayMs ?? 500 },
		timeoutMs: options.timeoutMs ?? 30000,
	});
	clients.set(ctx, client);
	return client;
}
