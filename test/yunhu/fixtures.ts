import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { YunhuEmulator } from '../emulators/yunhu';
import type { RunResult, WorkflowJson } from '../harness/engine';
import { runNode } from '../harness/run';

export const USER_TOKEN = 'a1b2c3d4-user-token-0001';
export const USER_ID = '7356666';
export const FRIEND_ID = '8001234';
export const BOT_TOKEN = '016ec8e4d17a4fbda3ccb0e99b44aca0';
export const BOT_ID = '37090343';
export const GROUP_ID = '307149245';

export async function startYunhu(): Promise<YunhuEmulator> {
	const emulator = new YunhuEmulator();
	await emulator.start();
	emulator.addUser({ token: USER_TOKEN, id: USER_ID, name: 'Ann' });
	emulator.addUser({ token: 'friend-token', id: FRIEND_ID, name: 'Bo Li' });
	emulator.addBot({
		token: BOT_TOKEN,
		botId: BOT_ID,
		name: 'Helper Bot',
		friends: [USER_ID, FRIEND_ID],
		groups: [GROUP_ID],
	});
	emulator.addGroup({ groupId: GROUP_ID, name: 'Team', members: [USER_ID, FRIEND_ID] });
	return emulator;
}

export function userCredentials(
	emulator: YunhuEmulator,
	token = USER_TOKEN,
): ICredentialDataDecryptedObject {
	return { token, baseUrl: emulator.baseUrl, uploadUrl: emulator.qiniuUploadUrl };
}

export function botCredentials(
	emulator: YunhuEmulator,
	token = BOT_TOKEN,
): ICredentialDataDecryptedObject {
	return { token, baseUrl: emulator.openApiBaseUrl };
}

export type Api = 'userApi' | 'botApi';

export function yunhuWorkflow(api: Api, parameters: Record<string, unknown>): WorkflowJson {
	return {
		nodes: [
			{
				name: 'Yunhu',
				type: 'yunhu',
				typeVersion: 1,
				parameters: { authentication: api, resource: 'message', ...parameters } as never,
				credentials: {
					[api === 'userApi' ? 'yunhuUserApi' : 'yunhuBotApi']: { id: '1', name: 'Yunhu' },
				},
			},
		],
	};
}

/** Run one Yunhu node; `parameters` are its parameters (continueOnFail sets the node setting). */
export async function runYunhu(
	emulator: YunhuEmulator,
	api: Api,
	parameters: Record<string, unknown>,
	input: INodeExecutionData[] = [{ json: {} }],
	credentials?: ICredentialDataDecryptedObject,
): Promise<RunResult> {
	const type = api === 'userApi' ? 'yunhuUserApi' : 'yunhuBotApi';
	const data =
		credentials ?? (api === 'userApi' ? userCredentials(emulator) : botCredentials(emulator));
	return await runNode(yunhuWorkflow(api, {}), {
		input,
		parameters,
		credentials: { [type]: data },
	});
}

/** Requests to one path of the emulator. */
export function calls(emulator: YunhuEmulator, path: string) {
	return emulator.http.requests.filter((r) => r.path === path);
}
