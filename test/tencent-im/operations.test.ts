import { emulatorPerTest } from '../harness/run';
import { ADMIN, calls, runTencent, startTencent } from './fixtures';

const emu = emulatorPerTest(startTencent);

async function sendTexts(to: string, texts: string[], from?: string) {
	const input = texts.map((text) => ({ json: { to, text } }));
	const result = await runTencent(
		emu,
		'send',
		input,
		from ? { messageOptions: { fromAccount: from } } : {},
	);
	expect(result.error?.message).toBeUndefined();
	return result.output().map((o) => o.json.MsgKey as string);
}

describe('Message › Send to Many', () => {
	test('1,200 recipients go out in calls of 500, 500 and 200; one output entry per recipient', async () => {
		const recipients = Array.from({ length: 1200 }, (_, n) => `user${n}`);
		recipients.forEach((id) => emu.importAccount(id));
		const result = await runTencent(emu, 'send-to-many', [
			{ json: { to: recipients.join(','), text: 'news' } },
		]);
		expect(result.error?.message).toBeUndefined();
		const batch = calls(emu, 'openim/batchsendmsg');
		expect(batch.map((c) => (c.json as { To_Account: string[] }).To_Account.length)).toEqual([
			500, 500, 200,
		]);
		// Tencent's duplicate check ignores the recipients: every call needs its own MsgRandom
		const randoms = batch.map((c) => (c.json as { MsgRandom: number }).MsgRandom);
		expect(new Set(randoms).size).toBe(3);
		const out = result.output();
		expect(out).toHaveLength(1200);
		expect(
			out.every(
				(o) =>
					o.json.sent === true && o.pairedItem && (o.pairedItem as { item: number }).item === 0,
			),
		).toBe(true);
		expect(out.map((o) => o.json.To_Account)).toEqual(recipients);
		expect(out.map((o) => o.json.MsgRandom)).toEqual(
			[500, 500, 200].flatMap((n, k) => Array(n).fill(randoms[k])),
		);
		expect(emu.messages).toHaveLength(1200);
	});

	test('500 long account IDs are split so each call stays within 8 KB, and all are sent', async () => {
		const recipients = Array.from(
			{ length: 500 },
			(_, n) => `customer-account-${String(n).padStart(6, '0')}`,
		);
		recipients.forEach((id) => emu.importAccount(id));
		const result = await runTencent(emu, 'send-to-many', [
			{ json: { to: recipients.join(','), text: 'news' } },
		]);
		expect(result.error?.message).toBeUndefined();
		const batch = calls(emu, 'openim/batchsendmsg');
		expect(batch.length).toBeGreaterThan(1);
		expect(batch.every((c) => c.body.length <= 8192)).toBe(true);
		expect(batch.flatMap((c) => (c.json as { To_Account: string[] }).To_Account)).toEqual(
			recipients,
		);
		expect(new Set(batch.map((c) => (c.json as { MsgRandom: number }).MsgRandom)).size).toBe(
			batch.length,
		);
		expect(emu.messages).toHaveLength(500);
		expect(result.output().every((o) => o.json.sent === true)).toBe(true);
	});

	test('a message too large even for one recipient is refused before sending, naming the limit', async () => {
		const result = await runTencent(emu, 'send-to-many', [
			{ json: { to: 'alice,bob', text: 'x'.repeat(8200) } },
		]);
		expect(result.error?.message).toMatch(
			/^Item 0: the message is too large: with one recipient the request is \d+ bytes; Tencent Cloud IM accepts at most 8192$/,
		);
		expect(emu.http.requests).toHaveLength(0);
	});

	test('a set MsgRandom gives every call its own, derived value, the same on every run', async () => {
		const recipients = Array.from({ length: 600 }, (_, n) => `user${n}`);
		recipients.forEach((id) => emu.importAccount(id));
		const run = () =>
			runTencent(emu, 'send-to-many', [{ json: { to: recipients.join(','), text: 'news' } }], {
				messageOptions: { msgRandom: 4294967295 },
			});
		await run();
		const first = calls(emu, 'openim/batchsendmsg').map(
			(c) => c.json as { MsgRandom: number; MsgSeq: number },
		);
		expect(first.map((c) => c.MsgRandom)).toEqual([4294967295, 1]);
		expect(first.map((c) => c.MsgSeq)).toEqual([4294967295, 4294967295]);
		emu.http.clearRecord();
		// the same input again within 120 s is the same message to Tencent: nobody receives it twice
		await run();
		expect(calls(emu, 'openim/batchsendmsg').map((c) => c.note)).toEqual([
			'duplicate',
			'duplicate',
		]);
		expect(emu.messages).toHaveLength(600);
	});

	test('recipients Tencent lists in ErrorList are reported as not sent, with the code', async () => {
		const result = await runTencent(emu, 'send-to-many', [
			{ json: { to: 'alice, ghost, bob', text: 'x' } },
		]);
		const out = result.output().map((o) => o.json);
		expect(out).toEqual([
			expect.objectContaining({ To_Account: 'alice', sent: true }),
			expect.objectContaining({ To_Account: 'ghost', sent: false, ErrorCode: 70107 }),
			expect.objectContaining({ To_Account: 'bob', sent: true }),
		]);
		expect(out[1].MsgKey).toBeUndefined();
		expect(emu.messages.map((m) => m.To_Account).sort()).toEqual(['alice', 'bob']);
	});

	test('when every recipient is refused (90012) each is reported as not sent', async () => {
		const result = await runTencent(emu, 'send-to-many', [
			{ json: { to: ['ghost1', 'ghost2'], text: 'x' } },
		]);
		expect(result.status).toBe('success');
		expect(result.output().map((o) => [o.json.To_Account, o.json.sent, o.json.ErrorCode])).toEqual([
			['ghost1', false, 90012],
			['ghost2', false, 90012],
		]);
	});

	test('a call that fails outright marks its recipients failed; the other calls still go out', async () => {
		const recipients = Array.from({ length: 1200 }, (_, n) => `user${n}`);
		recipients.forEach((id) => emu.importAccount(id));
		let batchCalls = 0;
		emu.http.inject({
			match: (r) => r.path.endsWith('batchsendmsg') && ++batchCalls === 2,
			fault: { kind: 'status', status: 400, body: 'Bad Request' },
		});
		const result = await runTencent(emu, 'send-to-many', [{ json: { to: recipients, text: 'x' } }]);
		expect(result.error?.message).toBeUndefined();
		const out = result.output().map((o) => o.json);
		expect(out.filter((o) => o.sent).map((o) => o.To_Account)).toEqual([
			...recipients.slice(0, 500),
			...recipients.slice(1000),
		]);
		expect(out.slice(500, 1000).every((o) => o.sent === false && o.ErrorCode === 400)).toBe(true);
		expect(emu.messages).toHaveLength(700);
	});

	test('when no recipient could be sent because the call failed, the item fails', async () => {
		emu.injectErrorCode({ command: 'batchsendmsg', code: 90010, times: 1 });
		const result = await runTencent(emu, 'send-to-many', [
			{ json: { to: 'alice,bob', text: 'x' } },
		]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Tencent IM error 90010/);
	});
});

