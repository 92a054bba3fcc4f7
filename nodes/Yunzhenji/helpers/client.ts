import type { IExecuteFunctions } from 'n8n-workflow';

import { clientPerRun, type ClientFactory } from '../../common/context';
import { fetchedTokenHttp } from '../../common/http';
import { requestOptionsProperty as requestOptions } from '../../common/options';
import { PLATFORM, YunzhenjiClient } from '../transport/api';
import {
	readYunzhenjiCredential,
	TOKEN_EXPIRES_FIELD,
	TOKEN_FIELD,
	YUNZHENJI_CREDENTIAL_TYPE,
	type YunzhenjiAccess,
} from '../transport/credential';

export const requestOptionsProperty = requestOptions(
	'Yunzhenji',
	'the network fails before a request reaches Yunzhenji, or it answers 5xx; a refused access token is renewed once. Message sends whose answer is lost are not repeated',
);

const yunzhenji: ClientFactory<YunzhenjiAccess, YunzhenjiClient> = {
	credentialType: YUNZHENJI_CREDENTIAL_TYPE,
	readCredential: readYunzhenjiCredential,
	create: (ctx, access, { retry, timeoutMs }) => {
		const { http, renew } = fetchedTokenHttp(ctx, {
			credentialType: YUNZHENJI_CREDENTIAL_TYPE,
			platform: PLATFORM,
			tokenField: TOKEN_FIELD,
			// a pasted token has no known expiry: it is used until Yunzhenji refuses it
			expiresAtField: access.source === 'fetch' ? TOKEN_EXPIRES_FIELD : undefined,
		});
		return new YunzhenjiClient({
			http,
			baseUrl: access.baseUrl,
			renewToken: access.source === 'fetch' ? renew : undefined,
			retry,
			timeoutMs,
		});
	},
};

export async function yunzhenjiClient(ctx: IExecuteFunctions): Promise<YunzhenjiClient> {
	return await clientPerRun(ctx, yunzhenji);
}
