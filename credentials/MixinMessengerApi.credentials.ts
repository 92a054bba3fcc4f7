import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	MIXIN_DEFAULT_BASE_URL,
	MIXIN_DEFAULT_BLAZE_URL,
	signMixinRequest,
} from '../nodes/MixinMessenger/transport/credential';

export class MixinMessengerApi implements ICredentialType {
	name = 'mixinMessengerApi';

	displayName = 'Mixin Messenger API';

	icon: Icon = { light: 'file:../icons/mixin.svg', dark: 'file:../icons/mixin.dark.svg' };

	documentationUrl = 'https://developers.mixin.one/docs/api/guide';

	properties: INodeProperties[] = [
		{
			displayName: 'Key Format',
			name: 'keyFormat',
			type: 'options',
			options: [
				{
					name: 'Keystore JSON',
					value: 'keystore',
					description: 'The JSON file the developer dashboard downloads for a session',
				},
				{
					name: 'Separate Fields',
					value: 'fields',
					description: 'App ID, session ID and private key',
				},
			],
			default: 'keystore',
		},
		{
			displayName: 'Keystore JSON',
			name: 'keystoreSecret',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			placeholder: '{"app_id":"…","session_id":"…","session_private_key":"…"}',
			description:
				'The session keystore from the Mixin developer dashboard (current hex-seed form or the legacy form with private_key)',
			displayOptions: { show: { keyFormat: ['keystore'] } },
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: '11efbb75-e7fe-44d7-a14f-698535289310',
			description: "The bot's app ID (also its user ID)",
			displayOptions: { show: { keyFormat: ['fields'] } },
		},
		{
			displayName: 'Session ID',
			name: 'sessionId',
			type: 'string',
			default: '',
			displayOptions: { show: { keyFormat: ['fields'] } },
		},
		{
			displayName: 'Session Private Key',
			name: 'sessionPrivateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Ed25519 session private key: 64 hex characters (session_private_key) or the legacy base64 private_key',
			displayOptions: { show: { keyFormat: ['fields'] } },
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: MIXIN_DEFAULT_BASE_URL,
			description: 'Change only to reach another Mixin API host or a local emulator',
		},
		{
			displayName: 'Blaze WebSocket URL',
			name: 'blazeUrl',
			type: 'string',
			default: MIXIN_DEFAULT_BLAZE_URL,
			description:
				'Where the Mixin Messenger Trigger receives messages. Change only to reach another Blaze host (such as wss://mixin-blaze.zeromesh.net/) or a local emulator.',
		},
	];

	/** Signs every request with a fresh Ed25519 JWT over method, path with query and the exact body sent. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signMixinRequest(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' },
		rules: [
			{
				// Mixin answers client errors (a bad key, a wrong session) with HTTP 202 and an error body
				type: 'responseSuccessBody',
				properties: {
					key: 'error.status',
					value: 202,
					message: 'Mixin refused the session: check the app ID, session ID and private key',
				},
			},
			{
				// any other answer without the bot's own profile (Mixin binds the token's app ID to the session, so a
				// profile that comes back is the app's)
				type: 'responseSuccessBody',
				properties: {
					key: 'data.user_id',
					value: undefined,
					message:
						"Mixin did not answer with the bot's profile: check the API base URL and the keystore",
				},
			},
		],
	};
}
