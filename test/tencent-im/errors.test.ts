import type { INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from '../harness/engine';
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import { SECRET_KEY, calls, runTencent, startTencent, tencentCredentials } from './fixtures';

const emu = emulatorPerTest(startTencent);

const hi = (to = 'alice', text = 'hi') => [{ json: { to, text } }];

const el = (MsgType: string, MsgContent: Record<string, unknown>) => ({ MsgType, MsgContent });
const text = (Text: unknown) => el('TIMTextElem', { Text });
const image = (info: Record<string, unknown>) =>
	el('TIMImageElem', {
		UUID: 'i1',
		ImageFormat: 3,
		ImageInfoArray: [{ Type: 1, Size: 1, Width: 1, Height: 1, URL: 'https://x/i.png', ...info }],
	});
const relay = (MsgList: unknown[]) =>
	el('TIMRelayElem', { Title: 't', MsgNum: MsgList.length, MsgList });
const forwarded = (MsgBody: unknown) => ({
	From_Account: 'bob',
	To_Account: 'alice',
	MsgTimeStamp: 1_700_000_000,
	MsgBody,
});
const jsonBody = (body: unknown[]): [INodeExecutionData[], Record<string, unknown>] => [
	hi(),
	{ bodyInput: 'json', msgBodyJson: JSON.stringify(body) },
];
const BODY = '"MsgBody (JSON)"';

/** A malformed JSON MsgBody names the element (its position and type) and the field. */
const jsonBodyCases: Array<[string, [INodeExecutionData[], Record<string, unknown>], string]> = [
	[
		'JSON text element whose Text is a number',
		jsonBody([text(5)]),
		`Item 0: element 1 (TIMTextElem) of ${BODY}: Text must be a string`,
	],
	[
		'JSON location without a latitude',
		jsonBody([text('a'), el('TIMLocationElem', { Desc: 'd', Longitude: 1 })]),
		`Item 0: element 2 (TIMLocationElem) of ${BODY}: Latitude is required`,
	],
	[
		'JSON location latitude out of range',
		jsonBody([el('TIMLocationElem', { Desc: 'd', Latitude: 91, Longitude: 1 })]),
		`Item 0: element 1 (TIMLocationElem) of ${BODY}: Latitude must be at most 90`,
	],
	[
		'JSON face index not whole',
		jsonBody([el('TIMFaceElem', { Index: 1.5, Data: 'x' })]),
		`Item 0: element 1 (TIMFaceElem) of ${BODY}: Index must be a whole number`,
	],
	[
		'JSON custom element without Data',
		jsonBody([el('TIMCustomElem', { Desc: 'push' })]),
		`Item 0: element 1 (TIMCustomElem) of ${BODY}: Data is required`,
	],
	[
		'JSON sound that clients cannot download',
		jsonBody([el('TIMSoundElem', { Url: 'https://x/s.m4a', UUID: 's', Download_Flag: 1 })]),
		`Item 0: element 1 (TIMSoundElem) of ${BODY}: Download_Flag must be 2`,
	],
	[
		'JSON image without a URL',
		jsonBody([text('a'), image({ URL: undefined })]),
		`Item 0: element 2 (TIMImageElem) of ${BODY}: ImageInfoArray › 1 › URL is required`,
	],
	[
		'JSON image with an empty ImageInfoArray',
		jsonBody([el('TIMImageElem', { UUID: 'i', ImageInfoArray: [] })]),
		`Item 0: element 1 (TIMImageElem) of ${BODY}: ImageInfoArray needs at least 1 item`,
	],
	[
		'JSON file with an ftp URL',
		jsonBody([el('TIMFileElem', { Url: 'ftp://x/f', UUID: 'f', Download_Flag: 2 })]),
		`Item 0: element 1 (TIMFileElem) of ${BODY}: Url must be an http(s):// URL`,
	],
	[
		'JSON file with an empty UUID',
		jsonBody([el('TIMFileElem', { Url: 'https://x/f', UUID: ' ', Download_Flag: 2 })]),
		`Item 0: element 1 (TIMFileElem) of ${BODY}: UUID must not be empty`,
	],
	[
		'JSON video without a thumbnail width',
		jsonBody([
			el('TIMVideoFileElem', {
				VideoUrl: 'https://x/v.mp4',
				VideoUUID: 'v',
				VideoDownloadFlag: 2,
				ThumbUrl: 'https://x/t.jpg',
				ThumbUUID: 't',
				ThumbHeight: 1,
				ThumbDownloadFlag: 2,
			}),
		]),
		`Item 0: element 1 (TIMVideoFileElem) of ${BODY}: ThumbWidth is required`,
	],
	[
		'JSON merged forward without messages',
		jsonBody([el('TIMRelayElem', { Title: 't' })]),
		`Item 0: element 1 (TIMRelayElem) of ${BODY}: needs MsgList (the forwarded messages) or JsonMsgKey`,
	],
	[
		'JSON merged forward whose message has no body',
		jsonBody([relay([{ From_Account: 'bob', To_Account: 'alice' }])]),
		`Item 0: element 1 (TIMRelayElem) of ${BODY}: MsgList › 1 › MsgBody is required`,
	],
	[
		'JSON merged forward with a bad inner element',
		jsonBody([relay([forwarded([text('ok')]), forwarded([text(null)])])]),
		`Item 0: element 1 (TIMRelayElem) of ${BODY}: MsgList › 2 › MsgBody › 1 (TIMTextElem) › Text must be a string`,
	],
	[
		'JSON merged forward with an unknown inner element',
		jsonBody([relay([forwarded([el('TIMHologram', {})])])]),
		`Item 0: element 1 (TIMRelayElem) of ${BODY}: MsgList › 1 › MsgBody › 1 needs a known MsgType and a MsgContent object`,
	],
	[
		'JSON element whose MsgContent is not an object',
		jsonBody([text('a'), { MsgType: 'TIMTextElem', MsgContent: 'hi' }]),
		`Item 0: element 2 of ${BODY} needs a known MsgType and a MsgContent object`,
	],
	[
		'JSON body with two custom elements',
		jsonBody([el('TIMCustomElem', { Data: 'a' }), el('TIMCustomElem', { Data: 'b' })]),
		'Item 0: a message may contain at most one custom element',
	],
];

describe('Bad input is refused before anything is sent', () => {
	refusedBeforeSending<[INodeExecutionData[], Record<string, unknown>]>(
		[
			['missing recipient', [hi(''), {}], 'Item 0: "To Account" is required'],
			[
				'recipient longer than 32 bytes',
				[hi('x'.repeat(33)), {}],
				'Item 0: "To Account" is longer than 32 bytes',
			],
			['empty text element', [hi('alice', ''), {}], 'Item 0: "Elements › 1 › Text" is required'],
			[
				'two custom elements',
				[
					hi(),
					{
						elements: {
							element: [
								{ type: 'custom', data: 'a' },
								{ type: 'custom', data: 'b' },
							],
						},
					},
				],
				'Item 0: a message may contain at most one custom element',
			],
			[
				'image without a URL',
				[hi(), { elements: { element: [{ type: 'image', url: 'ftp://x', width: 1, height: 1 }] } }],
				'Item 0: "Elements › 1 › URL" must be an http(s):// URL',
			],
			[
				'image without a width',
				[
					hi(),
					{
						elements: { element: [{ type: 'image', url: 'https://x/y.png', width: 0, height: 1 }] },
					},
				],
				'Item 0: "Elements › 1 › Width" must be at least 1',
			],
			[
				'negative file size',
				[
					hi(),
					{
						elements: {
							element: [{ type: 'file', url: 'https://x/f.pdf', fileName: 'f.pdf', size: -1 }],
						},
					},
				],
				'Item 0: "Elements › 1 › Size (Bytes)" must be at least 0',
			],
			[
				'message lifetime over 7 days',
				[hi(), { messageOptions: { msgLifeTime: 604801 } }],
				'Item 0: "Message Lifetime (Seconds)" must be at most 604800',
			],
			[
				'MsgRandom above 32 bits',
				[hi(), { messageOptions: { msgRandom: 2 ** 32 } }],
				'Item 0: "MsgRandom" must be at most 4294967295',
			],
			[
				'MsgBody JSON that is not an array',
				[hi(), { bodyInput: 'json', msgBodyJson: '{"MsgType":"TIMTextElem"}' }],
				'Item 0: "MsgBody (JSON)" must be a non-empty array of elements',
			],
			[
				'MsgBody JSON with an unknown element',
				[hi(), { bodyInput: 'json', msgBodyJson: '[{"MsgType":"TIMHologram","MsgContent":{}}]' }],
				'Item 0: element 1 of "MsgBody (JSON)" needs a known MsgType and a MsgContent object',
			],
			...jsonBodyCases,
			[
				'Huawei push image not https',
				[hi(), { messageOptions: { huaweiImage: 'http://cdn.example.com/h.png' } }],
				'Item 0: "Push Image (Huawei)" must be an https:// URL',
			],
			[
				'Honor push image not https',
				[hi(), { messageOptions: { honorImage: 'http://cdn.example.com/h.png' } }],
				'Item 0: "Push Image (Honor)" must be an https:// URL',
			],
			[
				'iOS push image not a URL',
				[hi(), { messageOptions: { apnsImage: 'a.png' } }],
				'Item 0: "Push Image (iOS)" must be an http(s):// URL',
			],
			[
				'request over 8 KB',
				[hi('alice', 'x'.repeat(9000)), {}],
				/^Item 0: the request is \d+ bytes; Tencent Cloud IM accepts at most 8192$/,
			],
		],
		([input, params]) => runTencent(emu, 'send', input, params),
		() => emu.http.requests.length,
	);

	test('a malformed MsgKey is refused before recalling', async () => {
		const result = await runTencent(emu, 'recall', [
			{ json: { from: 'bob', to: 'alice', msgKey: 'abc' } },
		]);
		expect(result.error?.message).toBe('Item 0: "MsgKey" must look like 123_456_1700000000');
		expect(emu.http.requests).toHaveLength(0);
	});

	test.each([
		['no SDKAppID', { sdkAppId: 0 }, /Tencent Cloud IM API › "SDKAppID" must be/],
		['no secret key', { secretKey: '' }, /Tencent Cloud IM API › "Secret Key" is required/],
		[
			'a custom region without a URL',
			{ customBaseUrl: 'console' },
			/"Custom Base URL" must be an http\(s\):\/\/ URL/,
		],
	])(
		'a credential with %s fails naming the field, before any request',
		async (_name, overrides, message) => {
			const result = await runTencent(
				emu,
				'send',
				hi(),
				{},
				tencentCredentials(emu.baseUrl, overrides),
			);
			expect(result.error?.message).toMatch(message);
			expect(emu.http.requests).toHaveLength(0);
		},
	);
});

describe('Tencent refusals carry the code, Tencent text and a hint', () => {
	test.each([
		['a wrong secret key', { secretKey: 'not-the-key' }, 70009, /another SDKAppID|region/],
		['an unknown SDKAppID', { sdkAppId: 1400000001 }, 70020, /data centre/],
		['a non-admin identifier', { adminIdentifier: 'alice' }, 90009, /not an app admin/],
	])('%s', async (_name, overrides, code, hint) => {
		const result = await runTencent(
			emu,
			'send',
			hi(),
			{},
			tencentCredentials(emu.baseUrl, overrides),
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(new RegExp(`^Tencent IM error ${code}: .+`));
		expect(result.error?.description).toMatch(hint);
		// authentication failures are not retried
		expect(calls(emu)).toHaveLength(1);
	});
});

describe('No secret reaches an error or an output', () => {
	function shown(result: RunResult): string {
		return JSON.stringify({
			out: result.run.data.resultData.runData,
			error: result.error && {
				m: result.error.message,
				d: result.error.description,
				c: result.error.context,
				s: result.error.stack,
			},
		});
	}

	test('UserSig and secret key never appear, on any path', async () => {
		const runs: RunResult[] = [];
		runs.push(
			await runTencent(
				emu,
				'send',
				hi(),
				{},
				tencentCredentials(emu.baseUrl, { secretKey: 'wrong-key-123' }),
			),
		);
		emu.http.inject({ times: 4, fault: { kind: 'drop' } });
		runs.push(await runTencent(emu, 'send', hi()));
		emu.http.clearFaults();
		emu.http.inject({ times: 4, fault: { kind: 'status', status: 502 } });
		runs.push(await runTencent(emu, 'send', hi()));
		emu.http.clearFaults();
		runs.push(await runTencent(emu, 'send', hi('nobody'), { continueOnFail: true }));
		runs.push(await runTencent(emu, 'send', hi(), {}, tencentCredentials('http://127.0.0.1:9')));
		runs.push(await runTencent(emu, 'send', hi()));
		const usersigs = emu.http.requests
			.map((r) => r.query.get('usersig'))
			.filter((s): s is string => !!s);
		expect(usersigs.length).toBeGreaterThan(5);
		for (const result of runs) {
			const text = shown(result);
			expect(text).not.toContain(SECRET_KEY);
			expect(text).not.toContain('wrong-key-123');
			expect(text).not.toMatch(/usersig=/i);
			for (const sig of usersigs) expect(text).not.toContain(sig);
		}
	});
});
