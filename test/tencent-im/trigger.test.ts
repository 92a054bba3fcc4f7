import { createHash } from 'node:crypto';
import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { registerTestTypes, runWebhook, type WorkflowJson } from '../harness/engine';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/receiver';
import { emulatorPerTest } from '../harness/run';
import { ADMIN, SDK_APP_ID, runTencent, startTencent, tencentCredentials } from './fixtures';

const TOKEN = 'cb-token-93a1';
const credentials = { tencentImApi: tencentCredentials('http://127.0.0.1:9') };

/** Decides a before-send callback: refuse (1) what contains "spam", allow (0) the rest. */
const decide: INodeType = {
	description: {
		displayName: 'Decide',
		name: 'decide',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'Decide' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [
			this.getInputData().map((item) => ({
				json: { ErrorCode: String(item.json.text).includes('spam') ? 1 : 0, ErrorInfo: '' },
			})),
		];
	},
};
registerTestTypes({ nodes: [decide] });

const triggerWorkflow = (parameters: Record<string, unknown> = {}, next = false): WorkflowJson => ({
	nodes: [
		{
			name: 'Tencent Cloud IM Trigger',
			type: 'tencentImTrigger',
			typeVersion: 1,
			webhookId: 'tim-hook',
			parameters: parameters as never,
			credentials: { tencentImApi: { id: '1', name: 'Tencent IM' } },
		},
		...(next ? [{ name: 'Decide', type: 'test.decide', typeVersion: 1, parameters: {} }] : []),
	],
	connections: next
		? {
				'Tencent Cloud IM Trigger': {
					main: [[{ node: 'Decide', type: 'main' as const, index: 0 }]],
				},
			}
		: {},
});

const sign = (token: string, time: number | string) =>
	createHash('sha256').update(`${token}${time}`).digest('hex');

function query(command: string, extra: Record<string, string> = {}): Record<string, string> {
	return {
		SdkAppid: String(SDK_APP_ID),
		CallbackCommand: command,
		contenttype: 'json',
		ClientIP: '203.0.113.7',
		OptPlatform: 'iOS',
		...extra,
	};
}

function signed(
	command: string,
	time = Math.floor(Date.now() / 1000),
	token = TOKEN,
): Record<string, string> {
	return query(command, { RequestTime: String(time), Sign: sign(token, time) });
}

const afterSend = (from = 'alice', text = 'hello') => ({
	CallbackCommand: 'C2C.CallbackAfterSendMsg',
	From_Account: from,
	To_Account: 'bob',
	MsgSeq: 48374,
	MsgRandom: 2207799,
	MsgTime: 1669872100,
	MsgKey: '48374_2207799_1669872100',
	OnlineOnlyFlag: 0,
	SendMsgResult: 0,
	ErrorInfo: 'send msg succeed',
	UnreadMsgNum: 1,
	MsgBody: [
		{ MsgType: 'TIMTextElem', MsgContent: { Text: text } },
		{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'smile' } },
		{ MsgType: 'TIMTextElem', MsgContent: { Text: '!' } },
	],
	CloudCustomData: '',
});

const HANDLED = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };

async function post(workflow: WorkflowJson, q: Record<string, string>, body: unknown) {
	return await runWebhook(
		workflow,
		{ headers: { 'content-type': 'application/json' }, query: q, body: JSON.stringify(body) },
		{ credentials },
	);
}

afterEach(() => {
	jest.restoreAllMocks();
});

