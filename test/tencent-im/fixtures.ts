import * as fs from 'node:fs';
import * as path from 'node:path';

import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { TencentImEmulator, type TencentImEmulatorOptions } from '../emulators/tencent-im';
import { runWorkflow, type RunResult, type WorkflowJson } from '../harness/engine';

/** Tencent's own sample key and app id, as in the reference's UserSig vectors. */
export const SDK_APP_ID = 1400000000;
export const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
export const ADMIN = 'administrator';

export async function startTencent(opts: Partial<TencentImEmulatorOptions> = {}): Promise<TencentImEmulator> {
	const emulator = new TencentImEmulator({ apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }], ...opts });
	await emulator.start();
	for (const id of ['alice', 'bob', 'carol']) emulator.importAccount(id);
	return emulator;
}

export function tencentCredentials(baseUrl: string, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
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
	return JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', `${name}.json`), 'utf8')) as WorkflowJson;
}

export const FAST_RETRY = { retryAttempts: 4, retryDelayMs: 5, timeoutMs: 2000 };

/** Run a one-node Tencent IM workflow with `parameters` merged over the fixture's. */
export async function runTencent(
	emulator: TencentImEmulator,
	workflow: string,
	input: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
	credentials: ICredentialDataDecryptedObject = tencentCredentials(emulator.baseUrl),
): Promise<RunResult> {
	const wf = loadWorkflow(workflow);
	const node = wf.nodes[0];
	const { continueOnFail, ...rest } = parameters;
	node.parameters = { requestOptions: FAST_RETRY, ...node.parameters, ...rest } as typeof node.parameters;
	if (continueOnFail !== undefined) node.continueOnFail = continueOnFail as boolean;
	return await runWorkflow(wf, { input, credentials: { tencentImApi: credentials } });
}

export function calls(emulator: TencentImEmulator, api?: string) {
	return emulator.http.requests.filter((r) => !api || r.path === `/v4/${api}`);
}
