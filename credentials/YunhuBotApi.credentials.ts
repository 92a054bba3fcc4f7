import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { YUNHU_DEFAULT_BOT_BASE_URL } from '../nodes/Yunhu/transport/credential';

export class YunhuBotApi implements ICredentialType {
	name = 'yunhuBotApi';

	displayName = 'Yunhu Bot API';

	icon: Icon = { light: 'file:../icons/yunhu.svg', dark: 'file:../icons/yunhu.dark.svg' };

	documentationUrl = 'https://www.yhchat.com/document/1-3';

	properties: INodeProperties[] = [
		{
			displayName: 'Bot Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: "The bot's token from the Yunhu console (yhchat.com → Bots → the bot → Token)",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: YUNHU_DEFAULT_BOT_BASE_URL,
			description: 'The Open API root; change only to reach a proxy or a local emulator',
		},
	];

	/** The Open API takes the bot token as a `token` query parameter on every call. */
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { qs: { token: '={{$credentials.token}}' } },
	};

	test: ICredentialTestRequest = {
		// a read of no chat at all: harmless, and answered with a token error only when the token is wrong
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/bot/messages', method: 'GET' },
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 1003,
					message: 'Yunhu refused the bot token (1003): check it in the Yunhu console',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'msg',
					value: 'token不存在',
					message: 'Yunhu received no bot token: enter the token',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: 1004, message: 'The bot is banned (1004)' },
			},
		],
	};
}
