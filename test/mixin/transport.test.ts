import type { HttpResponse } from '../../nodes/common/http';
import { MixinClient } from '../../nodes/MixinMessenger/transport/api';

const limited = (headers: Record<string, string> = {}): HttpResponse => ({
	statusCode: 429,
	headers,
	body: '{"error":{"status":429,"code":429,"description":"Too Many Requests"}}',
});
const ok: HttpResponse = {
	statusCode: 200,
	headers: {},
	body: '{"data":{"message_id":"m","conversation_id":"c"}}',
};

async function waitsAfter(first: HttpResponse): Promise<number[]> {
	const waits: number[] = [];
	const answers = [first, ok];
	const client = new MixinClient({
		signed: async () => answers.shift()!,
		plain: async () => ok,
		botUserId: '11efbb75-e7fe-44d7-a14f-698535289310',
		retry: { attempts: 3, baseDelayMs: 5 },
		sleep: async (ms) => void waits.push(ms),
	});
	await client.call('POST', '/messages', {});
	return waits;
}

describe('Mixin rate-limit answers wait out their window', () => {
	test('a 429 without Retry-After waits the minute Mixin counts messages in', async () => {
		expect(await waitsAfter(limited())).toEqual([60_000]);
	});

	test('a 429 with Retry-After waits as long as it says', async () => {
		expect(await waitsAfter(limited({ 'retry-after': '3' }))).toEqual([3000]);
	});
});
