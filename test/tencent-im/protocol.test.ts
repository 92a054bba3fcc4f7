/** Tencent Cloud IM requests as Tencent documents them: times, push fields, merged-forward bodies, waits, errors. */
import type { HttpRequest, HttpResponse } from '../../nodes/common/http';
import { TencentImClient } from '../../nodes/TencentIm/transport/api';
import { emulatorPerTest, runNode } from '../harness/run';
import { calls, loadWorkflow, runTencent, startTencent, tencentCredentials } from './fixtures';

const emu = emulatorPerTest(startTencent);

const hi = (to = 'alice', text = 'hi') => [{ json: { to, text } }];

describe('Times are Unix seconds', () => {
	test('a date without a zone is read in the workflow time zone', async () => {
		const workflow = { ...loadWorkflow('list'), settings: { timezone: 'Asia/Shanghai' } };
		const result = await runNode(workflow, {
			input: [{ json: { account: 'alice', peer: 'bob' } }],
			parameters: { minTime: '2026-11-01T08:00:00', maxTime: '2026-11-02 08:00:00' },
			credentials: { tencentImApi: tencentCredentials(emu.baseUrl) },
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/admin_getroammsg')[0].json).toEqual({
			Operator_Account: 'alice',
			Peer_Account: 'bob',
			MaxCnt: 100,
			MinTime: Date.parse('2026-11-01T00:00:00Z') / 1000,
			MaxTime: Date.parse('2026-11-02T00:00:00Z') / 1000,
		});
	});

	test('a number is Unix seconds, never milliseconds; a millisecond value is refused', async () => {
		await runTencent(emu, 'list', [{ json: { account: 'alice', peer: 'bob' } }], {
			minTime: 1_700_000_000,
			maxTime: 1_700_086_400,
		});
		expect(calls(emu, 'openim/admin_getroammsg')[0].json).toMatchObject({
			MinTime: 1_700_000_000,
			MaxTime: 1_700_086_400,
		});
		emu.http.clearRecord();
		const ms = await runTencent(emu, 'list', [{ json: { account: 'alice', peer: 'bob' } }], {
			minTime: 1_700_000_000_000,
		});
		expect(ms.error?.message).toBe(
			'Item 0: "From" looks like milliseconds; give Unix seconds or a date',
		);
		expect(emu.http.requests).toHaveLength(0);
	});

	test('Mark as Read takes Unix seconds (or a date) and sends MsgReadTime in seconds', async () => {
		const result = await runTencent(
			emu,
			'mark-read',
			[{ json: { reader: 'alice', peer: 'bob' } }],
			{ readTime: 1_700_000_000 },
		);
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/admin_set_msg_read')[0].json).toEqual({
			Report_Account: 'alice',
			Peer_Account: 'bob',
			MsgReadTime: 1_700_000_000,
		});
		await runTencent(emu, 'mark-read', [{ json: { reader: 'alice', peer: 'bob' } }], {
			readTime: '2026-11-01T00:00:00Z',
		});
		expect(calls(emu, 'openim/admin_set_msg_read')[1].json).toEqual({
			Report_Account: 'alice',
			Peer_Account: 'bob',
			MsgReadTime: Date.parse('2026-11-01T00:00:00Z') / 1000,
		});
	});
});

