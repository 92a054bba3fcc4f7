/** What the demo needs per platform: an emulator, credentials pointing at it, input items, a summary. */
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import type { RecordedRequest } from '../emulators/common';
import { MixinEmulator } from '../emulators/mixin';
import { TencentImEmulator } from '../emulators/tencent-im';
import { BOT_ID, SEED_HEX, SESSION_ID, USER_ID, publicKeyOf } from '../mixin/fixtures';
import { ADMIN, SDK_APP_ID, SECRET_KEY } from '../tencent-im/fixtures';

export interface DemoEmulator {
	baseUrl: string;
	http: { requests: RecordedRequest[] };
	stop(): Promise<void>;
}

/** One platform's part of the demo, set up fresh for each run. */
export interface DemoSetup {
	emulator: DemoEmulator;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	input: INodeExecutionData[];
	/** Lines describing what the emulator ended up holding. */
	summary(): string[];
}

export interface Demo {
	platform: string;
	file: string;
	start(): Promise<DemoSetup>;
}

const mixin: Demo = {
	platform: 'Mixin',
	file: 'mixin-messenger.json',
	async start() {
		const emulator = new MixinEmulator();
		await emulator.start();
		emulator.registerSession({ appId: BOT_ID, sessionId: SESSION_ID, publicKey: publicKeyOf(SEED_HEX) });
		// a user who never talked to the bot: the first send gets 403, the node opens the conversation
		emulator.addUser({ userId: USER_ID, hasConversation: false });
		return {
			emulator,
			credentials: {
				mixinMessengerApi: {
					keyFormat: 'keystore',
					keystoreSecret: JSON.stringify({ app_id: BOT_ID, session_id: SESSION_ID, session_private_key: SEED_HEX }),
					baseUrl: emulator.baseUrl,
				},
			},
			input: [
				{
					json: { userId: USER_ID },
					binary: {
						data: {
							data: Buffer.from('date,builds\n2026-11-21,312\n').toString('base64'),
							mimeType: 'text/csv',
							fileName: 'builds.csv',
						},
					},
				},
			],
			summary: () => [
				`stored messages: ${emulator.messages.map((m) => m.category).join(', ')}`,
				`acknowledgements: ${emulator.acknowledgements.map((a) => a.status).join(', ')}`,
			],
		};
	},
};

const tencentIm: Demo = {
	platform: 'Tencent IM',
	file: 'tencent-im.json',
	async start() {
		const emulator = new TencentImEmulator({ apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }] });
		await emulator.start();
		emulator.importAccount('bob');
		return {
			emulator,
			credentials: {
				tencentImApi: {
					sdkAppId: SDK_APP_ID,
					adminIdentifier: ADMIN,
					secretKey: SECRET_KEY,
					region: 'custom',
					customBaseUrl: emulator.baseUrl,
					userSigLifetime: 3600,
				},
			},
			input: [{ json: { userId: 'alice' } }],
			summary: () => [
				`stored messages: ${emulator.messages.map((m) => `${m.To_Account}${m.recalled ? ' (recalled)' : ''}`).join(', ')}`,
				`alice's unread count now: ${emulator.unread('alice')}`,
			],
		};
	},
};

export const demos: Demo[] = [mixin, tencentIm];
