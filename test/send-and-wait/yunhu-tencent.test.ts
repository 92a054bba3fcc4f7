import { resumeWaiting, runWorkflow } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { startTencent, tencentCredentials } from '../tencent-im/fixtures';
import {
	BOT_ID,
	FRIEND_ID,
	GROUP_ID,
	botCredentials,
	startYunhu,
	userCredentials,
} from '../yunhu/fixtures';
import { answerWorkflow, formPost, SIGNED_URL } from './fixtures';

const URL_OF = (approved?: 'true' | 'false') => expect.stringMatching(SIGNED_URL(approved));

describe('Yunhu › Send and Wait for Response', () => {
	const emu = emulatorPerTest(startYunhu);
	const workflow = (api: 'botApi' | 'userApi', parameters: Record<string, unknown> = {}) =>
		answerWorkflow('yunhu', api === 'botApi' ? 'yunhuBotApi' : 'yunhuUserApi', {
			authentication: api,
			resource: 'message',
			operation: 'sendAndWait',
			chatType: 'group',
			chatId: GROUP_ID,
			message: 'Merge the release branch?',
			approvalType: 'double',
			...parameters,
		});
	const run = async (api: 'botApi' | 'userApi', parameters: Record<string, unknown> = {}) =>
		await runWorkflow(workflow(api, parameters), {
			input: [{ json: { pr: 7 } }],
			credentials:
				api === 'botApi'
					? { yunhuBotApi: botCredentials(emu) }
					: { yunhuUserApi: userCredentials(emu) },
		});

	test('as a bot: a text with a row of link buttons; a click resumes the execution', async () => {
		const waiting = await run('botApi');
		expect(waiting.error?.message).toBeUndefined();
		expect(waiting.status).toBe('waiting');
		const sends = emu.http.requests.filter((r) => r.path === '/open-apis/v1/bot/send');
		expect(sends.map((r) => r.json)).toEqual([
			{
				recvId: GROUP_ID,
				recvType: 'group',
				contentType: 'text',
				content: {
					text: 'Merge the release branch?',
					buttons: [
						[
							{ text: 'Approve', actionType: 1, url: URL_OF('true') },
							{ text: 'Decline', actionType: 1, url: URL_OF('false') },
						],
					],
				},
			},
		]);
		const url = (sends[0].json as { content: { buttons: Array<Array<{ url: string }>> } }).content
			.buttons[0][0].url;
		const resumed = await resumeWaiting(workflow('botApi'), waiting, { url });
		expect(resumed.run?.output('After').map((i) => i.json)).toEqual([
			{ data: { approved: true, respondedAt: expect.any(String) } },
		]);
		const stored = emu.messages.filter((m) => m.senderId === BOT_ID);
		expect(stored).toHaveLength(1);
	});

	test('as a user: the protobuf send carries a msg_id made once and the buttons as JSON; free text works', async () => {
		const waiting = await run('userApi', {
			chatType: 'user',
			chatId: FRIEND_ID,
			responseType: 'freeText',
		});
		expect(waiting.error?.message).toBeUndefined();
		const sends = emu.http.requests.filter((r) => r.path === '/v1/msg/send-message');
		expect(sends.map((r) => r.decoded)).toEqual([
			{
				msg_id: expect.stringMatching(/^[0-9a-f]{32}$/),
				chat_id: FRIEND_ID,
				chat_type: 1,
				content_type: 1,
				content: { text: 'Merge the release branch?', buttons: expect.any(String) },
			},
		]);
		const buttons = JSON.parse(
			(sends[0].decoded as { content: { buttons: string } }).content.buttons,
		) as Array<Array<{ url: string }>>;
		expect(buttons).toEqual([[{ text: 'Respond', actionType: 1, url: URL_OF() }]]);
		const wf = workflow('userApi', { responseType: 'freeText' });
		const answered = await resumeWaiting(
			wf,
			waiting,
			formPost(buttons[0][0].url, 'after the tests pass'),
		);
		expect(answered.run?.output('After').map((i) => i.json)).toEqual([
			{ data: { text: 'after the tests pass', respondedAt: expect.any(String) } },
		]);
	});

	test('a bot cannot ask a bot, and a label too long is refused before sending', async () => {
		const toBot = await run('botApi', { chatType: 'bot', chatId: BOT_ID });
		expect(toBot.error?.message).toMatch(/"Chat Type" bot is not one the bot API can reach/);
		const longMessage = await run('botApi', { message: 'x'.repeat(20_001) });
		expect(longMessage.error?.message).toMatch(/"Message" may be at most 20000 characters/);
		expect(emu.http.requests).toEqual([]);
	});
});

describe('Tencent Cloud IM › Send and Wait for Response', () => {
	const emu = emulatorPerTest(startTencent);
	const workflow = (parameters: Record<string, unknown> = {}) =>
		answerWorkflow('tencentIm', 'tencentImApi', {
			resource: 'message',
			operation: 'sendAndWait',
			toAccount: 'alice',
			fromAccount: 'bob',
			message: 'Refund order 1042?',
			approvalType: 'double',
			approveLabel: 'Refund',
			disapproveLabel: 'Keep',
			...parameters,
		});

	test('a text message with each answer on its own line; the link resumes the execution', async () => {
		const waiting = await runWorkflow(workflow(), {
			input: [{ json: {} }],
			credentials: { tencentImApi: tencentCredentials(emu.baseUrl) },
		});
		expect(waiting.error?.message).toBeUndefined();
		expect(waiting.status).toBe('waiting');
		const sends = emu.http.requests.filter((r) => r.path === '/v4/openim/sendmsg');
		expect(sends.map((r) => r.json)).toEqual([
			{
				To_Account: 'alice',
				From_Account: 'bob',
				MsgRandom: expect.any(Number),
				MsgSeq: expect.any(Number),
				MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: expect.any(String) } }],
			},
		]);
		const text = (sends[0].json as { MsgBody: Array<{ MsgContent: { Text: string } }> }).MsgBody[0]
			.MsgContent.Text;
		const [question, blank, refund, keep] = text.split('\n');
		expect([question, blank]).toEqual(['Refund order 1042?', '']);
		expect(refund).toMatch(
			/^Refund: http:\/\/localhost:5678\/webhook-waiting\/test-execution\/node-0\?approved=true&signature=[0-9a-f]{64}$/,
		);
		expect(keep).toMatch(
			/^Keep: http:\/\/localhost:5678\/webhook-waiting\/test-execution\/node-0\?approved=false&signature=[0-9a-f]{64}$/,
		);
		const resumed = await resumeWaiting(workflow(), waiting, { url: keep.slice('Keep: '.length) });
		expect(resumed.run?.output('After').map((i) => i.json.data)).toEqual([
			{ approved: false, respondedAt: expect.any(String) },
		]);
	});

	test('an account that is not a valid UserID is refused before sending', async () => {
		const result = await runWorkflow(workflow({ toAccount: 'x'.repeat(33) }), {
			credentials: { tencentImApi: tencentCredentials(emu.baseUrl) },
		});
		expect(result.error?.message).toMatch(/To Account/);
		expect(result.error?.message).toMatch(/32/);
		expect(emu.http.requests).toEqual([]);
	});
});
