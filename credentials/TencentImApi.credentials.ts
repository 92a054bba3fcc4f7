import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { credentialProblem } from '../nodes/common/errors';
import { generateUserSig } from '../nodes/TencentIm/transport/signing';

const CREDENTIAL_NAME = 'Tencent Cloud IM API';

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

/** Read the credential, or fail naming the field that is wrong. */
export function tencentImAccess(credentials: ICredentialDataDecryptedObject): TencentImAccess {
	const sdkAppId = Number(credentials.sdkAppId);
	if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
		throw credentialProblem(CREDENTIAL_NAME, 'SDKAppID', 'must be the positive number shown in the IM console');
	}
	const identifier = String(credentials.adminIdentifier ?? '').trim();
	if (!identifier) throw credentialProblem(CREDENTIAL_NAME, 'Admin Identifier', 'is required');
	const secretKey = String(credentials.secretKey ?? '').trim();
	if (!secretKey) throw credentialProblem(CREDENTIAL_NAME, 'Secret Key', 'is required');
	const lifetimeSeconds = Number(credentials.userSigLifetime ?? DEFAULT_USERSIG_LIFETIME_SECONDS);
	if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds <= 0) {
		throw credentialProblem(CREDENTIAL_NAME, 'UserSig Lifetime', 'must be a positive whole number of seconds');
	}
	let baseUrl: string;
	if (credentials.region === 'custom') {
		baseUrl = String(credentials.customBaseUrl ?? '').trim();
		if (!/^https?:\/\/\S+$/i.test(baseUrl)) {
			throw credentialProblem(CREDENTIAL_NAME, 'Custom Base URL', 'must be an http(s):// URL');
		}
	} else {
		const region = TENCENT_IM_REGIONS.find((r) => r.value === credentials.region);
		if (!region) throw credentialProblem(CREDENTIAL_NAME, 'Region', 'is not a known data centre');
		baseUrl = region.value;
	}
	return { baseUrl: baseUrl.replace(/\/+$/, ''), sdkAppId, identifier, secretKey, lifetimeSeconds };
}

/** A random unsigned 32-bit integer for the `random` query parameter of each request. */
function requestRandom(): number {
	return Math.floor(Math.random() * 0x1_0000_0000);
}

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
				{ name: 'Custom Base URL', value: 'custom', description: 'Another host, e.g. a backup domain or a local emulator' },
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
		const access = tencentImAccess(credentials);
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
			headers: { ...(requestOptions.headers ?? {}), 'Content-Type': 'application/json; charset=utf-8' },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.region === "custom" ? $credentials.customBaseUrl : $credentials.region}}',
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
					message: 'Tencent Cloud IM refused the credential: check SDKAppID, admin identifier, secret key and region',
				},
			},
		],
	};
}