describe('Message › List', () => {
	test('follows LastMsgKey until Complete and returns one item per message, newest first', async () => {
		const texts = Array.from({ length: 230 }, (_, n) => `m${n}`);
		await sendTexts('alice', texts, 'bob');
		const result = await runTencent(emu, 'list', [{ json: { account: 'alice', peer: 'bob' } }]);
		expect(result.error?.message).toBeUndefined();
		const pages = calls(emu, 'openim/admin_getroammsg');
		expect(pages.length).toBeGreaterThanOrEqual(3);
		expect((pages[0].json as Record<string, unknown>).LastMsgKey).toBeUndefined();
		expect((pages[1].json as Record<string, unknown>).LastMsgKey).toEqual(expect.any(String));
		const out = result.output();
		expect(out).toHaveLength(230);
		const bodies = out.map(
			(o) => (o.json.MsgBody as Array<{ MsgContent: { Text: string } }>)[0].MsgContent.Text,
		);
		expect(bodies).toEqual([...texts].reverse());
		expect(new Set(out.map((o) => o.json.MsgKey)).size).toBe(230);
	});

	test('a limit stops paging early', async () => {
		await sendTexts('alice', ['a', 'b', 'c', 'd', 'e'], 'bob');
		const result = await runTencent(emu, 'list', [{ json: { account: 'alice', peer: 'bob' } }], {
			returnAll: false,
			limit: 2,
		});
		expect(
			result
				.output()
				.map((o) => (o.json.MsgBody as Array<{ MsgContent: { Text: string } }>)[0].MsgContent.Text),
		).toEqual(['e', 'd']);
		expect((calls(emu, 'openim/admin_getroammsg')[0].json as { MaxCnt: number }).MaxCnt).toBe(2);
	});

	test('a time range is sent as Unix seconds', async () => {
		await runTencent(emu, 'list', [{ json: { account: 'alice', peer: 'bob' } }], {
			minTime: '2026-11-01T00:00:00Z',
			maxTime: '2026-11-02T00:00:00Z',
		});
		expect(calls(emu, 'openim/admin_getroammsg')[0].json).toMatchObject({
			Operator_Account: 'alice',
			Peer_Account: 'bob',
			MinTime: Date.parse('2026-11-01T00:00:00Z') / 1000,
			MaxTime: Date.parse('2026-11-02T00:00:00Z') / 1000,
		});
	});
});

