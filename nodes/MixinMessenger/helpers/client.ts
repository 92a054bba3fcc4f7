import type { IExecuteFunctions } from 'n8n-workflow';

import { clientPerRun, type ClientFactory } from '../../common/context';
import { signedHttp, unsignedHttp } from '../../common/http';
import { requestOptionsProperty as requestOptions } from '../../common/options';
import { MixinClient, PLATFORM } from '../transport/api';
import {
	MIXIN_CREDENTIAL_TYPE,
	readMixinCredential,
	type MixinAccess,
} from '../transport/credential';

export const requestOptionsProperty = requestOptions(
	'Mixin',
	'the network fails, Mixin answers 5xx or 429, or the answer cannot be read; message IDs stay the same',
);

const mixin: ClientFactory<MixinAccess, MixinClient> = {
	credentialType: MIXIN_CREDENTIAL_TYPE,
	readCredential: readMixinCredential,
	create: (ctx, access, { retry, timeoutMs, limitShare }) =>
		new MixinClient({
			signed: signedHttp(ctx, MIXIN_CREDENTIAL_TYPE, PLATFORM),
			plain: unsignedHttp(ctx, PLATFORM),
			botUserId: access.session.appId,
			sharedQuota: true,
			limitShare,
			retry,
			timeoutMs,
		}),
};

/** The run's Mixin client; the credential is checked before its first request. */
export async function mixinClient(ctx: IExecuteFunctions): Promise<MixinClient> {
	return await clientPerRun(ctx, mixin);
}
