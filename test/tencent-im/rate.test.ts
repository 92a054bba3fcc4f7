import type { TencentImEmulator } from '../emulators/tencent-im';
import { calls, runTencent, startTencent } from './fixtures';

let emu: TencentImEmulator;
beforeAll(async () => {
	emu = await startTencent();
});
afterAll(async () => {
	await emu.stop();
});

describe('Rate limit: 200 requests per second per API, held across the items of a run', () => {
	test('2,000 sends finish with zero rate-limit refusals and all 2,000 accepted', async () => {
		const input = Array.from({ length: 2000 }, (_, n) => ({ json: { to: 'alice', text: `n${n}` } }));
		const result = await runTencent(emu, 'send', input);
		expect(result.error?.message).toBeUndefined();
		expect(emu.rateLimited).toBe(0);
		expect(calls(emu, 'openim/sendmsg')).toHaveLength(2000);
		expect(emu.messages).toHaveLength(2000);
		const out = result.output();
		expect(out).toHaveLength(2000);
		expect(new Set(out.map((o) => o.json.MsgKey)).size).toBe(2000);
	}, 120_000);
});
