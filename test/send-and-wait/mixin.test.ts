import { WAIT_INDEFINITELY } from 'n8n-workflow';

import { resumeAfterTimeout, resumeWaiting, runWorkflow } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { CONVERSATION_ID, USER_ID, keystoreCredentials, startMixin } from '../mixin/fixtures';
import { answerWorkflow, formPost, resumeUrl, SIGNED_URL } from './fixtures';

const emu = emulatorPerTest(startMixin);
const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);

const workflow = (parameters: Record<string, unknown>) =>
	answerWorkflow('mixinMessenger', 'mixinMessengerApi', {
		resource: 'message',
		operation: 'sendAndWait',
		recipientType: 'user',
		userId: USER_ID,
		message: 'Deploy v2 to production?',
		...parameters,
	});

const run = async (parameters: Record<string, unknown> = {}) =>
	await runWorkflow(workflow(parameters), {
		input: [{ json: { release: 'v2' } }],
		credentials: { mixinMessengerApi: keystoreCredentials(emu.baseUrl) },
	});

/** The messages Mixin received, payloads decoded. */
function received() {
	return emu.http.requests
		.filter((r) => r.method === 'POST' && r.path === '/messages')
		.map((r) => {
			const { data_base64: data, ...envelope } = r.json as Record<string, unknown> & {
				message_id: string;
			};
			const text = Buffer.from(String(data), 'base64url').toString('utf8');
			return { ...envelope, payload: envelope.category === 'PLAIN_TEXT' ? text : JSON.parse(text) };
		});
}

