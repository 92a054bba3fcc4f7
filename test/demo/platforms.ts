/** What the demo needs per platform: an emulator, credentials pointing at it, input items, a summary. */
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { binaryItem, CredentialStore } from '../harness/engine';

import type { RecordedRequest } from '../emulators/common';
import { MixinEmulator } from '../emulators/mixin';
import { TencentImEmulator } from '../emulators/tencent-im';
import { BOT_ID, SEED_HEX, SESSION_ID, USER_ID, publicKeyOf } from '../mixin/fixtures';
import { ADMIN, SDK_APP_ID, SECRET_KEY } from '../tencent-im/fixtures';
import { GROUP_ID, botCredentials, startYunhu, userCredentials } from '../yunhu/fixtures';
import { ACCOUNT, CUSTOMER, startReceiver, startYunzhenji, triggerWorkflow, yunzhenjiCredentials } from '../yunzhenji/fixtures';

export interface DemoEmulator {
	baseUrl: string;
	http: { requests: RecordedRequest[] };
	stop(): Promise<void>;
}

/** One platform's part of the demo, set up fresh for each run. */
export interface DemoSetup {
	emulator: DemoEmulator;
	credentials: Record<string, ICredentialDataDecryptedObject> | CredentialStore;
	input: INodeExecutionData[];
	/** Lines describing what the emulator ended up holding (after any callbacks it sent). */
	summary(): string[] | Promise<string[]>;
	/** Stops whatever else the demo started (a callback receiver). */
	stop?(): Promise<void>;
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

/** A 1×1 PNG, the "chart" the Yunhu demo uploads. */
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
	'hex',
);

const yunhu: Demo = {
	platform: 'Yunhu',
	file: 'yunhu.json',
	async start() {
		const emulator = await startYunhu();
		return {
			emulator,
			credentials: { yunhuUserApi: userCredentials(emulator), yunhuBotApi: botCredentials(emulator) },
			input: [binaryItem(PNG, 'chart.png', 'image/png', { groupId: GROUP_ID })],
			summary: () => [
				`group messages now: ${emulator.chatMessages({ group: GROUP_ID }).map((m) => `${m.senderType}:${m.content.text ?? m.content.image}`).join(' | ')}`,
				`uploads: ${[...emulator.uploads.keys()].join(', ')}`,
			],
		};
	},
};

const yunzhenji: Demo = {
	platform: 'Yunzhenji',
	file: 'yunzhenji.json',
	async start() {
		const emulator = await startYunzhenji();
		// a customer whose phone refuses messages: its send comes back as chatMsgSendFail
		emulator.addCustomer({ wxid: '7881300000000fail', nickname: 'Unreachable', relWxids: [ACCOUNT] });
		const store = new CredentialStore({ yunzhenjiApi: yunzhenjiCredentials(emulator) });
		// the Yunzhenji Trigger listens where the back office would post the callbacks
		const receiver = await startReceiver(store, triggerWorkflow());
		emulator.setCallbackUrl(receiver.url);
		return {
			emulator,
			credentials: store,
			input: [{ json: { account: ACCOUNT, customer: CUSTOMER } }, { json: { account: ACCOUNT, customer: '7881300000000fail' } }],
			summary: async () => {
				await emulator.flushCallbacks();
				await receiver.settle();
				return [
					`the phone sent: ${emulator.sends.map((s) => `${s.msgType} (${s.status})`).join(', ')}`,
					'Yunzhenji Trigger emitted:',
					...receiver
						.items()
						.map((i) => `  ${String(i.type)} to ${String(i.to_wxid)} api_send_id=${String(i.api_send_id)}${i.err_msg ? ` — failed: ${String(i.err_msg)}` : ''}`),
				];
			},
			stop: receiver.stop,
		};
	},
};

export const demos: Demo[] = [mixin, tencentIm, yunhu, yunzhenji];
