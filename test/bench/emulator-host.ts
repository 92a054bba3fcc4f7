/**
 * One platform emulator in a process of its own, driven by the bench over IPC: the figures are of the process n8n
 * runs in, and the platform's work (verifying signatures, checking every field, keeping every request and the
 * stored copies of a 100 MB file) belongs to the other side of the network. Every request gets the fixed latency.
 * Questions are answered with plain data: messages as chat and text, counters, refused requests.
 */
import { createHash } from 'node:crypto';

import type { PlatformEmulator, RecordedRequest } from '../emulators/common';
import { MixinEmulator } from '../emulators/mixin';
import { TencentImEmulator } from '../emulators/tencent-im';
import { YunhuEmulator } from '../emulators/yunhu';
import { YunzhenjiEmulator } from '../emulators/yunzhenji';
import { addLatency } from './support';

export type HostSetup =
	| { platform: 'tencent'; sdkAppId: number; secretKey: string; admin: string; accounts: string[] }
	| {
			platform: 'mixin';
			appId: string;
			sessionId: string;
			publicKeyHex: string;
			users: string[];
			unknownUsers?: 'allow';
	  }
	| {
			platform: 'yunhu';
			users: Array<{ token: string; id: string; name: string }>;
			bot: { token: string; botId: string; name: string; friends: string[] };
	  }
	| {
			platform: 'yunzhenji';
			app: { appId: string; appSecret: string; encodingAesKey: string };
			account: string;
			customers: string[];
	  };

/** A delivered message, reduced to what the bench checks: its chat and its text. */
export interface Delivered {
	chat: string;
	text: string;
}

export type Query =
	| { kind: 'messages'; prefix: string }
	| { kind: 'counter'; name: 'rateLimited' | 'tokensIssued' }
	| { kind: 'refused'; paths: string[] }
	| { kind: 'bodies'; path: string; field: string }
	| { kind: 'attachments' }
	| { kind: 'clear' };

let emulator: PlatformEmulator | undefined;
let setup: HostSetup | undefined;

function create(s: HostSetup): PlatformEmulator {
	switch (s.platform) {
		case 'tencent': {
			const e = new TencentImEmulator({
				apps: [{ sdkAppId: s.sdkAppId, secretKey: s.secretKey, admin: s.admin }],
			});
			for (const id of s.accounts) e.importAccount(id);
			return e;
		}
		case 'mixin': {
			const e = new MixinEmulator({ unknownUsers: s.unknownUsers ?? 'forbid' });
			for (const userId of s.users) e.addUser({ userId, hasConversation: true });
			return e;
		}
		case 'yunhu': {
			const e = new YunhuEmulator();
			for (const u of s.users) e.addUser(u);
			e.addBot(s.bot);
			return e;
		}
		case 'yunzhenji': {
			const e = new YunzhenjiEmulator({ apps: [s.app] });
			e.addAccount({ wxid: s.account, nickname: 'Sales 1' });
			for (const wxid of s.customers)
				e.addCustomer({ wxid, nickname: wxid, relWxids: [s.account] });
			return e;
		}
	}
}

function delivered(prefix: string): Delivered[] {
	const keep = (list: Delivered[]) => list.filter((m) => m.text.startsWith(prefix));
	if (emulator instanceof TencentImEmulator) {
		return keep(
			emulator.messages.map((m) => ({
				chat: m.To_Account,
				text: String((m.MsgBody[0] as { MsgContent?: { Text?: string } }).MsgContent?.Text),
			})),
		);
	}
	if (emulator instanceof MixinEmulator)
		return keep(
			emulator.messages.map((m) => ({
				chat: m.recipient_id ?? m.conversation_id,
				text: m.payload.toString('utf8'),
			})),
		);
	if (emulator instanceof YunhuEmulator)
		return keep(emulator.messages.map((m) => ({ chat: m.chat, text: String(m.content.text) })));
	if (emulator instanceof YunzhenjiEmulator) {
		return keep(
			emulator.sends.map((s) => ({
				chat: s.targetWxid,
				text: String((s.content.items as Array<{ text?: string }> | undefined)?.[0]?.text),
			})),
		);
	}
	return [];
}

/** Requests the platform refused, in each emulator's own words (its note), or answered with an HTTP error. */
function refused(r: RecordedRequest): boolean {
	if ((r.status ?? 200) >= 400) return true;
	const note = r.note ?? '';
	switch (setup?.platform) {
		case 'tencent':
			return note !== '' && note !== 'ok';
		case 'mixin':
			return /^(unauthorized|forbidden|invalid|not-found|bad-json|server-error)/.test(note);
		default:
			return /^-?\d+ /.test(note);
	}
}

function answer(q: Query): unknown {
	if (!emulator) throw new Error('no emulator');
	switch (q.kind) {
		case 'messages':
			return delivered(q.prefix);
		case 'counter':
			return Number((emulator as unknown as Record<string, number>)[q.name] ?? 0);
		case 'refused':
			return emulator.http.requests.filter((r) => q.paths.includes(r.path) && refused(r)).length;
		case 'bodies':
			return emulator.http.requests
				.filter((r) => r.path === q.path)
				.map((r) => (q.field ? (r.json as Record<string, unknown>)?.[q.field] : r.json));
		case 'attachments': {
			if (!(emulator instanceof MixinEmulator)) return [];
			const stored = [...emulator.attachments.values()].filter((a) => a.uploaded);
			const list = stored.map((a) => ({
				bytes: a.uploaded!.length,
				sha256: createHash('sha256').update(a.uploaded!).digest('hex'),
			}));
			for (const a of stored) a.uploaded = undefined;
			emulator.http.clearRecord();
			return list;
		}
		case 'clear':
			// the emulators search what they stored for repeats: each run starts from an empty store
			if (
				emulator instanceof TencentImEmulator ||
				emulator instanceof MixinEmulator ||
				emulator instanceof YunhuEmulator
			) {
				emulator.messages.length = 0;
			}
			if (emulator instanceof YunzhenjiEmulator) emulator.sends.length = 0;
			emulator.http.clearRecord();
			return null;
	}
}

interface Command {
	id: number;
	start?: HostSetup;
	query?: Query;
	stop?: boolean;
}

process.on('message', (command: Command) => {
	void (async () => {
		try {
			if (command.start) {
				setup = command.start;
				emulator = create(setup);
				await emulator.start();
				if (emulator instanceof MixinEmulator && setup.platform === 'mixin') {
					emulator.registerSession({
						appId: setup.appId,
						sessionId: setup.sessionId,
						publicKey: Buffer.from(setup.publicKeyHex, 'hex'),
					});
				}
				addLatency(emulator.http);
				process.send!({ id: command.id, value: emulator.baseUrl });
			} else if (command.query) {
				process.send!({ id: command.id, value: answer(command.query) });
			} else if (command.stop) {
				await emulator?.stop();
				process.send!({ id: command.id, value: { violations: emulator?.violations ?? [] } }, () =>
					process.exit(0),
				);
			}
		} catch (error) {
			process.send!({ id: command.id, error: (error as Error).message });
		}
	})();
});
