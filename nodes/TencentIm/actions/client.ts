import type { IExecuteFunctions } from 'n8n-workflow';

import { signedHttp } from '../../common/http';
import { oncePerRun, readRequestOptions, requestOptionsProperty as requestOptions } from '../../common/options';
import { PLATFORM, TencentImClient } from '../transport/api';

export const CREDENTIAL_TYPE = 'tencentImApi';

export const requestOptionsProperty = requestOptions(
	'Tencent',
	'the network fails, the gateway answers 5xx, or Tencent reports a temporary error or its rate limit; MsgRandom stays the same',
);

/** One client per node run, so the per-API rate limits hold across all items. */
export async function tencentClient(ctx: IExecuteFunctions): Promise<TencentImClient> {
	return await oncePerRun(ctx, 'tencentIm', async () => {
		const { retry, timeoutMs } = readRequestOptions(ctx);
		return new TencentImClient({ http: signedHttp(ctx, CREDENTIAL_TYPE, PLATFORM), retry, timeoutMs });
	});
}
