import { SlidingWindowLimiter } from '../../nodes/common/rateLimit';
import type { HttpRequest, HttpResponse } from '../../nodes/common/http';
import {
	BATCH_RECIPIENTS_PER_MINUTE,
	TencentImClient,
	parseEnvelope,
} from '../../nodes/TencentIm/transport/api';

/** A fake clock that only moves when the code under test sleeps. */
function fakeClock() {
	let now = 1_000_000;
	return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('SlidingWindowLimiter', () => {
	test('never lets more than the limit into any window', async () => {
		const clock = fakeClock();
		const limiter = new SlidingWindowLimiter(5, 1000, clock.now, clock.sleep);
		const times: number[] = [];
		for (let n = 0; n < 23; n++) {
			await limiter.acquire();
			times.push(clock.now());
		}
		for (let a = 0; a < times.length; a++) {
			const inWindow = times.filter((t) => t >= times[a] && t < times[a] + 1000).length;
			expect(inWindow).toBeLessThanOrEqual(5);
		}
		// and it does not wait longer than needed: 23 units at 5 per second take four full windows
		expect(times[22] - times[0]).toBeLessThan(4 * 1000 + 10);
	});

	test('weighted units (recipients) are counted as such', async () => {
		const clock = fakeClock();
		const limiter = new SlidingWindowLimiter(1000, 60_000, clock.now, clock.sleep);
		await limiter.acquire(600);
		await limiter.acquire(400);
		const before = clock.now();
		await limiter.acquire(1);
		expect(clock.now() - before).toBeGreaterThanOrEqual(60_000);
	});
});

describe('Tencent IM transport', () => {
	test('HTTP 200 with ActionStatus FAIL is an error, never a success', () => {
		const response: HttpResponse = {
			statusCode: 200,
			headers: {},
			body: '{"ActionStatus":"FAIL","ErrorCode":20003,"ErrorInfo":"bad"}',
		};
		expect(() => parseEnvelope(response)).toThrow('Tencent IM error 20003: bad');
	});

	test('batch sends stay under 12,000 recipients a minute', async () => {
		const clock = fakeClock();
		const sent: Array<{ at: number; count: number }> = [];
		const http = async (request: HttpRequest): Promise<HttpResponse> => {
			const body = JSON.parse(String(request.body)) as { To_Account: string[] };
			sent.push({ at: clock.now(), count: body.To_Account.length });
			return {
				statusCode: 200,
				headers: {},
				body: '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","MsgKey":"1_2_3"}',
			};
		};
		const client = new TencentImClient({ http, now: clock.now, sleep: clock.sleep });
		const recipients = Array.from({ length: 30_000 }, (_, n) => `u${n}`);
		// the request limit (200/s) also applies; a 30,000-recipient send needs 60 calls
		const outcomes = await client.batchSendMessage(recipients, {
			MsgRandom: 7,
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }],
		});
		expect(outcomes.every((o) => o.ok)).toBe(true);
		expect(sent).toHaveLength(60);
		for (const first of sent) {
			const inMinute = sent
				.filter((s) => s.at >= first.at && s.at < first.at + 60_000)
				.reduce((n, s) => n + s.count, 0);
			expect(inMinute).toBeLessThanOrEqual(BATCH_RECIPIENTS_PER_MINUTE);
		}
		// 30,000 recipients at 12,000 a minute need a little over two minutes
		expect(sent[59].at - sent[0].at).toBeGreaterThanOrEqual(120_000);
	});

	test('more than 8 KB is refused before the HTTP function is called', async () => {
		let called = false;
		const client = new TencentImClient({
			http: async () => {
				called = true;
				return { statusCode: 200, headers: {}, body: '{}' };
			},
		});
		await expect(
			client.sendMessage('a', {
				MsgRandom: 1,
				MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(8200) } }],
			}),
		).rejects.toThrow(/accepts at most 8192/);
		expect(called).toBe(false);
	});
});
