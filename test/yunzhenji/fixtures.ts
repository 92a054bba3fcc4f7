import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { YunzhenjiEmulator, type YunzhenjiEmulatorOptions } from '../emulators/yunzhenji';
import { CredentialStore, type RunResult, type WorkflowJson } from '../harness/engine';
import { startWebhookReceiver } from '../harness/receiver';
import { runNode } from '../harness/run';

export const APP_ID = 'yzj-app-0001';
export const APP_SECRET = 'app-secret-7a6b5c4d3e2f';
/** A 43-character EncodingAESKey (base64 of 32 bytes without the trailing =). */
export const AES_KEY = Buffer.from('0123456789abcdef0123456789abcdef')
	.toString('base64')
	.replace(/=$/, '');
export const ACCOUNT = '1688850320220535';
export const CUSTOMER = '7881300000000001';
export const GROUP = 'R:10950860258535721';

export async function startYunzhenji(
	opts: Partial<YunzhenjiEmulatorOptions> = {},
): Promise<YunzhenjiEmulator> {
	const emulator = new YunzhenjiEmulator({
		apps: [{ appId: APP_ID, appSecret: APP_SECRET, encodingAesKey: AES_KEY }],
		...opts,
	});
	await emulator.start();
	emulator.addAccount({ wxid: ACCOUNT, nickname: 'Sales 1' });
	emulator.addCustomer({
		wxid: CUSTOMER,
		nickname: 'Wang',
		relWxids: [ACCOUNT],
		roomWxids: [GROUP],
	});
	emulator.addGroup({ wxid: GROUP, name: 'VIP', relWxids: [ACCOUNT], memberWxids: [CUSTOMER] });
	return emulator;
}

export function yunzhenjiCredentials(
	emulator: YunzhenjiEmulator,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
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
				parameters: {
					resource: 'message',
					operation: 'send',
					wxid: ACCOUNT,
					targetWxid: CUSTOMER,
					...parameters,
				} as never,
				credentials: { yunzhenjiApi: { id: '1', name: 'Yunzhenji' } },
			},
		],
	};
}

/** A store per test, so a fetched token is kept between runs as n8n keeps it. */
export function storeFor(
	emulator: YunzhenjiEmulator,
	overrides: ICredentialDataDecryptedObject = {},
): CredentialStore {
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

/** A callback receiver running the Yunzhenji Trigger workflow (see test/harness/receiver.ts). */
export async function startReceiver(store: CredentialStore, workflow: WorkflowJson) {
	return await startWebhookReceiver(workflow, { credentials: store }, 'Yunzhenji Trigger');
}
