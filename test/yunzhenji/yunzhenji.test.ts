import { encryptYunzhenji } from '../emulators/yunzhenji';
import { runCredentialTest, runWebhook } from '../harness/engine';
import { emulatorPerTest, everythingShown, refusedBeforeSending } from '../harness/run';
import {
	ACCOUNT,
	AES_KEY,
	APP_ID,
	APP_SECRET,
	CUSTOMER,
	GROUP,
	runYunzhenji,
	startReceiver,
	startYunzhenji,
	storeFor,
	triggerWorkflow,
	yunzhenjiCredentials,
} from './fixtures';

const emu = emulatorPerTest(startYunzhenji);

const HEX = expect.stringMatching(/^[0-9a-f]{48}$/);
const SVRID = expect.stringMatching(new RegExp(`^${ACCOUNT},\\d+,\\d{13}[A-Za-z0-9]{6}$`));
const sends = () => emu.http.requests.filter((r) => r.path === '/wechat/sendMessage');
const tokenCalls = () => emu.http.requests.filter((r) => r.path === '/oauth/token');
const text = (t: string, extra: Record<string, unknown> = {}) => ({
	type: 'text',
	text: t,
	...extra,
});

describe('Message › Send', () => {
	test('the whole request: app_id and a fetched token first, then the messages with their api_send_id', async () => {
		const store = storeFor(emu);
		const result = await runYunzhenji(store, {
			messages: {
				message: [
					text('hello', { mentions: 'wxid_a, wxid_b', emoji: '[微笑]' }),
					{
						type: 'link',
						title: 'Offer',
						url: 'https://example.com/o',
						desc: 'Today only',
						cover: 'https://example.com/c.jpg',
					},
					{ type: 'picture', url: 'https://example.com/p.png', delayedTime: 1_893_456_000 },
				],
			},
		});
		expect(result.error?.message).toBeUndefined();
		expect(tokenCalls().map((r) => r.json)).toEqual([
			{ app_id: APP_ID, app_secret: APP_SECRET, grand_type: 'client_credential' },
		]);
		const [send] = sends();
		expect(send.json).toEqual({
			app_id: APP_ID,
			access_token: HEX,
			wxid: ACCOUNT,
			target_wxid: CUSTOMER,
			messages: [
				{
					msg_type: 'text',
					content: {
						items: [
							{ type: 'at', wxid: 'wxid_a' },
							{ type: 'at', wxid: 'wxid_b' },
							{ type: 'text', text: 'hello' },
							{ type: 'emoji', text: '[微笑]' },
						],
					},
					api_send_id: 'test-execution-0-0',
				},
				{
					msg_type: 'link',
					content: {
						title: 'Offer',
						url: 'https://example.com/o',
						desc: 'Today only',
						cover: 'https://example.com/c.jpg',
					},
					api_send_id: 'test-execution-0-1',
				},
				{
					msg_type: 'picture',
					content: { url: 'https://example.com/p.png' },
					delayed_time: 1_893_456_000,
					api_send_id: 'test-execution-0-2',
				},
			],
		});
		expect(result.output().map((o) => o.json)).toEqual([
			{
				idx: 0,
				api_send_svrid: SVRID,
				api_send_id: 'test-execution-0-0',
				status: 'accepted',
				msg_type: 'text',
				wxid: ACCOUNT,
				target_wxid: CUSTOMER,
			},
			{
				idx: 1,
				api_send_svrid: SVRID,
				api_send_id: 'test-execution-0-1',
				status: 'accepted',
				msg_type: 'link',
				wxid: ACCOUNT,
				target_wxid: CUSTOMER,
			},
			{
				idx: 2,
				api_send_svrid: SVRID,
				api_send_id: 'test-execution-0-2',
				status: 'accepted',
				msg_type: 'picture',
				wxid: ACCOUNT,
				target_wxid: CUSTOMER,
			},
		]);
		expect(emu.sends.map((s) => s.apiSendSvrid)).toEqual(
			result.output().map((o) => o.json.api_send_svrid),
		);
	});

	test('every other type with its fields; card and channel as JSON; any type as raw JSON', async () => {
		const store = storeFor(emu);
		const result = await runYunzhenji(store, {
			targetWxid: GROUP,
			messages: {
				message: [
					{ type: 'announcement', text: 'Meeting at 3' },
					{ type: 'file', title: 'Price list', url: 'https://example.com/p.pdf' },
					{
						type: 'voice',
						url: 'https://example.com/v.mp3',
						duration: 12,
						orgContent: 'raw-voice',
					},
					{
						type: 'video',
						url: 'https://example.com/v.mp4',
						cover: 'https://example.com/v.jpg',
						duration: 30,
					},
					{
						type: 'program',
						appid: 'wx123',
						username: 'gh_abc@app',
						title: 'Shop',
						pagepath: 'pages/index',
						cover: 'https://example.com/s.jpg',
					},
					{ type: 'card', contentJson: '{"wxid":"7881300000000009"}' },
					{ type: 'channel', contentJson: { object_id: 'abc', nonce_id: 'n1' } },
					{
						type: 'text',
						contentInput: 'json',
						contentJson: '{"items":[{"type":"text","text":"raw"}]}',
						apiSendId: 'order-42',
					},
				],
			},
		});
		expect(result.error?.message).toBeUndefined();
		// more than 5 messages: requests of 5 and 3, in order
		expect(
			sends().map(
				(r) => (r.json as { messages: Array<{ msg_type: string; content: unknown }> }).messages,
			),
		).toEqual([
			[
				{
					msg_type: 'announcement',
					content: { text: 'Meeting at 3' },
					api_send_id: 'test-execution-0-0',
				},
				{
					msg_type: 'file',
					content: { title: 'Price list', url: 'https://example.com/p.pdf' },
					api_send_id: 'test-execution-0-1',
				},
				{
					msg_type: 'voice',
					content: { url: 'https://example.com/v.mp3', duration: 12, org_content: 'raw-voice' },
					api_send_id: 'test-execution-0-2',
				},
				{
					msg_type: 'video',
					content: {
						url: 'https://example.com/v.mp4',
						cover: 'https://example.com/v.jpg',
						duration: 30,
					},
					api_send_id: 'test-execution-0-3',
				},
				{
					msg_type: 'program',
					content: {
						appid: 'wx123',
						username: 'gh_abc@app',
						title: 'Shop',
						pagepath: 'pages/index',
						cover: 'https://example.com/s.jpg',
					},
					api_send_id: 'test-execution-0-4',
				},
			],
			[
				{
					msg_type: 'card',
					content: { wxid: '7881300000000009' },
					api_send_id: 'test-execution-0-5',
				},
				{
					msg_type: 'channel',
					content: { object_id: 'abc', nonce_id: 'n1' },
					api_send_id: 'test-execution-0-6',
				},
				{
					msg_type: 'text',
					content: { items: [{ type: 'text', text: 'raw' }] },
					api_send_id: 'order-42',
				},
			],
		]);
		expect(result.output().map((o) => o.json.idx)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
	});

	test('a send time given as a date is read in the workflow time zone and sent as Unix seconds', async () => {
		const store = storeFor(emu);
		await runYunzhenji(store, {
			messages: { message: [text('later', { delayedTime: '2030-01-01T08:00:00+08:00' })] },
		});
		expect(
			(sends()[0].json as { messages: Array<{ delayed_time: number }> }).messages[0].delayed_time,
		).toBe(Date.parse('2030-01-01T00:00:00Z') / 1000);
	});
});

describe('The access token: fetched once, reused, renewed', () => {
	test('kept by n8n between executions: the second run fetches no token', async () => {
		const store = storeFor(emu);
		await runYunzhenji(store, { messages: { message: [text('one')] } });
		await runYunzhenji(store, { messages: { message: [text('two')] } });
		expect(tokenCalls()).toHaveLength(1);
		expect(store.updates).toHaveLength(1);
		// replaced five minutes before Yunzhenji's 7200 s run out
		const expiresAt = store.get('yunzhenjiApi')?.sessionTokenExpiresAt as number;
		expect(expiresAt - Date.now()).toBeGreaterThan(6_890_000);
		expect(expiresAt - Date.now()).toBeLessThanOrEqual(6_900_000);
	});

	test('ten items at once with no token stored yet fetch one token between them', async () => {
		const store = storeFor(emu);
		const input = Array.from({ length: 10 }, (_, n) => ({ json: { n } }));
		const result = await runYunzhenji(
			store,
			{ messages: { message: [text('={{ "hi " + $json.n }}')] } },
			input,
		);
		expect(result.error?.message).toBeUndefined();
		expect(tokenCalls()).toHaveLength(1);
		expect(emu.sends).toHaveLength(10);
	});

	test('a token Yunzhenji calls expired (42001, in the body) is renewed once and the send goes through', async () => {
		const store = storeFor(emu);
		await runYunzhenji(store, { messages: { message: [text('one')] } });
		emu.expireTokens();
		const result = await runYunzhenji(store, { messages: { message: [text('two')] } });
		expect(result.error?.message).toBeUndefined();
		expect(sends().map((r) => r.note)).toEqual(['ok', '42001 access_token expired', 'ok']);
		expect(tokenCalls()).toHaveLength(2);
		expect(emu.sends).toHaveLength(2);
	});

	test('a token past its stored expiry is replaced before the request', async () => {
		const store = storeFor(emu);
		await runYunzhenji(store, { messages: { message: [text('one')] } });
		store.set('yunzhenjiApi', {
			...store.get('yunzhenjiApi')!,
			sessionTokenExpiresAt: Date.now() - 1,
		});
		await runYunzhenji(store, { messages: { message: [text('two')] } });
		expect(tokenCalls()).toHaveLength(2);
		expect(sends().map((r) => r.note)).toEqual(['ok', 'ok']);
	});

	test('a pasted access token is used as it is, with no token request', async () => {
		const store = storeFor(emu);
		await runYunzhenji(store, { messages: { message: [text('fetch one')] } });
		const token = store.get('yunzhenjiApi')!.sessionToken as string;
		const manual = storeFor(emu, { accessMode: 'manual', appSecret: '', accessToken: token });
		emu.http.clearRecord();
		const result = await runYunzhenji(manual, { messages: { message: [text('pasted')] } });
		expect(result.error?.message).toBeUndefined();
		expect(tokenCalls()).toHaveLength(0);
		expect((sends()[0].json as { access_token: string }).access_token).toBe(token);
	});

	test("a wrong app secret fails once, with Yunzhenji's reason and no secret shown", async () => {
		const store = storeFor(emu, { appSecret: 'not-the-secret' });
		const result = await runYunzhenji(store, { messages: { message: [text('x')] } });
		expect(result.error?.message).toMatch(/^Yunzhenji error 401: .*invalid app_secret/);
		expect(tokenCalls()).toHaveLength(1);
		expect(sends()).toHaveLength(0);
		expect(everythingShown(result)).not.toContain('not-the-secret');
	});
});

describe('Bad input and refusals', () => {
	refusedBeforeSending<Record<string, unknown>>(
		[
			[
				'an announcement to a person',
				{ messages: { message: [{ type: 'announcement', text: 'x' }] } },
				'Item 0: Messages › 1 › Type: a group announcement can only go to a group (a target WXID starting with R:)',
			],
			[
				'a voice of 0 seconds',
				{ messages: { message: [{ type: 'voice', url: 'https://e.com/v.mp3', duration: 0 }] } },
				'Item 0: "Messages › 1 › Duration (Seconds)" must be at least 1',
			],
			[
				'a voice of 61 seconds',
				{ messages: { message: [{ type: 'voice', url: 'https://e.com/v.mp3', duration: 61 }] } },
				'Item 0: "Messages › 1 › Duration (Seconds)" must be at most 60',
			],
			[
				'a picture without a URL',
				{ messages: { message: [{ type: 'picture', url: '' }] } },
				'Item 0: "Messages › 1 › URL" is required',
			],
			[
				'a card without its JSON',
				{ messages: { message: [{ type: 'card', contentJson: '{}' }] } },
				'Item 0: "Messages › 1 › Content (JSON)" must be a JSON object with the card content',
			],
			[
				'a send time in milliseconds',
				{ messages: { message: [text('x', { delayedTime: 1_893_456_000_000 })] } },
				'Item 0: "Messages › 1 › Send At" looks like milliseconds; give Unix seconds or a date',
			],
		],
		(params) => runYunzhenji(storeFor(emu), params),
		() => emu.http.requests.length,
	);

	test("errcode ≠ 0 is an API error with Yunzhenji's message", async () => {
		const result = await runYunzhenji(storeFor(emu), {
			targetWxid: '7881309999999999',
			messages: { message: [text('x')] },
		});
		expect(result.error?.message).toMatch(/^Yunzhenji error 46004: /);
	});

	test('fewer messages accepted than sent is an error naming those accepted', async () => {
		emu.acceptOnly(1);
		const result = await runYunzhenji(storeFor(emu), {
			messages: { message: [text('a'), text('b')] },
		});
		expect(result.error?.message).toBe(
			'Yunzhenji error PARTIAL: Yunzhenji accepted 1 of 2 messages (idx 0)',
		);
	});

	test('an answer lost after Yunzhenji accepted is not sent again; the item says it may have been accepted', async () => {
		emu.http.inject({
			match: (r) => r.path === '/wechat/sendMessage',
			fault: { kind: 'dropAfterHandling' },
		});
		const result = await runYunzhenji(storeFor(emu), {
			continueOnFail: true,
			messages: { message: [text('once')] },
		});
		expect(sends()).toHaveLength(1);
		expect(emu.sends).toHaveLength(1);
		expect(result.output()[0].json).toMatchObject({
			uncertain: true,
			description: expect.stringMatching(/may have been accepted/),
		});
	});

	test('the app secret and the access token never appear in output or errors', async () => {
		const store = storeFor(emu);
		const ok = await runYunzhenji(store, { messages: { message: [text('x')] } });
		const token = store.get('yunzhenjiApi')!.sessionToken as string;
		emu.http.inject({ fault: { kind: 'drop' }, times: Infinity });
		const failed = await runYunzhenji(store, { messages: { message: [text('y')] } });
		for (const shown of [everythingShown(ok), everythingShown(failed)]) {
			expect(shown).not.toContain(token);
			expect(shown).not.toContain(APP_SECRET);
		}
	});
});

describe('Accounts and contacts', () => {
	test('Account › List pages through /wechat/list with the online filter; Return All', async () => {
		for (let n = 0; n < 130; n++)
			emu.addAccount({ wxid: `16888500000${String(n).padStart(5, '0')}`, online: n % 2 === 0 });
		const result = await runYunzhenji(storeFor(emu), {
			resource: 'account',
			operation: 'list',
			online: 1,
			returnAll: true,
		});
		expect(result.error?.message).toBeUndefined();
		const pages = emu.http.requests
			.filter((r) => r.path === '/wechat/list')
			.map((r) => Object.fromEntries([...r.query].filter(([k]) => k !== 'access_token')));
		expect(pages).toEqual([{ app_id: APP_ID, online: '1', page: '1', page_size: '100' }]);
		expect(result.output()).toHaveLength(66);
	});

	test('Contact › Get Relations and List Blacklist', async () => {
		emu.addBlacklisted({ wxid: '7881300000000077', nickname: 'Spam' });
		const relations = await runYunzhenji(storeFor(emu), {
			resource: 'contact',
			operation: 'getRelations',
			wxid: CUSTOMER,
		});
		expect(relations.output()[0].json).toEqual({
			wxid: CUSTOMER,
			rel_wxids: [ACCOUNT],
			room_wxids: [GROUP],
		});
		const black = await runYunzhenji(storeFor(emu), {
			resource: 'contact',
			operation: 'listBlacklist',
			returnAll: true,
		});
		expect(black.output().map((o) => o.json.wxid)).toEqual(['7881300000000077']);
	});
});

describe('Yunzhenji Trigger', () => {
	test('a send whose failure comes back through the trigger: chatMsg and chatMsgSendFail, matched by api_send_id', async () => {
		const store = storeFor(emu);
		const receiver = await startReceiver(store, triggerWorkflow());
		emu.setCallbackUrl(receiver.url);
		try {
			emu.addCustomer({ wxid: '7881300000000fail', relWxids: [ACCOUNT] });
			const sent = await runYunzhenji(store, {
				targetWxid: '7881300000000fail',
				messages: { message: [text('will fail')] },
			});
			await emu.flushCallbacks();
			await receiver.settle();
			const [out] = sent.output();
			const items = receiver.items();
			expect(items.map((i) => i.type)).toEqual(['chatMsg', 'chatMsgSendFail']);
			expect(
				items.every(
					(i) =>
						i.api_send_svrid === out.json.api_send_svrid && i.api_send_id === out.json.api_send_id,
				),
			).toBe(true);
			expect(items[1]).toMatchObject({
				rel_wxid: ACCOUNT,
				to_wxid: '7881300000000fail',
				err_msg: expect.any(String),
			});
			// the platform got its answer at once
			expect(emu.callbacks.map((c) => [c.status, c.responseText])).toEqual([
				[200, '{"errcode":0}'],
				[200, '{"errcode":0}'],
			]);
		} finally {
			await receiver.stop();
		}
	});

	test.each([
		['a raw base64 body', 'base64' as const],
		['a JSON-wrapped body', 'json' as const],
	])('%s decrypts; events not chosen are acknowledged and dropped', async (_name, form) => {
		emu.callbackBodyForm = form;
		const store = storeFor(emu);
		const receiver = await startReceiver(store, triggerWorkflow(['chatMsg']));
		emu.setCallbackUrl(receiver.url);
		try {
			await emu.pushIncomingMessage({ relWxid: ACCOUNT, fromWxid: CUSTOMER, text: 'hi there' });
			await emu.pushContactsEvent({
				relWxid: ACCOUNT,
				event: 'add',
				contacts: [{ wxid: '7881300000000123', nickname: 'New' }],
			});
			await emu.flushCallbacks();
			await receiver.settle();
			expect(receiver.items()).toEqual([
				expect.objectContaining({
					type: 'chatMsg',
					rel_wxid: ACCOUNT,
					from_wxid: CUSTOMER,
					content: expect.anything(),
				}),
			]);
			expect(receiver.results[1].response).toEqual({
				status: 200,
				headers: {},
				body: { errcode: 0 },
			});
			expect(receiver.results[1].run).toBeUndefined();
		} finally {
			await receiver.stop();
		}
	});

	test('the 32-character key form decrypts too', async () => {
		const key32 = 'abcdefghijklmnopqrstuvwxyz012345';
		const body = encryptYunzhenji(
			JSON.stringify([{ type: 'chatMsg', rel_wxid: ACCOUNT, data: [{ msg_type: 'text' }] }]),
			key32,
		);
		const result = await runWebhook(
			triggerWorkflow(),
			{ headers: { 'content-type': 'application/json' }, body },
			{
				credentials: { yunzhenjiApi: yunzhenjiCredentials(emu, { encodingAesSecret: key32 }) },
			},
		);
		expect(result.response.body).toEqual({ errcode: 0 });
		expect(result.run?.output('Yunzhenji Trigger').map((i) => i.json)).toEqual([
			{ type: 'chatMsg', rel_wxid: ACCOUNT, msg_type: 'text' },
		]);
	});

	test('a body that does not decrypt with the key is refused with 401 and starts nothing', async () => {
		const otherKey = Buffer.from('ffffffffffffffffffffffffffffffff')
			.toString('base64')
			.replace(/=$/, '');
		const forged = encryptYunzhenji(
			JSON.stringify([{ type: 'chatMsg', rel_wxid: ACCOUNT, data: [{}] }]),
			otherKey,
		);
		for (const body of [forged, 'not even base64!', JSON.stringify({ encrypt: forged })]) {
			const result = await runWebhook(
				triggerWorkflow(),
				{ headers: { 'content-type': 'application/json' }, body },
				{
					credentials: { yunzhenjiApi: yunzhenjiCredentials(emu) },
				},
			);
			expect(result.response.status).toBe(401);
			expect(result.run).toBeUndefined();
		}
		expect(AES_KEY).toHaveLength(43);
	});
});

describe('The credential test', () => {
	const send = async (request: {
		baseURL?: string;
		url: string;
		method?: string;
		qs?: Record<string, unknown>;
	}) => {
		const query = new URLSearchParams(
			Object.entries(request.qs ?? {}).map(([k, v]) => [k, String(v)]),
		).toString();
		const response = await fetch(`${request.baseURL}${request.url}?${query}`, {
			method: request.method ?? 'GET',
		});
		return { statusCode: response.status, body: (await response.json()) as unknown };
	};
	const helpers = {
		httpRequest: async (options: { url: string; method?: string; body?: unknown }) => {
			const response = await fetch(options.url, {
				method: options.method ?? 'GET',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(options.body),
			});
			return (await response.json()) as unknown;
		},
	};

	test('fetches a token and reads the account list; a wrong secret fails visibly', async () => {
		const good = await runCredentialTest(
			'yunzhenjiApi',
			yunzhenjiCredentials(emu),
			send,
			helpers as never,
		);
		expect(good.status).toBe('OK');
		expect(emu.http.requests.map((r) => r.path)).toEqual(['/oauth/token', '/wechat/list']);
		await expect(
			runCredentialTest(
				'yunzhenjiApi',
				yunzhenjiCredentials(emu, { appSecret: 'wrong' }),
				send,
				helpers as never,
			),
		).rejects.toThrow(/refused the app ID or secret \(errcode 40125\)/);
	});
});
