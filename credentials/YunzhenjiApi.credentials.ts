import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	DEFAULT_GRANT,
	readTokenAnswer,
	signYunzhenjiRequest,
	tokenRequest,
	TOKEN_EXPIRES_FIELD,
	TOKEN_FIELD,
	YUNZHENJI_DEFAULT_BASE_URL,
} from '../nodes/Yunzhenji/transport/credential';

export class YunzhenjiApi implements ICredentialType {
	name = 'yunzhenjiApi';

	displayName = 'Yunzhenji API';

	icon: Icon = { light: 'file:../icons/yunzhenji.svg', dark: 'file:../icons/yunzhenji.dark.svg' };

	documentationUrl = 'https://www.showdoc.com.cn/yunzhenji/11490694073951972';

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			required: true,
			default: '',
			description: 'The APPID of the account (back office → Settings → API)',
		},
		{
			displayName: 'Access Token Source',
			name: 'accessMode',
			type: 'options',
			options: [
				{
					name: 'Fetch With the App Secret',
					value: 'fetch',
					description: 'n8n gets and renews the token itself',
				},
				{
					name: 'Paste an Access Token',
					value: 'manual',
					description: 'The token is managed elsewhere',
				},
			],
			default: 'fetch',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { accessMode: ['fetch'] } },
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'string',
			default: DEFAULT_GRANT,
			description:
				'The grand_type value /oauth/token expects; change it only if Yunzhenji support gives another',
			displayOptions: { show: { accessMode: ['fetch'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { accessMode: ['manual'] } },
		},
		{
			displayName: 'EncodingAESKey',
			name: 'encodingAesSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The key callbacks are encrypted with (API settings); the Yunzhenji Trigger needs it',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: YUNZHENJI_DEFAULT_BASE_URL,
			description: 'Change only to reach a proxy or a local emulator',
		},
		{
			displayName: 'Session Token',
			name: TOKEN_FIELD,
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
		{
			displayName: 'Session Token Expires At',
			name: TOKEN_EXPIRES_FIELD,
			type: 'hidden',
			default: 0,
		},
	];

	/** Fetches an access token (n8n keeps it, and asks again when it is empty or refused). */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		if (credentials.accessMode === 'manual') {
			return { [TOKEN_FIELD]: String(credentials.accessToken ?? ''), [TOKEN_EXPIRES_FIELD]: 0 };
		}
		const answer = await this.helpers.httpRequest(tokenRequest(credentials));
		try {
			return readTokenAnswer(answer);
		} catch (error) {
			// n8n shows a 401 as a credential problem; the reason stays in the message
			throw Object.assign(new Error((error as Error).message), { httpCode: '401' });
		}
	}

	/** Adds app_id and access_token: to the JSON body of a POST, to the query of a GET. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signYunzhenjiRequest(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/wechat/list',
			method: 'GET',
			qs: { page: 1, page_size: 1, online: -1 },
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errcode',
					value: 40001,
					message: 'Yunzhenji refused the access token (40001)',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errcode',
					value: 42001,
					message: 'The access token has expired (42001)',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errcode',
					value: 40013,
					message: 'Yunzhenji does not know this app ID (40013)',
				},
			},
		],
	};
}
