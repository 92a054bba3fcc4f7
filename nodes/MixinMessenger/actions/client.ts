import type { IExecuteFunctions } from 'n8n-workflow';

import { mixinSessionFromCredentials } from '../../../credentials/MixinMessengerApi.credentials';
import { signedHttp, unsignedHttp } from '../../common/http';
import { oncePerRun, readRequestOptions, requestOptionsProperty as requestOptions } from '../../common/options';
import { MixinClient, PLATFORM } from '../transport/api';

export const CREDENTIAL_TYPE = 'mixinMessengerApi';

export const requestOptionsProperty = requestOptions(
	'Mixin',
	'the network fails, Mixin answers 5xx or 429, or the answer cannot be read; message IDs stay the same',
);

/** The bot's own user id: reads the credential only (no request is made here). */
async function botUserId(ctx: IExecuteFunctions): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	return mixinSessionFromCredentials(credentials).appId;
}

/** One client per node run. */
export async function mixinClient(ctx: IExecuteFunctions): Promise<MixinClient> {
	return await oncePerRun(ctx, 'mixin', async () => {
		const { retry, timeoutMs } = readRequestOptions(ctx);
		return new MixinClient({
			signed: signedHttp(ctx, CREDENTIAL_TYPE, PLATFORM),
			plain: unsignedHttp(ctx, PLATFORM),
			botUserId: await botUserId(ctx),
			retry,
			timeoutMs,
		});
	});
}