describe('Message fields', () => {
	test('a merged-forward element (TIMRelayElem) is accepted in a JSON MsgBody and sent as given', async () => {
		const msgBody = [
			{
				MsgType: 'TIMRelayElem',
				MsgContent: {
					Title: 'Chat history',
					MsgNum: 2,
					CompatibleText: 'Upgrade to view',
					AbstractList: ['bob: hi', 'alice: hello'],
					MsgList: [
						{
							From_Account: 'bob',
							To_Account: 'alice',
							MsgTimeStamp: 1_700_000_000,
							MsgRandom: 1,
							MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
						},
						{
							From_Account: 'alice',
							To_Account: 'bob',
							MsgTimeStamp: 1_700_000_001,
							MsgRandom: 2,
							MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
						},
					],
				},
			},
		];
		const result = await runTencent(emu, 'send', hi(), {
			bodyInput: 'json',
			msgBodyJson: JSON.stringify(msgBody),
		});
		expect(result.error?.message).toBeUndefined();
		expect((calls(emu, 'openim/sendmsg')[0].json as { MsgBody: unknown }).MsgBody).toEqual(msgBody);
	});

	test('push sounds for iOS and Android are set separately', async () => {
		await runTencent(emu, 'send', hi(), {
			messageOptions: { apnsSound: 'bell.caf', androidSound: 'bell.mp3', msgRandom: 9, msgSeq: 3 },
		});
		expect(calls(emu, 'openim/sendmsg')[0].json).toEqual({
			To_Account: 'alice',
			MsgRandom: 9,
			MsgSeq: 3,
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
			OfflinePushInfo: { AndroidInfo: { Sound: 'bell.mp3' }, ApnsInfo: { Sound: 'bell.caf' } },
		});
	});

	/** Every push option of Message Options, and the OfflinePushInfo Tencent documents for them. */
	const ALL_PUSH_OPTIONS = {
		pushTitle: 'T',
		pushDesc: 'D',
		pushExt: '{"a":1}',
		androidSound: 'bell',
		apnsSound: 'bell.caf',
		noBadge: true,
		huaweiChannelId: 'hw-chat',
		xiaomiChannelId: 'mi-chat',
		oppoChannelId: 'oppo-chat',
		googleChannelId: 'fcm-chat',
		vivoClassification: 0,
		vivoCategory: 'IM',
		huaweiImportance: 'NORMAL',
		extAsHuaweiIntentParam: true,
		huaweiCategory: 'IM',
		huaweiImage: 'https://cdn.example.com/h.png',
		honorImage: 'https://cdn.example.com/o.png',
		honorImportance: 'LOW',
		googleImage: 'https://cdn.example.com/g.png',
		apnsTitle: 'iOS title',
		apnsSubTitle: 'iOS subtitle',
		apnsImage: 'https://cdn.example.com/a.png',
		apnsMutableContent: true,
		apnsInterruptionLevel: 'time-sensitive',
		apnsContentAvailable: true,
	};
	const ALL_PUSH_INFO = {
		Title: 'T',
		Desc: 'D',
		Ext: '{"a":1}',
		AndroidInfo: {
			Sound: 'bell',
			HuaWeiChannelID: 'hw-chat',
			XiaoMiChannelID: 'mi-chat',
			OPPOChannelID: 'oppo-chat',
			GoogleChannelID: 'fcm-chat',
			VIVOClassification: 0,
			VIVOCategory: 'IM',
			HuaWeiImportance: 'NORMAL',
			ExtAsHuaweiIntentParam: 1,
			HuaWeiCategory: 'IM',
			HuaWeiImage: 'https://cdn.example.com/h.png',
			HonorImage: 'https://cdn.example.com/o.png',
			HonorImportance: 'LOW',
			GoogleImage: 'https://cdn.example.com/g.png',
		},
		ApnsInfo: {
			BadgeMode: 1,
			Sound: 'bell.caf',
			Title: 'iOS title',
			SubTitle: 'iOS subtitle',
			Image: 'https://cdn.example.com/a.png',
			MutableContent: 1,
			InterruptionLevel: 'time-sensitive',
			ContentAvailable: 1,
		},
	};
	const TEXT_HI = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }];

	test('every documented push field is reachable: Send puts each option where OfflinePushInfo has it', async () => {
		const result = await runTencent(emu, 'send', hi(), {
			messageOptions: { ...ALL_PUSH_OPTIONS, msgRandom: 9, msgSeq: 3 },
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/sendmsg').map((c) => c.json)).toEqual([
			{
				To_Account: 'alice',
				MsgRandom: 9,
				MsgSeq: 3,
				MsgBody: TEXT_HI,
				OfflinePushInfo: ALL_PUSH_INFO,
			},
		]);
	});

	test('Send to Many carries the same OfflinePushInfo; push disabled is PushFlag 1', async () => {
		const result = await runTencent(
			emu,
			'send-to-many',
			[{ json: { to: 'alice,bob', text: 'hi' } }],
			{
				messageOptions: {
					...ALL_PUSH_OPTIONS,
					pushDisabled: true,
					vivoClassification: 1,
					msgRandom: 9,
					msgSeq: 3,
				},
			},
		);
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/batchsendmsg').map((c) => c.json)).toEqual([
			{
				To_Account: ['alice', 'bob'],
				MsgRandom: 9,
				MsgSeq: 3,
				MsgBody: TEXT_HI,
				OfflinePushInfo: {
					PushFlag: 1,
					...ALL_PUSH_INFO,
					AndroidInfo: { ...ALL_PUSH_INFO.AndroidInfo, VIVOClassification: 1 },
				},
			},
		]);
	});

	test('push options left at their defaults send no OfflinePushInfo, as before they existed', async () => {
		const defaults = {
			pushDisabled: false,
			pushTitle: '',
			pushDesc: '',
			pushExt: '',
			pushSound: '',
			androidSound: '',
			apnsSound: '',
			noBadge: false,
			huaweiChannelId: '',
			xiaomiChannelId: '',
			oppoChannelId: '',
			googleChannelId: '',
			vivoClassification: '',
			vivoCategory: '',
			huaweiImportance: '',
			extAsHuaweiIntentParam: false,
			huaweiCategory: '',
			huaweiImage: '',
			honorImage: '',
			honorImportance: '',
			googleImage: '',
			apnsTitle: '',
			apnsSubTitle: '',
			apnsImage: '',
			apnsMutableContent: false,
			apnsInterruptionLevel: '',
			apnsContentAvailable: false,
		};
		await runTencent(emu, 'send', hi(), {
			messageOptions: { ...defaults, msgRandom: 9, msgSeq: 3 },
		});
		expect(calls(emu, 'openim/sendmsg').map((c) => c.json)).toEqual([
			{ To_Account: 'alice', MsgRandom: 9, MsgSeq: 3, MsgBody: TEXT_HI },
		]);
	});

	test('one sound for both platforms, overridden per platform', async () => {
		await runTencent(emu, 'send', hi(), {
			messageOptions: { pushSound: 'ding', apnsSound: 'ding.caf', msgRandom: 9, msgSeq: 3 },
		});
		expect(
			(calls(emu, 'openim/sendmsg')[0].json as { OfflinePushInfo: unknown }).OfflinePushInfo,
		).toEqual({
			AndroidInfo: { Sound: 'ding' },
			ApnsInfo: { Sound: 'ding.caf' },
		});
	});

	test('a set MsgRandom keeps MsgSeq the same too, so a resend in another run is the same message to Tencent', async () => {
		await runTencent(emu, 'send', hi(), { messageOptions: { msgRandom: 777 } });
		await runTencent(emu, 'send', hi(), { messageOptions: { msgRandom: 777 } });
		const sends = calls(emu, 'openim/sendmsg').map(
			(c) => c.json as { MsgRandom: number; MsgSeq: number },
		);
		expect(sends).toEqual([
			expect.objectContaining({ MsgRandom: 777, MsgSeq: 777 }),
			expect.objectContaining({ MsgRandom: 777, MsgSeq: 777 }),
		]);
		expect(emu.messages).toHaveLength(1);
	});
});