describe('Message › Recall', () => {
	test('recalls by MsgKey; the list then marks it recalled; a second recall fails with 20023', async () => {
		const [key] = await sendTexts('alice', ['oops'], 'bob');
		const result = await runTencent(emu, 'recall', [
			{ json: { from: 'bob', to: 'alice', msgKey: key } },
		]);
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, 'openim/admin_msgwithdraw')[0].json).toEqual({
			From_Account: 'bob',
			To_Account: 'alice',
			MsgKey: key,
		});
		expect(emu.messages[0].recalled).toBe(true);
		const listed = await runTencent(emu, 'list', [{ json: { account: 'alice', peer: 'bob' } }]);
		expect(listed.output()[0].json).toMatchObject({ MsgKey: key, recalled: true, MsgFlagBits: 8 });
		const again = await runTencent(emu, 'recall', [
			{ json: { from: 'bob', to: 'alice', msgKey: key } },
		]);
		expect(again.error?.message).toMatch(/^Tencent IM error 20023/);
		expect(again.error?.description).toMatch(/already recalled/);
	});
});

describe('Message › Mark as Read and Get Unread Count', () => {
	test('unread counts drop to zero after Mark as Read', async () => {
		await sendTexts('alice', ['1', '2', '3'], 'bob');
		await sendTexts('alice', ['x'], 'carol');
		const before = await runTencent(emu, 'unread', [{ json: { account: 'alice', peers: '' } }]);
		expect(before.output()[0].json).toEqual({ To_Account: 'alice', AllC2CUnreadMsgNum: 4 });
		const perPeer = await runTencent(emu, 'unread', [
			{ json: { account: 'alice', peers: 'bob,carol' } },
		]);
		expect(perPeer.output()[0].json.C2CUnreadMsgNumList).toEqual([
			{ Peer_Account: 'bob', C2CUnreadMsgNum: 3 },
			{ Peer_Account: 'carol', C2CUnreadMsgNum: 1 },
		]);
		const read = await runTencent(emu, 'mark-read', [{ json: { reader: 'alice', peer: 'bob' } }]);
		expect(read.output()[0].json).toMatchObject({
			Report_Account: 'alice',
			Peer_Account: 'bob',
			read: true,
		});
		expect(calls(emu, 'openim/admin_set_msg_read')[0].json).toEqual({
			Report_Account: 'alice',
			Peer_Account: 'bob',
		});
		expect(emu.unread('alice', 'bob')).toBe(0);
		expect(emu.unread('alice', 'carol')).toBe(1);
	});

	test('more than 10 peers are asked 10 per call and merged', async () => {
		const peers = Array.from({ length: 23 }, (_, n) => `peer${n}`);
		peers.forEach((p) => emu.importAccount(p));
		const result = await runTencent(emu, 'unread', [
			{ json: { account: 'alice', peers: peers.join(',') } },
		]);
		expect(result.error?.message).toBeUndefined();
		expect(
			calls(emu, 'openim/get_c2c_unread_msg_num').map(
				(c) => (c.json as { Peer_Account: string[] }).Peer_Account.length,
			),
		).toEqual([10, 10, 3]);
		expect((result.output()[0].json.C2CUnreadMsgNumList as unknown[]).length).toBe(23);
	});
});

describe('Account', () => {
	test('Import makes an account sendable; Check reports each account', async () => {
		const imported = await runTencent(emu, 'account-import', [{ json: { userId: 'dave' } }], {
			profile: { nick: 'Dave' },
		});
		expect(imported.output()[0].json).toEqual({ UserID: 'dave', imported: true });
		expect(calls(emu, 'im_open_login_svc/account_import')[0].json).toEqual({
			UserID: 'dave',
			Nick: 'Dave',
		});
		expect(emu.accounts.has('dave')).toBe(true);
		const checked = await runTencent(emu, 'account-check', [{ json: { userIds: 'dave, nobody' } }]);
		expect(
			checked.output().map((o) => [o.json.UserID, o.json.AccountStatus, o.json.imported]),
		).toEqual([
			['dave', 'Imported', true],
			['nobody', 'NotImported', false],
		]);
		const sent = await runTencent(emu, 'send', [{ json: { to: 'dave', text: 'welcome' } }]);
		expect(sent.error?.message).toBeUndefined();
		expect(emu.messages[0].From_Account).toBe(ADMIN);
	});
});
