/** The two Yunhu credentials read into what the clients need; a field that cannot be used is named. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { CredentialInputError } from '../../common/errors';
import './secrets';

export const YUNHU_USER_CREDENTIAL_TYPE = 'yunhuUserApi';
export const YUNHU_USER_CREDENTIAL_NAME = 'Yunhu User API';
export const YUNHU_BOT_CREDENTIAL_TYPE = 'yunhuBotApi';
export const YUNHU_BOT_CREDENTIAL_NAME = 'Yunhu Bot API';

/** The client API's host; the bot Open API lives under it at /open-apis/v1. */
export const YUNHU_DEFAULT_BASE_URL = 'https://chat-go.jwzhd.com';
export const YUNHU_DEFAULT_BOT_BASE_URL = 'https://chat-go.jwzhd.com/open-apis/v1';

export interface YunhuUserAccess {
	token: string;
	baseUrl: string;
	/** Where uploads go instead of Qiniu's own hosts (a proxy, or a local emulator); empty for Qiniu's. */
	uploadUrl: string;
}

export interface YunhuBotAccess {
	token: string;
	baseUrl: string;
}

function httpUrl(value: unknown, credential: string, field: string, fallback: string): string {
	const url = String(value || fallback)
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/\S+$/i.test(url))
		throw new CredentialInputError(credential, field, 'must be an http(s):// URL');
	return url;
}

function token(value: unknown, credential: string): string {
	const text = String(value ?? '').trim();
	if (!text) throw new CredentialInputError(credential, 'Token', 'is required');
	return text;
}

export function readYunhuUserCredential(
	credentials: ICredentialDataDecryptedObject,
): YunhuUserAccess {
	const name = YUNHU_USER_CREDENTIAL_NAME;
	return {
		token: token(credentials.token, name),
		baseUrl: httpUrl(credentials.baseUrl, name, 'Base URL', YUNHU_DEFAULT_BASE_URL),
		uploadUrl: credentials.uploadUrl ? httpUrl(credentials.uploadUrl, name, 'Upload URL', '') : '',
	};
}

export function readYunhuBotCredential(
	credentials: ICredentialDataDecryptedObject,
): YunhuBotAccess {
	const name = YUNHU_BOT_CREDENTIAL_NAME;
	return {
		token: token(credentials.token, name),
		baseUrl: httpUrl(credentials.baseUrl, name, 'Base URL', YUNHU_DEFAULT_BOT_BASE_URL),
	};
}