describe('Mixin Messenger › Send and Wait for Response', () => {
	test('asks with a text and a button group of signed resume URLs, waits, and resumes with the click', async () => {
		const waiting = await run({
			approvalType: 'double',
			approveLabel: 'Ship it',
			disapproveLabel: 'Not now',
		});
		expect(waiting.error?.message).toBeUndefined();
		expect(waiting.status).toBe('waiting');
		expect(waiting.run.waitTill).toEqual(WAIT_INDEFINITELY);
		const envelope = { conversation_id: CONVERSATION_ID, recipient_id: USER_ID, message_id: UUID };
		expect(received()).toEqual([
			{ ...envelope, category: 'PLAIN_TEXT', payload: 'Deploy v2 to production?' },
			{
				...envelope,
				category: 'APP_BUTTON_GROUP',
				payload: [
					{ label: 'Ship it', color: '#27AE60', action: expect.stringMatching(SIGNED_URL('true')) },
					{
						label: 'Not now',
						color: '#EB5757',
						action: expect.stringMatching(SIGNED_URL('false')),
					},
				],
			},
		]);
		const [, buttons] = received();
		const [approve, decline] = (buttons.payload as Array<{ action: string }>).map((b) => b.action);
		expect(new Set(received().map((m) => m.message_id)).size).toBe(2);

		const declined = await resumeWaiting(workflow({ approvalType: 'double' }), waiting, {
			url: decline,
		});
		expect(declined.response.status).toBe(200);
		expect(String(declined.response.body)).toContain('Got it, thanks');
		expect(declined.run?.status).toBe('success');
		const answer = [{ json: { data: { approved: false, respondedAt: expect.any(String) } } }];
		expect(declined.run?.output('Mixin Messenger')).toMatchObject(answer);
		expect(declined.run?.output('After').map((i) => i.json)).toEqual([
			{ data: { approved: false, respondedAt: expect.any(String) } },
		]);

		// the same wait answered by the other button instead
		const approved = await resumeWaiting(workflow({ approvalType: 'double' }), waiting, {
			url: approve,
		});
		expect(approved.run?.output('After').map((i) => i.json.data)).toEqual([
			{ approved: true, respondedAt: expect.any(String) },
		]);
		// once answered, a click changes nothing
		const late = await resumeWaiting(workflow({}), approved.run!, { url: approve });
		expect(late.response.body).toBe('send-and-wait-no-action-required');
		expect(late.run).toBeUndefined();
	});

	test('a resume URL whose query was changed is refused by its signature', async () => {
		const waiting = await run();
		const [, buttons] = received();
		const approve = (buttons.payload as Array<{ action: string }>)[0].action;
		expect(buttons.payload).toHaveLength(1);
		const forged = approve.replace('approved=true', 'approved=false');
		const result = await resumeWaiting(workflow({}), waiting, { url: forged });
		expect(result.response).toEqual({ status: 401, headers: {}, body: { error: 'Invalid token' } });
		expect(result.run).toBeUndefined();
	});

	test('free text: the link opens a form; the answer sent with it resumes the execution', async () => {
		const waiting = await run({
			responseType: 'freeText',
			sendAndWaitOptions: { respondLabel: 'Answer', formTitle: 'Release notes' },
		});
		const [text, buttons] = received();
		expect(text.payload).toBe('Deploy v2 to production?');
		expect(buttons.payload).toEqual([
			{ label: 'Answer', color: '#2F80ED', action: expect.stringMatching(SIGNED_URL()) },
		]);
		const url = (buttons.payload as Array<{ action: string }>)[0].action;
		const wf = workflow({
			responseType: 'freeText',
			sendAndWaitOptions: { formTitle: 'Release notes' },
		});

		const form = await resumeWaiting(wf, waiting, { url });
		expect(form.run).toBeUndefined();
		expect(String(form.response.body)).toMatch(/<form method="post">/);
		expect(String(form.response.body)).toContain(
			'<h1>Release notes</h1><p>Deploy v2 to production?</p>',
		);

		const empty = await resumeWaiting(wf, waiting, formPost(url, '   '));
		expect(empty.run).toBeUndefined();
		expect(String(empty.response.body)).toContain('Please write an answer.');

		const answered = await resumeWaiting(
			wf,
			waiting,
			formPost(url, 'Ship on Monday <b>please</b>'),
		);
		expect(answered.run?.output('After').map((i) => i.json)).toEqual([
			{ data: { text: 'Ship on Monday <b>please</b>', respondedAt: expect.any(String) } },
		]);
	});

	test('a limited wait ends at its time with the input items, and the form escapes what it shows', async () => {
		const before = Date.now();
		const waiting = await run({
			message: 'Is <script>alert(1)</script> ok?',
			responseType: 'freeText',
			sendAndWaitOptions: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
				},
			},
		});
		const till = waiting.run.waitTill!.getTime();
		expect(till).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
		expect(till).toBeLessThan(Date.now() + 2 * 3_600_000 + 1000);
		const url = resumeUrl(received()[1].payload);
		const form = await resumeWaiting(
			workflow({ message: 'Is <script>alert(1)</script> ok?', responseType: 'freeText' }),
			waiting,
			{ url },
		);
		expect(String(form.response.body)).not.toContain('<script>');
		expect(String(form.response.body)).toContain('Is &lt;script&gt;alert(1)&lt;/script&gt; ok?');

		const timedOut = await resumeAfterTimeout(workflow({}), waiting);
		expect(timedOut.status).toBe('success');
		expect(timedOut.output('After').map((i) => i.json)).toEqual([{ release: 'v2' }]);
	});

	test('bad input is refused before anything is sent', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ message: '  ' }, /"Message" is required/],
			[{ approveLabel: 'x'.repeat(37) }, /"Approve Button Label" may be at most 36 characters/],
			[{ userId: 'not-a-uuid' }, /"User ID" must be a user ID \(UUID\) or the Mixin ID/],
			[
				{
					sendAndWaitOptions: {
						limitWaitTime: {
							values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2020-01-01T00:00:00Z' },
						},
					},
				},
				/"Max Date and Time" is in the past/,
			],
		];
		for (const [parameters, message] of cases) {
			const result = await run(parameters);
			expect(result.error?.message).toMatch(message);
			expect(result.status).toBe('error');
		}
		expect(emu.http.requests.filter((r) => r.path === '/messages')).toEqual([]);
	});
});
