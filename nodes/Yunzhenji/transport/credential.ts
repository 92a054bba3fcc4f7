/**
 * The Yunzhenji API credential: app id and secret exchanged for an access token at /oauth/token (or a token pasted
 * by the user), cached by n8n in a hidden expirable field; every call carries app_id and access_token, in the JSON
 * body of a POST and in the query of a GET.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { CredentialInputError } from '../../common/errors';
import { parseJsonOrUndefined } from '../../common/settle';
import { keyBytes } from './crypto';
import './secrets';

export const YUNZHENJI_CREDENTIAL_TYPE = 'yunzhenjiApi';
export const YUNZHENJI_CREDENTIAL_NAME = 'Yunzhenji API';
export const YUNZHENJI_DEFAULT_BASE_URL = 'https://oapi-yzj.miaokol.com';
/** The `grand_type` value; the public docs cut it off, so the credential lets the user change it. */
export const DEFAULT_GRANT = 'client_credential';
/** The hidden field n8n keeps the fetched token in, and its expiry (epoch ms). */
export const TOKEN_FIELD = 'sessionToken';
export const TOKEN_EXPIRES_FIELD = 'sessionTokenExpiresAt';
/** A token is fetched anew this long before Yunzhenji would expire it. */
export const TOKEN_MARGIN_MS = 5 * 60_000;

export interface YunzhenjiAccess {
	appId: string;
	baseUrl: string;
	/** The token source: fetched with the app secret, or pasted by the user. */
	source: 'fetch' | 'manual';
	/** When the cached token should be replaced (epoch ms); undefined when unknown (a pasted token). */
	expiresAt?: number;
	/** The AES key bytes for callbacks, when the credential has one. */
	aesKey?: Buffer;
}

function problem(field: string, detail: string): CredentialInputError {
	return new CredentialInputError(YUNZHENJI_CREDENTIAL_NAME, field, detail);
}

export function readYunzhenjiCredential(
	credentials: ICredentialDataDecryptedObject,
): YunzhenjiAccess {
	const appId = String(credentials.appId ?? '').trim();
	if (!appId) throw problem('App ID', 'is required');
	const source = credentials.accessMode === 'manual' ? 'manual' : 'fetch';
	if (source === 'fetch' && !String(credentials.appSecret ?? '').trim())
		throw problem('App Secret', 'is required');
	if (source === 'manual' && !String(credentials.accessToken ?? '').trim())
		throw problem('Access Token', 'is required');
	const baseUrl = String(credentials.baseUrl || YUNZHENJI_DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/\S+$/i.test(baseUrl)) throw problem('Base URL', 'must be an http(s):// URL');
	const aesText = String(credentials.encodingAesSecret ?? '').trim();
	const aesKey = aesText ? keyBytes(aesText) : undefined;
	if (aesText && !aesKey)
		throw problem(
			'EncodingAESKey',
			'must be the 43-character key from the API settings (or a 32-character key)',
		);
	const expiresAt = Number(credentials[TOKEN_EXPIRES_FIELD]);
	return {
		appId,
		baseUrl,
		source,
		expiresAt: Number.isFinite(expiresAt) && expiresAt > 0 ? expiresAt : undefined,
		aesKey,
	};
}

export interface TokenAnswer {
	access_token?: string;
	expires_in?: number;
}

/**
 * The request that exchanges the app id and secret for a token. The answer's fields may sit in `data` or at the top
 * level (the public docs do not show it), and errcode ≠ 0 carries the reason in `message`.
 */
export function tokenRequest(credentials: ICredentialDataDecryptedObject): IHttpRequestOptions {
	const baseUrl = String(credentials.baseUrl || YUNZHENJI_DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '');
	return {
		method: 'POST',
		url: `${baseUrl}/oauth/token`,
		body: {
			app_id: String(credentials.appId ?? '').trim(),
			app_secret: String(credentials.appSecret ?? '').trim(),
			grand_type: String(credentials.grantType || DEFAULT_GRANT),
		},
		json: true,
	};
}

/** The token and its expiry from /oauth/token's answer; throws Yunzhenji's message (no secret in it) on a refusal. */
export function readTokenAnswer(answer: unknown, now = Date.now()): IDataObject {
	const doc = (typeof answer === 'string' ? parseJsonOrUndefined(answer)?.value : answer) as
		| (TokenAnswer & { errcode?: number; message?: string; errmsg?: string; data?: TokenAnswer })
		| undefined;
	const fields = doc?.data?.access_token ? doc.data : doc;
	if (!doc || Number(doc.errcode ?? 0) !== 0 || !fields?.access_token) {
		const why = doc?.message ?? doc?.errmsg ?? 'no access_token in the answer';
		throw new Error(
			`Yunzhenji refused the app ID or secret (errcode ${String(doc?.errcode ?? '?')}): ${why}`,
		);
	}
	const seconds = Number(fields.expires_in ?? 7200);
	return {
		[TOKEN_FIELD]: fields.access_token,
		[TOKEN_EXPIRES_FIELD]: now + seconds * 1000 - TOKEN_MARGIN_MS,
	};
}

/** Add app_id and access_token to one request: into the JSON body of a POST, into the query of anything else. */
export function signYunzhenjiRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const token = String(
		(credentials.accessMode === 'manual' ? credentials.accessToken : credentials[TOKEN_FIELD]) ??
			'',
	).trim();
	const auth = { app_id: String(credentials.appId ?? '').trim(), access_token: token };
	const method = (requestOptions.method ?? 'GET').toUpperCase();
	if (method !== 'POST')
		return { ...requestOptions, qs: { ...(requestOptions.qs ?? {}), ...auth } };
	const raw = requestOptions.body;
	const body = (
		typeof raw === 'string' ? (parseJsonOrUndefined(raw)?.value ?? {}) : (raw ?? {})
	) as IDataObject;
	// the credentials lead the body, as the platform documents them
	const signed = JSON.stringify({ ...auth, ...body });
	return {
		...requestOptions,
		body: signed,
		headers: {
			...(requestOptions.headers ?? {}),
			'Content-Type': 'application/json; charset=UTF-8',
		},
	};
}
