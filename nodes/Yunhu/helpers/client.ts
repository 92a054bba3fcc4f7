import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { clientPerRun, type ClientFactory } from '../../common/context';
import { signedHttp, unsignedHttp } from '../../common/http';
import { requestOptionsProperty as requestOptions } from '../../common/options';
import { YunhuBotClient } from '../transport/botApi';
import {
	readYunhuBotCredential,
	readYunhuUserCredential,
	YUNHU_BOT_CREDENTIAL_TYPE,
	YUNHU_USER_CREDENTIAL_TYPE,
	type YunhuBotAccess,
	type YunhuUserAccess,
} from '../transport/credential';
import { PLATFORM } from '../transport/envelope';
import { YunhuUserClient } from '../transport/userApi';

export type YunhuApi = 'userApi' | 'botApi';

/** The node's Authentication choice: which Yunhu API (and credential) the operations use. */
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'Bot (Open API)',
			value: 'botApi',
			description: 'Act as a bot with its token: the official API',
		},
		{
			name: 'User (Client API)',
			value: 'userApi',
			description: 'Act as a user with a session token',
		},
	],
	default: 'botApi',
};

export const requestOptionsProperty = requestOptions(
	'Yunhu',
	'the network fails, Yunhu answers 5xx or its rate limit (1007); message IDs stay the same',
);

export function chosenApi(ctx: IExecuteFunctions): YunhuApi {
	return ctx.getNodeParameter('authentication', 0) as YunhuApi;
}

const userApi: ClientFactory<YunhuUserAccess, YunhuUserClient> = {
	credentialType: YUNHU_USER_CREDENTIAL_TYPE,
	readCredential: readYunhuUserCredential,
	create: (ctx, access, { retry, timeoutMs }) =>
		new YunhuUserClient({
			signed: signedHttp(ctx, YUNHU_USER_CREDENTIAL_TYPE, PLATFORM),
			plain: unsignedHttp(ctx, PLATFORM),
			baseUrl: access.baseUrl,
			uploadUrl: access.uploadUrl,
			retry,
			timeoutMs,
		}),
};

const botApi: ClientFactory<YunhuBotAccess, YunhuBotClient> = {
	credentialType: YUNHU_BOT_CREDENTIAL_TYPE,
	readCredential: readYunhuBotCredential,
	create: (ctx, access, { retry, timeoutMs, limitShare }) =>
		new YunhuBotClient({
			signed: signedHttp(ctx, YUNHU_BOT_CREDENTIAL_TYPE, PLATFORM),
			baseUrl: access.baseUrl,
			token: access.token,
			limitShare,
			retry,
			timeoutMs,
		}),
};

export async function userClient(ctx: IExecuteFunctions): Promise<YunhuUserClient> {
	return await clientPerRun(ctx, userApi);
}

export async function botClient(ctx: IExecuteFunctions): Promise<YunhuBotClient> {
	return await clientPerRun(ctx, botApi);
}
