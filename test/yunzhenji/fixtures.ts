import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { YunzhenjiEmulator, type YunzhenjiEmulatorOptions } from '../emulators/yunzhenji';
import { CredentialStore, runWebhook, type RunResult, type WebhookResult, type WorkflowJson } from '../harness/engine';
import { runNode } from '../harness/run';

export const APP_ID = 'yzj-app-0001';
export const APP_SECRET = 'app-secret-7a6b5c4d3e2f';
/** A 43-character EncodingAESKey (base64 of 32 bytes without the trailing =). */
export const AES_KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64').replace(/=$/, '');
export const ACCOUNT = '1688850320220535';
export const CUSTOMER = '7881300000000001';
export const GROUP = 'R:10950860258535721';

export async function startYunzhenji(opts: Partial<YunzhenjiEmulatorOptions> = {}): Promise<YunzhenjiEmulator> {
	const emulator = new YunzhenjiEmulator({ apps: [{ appId: APP_ID, appSecret: APP_SECRET, encodingAesKey: AES_KEY }], ...opts });
	await emulator.start();
	emulator.addAccount({ wxid: ACCOUNT, nickname: 'Sales 1' });
	emulator.addCustomer({ wxid: CUSTOMER, nickname: 'Wang', relWxids: [ACCOUNT], roomWxids: [GROUP] });
	emulator.addGroup({ wxid: GROUP, name: 'VIP', relWxids: [ACCOUNT], memberWxids: [CUSTOMER] });
	return emulator;
}

export function yunzhenjiCredentials(emulator: YunzhenjiEmulator, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		appId: APP_ID,
		accessMode: 'fetch',
		appSecret: APP_SECRET,
		grantType: 'client_credential',
		encodingAesSecret: AES_KEY,
		baseUrl: emulator.baseUrl,
		sessionToken: '',
		sessionTokenExpiresAt: 0,
		...overrides,
	};
}

export function yunzhenjiWorkflow(parameters: Record<string, unknown>): WorkflowJson {
	return {
		nodes: [
			{
				name: 'Yunzhenji',
				type: 'yunzhenji',
				typeVersion: 1,
				parameters: { resource: 'message', operation: 'send', wxid: ACCOUNT, targetWxid: CUSTOMER, ...parameters } as never,
				credentials: { yunzhenjiApi: { id: '1', name: 'Yunzhenji' } },
			},
		],
	};
}

/** A store per test, so a fetched token is kept between runs as n8n keeps it. */
export function storeFor(emulator: YunzhenjiEmulator, overrides: ICredentialDataDecryptedObject = {}): CredentialStore {
	return new CredentialStore({ yunzhenjiApi: yunzhenjiCredentials(emulator, overrides) });
}

export async function runYunzhenji(
	store: CredentialStore,
	parameters: Record<string, unknown>,
	input: INodeExecutionData[] = [{ json: {} }],
): Promise<RunResult> {
	return await runNode(yunzhenjiWorkflow({}), { input, parameters, credentials: store });
}

export const triggerWorkflow = (events = ['chatMsg', 'chatMsgSendFail']): WorkflowJson => ({
	nodes: [
		{
			name: 'Yunzhenji Trigger',
			type: 'yunzhenjiTrigger',
			typeVersion: 1,
			webhookId: 'yzj-hook',
			parameters: { events } as never,
			credentials: { yunzhenjiApi: { id: '1', name: 'Yunzhenji' } },
		},
	],
});

/**
 * A callback receiver that hands each request to the trigger as n8n's webhook handler would, answers what the
 * trigger answers, and keeps each result (the items the trigger started a run with).
 */
export async function startReceiver(store: CredentialStore, workflow: WorkflowJson) {
	const results: WebhookResult[] = [];
	const pending: Array<Promise<void>> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const answer = (response: WebhookResult['response']) => {
				if (res.headersSent) return;
				res.writeHead(response.status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(response.body));
			};
			const done = runWebhook(
				workflow,
				{ method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) },
				{ credentials: store, onResponse: answer },
			).then((result) => {
				results.push(result);
				answer(result.response);
			});
			pending.push(done);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/yzj-hook/webhook`,
		results,
		/** Wait until every callback received so far has run its workflow. */
		settle: async () => {
			await Promise.all(pending);
		},
		/** Items the trigger emitted, over all callbacks so far. */
		items: () => results.flatMap((r) => r.run?.output('Yunzhenji Trigger').map((i) => i.json) ?? []),
		stop: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