describe('Failures', () => {
	test('a network error in Send to Many gives each recipient the error code and text, not NaN', async () => {
		emu.http.inject({
			match: (r) => r.path.endsWith('batchsendmsg'),
			times: Infinity,
			fault: { kind: 'drop' },
		});
		const result = await runTencent(
			emu,
			'send-to-many',
			[{ json: { to: 'alice,bob', text: 'x' } }],
			{ continueOnFail: true },
		);
		const [out] = result.output();
		expect(out.json.code).toMatch(/^(ECONNRESET|NETWORK_ERROR)$/);
		expect(out.json.error).toMatch(/^Tencent IM error (ECONNRESET|NETWORK_ERROR): /);
	});

	test('rate-limit answers wait for their window: 1.1 s for an API, a minute for batch recipients', async () => {
		const waits: number[] = [];
		let answered = 0;
		const http = async (request: HttpRequest): Promise<HttpResponse> => {
			answered++;
			const limited = answered % 2 === 1;
			const body = limited
				? {
						ActionStatus: 'FAIL',
						ErrorCode: 60007,
						ErrorInfo: 'REST API call frequency exceeds the limit',
					}
				: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgKey: '1_2_3', MsgTime: 3 };
			void request;
			return { statusCode: 200, headers: {}, body: JSON.stringify(body) };
		};
		const client = new TencentImClient({
			http,
			sleep: async (ms) => void waits.push(ms),
			retry: { attempts: 3, baseDelayMs: 5 },
		});
		const message = {
			MsgRandom: 1,
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }],
		};
		await client.sendMessage('alice', message);
		await client.batchSendMessage(['alice'], message);
		expect(waits).toEqual([1100, 61_000]);
	});
});
