import type { INodeExecutionData } from 'n8n-workflow';

import { decode, encode } from '../../nodes/Yunhu/transport/codec';
import { binaryItem } from '../harness/engine';
import { emulatorPerTest, everythingShown, refusedBeforeSending } from '../harness/run';
import {
	BOT_TOKEN,
	FRIEND_ID,
	GROUP_ID,
	USER_TOKEN,
	botCredentials,
	runYunhu,
	startYunhu,
	userCredentials,
	type Api,
} from './fixtures';

const emu = emulatorPerTest(startYunhu);

const send = (params: Record<string, unknown>) => ({
	operation: 'send',
	chatType: 'user',
	chatId: FRIEND_ID,
	contentType: 'text',
	text: 'hi',
	...params,
});

describe('Bad input is refused before anything is sent', () => {
	refusedBeforeSending<[Api, Record<string, unknown>, INodeExecutionData[]?]>(
		[
			['no chat ID', ['userApi', send({ chatId: '={{ "" }}' })], 'Item 0: "Chat ID" is required'],
			[
				'a bot chat through the bot API',
				['botApi', send({ chatType: 'bot' })],
				'Item 0: "Chat Type" bot is not one the bot API can reach',
			],
			[
				'audio through the bot API',
				['botApi', send({ contentType: 'audio', mediaSource: 'key', mediaKey: 'a.m4a' })],
				'Item 0: "Content Type" audio cannot be sent through the bot API',
			],
			[
				'a text longer than the limit',
				['userApi', send({ text: 'x'.repeat(20_001) })],
				'Item 0: "Text" is 20001 characters long; the node sends at most 20000',
			],
			[
				'a malformed message ID',
				['userApi', send({ messageOptions: { messageId: 'abc' } })],
				'Item 0: "Message ID" must be 32 hex characters',
			],
			[
				'a button without a URL',
				[
					'botApi',
					send({ buttons: { button: [{ text: 'Go', action: 'openUrl', url: 'ftp://x' }] } }),
				],
				'Item 0: "Buttons › 1 › URL" must be an http(s):// URL',
			],
			[
				'a form that is not an object',
				['userApi', send({ contentType: 'form', formJson: '[1]', commandId: 3 })],
				'Item 0: "Form (JSON)" must be a JSON object',
			],
			[
				'an audio without its length',
				[
					'userApi',
					send({ contentType: 'audio', mediaSource: 'key', mediaKey: 'a.m4a', audioSeconds: 0 }),
				],
				'Item 0: "Duration (Seconds)" must be at least 1',
			],
			[
				'an image over the bot API limit of 10 MB',
				[
					'botApi',
					send({ contentType: 'image', mediaSource: 'binary' }),
					[binaryItem(Buffer.alloc(10 * 1024 * 1024 + 1), 'big.png', 'image/png')],
				],
				'Item 0: the file is 10485761 bytes; the bot API accepts at most 10485760 (10 MB)',
			],
			[
				'an empty binary file',
				[
					'userApi',
					send({ contentType: 'file', mediaSource: 'binary' }),
					[binaryItem(Buffer.alloc(0), 'e.txt', 'text/plain')],
				],
				'Item 0: binary field "data" is empty',
			],
		],
		([api, params, input]) => runYunhu(emu, api, params, input),
		() => emu.http.requests.length,
	);
});

describe('Yunhu refusals carry the code, the text and a hint; tokens never show', () => {
	test('a user token that is not logged in: -101 from the JSON answer on a protobuf route', async () => {
		const result = await runYunhu(
			emu,
			'userApi',
			send({}),
			undefined,
			userCredentials(emu, 'stale-token'),
		);
		expect(result.error?.message).toBe('Yunhu error -101: 未登录');
		expect(result.error?.description).toMatch(/log in again/);
		expect(everythingShown(result)).not.toContain('stale-token');
		// not retried: a wrong token stays wrong
		expect(emu.http.requests).toHaveLength(1);
	});

	test('a wrong bot token: 1003, once, and the token does not appear anywhere (it travels in the URL)', async () => {
		const result = await runYunhu(
			emu,
			'botApi',
			{ ...send({}), continueOnFail: true },
			undefined,
			botCredentials(emu, 'wrong-bot-token-123456'),
		);
		const [out] = result.output();
		expect(out.json).toMatchObject({ code: 1003, platformMessage: '非法token' });
		expect(everythingShown(result)).not.toContain('wrong-bot-token-123456');
		expect(emu.http.requests).toHaveLength(1);
	});

	test('a dropped connection is reported without the token of the URL', async () => {
		emu.http.inject({ fault: { kind: 'drop' }, times: Infinity });
		const result = await runYunhu(emu, 'botApi', send({}));
		expect(result.error?.message).toMatch(/^Yunhu error (ECONNRESET|NETWORK_ERROR): /);
		const shown = everythingShown(result);
		expect(shown).not.toContain(BOT_TOKEN);
		expect(shown).not.toContain(USER_TOKEN);
	});

	test('a business refusal (bot not in the group) is not retried', async () => {
		const result = await runYunhu(emu, 'botApi', send({ chatType: 'group', chatId: '999' }));
		expect(result.error?.message).toBe('Yunhu error -1: 群(ID:999)中未添加当前机器人');
		expect(emu.http.requests).toHaveLength(1);
	});

	test('a rate-limit answer (1007) waits and is sent again', async () => {
		emu.http.inject({
			match: (r) => r.path.endsWith('/bot/send'),
			fault: {
				kind: 'status',
				status: 200,
				body: JSON.stringify({ code: 1007, msg: '请求过于频繁' }),
				headers: { 'content-type': 'application/json' },
			},
		});
		const result = await runYunhu(emu, 'botApi', send({ chatType: 'group', chatId: GROUP_ID }));
		expect(result.error?.message).toBeUndefined();
		expect(emu.http.requests.filter((r) => r.path.endsWith('/bot/send'))).toHaveLength(2);
	});
});

describe('protobuf: int64 values are numbers when exact, strings otherwise; unknown fields refused', () => {
	test('a millisecond time decodes to a number; an id above 2^53 to its exact decimal string', () => {
		const bytes = encode('ListMsgResponse', {
			status: { code: 1, request_id: '18446744073709551615' },
			data: [
				{
					msg_id: 'a',
					send_time: 1_700_000_000_123,
					msg_seq: 7,
					content: { sticker_item_id: '9007199254740993' },
				},
			],
		});
		expect(decode('ListMsgResponse', bytes)).toEqual({
			status: { code: 1, request_id: -1 },
			data: [
				{
					msg_id: 'a',
					send_time: 1_700_000_000_123,
					msg_seq: 7,
					content: { sticker_item_id: '9007199254740993' },
				},
			],
		});
	});

	test('a misspelt field is an error, not a silently dropped value', () => {
		expect(() => encode('SendMsgRequest', { msg_id: 'a', content: { txet: 'x' } })).toThrow(
			'SendMsgRequest.content: no field "txet" in yh.MsgContent',
		);
	});
});
