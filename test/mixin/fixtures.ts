import { createPrivateKey, createPublicKey } from 'node:crypto';

import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { MixinEmulator } from '../emulators/mixin';
import type { RunResult, WorkflowJson } from '../harness/engine';
import { loadWorkflow as loadFixture, runNode } from '../harness/run';

export { everythingShown } from '../harness/run';

/** The reference's signing example: RFC 8032 test key 1 and the seed document's ids. */
export const SEED_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
export const LEGACY_PRIVATE_KEY =
	'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL_tPJZAc6DuFy89qmIyWvAhpo9wdRGg';
export const BOT_ID = '11efbb75-e7fe-44d7-a14f-698535289310';
export const SESSION_ID = 'afad4c37-b90e-43c2-adc2-e6e1bd31ae94';
export const USER_ID = 'e8e8cd79-cd40-4796-8c54-3a13cfe50115';
export const CONVERSATION_ID = 'dd219235-e83a-3b85-a13f-d0f20fa0e833';

export function publicKeyOf(seedHex: string): Buffer {
	const key = createPrivateKey({
		key: Buffer.concat([
			Buffer.from('302e020100300506032b657004220420', 'hex'),
			Buffer.from(seedHex, 'hex'),
		]),
		format: 'der',
		type: 'pkcs8',
	});
	return Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x as string, 'base64url');
}

export async function startMixin(
	opts: ConstructorParameters<typeof MixinEmulator>[0] = {},
): Promise<MixinEmulator> {
	const emulator = new MixinEmulator(opts);
	await emulator.start();
	emulator.registerSession({
		appId: BOT_ID,
		sessionId: SESSION_ID,
		publicKey: publicKeyOf(SEED_HEX),
	});
	// a user who already talks to the bot; tests of the first contact add their own
	emulator.addUser({ userId: USER_ID, hasConversation: true });
	return emulator;
}

export function keystoreCredentials(baseUrl: string): ICredentialDataDecryptedObject {
	return {
		keyFormat: 'keystore',
		keystoreSecret: JSON.stringify({
			app_id: BOT_ID,
			session_id: SESSION_ID,
			server_public_key: 'b'.repeat(64),
			session_private_key: SEED_HEX,
		}),
		baseUrl,
	};
}

export function fieldCredentials(
	baseUrl: string,
	privateKey = SEED_HEX,
): ICredentialDataDecryptedObject {
	return {
		keyFormat: 'fields',
		appId: BOT_ID,
		sessionId: SESSION_ID,
		sessionPrivateKey: privateKey,
		baseUrl,
	};
}

export function loadWorkflow(name: string): WorkflowJson {
	return loadFixture(__dirname, name);
}

/** Run a one-node Mixin workflow: `parameters` are merged over the fixture's node parameters. */
export async function runMixin(
	emulator: MixinEmulator,
	workflow: string | WorkflowJson,
	input: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
	credentials: ICredentialDataDecryptedObject = keystoreCredentials(emulator.baseUrl),
): Promise<RunResult> {
	const wf = typeof workflow === 'string' ? loadWorkflow(workflow) : workflow;
	return await runNode(wf, { input, parameters, credentials: { mixinMessengerApi: credentials } });
}
