import type { INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from '../harness/engine';
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import { SECRET_KEY, calls, runTencent, startTencent, tencentCredentials } from './fixtures';

const emu = emulatorPerTest(startTencent);

const hi = (to = 'alice', text = 'hi') => [{ json: { to, text } }];

describe('Bad input is refused before anything is sent', () => {
	refusedBeforeSending<[INodeExecutionData[], Record<string, unknown>]>(
		[
			['missing recipient', [hi(''), {}], 'Item 0: "To Account" is required'],
			['recipient longer than 32 bytes', [hi('x'.repeat(33)), {}], 'Item 0: "To Account" is longer than 32 bytes'],
			['empty text element', [hi('alice', ''), {}], 'Item 0: "Elements › 1 › Text" is required'],
			['two custom elements', [hi(), { elements: { element: [{ type: 'custom', data: 'a' }, { type: 'custom', data: 'b' }] } }], 'Item 0: a message may contain at most one custom element'],
			['image without a URL', [hi(), { elements: { element: [{ type: 'image', url: 'ftp://x', width: 1, height: 1 }] } }], 'Item 0: "Elements › 1 › URL" must be an http(s):// URL'],
			['image without a width', [hi(), { elements: { element: [{ type: 'image', url: 'https://x/y.png', width: 0, height: 1 }] } }], 'Item 0: "Elements › 1 › Width" must be at least 1'],
			['negative file size', [hi(), { elements: { element: [{ type: 'file', url: 'https://x/f.pdf', fileName: 'f.pdf', size: -1 }] } }], 'Item 0: "Elements › 1 › Size (Bytes)" must be at least 0'],
			['message lifetime over 7 days', [hi(), { messageOptions: { msgLifeTime: 604801 } }], 'Item 0: "Message Lifetime (Seconds)" must be at most 604800'],
			['MsgRandom above 32 bits', [hi(), { messageOptions: { msgRandom: 2 ** 32 } }], 'Item 0: "MsgRandom" must be at most 4294967295'],
			['MsgBody JSON that is not an array', [hi(), { bodyInput: 'json', msgBodyJson: '{"MsgType":"TIMTextElem"}' }], 'Item 0: "MsgBody (JSON)" must be a non-empty array of elements'],
			['MsgBody JSON with an unknown element', [hi(), { bodyInput: 'json', msgBodyJson: '[{"MsgType":"TIMHologram","MsgContent":{}}]' }], 'Item 0: element 1 of "MsgBody (JSON)" needs a known MsgType and a MsgContent object'],
			['request over 8 KB', [hi('alice', 'x'.repeat(9000)), {}], /^Item 0: the request is \d+ bytes; Tencent Cloud IM accepts at most 8192$/],
		],
		([input, params]) => runTencent(emu, 'send', input, params),
		() => emu.http.requests.length,
	);

	test('a malformed MsgKey is refused before recalling', async () => {
		const result = await runTencent(emu, 'recall', [{ json: { from: 'bob', to: 'alice', msgKey: 'abc' } }]);
		expect(result.error?.message).toBe('Item 0: "MsgKey" must look like 123_456_1700000000');
		expect(emu.http.requests).toHaveLength(0);
	});

	test.each([
		['no SDKAppID', { sdkAppId: 0 }, /Tencent Cloud IM API › "SDKAppID" must be/],
		['no secret key', { secretKey: '' }, /Tencent Cloud IM API › "Secret Key" is required/],
		['a custom region without a URL', { customBaseUrl: 'console' }, /"Custom Base URL" must be an http\(s\):\/\/ URL/],
	])('a credential with %s fails naming the field, before any request', async (_name, overrides, message) => {
		const result = await runTencent(emu, 'send', hi(), {}, tencentCredentials(emu.baseUrl, overrides));
		expect(result.error?.message).toMatch(message);
		expect(emu.http.requests).toHaveLength(0);
	});
});

describe('Tencent refusals carry the code, Tencent text and a hint', () => {
	test.each([
		['a wrong secret key', { secretKey: 'not-the-key' }, 70009, /another SDKAppID|region/],
		['an unknown SDKAppID', { sdkAppId: 1400000001 }, 70020, /data centre/],
		['a non-admin identifier', { adminIdentifier: 'alice' }, 90009, /not an app admin/],
	])('%s', async (_name, overrides, code, hint) => {
		const result = await runTencent(emu, 'send', hi(), {}, tencentCredentials(emu.baseUrl, overrides));
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
			error: result.error && { m: result.error.message, d: result.error.description, c: result.error.context, s: result.error.stack },
		});
	}

	test('UserSig and secret key never appear, on any path', async () => {
		const runs: RunResult[] = [];
		runs.push(await runTencent(emu, 'send', hi(), {}, tencentCredentials(emu.baseUrl, { secretKey: 'wrong-key-123' })));
		emu.http.inject({ times: 4, fault: { kind: 'drop' } });
		runs.push(await runTencent(emu, 'send', hi()));
		emu.http.clearFaults();
		emu.http.inject({ times: 4, fault: { kind: 'status', status: 502 } });
		runs.push(await runTencent(emu, 'send', hi()));
		emu.http.clearFaults();
		runs.push(await runTencent(emu, 'send', hi('nobody'), { continueOnFail: true }));
		runs.push(await runTencent(emu, 'send', hi(), {}, tencentCredentials('http://127.0.0.1:9')));
		runs.push(await runTencent(emu, 'send', hi()));
		const usersigs = emu.http.requests.map((r) => r.query.get('usersig')).filter((s): s is string => !!s);
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
