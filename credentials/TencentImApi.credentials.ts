import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	DEFAULT_USERSIG_LIFETIME_SECONDS,
	signTencentImRequest,
	TENCENT_IM_REGIONS,
} from '../nodes/TencentIm/transport/credential';

export class TencentImApi implements ICredentialType {
	name = 'tencentImApi';

	displayName = 'Tencent Cloud IM API';

	icon: Icon = { light: 'file:../icons/tencent-im.svg', dark: 'file:../icons/tencent-im.dark.svg' };

	documentationUrl = 'https://www.tencentcloud.com/document/product/1047/34620';

	properties: INodeProperties[] = [
		{
			displayName: 'SDKAppID',
			name: 'sdkAppId',
			type: 'number',
			default: 0,
			required: true,
			description: 'The application ID shown in the IM console',
		},
		{
			displayName: 'Admin Identifier',
			name: 'adminIdentifier',
			type: 'string',
			default: 'administrator',
			required: true,
			description: 'An app admin account; the REST API acts as this account',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The key the console shows for UserSig generation (HMAC-SHA256, TLSSigAPIv2)',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				...TENCENT_IM_REGIONS,
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'Another host, e.g. a backup domain or a local emulator',
				},
			],
			default: TENCENT_IM_REGIONS[0].value,
			description: 'The data centre of the SDKAppID',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://console.tim.qq.com',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'UserSig Lifetime (Seconds)',
			name: 'userSigLifetime',
			type: 'number',
			default: DEFAULT_USERSIG_LIFETIME_SECONDS,
			description: 'How long each generated UserSig is valid; a new one is made for every request',
		},
	];

	/** Adds sdkappid, identifier, a fresh UserSig, random and contenttype to the query of every request. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return await signTencentImRequest(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.region === "custom" ? $credentials.customBaseUrl : $credentials.region}}',
			url: '/v4/im_open_login_svc/account_check',
			method: 'POST',
			body: { CheckItem: [{ UserID: '={{$credentials.adminIdentifier}}' }] },
			json: true,
		},
		rules: [
			{
				// Tencent answers HTTP 200 either way; the body says whether the call worked
				type: 'responseSuccessBody',
				properties: {
					key: 'ActionStatus',
					value: 'FAIL',
					message:
						'Tencent Cloud IM refused the credential: check SDKAppID, admin identifier, secret key and region',
				},
			},
		],
	};
}
