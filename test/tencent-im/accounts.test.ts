/** Account › Import: one account (account_import, the default) or many (multiaccount_import, 100 per call). */
import { emulatorPerTest, refusedBeforeSending } from '../harness/run';
import { calls, runTencent, startTencent } from './fixtures';

const emu = emulatorPerTest(startTencent);

const IMPORT_MANY = 'im_open_login_svc/multiaccount_import';
const ids = (n: number, prefix = 'user') => Array.from({ length: n }, (_, k) => `${prefix}${k}`);
const importMany = (userIds: string | string[], parameters: Record<string, unknown> = {}) =>
	runTencent(emu, 'account-import-many', [{ json: { userIds } }], parameters);

describe('Account › Import › One Account (the default)', () => {
	test('a saved workflow without the Import mode sends account_import as before, with its profile', async () => {
		const result = await runTencent(emu, 'account-import', [{ json: { userId: 'dave' } }], {
			profile: { nick: 'Dave', faceUrl: 'https://x.example/d.png' },
		});
		expect(result.error?.message).toBeUndefined();
		expect(emu.http.requests.map((r) => [r.path, r.json])).toEqual([
			[
				'/v4/im_open_login_svc/account_import',
				{ UserID: 'dave', Nick: 'Dave', FaceUrl: 'https://x.example/d.png' },
			],
		]);
		expect(result.output().map((o) => o.json)).toEqual([{ UserID: 'dave', imported: true }]);
	});

	test('Tencent refusing the account fails the item with its code (70398: quota)', async () => {
		emu.accountQuota = emu.accounts.size;
		const result = await runTencent(emu, 'account-import', [{ json: { userId: 'dave' } }]);
		expect(result.error?.message).toMatch(/^Tencent IM error 70398: /);
		expect(result.error?.description).toMatch(/quota/);
	});
});

describe('Account › Import › Many Accounts', () => {
	test('250 accounts go out in 3 calls of multiaccount_import (100, 100, 50); one output item per account', async () => {
		const userIds = ids(250);
		const result = await importMany(userIds.join('\n'));
		expect(result.error?.message).toBeUndefined();
		expect(emu.http.requests.map((r) => [r.path, r.json])).toEqual([
			[`/v4/${IMPORT_MANY}`, { Accounts: userIds.slice(0, 100) }],
			[`/v4/${IMPORT_MANY}`, { Accounts: userIds.slice(100, 200) }],
			[`/v4/${IMPORT_MANY}`, { Accounts: userIds.slice(200) }],
		]);
		const out = result.output();
		expect(out.map((o) => o.json)).toEqual(userIds.map((UserID) => ({ UserID, imported: true })));
		expect(out.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(userIds.every((id) => emu.accounts.has(id))).toBe(true);
	});

	test('an array from an expression, or commas: spaces trimmed, repeats dropped, each item its own calls', async () => {
		const result = await runTencent(emu, 'account-import-many', [
			{ json: { userIds: ['dave', ' erin ', 'dave'] } },
			{ json: { userIds: 'frank, gus,,' } },
		]);
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, IMPORT_MANY).map((c) => c.json)).toEqual([
			{ Accounts: ['dave', 'erin'] },
			{ Accounts: ['frank', 'gus'] },
		]);
		expect(
			result
				.output()
				.map((o) => [o.json.UserID, o.json.imported, (o.pairedItem as { item: number }).item]),
		).toEqual([
			['dave', true, 0],
			['erin', true, 0],
			['frank', true, 1],
			['gus', true, 1],
		]);
	});

	test('accounts Tencent lists in FailAccounts are reported as not imported, with the reason', async () => {
		emu.accountQuota = emu.accounts.size + 2;
		const result = await importMany('dave, alice, erin, frank');
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, IMPORT_MANY).map((c) => c.json)).toEqual([
			{ Accounts: ['dave', 'alice', 'erin', 'frank'] },
		]);
		expect(result.output().map((o) => o.json)).toEqual([
			{ UserID: 'dave', imported: true },
			{ UserID: 'alice', imported: true },
			{ UserID: 'erin', imported: true },
			{
				UserID: 'frank',
				imported: false,
				error: 'Tencent did not import this account (listed in FailAccounts)',
			},
		]);
		expect(emu.accounts.has('frank')).toBe(false);
	});

	test('every account in FailAccounts: each is reported, the item still succeeds', async () => {
		emu.accountQuota = emu.accounts.size;
		const result = await importMany('dave,erin');
		expect(result.status).toBe('success');
		expect(result.output().map((o) => [o.json.UserID, o.json.imported])).toEqual([
			['dave', false],
			['erin', false],
		]);
	});

	test('a call that fails outright marks its accounts not imported, with the code; the other calls still go out', async () => {
		const userIds = ids(250);
		let n = 0;
		emu.http.inject({
			match: (r) => r.path.endsWith('multiaccount_import') && ++n === 2,
			fault: { kind: 'status', status: 400, body: 'Bad Request' },
		});
		const result = await importMany(userIds);
		expect(result.error?.message).toBeUndefined();
		const out = result.output().map((o) => o.json);
		expect(out.filter((o) => o.imported).map((o) => o.UserID)).toEqual([
			...userIds.slice(0, 100),
			...userIds.slice(200),
		]);
		expect(
			out
				.slice(100, 200)
				.every((o) => o.imported === false && o.ErrorCode === 400 && typeof o.error === 'string'),
		).toBe(true);
		expect(emu.accounts.has('user150')).toBe(false);
	});

	test('temporary errors are retried with the same accounts', async () => {
		emu.injectErrorCode({ command: 'multiaccount_import', code: 70169, times: 2 });
		const result = await importMany('dave,erin');
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, IMPORT_MANY).map((c) => c.json)).toEqual(
			Array(3).fill({ Accounts: ['dave', 'erin'] }),
		);
		expect(result.output().every((o) => o.json.imported === true)).toBe(true);
	});

	test("when no account could be imported because the call failed, the item fails with Tencent's code", async () => {
		emu.injectErrorCode({ command: 'multiaccount_import', code: 70403 });
		const result = await importMany('dave,erin');
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Tencent IM error 70403: /);
		emu.injectErrorCode({ command: 'multiaccount_import', code: 70403 });
		const continued = await importMany('dave,erin', { continueOnFail: true });
		expect(continued.output().map((o) => o.json)).toEqual([
			expect.objectContaining({
				code: 70403,
				error: expect.stringMatching(/^Tencent IM error 70403: /),
			}),
		]);
		expect(emu.accounts.has('dave')).toBe(false);
	});
});

describe('Account › Import › Many Accounts: bad input is refused before anything is sent', () => {
	refusedBeforeSending<string | string[]>(
		[
			['no accounts', ' , \n', 'Item 0: "User IDs" needs at least one account'],
			[
				'an account longer than 32 bytes',
				`dave,${'x'.repeat(33)}`,
				'Item 0: "User IDs" is longer than 32 bytes',
			],
			[
				'an account with a space',
				['dave', 'e rin'],
				'Item 0: "User IDs" must be printable ASCII without spaces',
			],
		],
		(userIds) => importMany(userIds),
		() => emu.http.requests.length,
	);
});
