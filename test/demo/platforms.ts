/** What the demo needs per platform: an emulator, credentials pointing at it, input items, a summary. */
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { binaryItem, CredentialStore, type WorkflowJson } from '../harness/engine';

import type { RecordedRequest } from '../emulators/common';
import { MixinEmulator } from '../emulators/mixin';
import { MixinBlazeEmulator } from '../emulators/mixin-blaze';
import { activateTrigger } from '../harness/trigger';
import { TencentImEmulator } from '../emulators/tencent-im';
import { YunhuEmulator } from '../emulators/yunhu';
import { startWebhookReceiver } from '../harness/receiver';
import { BOT_ID, SEED_HEX, SESSION_ID, USER_ID, publicKeyOf } from '../mixin/fixtures';
import { ADMIN, SDK_APP_ID, SECRET_KEY } from '../tencent-im/fixtures';
import {
	BOT_ID as YUNHU_BOT_ID,
	BOT_TOKEN,
	FRIEND_ID,
	GROUP_ID,
	USER_ID as YUNHU_USER_ID,
	USER_TOKEN,
	botCredentials,
	userCredentials,
} from '../yunhu/fixtures';
import {
	ACCOUNT,
	CUSTOMER,
	startReceiver,
	startYunzhenji,
	triggerWorkflow,
	yunzhenjiCredentials,
} from '../yunzhenji/fixtures';

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
		emulator.registerSession({
			appId: BOT_ID,
			sessionId: SESSION_ID,
			publicKey: publicKeyOf(SEED_HEX),
		});
		// the bot's Blaze WebSocket, which the Mixin Messenger Trigger listens on
		const blaze = new MixinBlazeEmulator(emulator);
		// a user who never talked to the bot: the first send gets 403, the node opens the conversation
		emulator.addUser({ userId: USER_ID, hasConversation: false });
		const credentials = {
			mixinMessengerApi: {
				keyFormat: 'keystore',
				keystoreSecret: JSON.stringify({
					app_id: BOT_ID,
					session_id: SESSION_ID,
					session_private_key: SEED_HEX,
				}),
				baseUrl: emulator.baseUrl,
				blazeUrl: blaze.url,
			},
		};
		return {
			emulator,
			credentials,
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
			summary: async () => {
				const lines = [
					`stored messages: ${emulator.messages.map((m) => m.category).join(', ')}`,
					`acknowledgements: ${emulator.acknowledgements.map((a) => a.status).join(', ')}`,
				];
				if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function') {
					return [
						...lines,
						'Mixin Messenger Trigger: skipped (Node 20 needs --experimental-websocket; npm run demo sets it)',
					];
				}
				// the user answers; the trigger, connected to the bot's Blaze WebSocket, starts a run and then acknowledges
				const trigger = await activateTrigger(
					{
						nodes: [
							{
								name: 'Mixin Messenger Trigger',
								type: 'mixinMessengerTrigger',
								typeVersion: 1,
								parameters: {} as never,
								credentials: { mixinMessengerApi: { id: '1', name: 'Mixin bot' } },
							},
						],
					},
					{ credentials },
				);
				try {
					const pushed = blaze.pushText(USER_ID, 'Thanks, 312 builds looks right');
					const [item] = await trigger.waitForItems(1);
					await trigger.settled();
					const ack = await blaze.waitForAck(pushed.message_id);
					return [
						...lines,
						'Mixin Messenger Trigger emitted:',
						`  ${String(item.event)} from ${String(item.user_id)} in a ${String(item.conversation_type)} conversation: "${String(item.text)}"`,
						`  acknowledged ${ack.status} ${{ socket: 'over the socket', 'socket-batch': 'in a batch over the socket', http: 'by POST /acknowledgements' }[ack.channel]} once the execution had run`,
					];
				} finally {
					await trigger.close();
				}
			},
		};
	},
};

const tencentIm: Demo = {
	platform: 'Tencent IM',
	file: 'tencent-im.json',
	async start() {
		const emulator = new TencentImEmulator({
			apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }],
		});
		await emulator.start();
		emulator.importAccount('bob');
		const store = new CredentialStore({
			tencentImApi: {
				sdkAppId: SDK_APP_ID,
				adminIdentifier: ADMIN,
				secretKey: SECRET_KEY,
				region: 'custom',
				customBaseUrl: emulator.baseUrl,
				userSigLifetime: 3600,
			},
		});
		// the Tencent Cloud IM Trigger at the app's callback URL, with "Enable authentication" on
		const trigger: WorkflowJson = {
			nodes: [
				{
					name: 'Tencent Cloud IM Trigger',
					type: 'tencentImTrigger',
					typeVersion: 1,
					webhookId: 'tim-demo',
					parameters: { callbackToken: 'demo-callback-token' } as never,
					credentials: { tencentImApi: { id: '1', name: 'Tencent IM app' } },
				},
			],
		};
		const receiver = await startWebhookReceiver(
			trigger,
			{ credentials: store },
			'Tencent Cloud IM Trigger',
		);
		emulator.setCallback(SDK_APP_ID, {
			url: receiver.url,
			token: 'demo-callback-token',
			commands: ['C2C.CallbackAfterSendMsg'],
		});
		return {
			emulator,
			credentials: store,
			input: [{ json: { userId: 'alice' } }],
			summary: async () => {
				// alice answers from her phone: a client message, which the trigger passes on
				await emulator.pushCallback(
					SDK_APP_ID,
					{
						CallbackCommand: 'C2C.CallbackAfterSendMsg',
						From_Account: 'alice',
						To_Account: ADMIN,
						MsgSeq: 1,
						MsgRandom: 4242,
						MsgTime: Math.floor(Date.now() / 1000),
						MsgKey: `1_4242_${Math.floor(Date.now() / 1000)}`,
						OnlineOnlyFlag: 0,
						SendMsgResult: 0,
						ErrorInfo: 'send msg succeed',
						UnreadMsgNum: 1,
						MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Thanks, got it!' } }],
					},
					{ optPlatform: 'Android' },
				);
				await emulator.settle();
				await receiver.settle();
				return [
					`stored messages: ${emulator.messages.map((m) => `${m.To_Account}${m.recalled ? ' (recalled)' : ''}`).join(', ')}`,
					`alice's unread count now: ${emulator.unread('alice')}`,
					`signed callbacks sent: ${emulator.callbacks.length} (the node's own REST sends are dropped by the trigger's loop guard)`,
					'Tencent Cloud IM Trigger emitted:',
					...receiver
						.items()
						.map(
							(i) =>
								`  ${String(i.callbackCommand)} ${String(i.From_Account)} → ${String(i.To_Account)} via ${String(i.optPlatform)}: "${String(i.text)}"`,
						),
				];
			},
			stop: receiver.stop,
		};
	},
};