describe('Tencent Cloud IM Trigger', () => {
	test("Tencent's published Sign vector verifies (token xxxxyyyy, RequestTime 1669872112)", async () => {
		expect(sign('xxxxyyyy', 1669872112)).toBe(
			'17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
		);
		jest.spyOn(Date, 'now').mockReturnValue(1669872112 * 1000 + 30_000);
		const q = query('C2C.CallbackAfterSendMsg', {
			RequestTime: '1669872112',
			Sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
		});
		const result = await post(triggerWorkflow({ callbackToken: 'xxxxyyyy' }), q, afterSend());
		expect(result.response).toEqual({ status: 200, headers: {}, body: HANDLED });
		expect(result.run?.output('Tencent Cloud IM Trigger')).toHaveLength(1);
	});

	test('an after-send callback becomes one item: the body, the query facts and the text joined', async () => {
		const body = afterSend();
		const result = await post(
			triggerWorkflow({ callbackToken: TOKEN }),
			signed('C2C.CallbackAfterSendMsg'),
			body,
		);
		expect(result.response).toEqual({ status: 200, headers: {}, body: HANDLED });
		expect(result.run?.output('Tencent Cloud IM Trigger').map((i) => i.json)).toEqual([
			{
				...body,
				callbackCommand: 'C2C.CallbackAfterSendMsg',
				sdkAppId: SDK_APP_ID,
				clientIp: '203.0.113.7',
				optPlatform: 'iOS',
				text: 'hello!',
			},
		]);
	});

	test('a wrong Sign, a stale or future RequestTime, or none at all is refused with 401 and starts nothing', async () => {
		const now = Math.floor(Date.now() / 1000);
		const cases = [
			signed('C2C.CallbackAfterSendMsg', now, 'other-token'),
			signed('C2C.CallbackAfterSendMsg', now - 61),
			signed('C2C.CallbackAfterSendMsg', now + 61),
			query('C2C.CallbackAfterSendMsg'),
			{ ...signed('C2C.CallbackAfterSendMsg', now), Sign: 'zz' },
		];
		for (const q of cases) {
			const result = await post(triggerWorkflow({ callbackToken: TOKEN }), q, afterSend());
			expect(result.response.status).toBe(401);
			expect(result.response.body).toEqual({
				ActionStatus: 'FAIL',
				ErrorCode: 401,
				ErrorInfo: 'the Sign does not verify, or RequestTime is not within 60 seconds',
			});
			expect(result.run).toBeUndefined();
		}
		const fresh = await post(
			triggerWorkflow({ callbackToken: TOKEN }),
			signed('C2C.CallbackAfterSendMsg', now - 59),
			afterSend(),
		);
		expect(fresh.response.status).toBe(200);
	});

	test('a callback for another SdkAppid is refused, whatever its Sign', async () => {
		const q = { ...signed('C2C.CallbackAfterSendMsg'), SdkAppid: '1400000001' };
		const result = await post(triggerWorkflow({ callbackToken: TOKEN }), q, afterSend());
		expect(result.response).toEqual({
			status: 401,
			headers: {},
			body: { ActionStatus: 'FAIL', ErrorCode: 401, ErrorInfo: 'SdkAppid is not this app' },
		});
		expect(result.run).toBeUndefined();
	});

	test("the admin's own messages and REST API sends are answered but start nothing, unless asked for", async () => {
		const own = await post(triggerWorkflow(), query('C2C.CallbackAfterSendMsg'), afterSend(ADMIN));
		const rest = await post(
			triggerWorkflow(),
			query('C2C.CallbackAfterSendMsg', { OptPlatform: 'RESTAPI' }),
			afterSend(),
		);
		for (const result of [own, rest]) {
			expect(result.response.body).toEqual(HANDLED);
			expect(result.run).toBeUndefined();
		}
		const kept = await post(
			triggerWorkflow({ ignoreOwn: false }),
			query('C2C.CallbackAfterSendMsg'),
			afterSend(ADMIN),
		);
		expect(kept.run?.output('Tencent Cloud IM Trigger').map((i) => i.json.From_Account)).toEqual([
			ADMIN,
		]);
	});

	test('callbacks not chosen are answered OK and dropped; chosen ones keep their own fields', async () => {
		const report = {
			CallbackCommand: 'C2C.CallbackAfterMsgReport',
			Report_Account: 'bob',
			Peer_Account: 'alice',
			LastReadTime: 1669872200,
			UnreadMsgNum: 0,
		};
		const dropped = await post(triggerWorkflow(), query('C2C.CallbackAfterMsgReport'), report);
		expect(dropped.response.body).toEqual(HANDLED);
		expect(dropped.run).toBeUndefined();
		const taken = await post(
			triggerWorkflow({ events: ['C2C.CallbackAfterMsgReport'] }),
			query('C2C.CallbackAfterMsgReport'),
			report,
		);
		expect(taken.run?.output('Tencent Cloud IM Trigger').map((i) => i.json)).toEqual([
			{
				...report,
				callbackCommand: 'C2C.CallbackAfterMsgReport',
				sdkAppId: SDK_APP_ID,
				clientIp: '203.0.113.7',
				optPlatform: 'iOS',
			},
		]);
	});

	test('state changes are kept even when they name the admin (they are not messages)', async () => {
		const state = {
			CallbackCommand: 'State.StateChange',
			EventTime: 1669872112000,
			Info: { Action: 'Login', To_Account: ADMIN, Reason: 'Register' },
		};
		const result = await post(
			triggerWorkflow({ events: ['State.StateChange'] }),
			query('State.StateChange', { OptPlatform: 'IOS' }),
			state,
		);
		expect(result.run?.output('Tencent Cloud IM Trigger').map((i) => i.json.Info)).toEqual([
			state.Info,
		]);
	});

	test('a body that is not JSON is refused with 400', async () => {
		const result = await runWebhook(
			triggerWorkflow(),
			{
				headers: { 'content-type': 'text/plain' },
				query: query('C2C.CallbackAfterSendMsg'),
				body: 'not json',
			},
			{ credentials },
		);
		expect(result.response.status).toBe(400);
		expect(result.run).toBeUndefined();
	});

	describe('Before-send callbacks', () => {
		const beforeSend = (text: string) => ({
			...afterSend('alice', text),
			CallbackCommand: 'C2C.CallbackBeforeSendMsg',
			SendMsgResult: undefined,
			ErrorInfo: undefined,
		});

		test('by default they are allowed at once and the workflow only learns of them', async () => {
			const result = await post(
				triggerWorkflow({ events: ['C2C.CallbackBeforeSendMsg'] }, true),
				query('C2C.CallbackBeforeSendMsg'),
				beforeSend('spam here'),
			);
			expect(result.response.body).toEqual(HANDLED);
			expect(result.run?.output('Decide').map((i) => i.json)).toEqual([
				{ ErrorCode: 1, ErrorInfo: '' },
			]);
		});

		test('"From the Workflow" answers with the last node\'s first item: refuse or allow', async () => {
			const workflow = triggerWorkflow(
				{ events: ['C2C.CallbackBeforeSendMsg'], beforeSendReply: 'workflow' },
				true,
			);
			const refused = await post(
				workflow,
				query('C2C.CallbackBeforeSendMsg'),
				beforeSend('buy spam'),
			);
			expect(refused.response).toEqual({
				status: 200,
				headers: {},
				body: { ErrorCode: 1, ErrorInfo: '' },
			});
			const allowed = await post(workflow, query('C2C.CallbackBeforeSendMsg'), beforeSend('hello'));
			expect(allowed.response).toEqual({
				status: 200,
				headers: {},
				body: { ErrorCode: 0, ErrorInfo: '' },
			});
		});
	});
});

