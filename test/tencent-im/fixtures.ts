import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { TencentImEmulator, type TencentImEmulatorOptions } from '../emulators/tencent-im';
import type { RunResult, WorkflowJson } from '../harness/engine';
import { loadWorkflow as loadFixture, runNode } from '../harness/run';

/** Tencent's own sample key and app id, as in the reference's UserSig vectors. */
export const SDK_APP_ID = 1400000000;
export const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
export const ADMIN = 'administrator';

export async function startTencent(
	opts: Partial<TencentImEmulatorOptions> = {},
): Promise<TencentImEmulator> {
	const emulator = new TencentImEmulator({
		apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }],
		...opts,
	});
	await emulator.start();
	for (const id of ['alice', 'bob', 'carol']) emulator.importAccount(id);
	return emulator;
}

export function tencentCredentials(
	baseUrl: string,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		sdkAppId: SDK_APP_ID,
		adminIdentifier: ADMIN,
		secretKey: SECRET_KEY,
		region: 'custom',
		customBaseUrl: baseUrl,
		userSigLifetime: 3600,
		...overrides,
	};
}

export function loadWorkflow(name: string): WorkflowJson {
	return loadFixture(__dirname, name);
}

/** Run a one-node Tencent IM workflow with `parameters` merged over the fixture's. */
export async function runTencent(
	emulator: TencentImEmulator,
	workflow: string,
	input: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
	credentials: ICredentialDataDecryptedObject = tencentCredentials(emulator.baseUrl),
): Promise<RunResult> {
	return await runNode(loadWorkflow(workflow), {
		input,
		parameters,
		credentials: { tencentImApi: credentials },
	});
}

export function calls(emulator: TencentImEmulator, api?: string) {
	return emulator.http.requests.filter((r) => !api || r.path === `/v4/${api}`);
}
