import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { YUNHU_DEFAULT_BASE_URL } from '../nodes/Yunhu/transport/credential';

export class YunhuUserApi implements ICredentialType {
	name = 'yunhuUserApi';

	displayName = 'Yunhu User API';

	icon: Icon = { light: 'file:../icons/yunhu.svg', dark: 'file:../icons/yunhu.dark.svg' };

	documentationUrl = 'https://www.yhchat.com/document/1-3';

	properties: INodeProperties[] = [
		{
			displayName: 'User Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The session token of a Yunhu account (what a login returns); the node acts as this user. Logging in again elsewhere may end it.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: YUNHU_DEFAULT_BASE_URL,
			description: 'The client API host; change only to reach a proxy or a local emulator',
		},
		{
			displayName: 'Upload URL',
			name: 'uploadUrl',
			type: 'string',
			default: '',
			placeholder: 'https://upload-z2.qiniup.com',
			description: "Where files are uploaded; Qiniu's own hosts when empty",
		},
	];

	/** The client API takes the user token as a `token` header. */
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { token: '={{$credentials.token}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/v1/user/info', method: 'GET' },
		rules: [
			{
				// a missing or wrong token is answered in JSON even on this protobuf route
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: -101,
					message: 'Yunhu says the user is not logged in (-101): get a new token',
				},
			},
		],
	};
}