describe('Tencent Cloud IM Trigger, called back by the emulator', () => {
	const emu = emulatorPerTest(startTencent);
	let receiver: WebhookReceiver | undefined;
	afterEach(async () => {
		await receiver?.stop();
		receiver = undefined;
	});

	const listen = async (
		workflow: WorkflowJson,
		token = TOKEN,
		commands = ['C2C.CallbackAfterSendMsg'],
	) => {
		receiver = await startWebhookReceiver(workflow, { credentials }, 'Tencent Cloud IM Trigger');
		emu.setCallback(SDK_APP_ID, { url: receiver.url, token, commands });
		return receiver;
	};
	const send = async (text: string) =>
		await runTencent(emu, 'send', [{ json: { to: 'bob', text } }], {
			messageOptions: { fromAccount: 'alice' },
		});

	test("a send's signed after-send callback becomes an item; by default REST sends are dropped as the loop guard", async () => {
		const guarded = await listen(triggerWorkflow({ callbackToken: TOKEN }));
		await send('first');
		await emu.settle();
		await guarded.settle();
		expect(guarded.results.map((r) => r.response)).toEqual([
			{ status: 200, headers: {}, body: HANDLED },
		]);
		expect(guarded.items()).toEqual([]);
		await guarded.stop();

		const open = await listen(triggerWorkflow({ callbackToken: TOKEN, ignoreOwn: false }));
		const sent = await send('hello');
		await emu.settle();
		await open.settle();
		const { MsgKey, MsgTime } = sent.output()[0].json;
		expect(open.items()).toEqual([
			{
				CallbackCommand: 'C2C.CallbackAfterSendMsg',
				From_Account: 'alice',
				To_Account: 'bob',
				MsgSeq: expect.any(Number),
				MsgRandom: expect.any(Number),
				MsgTime,
				MsgKey,
				OnlineOnlyFlag: 0,
				SendMsgResult: 0,
				ErrorInfo: 'send msg succeed',
				UnreadMsgNum: expect.any(Number),
				MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
				callbackCommand: 'C2C.CallbackAfterSendMsg',
				sdkAppId: SDK_APP_ID,
				clientIp: '127.0.0.1',
				optPlatform: 'RESTAPI',
				text: 'hello',
			},
		]);
		expect(emu.callbacks.map((c) => c.answer)).toEqual([HANDLED, HANDLED]);
	});

	test('a callback signed with another token is refused with 401 and starts nothing', async () => {
		const wrong = await listen(
			triggerWorkflow({ callbackToken: TOKEN, ignoreOwn: false }),
			'not-the-token',
		);
		await send('hello');
		await emu.settle();
		await wrong.settle();
		expect(emu.callbacks.map((c) => c.status)).toEqual([401]);
		expect(wrong.items()).toEqual([]);
		// Tencent cannot use a 401 answer: the emulator notes it as the receiver's fault, which is the point here
		expect(emu.violations).toEqual([expect.stringContaining('401')]);
		emu.violations.length = 0;
	});

	test('before-send decided by the workflow: a refused message never arrives and its sender gets 20006', async () => {
		await listen(
			triggerWorkflow(
				{ events: ['C2C.CallbackBeforeSendMsg'], beforeSendReply: 'workflow', ignoreOwn: false },
				true,
			),
			TOKEN,
			['C2C.CallbackBeforeSendMsg'],
		);
		const refused = await send('buy spam now');
		expect(refused.error?.message).toMatch(/20006/);
		const allowed = await send('hello bob');
		expect(allowed.error?.message).toBeUndefined();
		expect(
			emu.messages.map((m) => (m.MsgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text),
		).toEqual(['hello bob']);
		expect(emu.callbacks.map((c) => c.answer)).toEqual([
			{ ErrorCode: 1, ErrorInfo: '' },
			{ ErrorCode: 0, ErrorInfo: '' },
		]);
	});
});
