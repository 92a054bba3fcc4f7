import { createHash } from 'node:crypto';

import { emulatorPerTest } from '../harness/run';
import { ADMIN, SDK_APP_ID, calls, runTencent, startTencent } from './fixtures';

const emu = emulatorPerTest(startTencent);

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const hi = (to = 'alice', text = 'hi') => [{ json: { to, text } }];

describe('Message › Send', () => {
	test('a text message goes to openim/sendmsg, signed in the query, and returns MsgKey and MsgTime', async () => {
		const result = await runTencent(emu, 'send', hi('alice', 'hello'));
		expect(result.error?.message).toBeUndefined();
		const [call] = calls(emu, 'openim/sendmsg');
		expect(call.method).toBe('POST');
		expect(call.query.get('sdkappid')).toBe(String(SDK_APP_ID));
		expect(call.query.get('identifier')).toBe(ADMIN);
		expect(call.query.get('contenttype')).toBe('json');
		expect(Number(call.query.get('random'))).toBeLessThan(2 ** 32);
		expect(call.query.get('usersig')).toMatch(/^[A-Za-z0-9*_-]+$/);
		const body = call.json as Record<string, unknown>;
		expect(body).toMatchObject({
			To_Account: 'alice',
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
		});
		expect(
			Number.isInteger(body.MsgRandom) &&
				(body.MsgRandom as number) > 0 &&
				(body.MsgRandom as number) < 2 ** 32,
		).toBe(true);
		const [stored] = emu.messages;
		expect(stored).toMatchObject({
			From_Account: ADMIN,
			To_Account: 'alice',
			MsgRandom: body.MsgRandom,
		});
		expect(result.output()[0].json).toMatchObject({
			MsgKey: stored.MsgKey,
			MsgTime: stored.MsgTime,
			To_Account: 'alice',
			MsgRandom: body.MsgRandom,
		});
		expect(emu.unread('alice', ADMIN)).toBe(1);
	});

	test('every element type is sent with the fields Tencent requires; media UUIDs default to the MD5 of the URL', async () => {
		const elements = [
			{ type: 'text', text: 'look' },
			{ type: 'face', index: 3, data: 'smile' },
			{ type: 'location', desc: 'Office', latitude: 22.54, longitude: 114.05 },
			{ type: 'custom', data: '{"order":42}', desc: 'New order', ext: 'e' },
			{
				type: 'image',
				url: 'https://cdn.example.com/a.png',
				width: 640,
				height: 480,
				size: 1234,
				imageFormat: 3,
			},
			{
				type: 'file',
				url: 'https://cdn.example.com/r.pdf',
				fileName: 'r.pdf',
				size: 99,
				uuid: 'my-uuid',
			},
			{ type: 'sound', url: 'https://cdn.example.com/v.m4a', seconds: 7, size: 500 },
			{
				type: 'video',
				url: 'https://cdn.example.com/v.mp4',
				seconds: 12,
				size: 9000,
				thumbUrl: 'https://cdn.example.com/t.jpg',
				thumbWidth: 320,
				thumbHeight: 180,
			},
		];
		const result = await runTencent(emu, 'send', hi(), { elements: { element: elements } });
		expect(result.error?.message).toBeUndefined();
		const body = emu.messages[0].MsgBody as Array<{
			MsgType: string;
			MsgContent: Record<string, unknown>;
		}>;
		expect(body.map((e) => e.MsgType)).toEqual([
			'TIMTextElem',
			'TIMFaceElem',
			'TIMLocationElem',
			'TIMCustomElem',
			'TIMImageElem',
			'TIMFileElem',
			'TIMSoundElem',
			'TIMVideoFileElem',
		]);
		expect(body[4].MsgContent).toMatchObject({
			UUID: md5('https://cdn.example.com/a.png'),
			ImageFormat: 3,
		});
		expect(body[4].MsgContent.ImageInfoArray).toEqual(
			[1, 2, 3].map((Type) => ({
				Type,
				Size: 1234,
				Width: 640,
				Height: 480,
				URL: 'https://cdn.example.com/a.png',
			})),
		);
		expect(body[5].MsgContent).toEqual({
			Url: 'https://cdn.example.com/r.pdf',
			UUID: 'my-uuid',
			FileSize: 99,
			FileName: 'r.pdf',
			Download_Flag: 2,
		});
		expect(body[6].MsgContent).toMatchObject({
			Second: 7,
			Download_Flag: 2,
			UUID: md5('https://cdn.example.com/v.m4a'),
		});
		expect(body[7].MsgContent).toMatchObject({
			VideoDownloadFlag: 2,
			ThumbDownloadFlag: 2,
			ThumbWidth: 320,
			ThumbHeight: 180,
			VideoSecond: 12,
		});
	});

	test('message options are sent as Tencent names them', async () => {
		const result = await runTencent(emu, 'send', hi('alice'), {
			messageOptions: {
				fromAccount: 'bob',
				syncOtherMachine: 2,
				msgLifeTime: 3600,
				cloudCustomData: 'cd',
				pushTitle: 'T',
				pushDesc: 'D',
				pushExt: '{"a":1}',
				noBadge: true,
				pushSound: 'ding.caf',
				sendMsgControl: ['NoUnread', 'NoLastMsg'],
				needReadReceipt: true,
				msgSeq: 77,
				msgRandom: 123456,
			},
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/sendmsg')[0].json).toEqual({
			To_Account: 'alice',
			From_Account: 'bob',
			MsgRandom: 123456,
			MsgSeq: 77,
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
			SyncOtherMachine: 2,
			MsgLifeTime: 3600,
			CloudCustomData: 'cd',
			OfflinePushInfo: {
				Title: 'T',
				Desc: 'D',
				Ext: '{"a":1}',
				AndroidInfo: { Sound: 'ding.caf' },
				ApnsInfo: { BadgeMode: 1, Sound: 'ding.caf' },
			},
			SendMsgControl: ['NoUnread', 'NoLastMsg'],
			IsNeedReadReceipt: 1,
		});
		expect(emu.messages[0].MsgKey).toMatch(/^77_123456_\d+$/);
		// NoUnread: the recipient's unread count does not move
		expect(emu.unread('alice', 'bob')).toBe(0);
	});

	test('a MsgBody given as JSON is sent as is', async () => {
		const msgBody = [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'x', Desc: 'push' } }];
		const result = await runTencent(emu, 'send', hi(), {
			bodyInput: 'json',
			msgBodyJson: JSON.stringify(msgBody),
		});
		expect(result.error?.message).toBeUndefined();
		expect(emu.messages[0].MsgBody).toEqual(msgBody);
	});

	test('a MsgBody given as JSON may hold every element type Tencent documents, a merged forward included; the whole request is as given', async () => {
		const cdn = 'https://cdn.example.com';
		const msgBody = [
			{ MsgType: 'TIMTextElem', MsgContent: { Text: 'look' } },
			{
				MsgType: 'TIMLocationElem',
				MsgContent: { Desc: 'Office', Latitude: 22.54, Longitude: 114.05 },
			},
			{ MsgType: 'TIMFaceElem', MsgContent: { Index: 3, Data: 'smile' } },
			{
				MsgType: 'TIMCustomElem',
				MsgContent: { Data: '{"order":42}', Desc: 'New order', Ext: 'e', Sound: 'ding.aiff' },
			},
			{
				MsgType: 'TIMSoundElem',
				MsgContent: { Url: `${cdn}/v.m4a`, UUID: 's1', Size: 500, Second: 7, Download_Flag: 2 },
			},
			{
				MsgType: 'TIMImageElem',
				MsgContent: {
					UUID: 'i1',
					ImageFormat: 3,
					ImageInfoArray: [1, 2, 3].map((Type) => ({
						Type,
						Size: 1234,
						Width: 640,
						Height: 480,
						URL: `${cdn}/a.png`,
					})),
				},
			},
			{
				MsgType: 'TIMFileElem',
				MsgContent: {
					Url: `${cdn}/r.pdf`,
					UUID: 'f1',
					FileSize: 99,
					FileName: 'r.pdf',
					Download_Flag: 2,
				},
			},
			{
				MsgType: 'TIMVideoFileElem',
				MsgContent: {
					VideoUrl: `${cdn}/v.mp4`,
					VideoUUID: 'v1',
					VideoSize: 9000,
					VideoSecond: 12,
					VideoFormat: 'mp4',
					VideoDownloadFlag: 2,
					ThumbUrl: `${cdn}/t.jpg`,
					ThumbUUID: 't1',
					ThumbSize: 300,
					ThumbWidth: 320,
					ThumbHeight: 180,
					ThumbFormat: 'JPG',
					ThumbDownloadFlag: 2,
				},
			},
			{
				MsgType: 'TIMRelayElem',
				MsgContent: {
					Title: 'Chat history',
					MsgNum: 2,
					CompatibleText: 'Upgrade to view',
					AbstractList: ['bob: hi', 'alice: a face'],
					MsgList: [
						{
							From_Account: 'bob',
							To_Account: 'alice',
							MsgSeq: 1,
							MsgRandom: 11,
							MsgTimeStamp: 1_700_000_000,
							MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
						},
						{
							From_Account: 'alice',
							To_Account: 'bob',
							MsgSeq: 2,
							MsgRandom: 12,
							MsgTimeStamp: 1_700_000_001,
							MsgBody: [{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'wink' } }],
							CloudCustomData: 'c',
						},
					],
				},
			},
		];
		const result = await runTencent(emu, 'send', hi(), {
			bodyInput: 'json',
			msgBodyJson: JSON.stringify(msgBody),
			messageOptions: { msgRandom: 5, msgSeq: 6 },
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/sendmsg').map((c) => c.json)).toEqual([
			{ To_Account: 'alice', MsgRandom: 5, MsgSeq: 6, MsgBody: msgBody },
		]);
		expect(emu.messages[0].MsgBody).toEqual(msgBody);
		// an expression may give the array itself rather than its JSON text
		emu.http.clearRecord();
		const asArray = await runTencent(emu, 'send', [{ json: { to: 'bob', body: msgBody } }], {
			bodyInput: 'json',
			msgBodyJson: '={{ $json.body }}',
			messageOptions: { msgRandom: 7, msgSeq: 8 },
		});
		expect(asArray.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/sendmsg').map((c) => c.json)).toEqual([
			{ To_Account: 'bob', MsgRandom: 7, MsgSeq: 8, MsgBody: msgBody },
		]);
	});

	test('a recipient that was not imported fails with 20003 and a hint; never a success item', async () => {
		const result = await runTencent(emu, 'send', hi('nobody'));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Tencent IM error 20003: /);
		expect(result.error?.description).toMatch(/Account → Import/);
		expect(result.output()).toHaveLength(0);
		const withContinue = await runTencent(emu, 'send', [...hi('nobody'), ...hi('alice')], {
			continueOnFail: true,
		});
		const out = withContinue.output();
		expect(out[0].json).toMatchObject({ error: expect.stringMatching(/20003/), code: 20003 });
		expect(out[0].json.MsgKey).toBeUndefined();
		expect(out[1].json.MsgKey).toEqual(expect.any(String));
	});

	test.each([20004, 20005, 91000, 90992, 70169, 60008, 60007])(
		'transient code %i is retried with the same MsgRandom',
		async (code) => {
			emu.injectErrorCode({ command: 'sendmsg', code, times: 2 });
			const result = await runTencent(emu, 'send', hi());
			expect(result.error?.message).toBeUndefined();
			const sends = calls(emu, 'openim/sendmsg');
			expect(sends).toHaveLength(3);
			const randoms = sends.map((s) => (s.json as { MsgRandom: number }).MsgRandom);
			expect(new Set(randoms).size).toBe(1);
			// every attempt carries a fresh request random and UserSig
			expect(new Set(sends.map((s) => s.query.get('random'))).size).toBe(3);
			expect(emu.messages).toHaveLength(1);
		},
	);

	test('HTTP 502 and dropped connections are retried', async () => {
		emu.http.inject({
			match: (r) => r.path.endsWith('sendmsg'),
			fault: { kind: 'status', status: 502 },
		});
		emu.http.inject({ match: (r) => r.path.endsWith('sendmsg'), fault: { kind: 'drop' } });
		const result = await runTencent(emu, 'send', hi());
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/sendmsg')).toHaveLength(3);
		expect(emu.messages).toHaveLength(1);
	});

	test('a retry after Tencent stored the message does not deliver it twice (120 s de-duplication)', async () => {
		emu.http.inject({
			match: (r) => r.path.endsWith('sendmsg'),
			fault: { kind: 'dropAfterHandling' },
		});
		const result = await runTencent(emu, 'send', hi());
		expect(result.error?.message).toBeUndefined();
		const sends = calls(emu, 'openim/sendmsg');
		expect(sends).toHaveLength(2);
		expect(sends[0].text).toBe(sends[1].text);
		expect(emu.messages).toHaveLength(1);
		expect(result.output()[0].json.MsgKey).toBe(emu.messages[0].MsgKey);
	});

	test('a non-transient refusal is not retried', async () => {
		emu.injectErrorCode({ command: 'sendmsg', code: 90010, times: 5 });
		const result = await runTencent(emu, 'send', hi());
		expect(result.error?.message).toMatch(/^Tencent IM error 90010/);
		expect(calls(emu, 'openim/sendmsg')).toHaveLength(1);
	});
});
