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
		const input = Array.from({ length: 2000 }, (_, n) => ({
			json: { to: 'alice', text: `n${n}` },
		}));
		const result = await runTencent(emu, 'send', input);
		expect(result.error?.message).toBeUndefined();
		expect(emu.rateLimited).toBe(0);
		expect(calls(emu, 'openim/sendmsg')).toHaveLength(2000);
		expect(emu.messages).toHaveLength(2000);
		const out = result.output();
		expect(out).toHaveLength(2000);
		expect(new Set(out.map((o) => o.json.MsgKey)).size).toBe(2000);
	}, 120_000);

	test("Import › Many Accounts keeps to multiaccount_import's 100 calls a second: 15,000 accounts in 150 calls, no refusal", async () => {
		emu.http.clearRecord();
		const before = emu.rateLimited;
		const userIds = Array.from({ length: 15_000 }, (_, n) => `bulk${n}`);
		const started = Date.now();
		const result = await runTencent(emu, 'account-import-many', [{ json: { userIds } }]);
		expect(result.error?.message).toBeUndefined();
		expect(emu.rateLimited - before).toBe(0);
		expect(calls(emu, 'im_open_login_svc/multiaccount_import')).toHaveLength(150);
		// 150 calls at 100 a second cannot all go in the first second
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(result.output().every((o) => o.json.imported === true)).toBe(true);
		expect(userIds.every((id) => emu.accounts.has(id))).toBe(true);
	}, 60_000);

	test('two executions at once on the same app, items sent concurrently, share one budget: no refusal', async () => {
		const recipients = Array.from({ length: 40 }, (_, n) => `r${n}`);
		recipients.forEach((id) => emu.importAccount(id));
		emu.http.clearRecord();
		const before = emu.messages.length;
		const input = (tag: string) =>
			Array.from({ length: 300 }, (_, n) => ({
				json: { to: recipients[n % 40], text: `${tag}${n}` },
			}));
		const [a, b] = await Promise.all([
			runTencent(emu, 'send', input('a')),
			runTencent(emu, 'send', input('b')),
		]);
		expect(a.error?.message).toBeUndefined();
		expect(b.error?.message).toBeUndefined();
		// shared, the two runs keep to one budget; each on its own would send twice the rate and be refused hundreds of
		// times. Each slot is held until its answer is in, so Tencent never counts more than the limit in a second,
		// however late requests leave on a loaded machine.
		expect(emu.rateLimited).toBe(0);
		expect(emu.messages.length - before).toBe(600);
		// messages to each recipient arrived in item order
		const toR0 = emu.messages
			.slice(before)
			.filter(
				(m) =>
					m.To_Account === 'r0' &&
					(m.MsgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text.startsWith('a'),
			);
		expect(
			toR0.map((m) => (m.MsgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text),
		).toEqual(Array.from({ length: 8 }, (_, k) => `a${k * 40}`));
	}, 120_000);
});