/** A 1×1 PNG, the "chart" the Yunhu demo uploads. */
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
		'1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
	'hex',
);

const yunhu: Demo = {
	platform: 'Yunhu',
	file: 'yunhu.json',
	async start() {
		const emulator = new YunhuEmulator();
		await emulator.start();
		// the bot's subscription URL is a Yunhu Trigger: Yunhu pushes the group's messages to it
		const trigger: WorkflowJson = {
			nodes: [
				{
					name: 'Yunhu Trigger',
					type: 'yunhuTrigger',
					typeVersion: 1,
					webhookId: 'yunhu-demo',
					parameters: { secret: 'demo-secret' } as never,
				},
			],
		};
		const receiver = await startWebhookReceiver(trigger, {}, 'Yunhu Trigger');
		emulator.addUser({ token: USER_TOKEN, id: YUNHU_USER_ID, name: 'Ann' });
		emulator.addUser({ token: 'friend-token', id: FRIEND_ID, name: 'Bo Li' });
		emulator.addBot({
			token: BOT_TOKEN,
			botId: YUNHU_BOT_ID,
			name: 'Helper Bot',
			friends: [YUNHU_USER_ID, FRIEND_ID],
			groups: [GROUP_ID],
			webhookUrl: `${receiver.url}?secret=demo-secret`,
		});
		emulator.addGroup({ groupId: GROUP_ID, name: 'Team', members: [YUNHU_USER_ID, FRIEND_ID] });
		return {
			emulator,
			credentials: {
				yunhuUserApi: userCredentials(emulator),
				yunhuBotApi: botCredentials(emulator),
			},
			input: [binaryItem(PNG, 'chart.png', 'image/png', { groupId: GROUP_ID })],
			summary: async () => {
				await emulator.settle();
				await receiver.settle();
				return [
					`group messages now: ${emulator
						.chatMessages({ group: GROUP_ID })
						.map((m) => `${m.senderType}:${m.content.text ?? m.content.image}`)
						.join(' | ')}`,
					`uploads: ${[...emulator.uploads.keys()].join(', ')}`,
					'Yunhu Trigger emitted:',
					...receiver
						.items()
						.map(
							(i) =>
								`  ${String(i.eventType)} from ${String(i.senderNickname)} in ${String(i.chatType)} ${String(i.chatId)}: ${String(i.contentType)}, reply to ${JSON.stringify(i.replyTo)}`,
						),
				];
			},
			stop: receiver.stop,
		};
	},
};

const yunzhenji: Demo = {
	platform: 'Yunzhenji',
	file: 'yunzhenji.json',
	async start() {
		const emulator = await startYunzhenji();
		// a customer whose phone refuses messages: its send comes back as chatMsgSendFail
		emulator.addCustomer({
			wxid: '7881300000000fail',
			nickname: 'Unreachable',
			relWxids: [ACCOUNT],
		});
		const store = new CredentialStore({ yunzhenjiApi: yunzhenjiCredentials(emulator) });
		// the Yunzhenji Trigger listens where the back office would post the callbacks
		const receiver = await startReceiver(store, triggerWorkflow());
		emulator.setCallbackUrl(receiver.url);
		return {
			emulator,
			credentials: store,
			input: [
				{ json: { account: ACCOUNT, customer: CUSTOMER } },
				{ json: { account: ACCOUNT, customer: '7881300000000fail' } },
			],
			summary: async () => {
				await emulator.flushCallbacks();
				await receiver.settle();
				return [
					`the phone sent: ${emulator.sends.map((s) => `${s.msgType} (${s.status})`).join(', ')}`,
					'Yunzhenji Trigger emitted:',
					...receiver
						.items()
						.map(
							(i) =>
								`  ${String(i.type)} to ${String(i.to_wxid)} api_send_id=${String(i.api_send_id)}${i.err_msg ? ` — failed: ${String(i.err_msg)}` : ''}`,
						),
				];
			},
			stop: receiver.stop,
		};
	},
};

export const demos: Demo[] = [mixin, tencentIm, yunhu, yunzhenji];
