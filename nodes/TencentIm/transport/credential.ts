/**
 * The Tencent Cloud IM API credential read into what requests need, and the per-request UserSig its `authenticate`
 * adds. The credential file calls these; the node calls `readTencentImCredential` before its first request.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { CredentialInputError } from '../../common/errors';
import './secrets';
import { generateUserSig } from './signing';

export const TENCENT_IM_CREDENTIAL_TYPE = 'tencentImApi';
export const TENCENT_IM_CREDENTIAL_NAME = 'Tencent Cloud IM API';

/** REST API hosts by data centre of the SDKAppID; the option value is the host itself. */
export const TENCENT_IM_REGIONS = [
	{ name: 'China', value: 'https://console.tim.qq.com' },
	{ name: 'Singapore', value: 'https://adminapisgp.im.qcloud.com' },
	{ name: 'Seoul', value: 'https://adminapikr.im.qcloud.com' },
	{ name: 'Tokyo', value: 'https://adminapijpn.im.qcloud.com' },
	{ name: 'Frankfurt', value: 'https://adminapiger.im.qcloud.com' },
	{ name: 'Silicon Valley', value: 'https://adminapiusa.im.qcloud.com' },
	{ name: 'Jakarta', value: 'https://adminapiidn.im.qcloud.com' },
	{ name: 'Mumbai', value: 'https://adminapiind.im.qcloud.com' },
];

export const DEFAULT_USERSIG_LIFETIME_SECONDS = 3600;

export interface TencentImAccess {
	baseUrl: string;
	sdkAppId: number;
	identifier: string;
	secretKey: string;
	lifetimeSeconds: number;
}

function problem(field: string, detail: string): CredentialInputError {
	return new CredentialInputError(TENCENT_IM_CREDENTIAL_NAME, field, detail);
}

/** Read the credential, or fail naming the field that is wrong. */
export function readTencentImCredential(
	credentials: ICredentialDataDecryptedObject,
): TencentImAccess {
	const sdkAppId = Number(credentials.sdkAppId);
	if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
		throw problem('SDKAppID', 'must be the positive number shown in the IM console');
	}
	const identifier = String(credentials.adminIdentifier ?? '').trim();
	if (!identifier) throw problem('Admin Identifier', 'is required');
	const secretKey = String(credentials.secretKey ?? '').trim();
	if (!secretKey) throw problem('Secret Key', 'is required');
	const lifetimeSeconds = Number(credentials.userSigLifetime ?? DEFAULT_USERSIG_LIFETIME_SECONDS);
	if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds <= 0) {
		throw problem('UserSig Lifetime', 'must be a positive whole number of seconds');
	}
	let baseUrl: string;
	if (credentials.region === 'custom') {
		baseUrl = String(credentials.customBaseUrl ?? '').trim();
		if (!/^https?:\/\/\S+$/i.test(baseUrl))
			throw problem('Custom Base URL', 'must be an http(s):// URL');
	} else {
		const region = TENCENT_IM_REGIONS.find((r) => r.value === credentials.region);
		if (!region) throw problem('Region', 'is not a known data centre');
		baseUrl = region.value;
	}
	return { baseUrl: baseUrl.replace(/\/+$/, ''), sdkAppId, identifier, secretKey, lifetimeSeconds };
}

/** A random unsigned 32-bit integer for the `random` query parameter of each request. */
function requestRandom(): number {
	return Math.floor(Math.random() * 0x1_0000_0000);
}

/** Add sdkappid, identifier, a fresh UserSig, random and contenttype to the query of one request. */
export async function signTencentImRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const access = readTencentImCredential(credentials);
	const usersig = await generateUserSig({
		sdkAppId: access.sdkAppId,
		secretKey: access.secretKey,
		identifier: access.identifier,
		expireSeconds: access.lifetimeSeconds,
	});
	return {
		...requestOptions,
		baseURL: requestOptions.baseURL || access.baseUrl,
		qs: {
			...(requestOptions.qs ?? {}),
			sdkappid: access.sdkAppId,
			identifier: access.identifier,
			usersig,
			random: requestRandom(),
			contenttype: 'json',
		},
		headers: {
			...(requestOptions.headers ?? {}),
			'Content-Type': 'application/json; charset=utf-8',
		},
	};
}
