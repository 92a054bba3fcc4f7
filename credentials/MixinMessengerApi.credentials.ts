import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { credentialProblem } from '../nodes/common/errors';
import {
	MixinKeyError,
	sessionFromFields,
	sessionFromKeystore,
	signRequestToken,
	type MixinSession,
} from '../nodes/MixinMessenger/transport/signing';

export const MIXIN_DEFAULT_BASE_URL = 'https://api.mixin.one';
const CREDENTIAL_NAME = 'Mixin Messenger API';

/** The session described by a credential, or an error naming the credential field that is wrong. */
export function mixinSessionFromCredentials(credentials: ICredentialDataDecryptedObject): MixinSession {
	try {
		if (credentials.keyFormat === 'fields') {
			return sessionFromFields(credentials.appId, credentials.sessionId, credentials.sessionPrivateKey);
		}
		return sessionFromKeystore(String(credentials.keystoreSecret ?? ''));
	} catch (error) {
		if (error instanceof MixinKeyError) {
			throw credentialProblem(CREDENTIAL_NAME, error.field, error.message.slice(error.field.length + 3));
		}
		throw credentialProblem(CREDENTIAL_NAME, 'Keystore JSON', 'could not be read');
	}
}

function joinQuery(url: string, qs: IHttpRequestOptions['qs']): string {
	if (!qs || Object.keys(qs).length === 0) return url;
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(qs)) {
		if (v !== undefined && v !== null) params.append(k, String(v));
	}
	const query = params.toString();
	if (!query) return url;
	return url + (url.includes('?') ? '&' : '?') + query;
}

/** The path-with-query Mixin signs: what follows the base URL (the API is served at the host's root). */
function signedUri(baseUrl: string, url: string): string {
	const full = new URL(url, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
	const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
	const path = basePath && full.pathname.startsWith(basePath) ? full.pathname.slice(basePath.length) : full.pathname;
	return (path.startsWith('/') ? path : `/${path}`) + full.search;
}

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
				{ name: 'Separate Fields', value: 'fields', description: 'App ID, session ID and private key' },
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
	];

	/** Signs every request with a fresh Ed25519 JWT over method, path with query and the exact body sent. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const session = mixinSessionFromCredentials(credentials);
		const baseUrl = String(requestOptions.baseURL || credentials.baseUrl || MIXIN_DEFAULT_BASE_URL).replace(/\/+$/, '');
		const url = joinQuery(requestOptions.url, requestOptions.qs);
		let body = '';
		if (typeof requestOptions.body === 'string') body = requestOptions.body;
		else if (requestOptions.body !== undefined && requestOptions.body !== null) body = JSON.stringify(requestOptions.body);
		const method = (requestOptions.method ?? 'GET').toUpperCase();
		const { token, jti } = signRequestToken(session, { method, uri: signedUri(baseUrl, url), body });
		return {
			...requestOptions,
			baseURL: baseUrl,
			url,
			qs: undefined,
			body: body === '' ? undefined : body,
			headers: {
				...(requestOptions.headers ?? {}),
				Authorization: `Bearer ${token}`,
				'Content-Type': 'application/json',
				'X-Request-Id': jti,
			},
		};
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
		],
	};
}
