/**
 * The Mixin Messenger API credential read into a bot session, and the per-request signing its `authenticate` runs.
 * The credential file calls these; the node calls `readMixinCredential` before its first request, so a key that
 * cannot be used is reported by field before anything is sent.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { CredentialInputError } from '../../common/errors';
import { settleSync } from '../../common/settle';
import './secrets';
import {
	MixinKeyError,
	sessionFromFields,
	sessionFromKeystore,
	signRequestToken,
	type MixinSession,
} from './signing';

export const MIXIN_CREDENTIAL_TYPE = 'mixinMessengerApi';
export const MIXIN_CREDENTIAL_NAME = 'Mixin Messenger API';
export const MIXIN_DEFAULT_BASE_URL = 'https://api.mixin.one';
export const MIXIN_DEFAULT_BLAZE_URL = 'wss://blaze.mixin.one/';

export interface MixinAccess {
	session: MixinSession;
	baseUrl: string;
}

/** The session described by a credential, or an error naming the credential field that is wrong. */
export function readMixinCredential(credentials: ICredentialDataDecryptedObject): MixinAccess {
	const read = settleSync(() =>
		credentials.keyFormat === 'fields'
			? sessionFromFields(credentials.appId, credentials.sessionId, credentials.sessionPrivateKey)
			: sessionFromKeystore(String(credentials.keystoreSecret ?? '')),
	);
	if (!read.ok) {
		const { error } = read;
		if (error instanceof MixinKeyError)
			throw new CredentialInputError(MIXIN_CREDENTIAL_NAME, error.field, error.detail);
		throw new CredentialInputError(MIXIN_CREDENTIAL_NAME, 'Keystore JSON', 'could not be read');
	}
	const session = read.value;
	const baseUrl = String(credentials.baseUrl || MIXIN_DEFAULT_BASE_URL).replace(/\/+$/, '');
	if (!/^https?:\/\/\S+$/i.test(baseUrl)) {
		throw new CredentialInputError(
			MIXIN_CREDENTIAL_NAME,
			'API Base URL',
			'must be an http(s):// URL',
		);
	}
	return { session, baseUrl };
}

/** The bot session and the Blaze WebSocket URL, for the trigger; the URL is checked only where it is used. */
export function readMixinBlazeAccess(
	credentials: ICredentialDataDecryptedObject,
): MixinAccess & { blazeUrl: string } {
	const access = readMixinCredential(credentials);
	const blazeUrl = String(credentials.blazeUrl || MIXIN_DEFAULT_BLAZE_URL).trim();
	if (!/^wss?:\/\/[^\s/]+/i.test(blazeUrl) || !settleSync(() => new URL(blazeUrl)).ok) {
		throw new CredentialInputError(
			MIXIN_CREDENTIAL_NAME,
			'Blaze WebSocket URL',
			'must be a ws:// or wss:// URL',
		);
	}
	return { ...access, blazeUrl };
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
	const path =
		basePath && full.pathname.startsWith(basePath)
			? full.pathname.slice(basePath.length)
			: full.pathname;
	return (path.startsWith('/') ? path : `/${path}`) + full.search;
}

/** Sign one request with a fresh Ed25519 JWT over method, path with query and the exact body sent. */
export function signMixinRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const access = readMixinCredential(credentials);
	const baseUrl = String(requestOptions.baseURL || access.baseUrl).replace(/\/+$/, '');
	const url = joinQuery(requestOptions.url, requestOptions.qs);
	let body = '';
	if (typeof requestOptions.body === 'string') body = requestOptions.body;
	else if (requestOptions.body !== undefined && requestOptions.body !== null)
		body = JSON.stringify(requestOptions.body);
	const method = (requestOptions.method ?? 'GET').toUpperCase();
	const { token, jti } = signRequestToken(access.session, {
		method,
		uri: signedUri(baseUrl, url),
		body,
	});
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
