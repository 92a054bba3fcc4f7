import type { IExecuteFunctions } from 'n8n-workflow';

import { clientPerRun, type ClientFactory } from '../../common/context';
import { signedHttp } from '../../common/http';
import { requestOptionsProperty as requestOptions } from '../../common/options';
import { PLATFORM, TencentImClient } from '../transport/api';
import {
	readTencentImCredential,
	TENCENT_IM_CREDENTIAL_TYPE,
	type TencentImAccess,
} from '../transport/credential';

export const requestOptionsProperty = requestOptions(
	'Tencent',
	'the network fails, the gateway answers 5xx, or Tencent reports a temporary error or its rate limit; MsgRandom stays the same',
);

const tencentIm: ClientFactory<TencentImAccess, TencentImClient> = {
	credentialType: TENCENT_IM_CREDENTIAL_TYPE,
	readCredential: readTencentImCredential,
	create: (ctx, access, { retry, timeoutMs, limitShare }) =>
		new TencentImClient({
			http: signedHttp(ctx, TENCENT_IM_CREDENTIAL_TYPE, PLATFORM),
			// Tencent limits each app's APIs: every run for this app in the process shares one budget
			scope: String(access.sdkAppId),
			limitShare,
			retry,
			timeoutMs,
		}),
};

/** The run's Tencent IM client, so the per-API rate limits hold across all items; the credential is checked first. */
export async function tencentClient(ctx: IExecuteFunctions): Promise<TencentImClient> {
	return await clientPerRun(ctx, tencentIm);
}
