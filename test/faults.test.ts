/**
 * Faults at scale, with items sent concurrently: one request in twenty misbehaves (a connection dropped after the
 * platform took the message, a gateway error, a rate-limit or busy answer, a stall past the timeout). Where the
 * platform gives an idempotency key every message is delivered exactly once; where it does not, at most once, and
 * every item whose fate is unknown says so. The bench runs the same at full size.
 */
import type { FaultKind, LoopbackEmulator, RecordedRequest } from './emulators/common';
import type { RunResult } from './harness/engine';
import { emulatorPerTest } from './harness/run';
import { runMixin, startMixin } from './mixin/fixtures';
import { runTencent, startTencent } from './tencent-im/fixtures';
import { FRIEND_ID, runYunhu, startYunhu } from './yunhu/fixtures';
import { runYunzhenji, startYunzhenji, storeFor } from './yunzhenji/fixtures';

const N = 200;
const EVERY = 20;
const QUICK = { retryAttempts: 5, retryDelayMs: 5, timeoutMs: 400, concurrency: 10 };

/** Every EVERY-th matching request gets the next fault of `kinds`, round robin. */
function spreadFaults(
	http: LoopbackEmulator,
	applies: (r: RecordedRequest) => boolean,
	kinds: FaultKind[],
): void {
	const chosen = new WeakMap<RecordedRequest, number>();
	let seen = 0;
	const kindOf = (r: RecordedRequest) => {
		if (!chosen.has(r))
			chosen.set(r, applies(r) && ++seen % EVERY === 0 ? (seen / EVERY) % kinds.length : -1);
		return chosen.get(r)!;
	};
	kinds.forEach((fault, k) =>
		http.inject({ match: (r) => kindOf(r) === k, times: Infinity, fault }),
	);
}

const texts = Array.from({ length: N }, (_, n) => `msg-${n}`);
const DROP: FaultKind = { kind: 'dropAfterHandling' };
const STALL: FaultKind = { kind: 'delay', ms: 600 };

function expectExactlyOnce(result: RunResult, delivered: string[]): void {
	expect(result.error?.message).toBeUndefined();
	expect(result.output()).toHaveLength(N);
	expect([...delivered].sort()).toEqual([...texts].sort());
}

