import axios from 'axios';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { MixinEmulator } from './emulators/mixin';
import { TencentImEmulator } from './emulators/tencent-im';
import { YunhuEmulator } from './emulators/yunhu';
import { runCredentialTest } from './harness/engine';
import {
	BOT_ID,
	SEED_HEX,
	SESSION_ID,
	fieldCredentials,
	keystoreCredentials,
	publicKeyOf,
} from './mixin/fixtures';
import { ADMIN, SDK_APP_ID, SECRET_KEY, tencentCredentials } from './tencent-im/fixtures';
import {
	BOT_TOKEN,
	USER_TOKEN,
	botCredentials,
	startYunhu,
	userCredentials,
} from './yunhu/fixtures';

/** Send a signed test request the way n8n's HTTP helper would, returning the parsed JSON body. */
async function send(request: IHttpRequestOptions) {
	const response = await axios.request({
		baseURL: request.baseURL,
		url: request.url,
		method: request.method ?? 'GET',
		params: request.qs,
		data: request.body,
		headers: request.headers as Record<string, string>,
		validateStatus: () => true,
	});
	return { statusCode: response.status, body: response.data as unknown };
}

describe('Credential tests as n8n runs them', () => {
	test('Mixin: GET /me passes with the right key and fails on Mixin error bodies (HTTP 202)', async () => {
		const emu = new MixinEmulator();
		await emu.start();
		emu.registerSession({ appId: BOT_ID, sessionId: SESSION_ID, publicKey: publicKeyOf(SEED_HEX) });
		try {
			const good = await runCredentialTest(
				'mixinMessengerApi',
				keystoreCredentials(emu.baseUrl),
				send,
			);
			expect(good.status).toBe('OK');
			expect(emu.http.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
				'GET /me 200',
			]);
			const bad = await runCredentialTest(
				'mixinMessengerApi',
				fieldCredentials(
					emu.baseUrl,
					'4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
				),
				send,
			);
			expect(emu.http.requests[1].status).toBe(202);
			expect(bad).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/Mixin refused the session/),
			});
		} finally {
			await emu.stop();
		}
	});

	test('Tencent: account_check passes with the right key and fails on ActionStatus FAIL', async () => {
		const emu = new TencentImEmulator({
			apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }],
		});
		await emu.start();
		try {
			const good = await runCredentialTest('tencentImApi', tencentCredentials(emu.baseUrl), send);
			expect(good.status).toBe('OK');
			const [call] = emu.http.requests;
			expect(call.path).toBe('/v4/im_open_login_svc/account_check');
			expect(call.json).toEqual({ CheckItem: [{ UserID: ADMIN }] });
			expect(call.query.get('identifier')).toBe(ADMIN);
			const bad = await runCredentialTest(
				'tencentImApi',
				tencentCredentials(emu.baseUrl, { secretKey: 'wrong' }),
				send,
			);
			expect(bad).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/refused the credential/),
			});
		} finally {
			await emu.stop();
		}
	});

	test('Tencent: a region resolves to its REST host', async () => {
		const result = await runCredentialTest(
			'tencentImApi',
			tencentCredentials('', { region: 'https://adminapisgp.im.qcloud.com' }),
			async () => ({ statusCode: 200, body: { ActionStatus: 'OK', ErrorCode: 0 } }),
		);
		expect(result.request.baseURL).toBe('https://adminapisgp.im.qcloud.com');
		expect(result.status).toBe('OK');
	});

	describe('Yunhu', () => {
		let emu: YunhuEmulator;
		beforeEach(async () => {
			emu = await startYunhu();
		});
		afterEach(async () => {
			await emu.stop();
		});

		test('User API: GET /v1/user/info with the token header passes; a stale token fails on its JSON -101', async () => {
			const good = await runCredentialTest('yunhuUserApi', userCredentials(emu), send);
			expect(good.status).toBe('OK');
			expect(
				emu.http.requests.map((r) => `${r.method} ${r.path} ${String(r.headers.token)}`),
			).toEqual([`GET /v1/user/info ${USER_TOKEN}`]);
			const bad = await runCredentialTest('yunhuUserApi', userCredentials(emu, 'stale'), send);
			expect(bad).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/not logged in \(-101\)/),
			});
		});

		test('Bot API: a read of no chat passes with a good token, fails on 1003 and on a missing token', async () => {
			const good = await runCredentialTest('yunhuBotApi', botCredentials(emu), send);
			expect(good.status).toBe('OK');
			expect(emu.http.requests[0].query.get('token')).toBe(BOT_TOKEN);
			const wrong = await runCredentialTest('yunhuBotApi', botCredentials(emu, 'nope'), send);
			expect(wrong).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/refused the bot token/),
			});
			const none = await runCredentialTest('yunhuBotApi', botCredentials(emu, ''), send);
			expect(none).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/no bot token/),
			});
		});
	});
});
