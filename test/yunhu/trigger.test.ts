import { YunhuEmulator } from '../emulators/yunhu';
import { CredentialStore, runWebhook, type WorkflowJson } from '../harness/engine';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/receiver';
import {
	BOT_ID,
	BOT_TOKEN,
	FRIEND_ID,
	GROUP_ID,
	USER_ID,
	USER_TOKEN,
	botCredentials,
	runYunhu,
	userCredentials,
} from './fixtures';

const HEX32 = expect.stringMatching(/^[0-9a-f]{32}$/);
const SECRET = 'hook-secret-6b1f';

/** Yunhu Trigger → Yunhu (bot) replying "echo: <text>" to wherever the message came from. */
const echoWorkflow = (events?: string[]): WorkflowJson => ({
	nodes: [
		{
			name: 'Yunhu Trigger',
			type: 'yunhuTrigger',
			typeVersion: 1,
			webhookId: 'yunhu-hook',
			parameters: { secret: SECRET, ...(events ? { events } : {}) } as never,
		},
		{
			name: 'Reply',
			type: 'yunhu',
			typeVersion: 1,
			parameters: {
				authentication: 'botApi',
				resource: 'message',
				operation: 'send',
				chatType: '={{ $json.replyTo.recvType }}',
				chatId: '={{ $json.replyTo.recvId }}',
				contentType: 'text',
				text: '=echo: {{ $json.text ?? $json.value }}',
			} as never,
			credentials: { yunhuBotApi: { id: '1', name: 'Yunhu bot' } },
		},
	],
	connections: { 'Yunhu Trigger': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
});

const triggerOnly = (parameters: Record<string, unknown> = {}): WorkflowJson => ({
	nodes: [
		{
			name: 'Yunhu Trigger',
			type: 'yunhuTrigger',
			typeVersion: 1,
			webhookId: 'yunhu-hook',
			parameters: parameters as never,
		},
	],
});

let emu: YunhuEmulator;
let receiver: WebhookReceiver;

beforeEach(async () => {
	emu = new YunhuEmulator();
	await emu.start();
	receiver = await startWebhookReceiver(
		echoWorkflow(),
		{ credentials: new CredentialStore({ yunhuBotApi: botCredentials(emu) }) },
		'Yunhu Trigger',
	);
	emu.addUser({ token: USER_TOKEN, id: USER_ID, name: 'Ann' });
	emu.addUser({ token: 'friend-token', id: FRIEND_ID, name: 'Bo Li' });
	emu.addBot({
		token: BOT_TOKEN,
		botId: BOT_ID,
		name: 'Helper Bot',
		friends: [USER_ID, FRIEND_ID],
		groups: [GROUP_ID],
		webhookUrl: `${receiver.url}?secret=${SECRET}`,
	});
	emu.addGroup({ groupId: GROUP_ID, name: 'Team', members: [USER_ID, FRIEND_ID] });
});

afterEach(async () => {
	await receiver.stop();
	await emu.stop();
	expect(emu.violations).toEqual([]);
});

const settled = async () => {
	await emu.settle();
	await receiver.settle();
};

describe('Yunhu Trigger, pushed to by the emulator', () => {
	test('a private message to the bot starts the workflow, which replies to the sender through the bot', async () => {
		const sent = await runYunhu(
			emu,
			'userApi',
			{
				operation: 'send',
				chatType: 'bot',
				chatId: BOT_ID,
				contentType: 'text',
				text: 'hello bot',
			},
			undefined,
			userCredentials(emu),
		);
		expect(sent.error?.message).toBeUndefined();
		await settled();

		const msgId = sent.output()[0].json.msgId as string;
		const sendTime = emu.message(msgId)!.sendTime;
		expect(receiver.items()).toEqual([
			{
				eventType: 'message.receive.normal',
				eventId: HEX32,
				eventTime: sendTime,
				senderId: USER_ID,
				senderType: 'user',
				senderNickname: 'Ann',
				senderUserLevel: 'unknown',
				chatId: BOT_ID,
				chatType: 'bot',
				replyTo: { recvId: USER_ID, recvType: 'user' },
				msgId,
				parentId: '',
				sendTime,
				contentType: 'text',
				text: 'hello bot',
				content: { text: 'hello bot' },
			},
		]);
		expect(receiver.results[0].response).toEqual({
			status: 200,
			headers: {},
			body: { code: 0, message: 'success' },
		});
		const replies = emu.http.requests.filter((r) => r.path === '/open-apis/v1/bot/send');
		expect(replies.map((r) => r.json)).toEqual([
			{
				recvId: USER_ID,
				recvType: 'user',
				contentType: 'text',
				content: { text: 'echo: hello bot' },
			},
		]);
		expect(receiver.results[0].run?.output('Reply').map((o) => o.json)).toEqual([
			{ msgId: HEX32, recvId: USER_ID, recvType: 'user', contentType: 'text', sent: true },
		]);
	});

	test('a group message replies in the group; the member level is passed on', async () => {
		await runYunhu(
			emu,
			'userApi',
			{
				operation: 'send',
				chatType: 'group',
				chatId: GROUP_ID,
				contentType: 'text',
				text: 'hi all',
			},
			undefined,
			userCredentials(emu, 'friend-token'),
		);
		await settled();
		expect(receiver.items()).toEqual([
			expect.objectContaining({
				senderId: FRIEND_ID,
				senderUserLevel: 'member',
				chatId: GROUP_ID,
				chatType: 'group',
				replyTo: { recvId: GROUP_ID, recvType: 'group' },
				text: 'hi all',
			}),
		]);
		const replies = emu.http.requests.filter((r) => r.path === '/open-apis/v1/bot/send');
		expect(replies.map((r) => r.json)).toEqual([
			{
				recvId: GROUP_ID,
				recvType: 'group',
				contentType: 'text',
				content: { text: 'echo: hi all' },
			},
		]);
	});

	test('a tapped "report" button arrives as button.report.inline with its value', async () => {
		const botSent = await runYunhu(emu, 'botApi', {
			operation: 'send',
			chatType: 'user',
			chatId: USER_ID,
			contentType: 'text',
			text: 'Approve?',
			buttons: { button: [{ text: 'Yes', action: 'report', value: 'approve-17', row: 1 }] },
		});
		const msgId = botSent.output()[0].json.msgId as string;
		const tapped = await runYunhu(
			emu,
			'userApi',
			{
				operation: 'reportButtonClick',
				chatType: 'bot',
				chatId: BOT_ID,
				messageId: msgId,
				userId: USER_ID,
				buttonValue: 'approve-17',
			},
			undefined,
			userCredentials(emu),
		);
		expect(tapped.error?.message).toBeUndefined();
		await settled();
		expect(receiver.items()).toEqual([
			{
				eventType: 'button.report.inline',
				eventId: HEX32,
				eventTime: expect.any(Number),
				time: expect.any(Number),
				msgId,
				recvId: USER_ID,
				recvType: 'user',
				userId: USER_ID,
				value: 'approve-17',
			},
		]);
	});
});

describe('Yunhu Trigger, its rules', () => {
	const push = async (
		workflow: WorkflowJson,
		envelope: unknown,
		query: Record<string, string> = { secret: SECRET },
		staticData = {},
	) =>
		await runWebhook(
			workflow,
			{ headers: { 'content-type': 'application/json' }, query, body: JSON.stringify(envelope) },
			{ staticData },
		);

	test('a push without the secret, or with a wrong one, is refused with 401 and starts nothing', async () => {
		const envelope = emu.messageReceiveEvent({
			senderId: USER_ID,
			chatType: 'bot',
			chatId: BOT_ID,
			text: 'x',
		});
		for (const query of [{}, { secret: 'guess' }, { secret: `${SECRET}x` }] as Array<
			Record<string, string>
		>) {
			const result = await push(triggerOnly({ secret: SECRET }), envelope, query);
			expect(result.response).toEqual({
				status: 401,
				headers: {},
				body: { code: 401, message: 'wrong or missing secret' },
			});
			expect(result.run).toBeUndefined();
		}
	});

	test('without a secret any push is taken', async () => {
		const result = await push(
			triggerOnly(),
			emu.messageReceiveEvent({ senderId: USER_ID, chatType: 'bot', chatId: BOT_ID, text: 'x' }),
			{},
		);
		expect(result.run?.output('Yunhu Trigger')).toHaveLength(1);
	});

	test('a redelivered event id starts the workflow once; other ids still do', async () => {
		const staticData = {};
		const envelope = emu.messageReceiveEvent({
			senderId: USER_ID,
			chatType: 'bot',
			chatId: BOT_ID,
			text: 'once',
		});
		const first = await push(triggerOnly(), envelope, {}, staticData);
		const again = await push(triggerOnly(), envelope, {}, staticData);
		const other = await push(
			triggerOnly(),
			emu.messageReceiveEvent({
				senderId: USER_ID,
				chatType: 'bot',
				chatId: BOT_ID,
				text: 'twice',
			}),
			{},
			staticData,
		);
		expect(first.run?.output('Yunhu Trigger')).toHaveLength(1);
		expect(again.response.body).toEqual({ code: 0, message: 'success' });
		expect(again.run).toBeUndefined();
		expect(other.run?.output('Yunhu Trigger').map((o) => o.json.text)).toEqual(['twice']);
	});

	test('events not chosen are answered and dropped; a command carries its id and name', async () => {
		const onlyCommands = triggerOnly({ events: ['message.receive.instruction'] });
		const plain = await push(
			onlyCommands,
			emu.messageReceiveEvent({ senderId: USER_ID, chatType: 'bot', chatId: BOT_ID, text: 'x' }),
			{},
		);
		expect(plain.response.body).toEqual({ code: 0, message: 'success' });
		expect(plain.run).toBeUndefined();
		const command = await push(
			onlyCommands,
			emu.messageReceiveEvent({
				senderId: USER_ID,
				chatType: 'bot',
				chatId: BOT_ID,
				text: '/weather Paris',
				commandId: 7,
				commandName: 'weather',
			}),
			{},
		);
		expect(command.run?.output('Yunhu Trigger').map((o) => o.json)).toEqual([
			expect.objectContaining({
				eventType: 'message.receive.instruction',
				commandId: 7,
				commandName: 'weather',
				text: '/weather Paris',
			}),
		]);
	});

	test('member events pass their own fields through', async () => {
		const envelope = emu.envelope('group.join', {
			time: 1700000000000,
			chatId: GROUP_ID,
			chatType: 'group',
			userId: FRIEND_ID,
			nickname: 'Bo Li',
			avatarUrl: 'https://x/a.png',
		});
		const result = await push(triggerOnly({ events: ['group.join'] }), envelope, {});
		expect(result.run?.output('Yunhu Trigger').map((o) => o.json)).toEqual([
			{
				eventType: 'group.join',
				eventId: envelope.header.eventId,
				eventTime: envelope.header.eventTime,
				time: 1700000000000,
				chatId: GROUP_ID,
				chatType: 'group',
				userId: FRIEND_ID,
				nickname: 'Bo Li',
				avatarUrl: 'https://x/a.png',
			},
		]);
	});

	test('a body that is not a Yunhu envelope is refused with 400', async () => {
		for (const body of [{ hello: 1 }, { header: { eventType: 'message.receive.normal' } }, []]) {
			const result = await push(triggerOnly(), body, {});
			expect(result.response.status).toBe(400);
			expect(result.run).toBeUndefined();
		}
	});
});