describe('Mixin: exactly once (message ids)', () => {
	const emu = emulatorPerTest(startMixin);
	test(`${N} sends to 20 users with faults spread over the run`, async () => {
		const users = Array.from(
			{ length: 20 },
			(_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
		);
		users.forEach((userId) => emu.addUser({ userId, hasConversation: true }));
		spreadFaults(emu.http, (r) => r.path === '/messages', [
			DROP,
			{ kind: 'status', status: 502 },
			{
				kind: 'status',
				status: 429,
				headers: { 'retry-after': '0' },
				body: '{"error":{"status":429,"code":429,"description":"Too Many Requests"}}',
			},
			STALL,
		]);
		const input = texts.map((text, n) => ({ json: { userId: users[n % 20], text } }));
		const result = await runMixin(emu, 'send', input, { requestOptions: QUICK });
		await new Promise((r) => setTimeout(r, 700));
		expectExactlyOnce(
			result,
			emu.messages.map((m) => m.payload.toString()),
		);
		// and in order per user
		for (const user of users) {
			const got = emu.messages
				.filter((m) => m.recipient_id === user)
				.map((m) => m.payload.toString());
			expect(got).toEqual(texts.filter((_, n) => users[n % 20] === user));
		}
	}, 60_000);
});

describe('Tencent IM: exactly once (MsgRandom and MsgSeq)', () => {
	const emu = emulatorPerTest(startTencent);
	test(`${N} sends with faults and busy codes spread over the run`, async () => {
		spreadFaults(emu.http, (r) => r.path.endsWith('/sendmsg'), [
			DROP,
			{ kind: 'status', status: 502 },
			STALL,
		]);
		emu.injectErrorCode({ command: 'sendmsg', code: 20004, times: 3 });
		emu.injectErrorCode({ command: 'sendmsg', code: 60007, times: 2 });
		const input = texts.map((text, n) => ({
			json: { to: ['alice', 'bob', 'carol'][n % 3], text },
		}));
		const result = await runTencent(emu, 'send', input, { requestOptions: QUICK });
		await new Promise((r) => setTimeout(r, 700));
		expectExactlyOnce(
			result,
			emu.messages.map((m) => (m.MsgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text),
		);
	}, 60_000);
});

describe('Yunhu client API: exactly once (msg_id)', () => {
	const emu = emulatorPerTest(startYunhu);
	test(`${N} sends with faults spread over the run`, async () => {
		spreadFaults(emu.http, (r) => r.path === '/v1/msg/send-message', [
			DROP,
			{ kind: 'status', status: 502 },
			STALL,
		]);
		const input = texts.map((text) => ({ json: { text } }));
		const result = await runYunhu(
			emu,
			'userApi',
			{
				operation: 'send',
				chatType: 'user',
				chatId: FRIEND_ID,
				contentType: 'text',
				text: '={{ $json.text }}',
				requestOptions: QUICK,
			},
			input,
		);
		await new Promise((r) => setTimeout(r, 700));
		expectExactlyOnce(
			result,
			emu.messages.map((m) => String(m.content.text)),
		);
	}, 60_000);
});

/**
 * No idempotency key: each item is either sent (and delivered once) or failed; a failed item whose request may
 * have reached the platform says `uncertain`, and nothing is ever delivered twice.
 */
function expectAtMostOnce(
	result: RunResult,
	delivered: string[],
	textOf: (n: number) => string,
	n = N,
): void {
	const out = result.output();
	expect(out).toHaveLength(n);
	const counts = new Map<string, number>();
	for (const d of delivered) counts.set(d, (counts.get(d) ?? 0) + 1);
	expect(Math.max(...counts.values())).toBe(1);
	out.forEach((item, n) => {
		const times = counts.get(textOf(n)) ?? 0;
		if (item.json.error === undefined) expect(times).toBe(1);
		else expect(item.json.uncertain).toBe(true);
	});
	// a rate-limit answer and a refused start (503) did nothing and were sent again
	expect(out.filter((o) => o.json.error === undefined).length).toBeGreaterThan(n * 0.9);
}

describe('Yunhu bot API: at most once, uncertain items marked', () => {
	const emu = emulatorPerTest(startYunhu);
	// the bot API takes 10 requests a second: a smaller run keeps the suite quick
	const BOT_N = 80;
	test(`${BOT_N} sends with faults spread over the run`, async () => {
		spreadFaults(emu.http, (r) => r.path.endsWith('/bot/send'), [
			DROP,
			{ kind: 'status', status: 503 },
			{
				kind: 'status',
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: '{"code":1007,"msg":"请求过于频繁"}',
			},
			STALL,
		]);
		const input = texts.slice(0, BOT_N).map((text) => ({ json: { text } }));
		const result = await runYunhu(
			emu,
			'botApi',
			{
				operation: 'send',
				chatType: 'user',
				chatId: FRIEND_ID,
				contentType: 'text',
				text: '={{ $json.text }}',
				requestOptions: QUICK,
				continueOnFail: true,
			},
			input,
		);
		await new Promise((r) => setTimeout(r, 700));
		expectAtMostOnce(
			result,
			emu.messages.map((m) => String(m.content.text)),
			(n) => texts[n],
			BOT_N,
		);
	}, 60_000);
});

describe('Yunzhenji: at most once, uncertain items marked', () => {
	const emu = emulatorPerTest(startYunzhenji);
	test(`${N} sends with faults spread over the run`, async () => {
		spreadFaults(emu.http, (r) => r.path === '/wechat/sendMessage', [
			DROP,
			{ kind: 'status', status: 503 },
			STALL,
		]);
		const input = texts.map((text) => ({ json: { text } }));
		const result = await runYunzhenji(
			storeFor(emu),
			{
				messages: { message: [{ type: 'text', text: '={{ $json.text }}' }] },
				requestOptions: QUICK,
				continueOnFail: true,
			},
			input,
		);
		await new Promise((r) => setTimeout(r, 700));
		expectAtMostOnce(
			result,
			emu.sends.map((s) => String((s.content.items as Array<{ text: string }>)[0].text)),
			(n) => texts[n],
		);
	}, 60_000);
});
