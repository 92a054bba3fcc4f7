/** The bench's side of emulator-host.ts: start an emulator in its own process, ask it questions, stop it. */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import type { Delivered, HostSetup, Query } from './emulator-host';

export class RemoteEmulator {
	private next = 1;
	private readonly pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();

	private constructor(
		private readonly child: ChildProcess,
		readonly baseUrl: string,
	) {}

	static async start(setup: HostSetup): Promise<RemoteEmulator> {
		const child = fork(path.join(__dirname, 'emulator-host.ts'), [], {
			execArgv: ['-r', 'ts-node/register/transpile-only'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const baseUrl = await new Promise<string>((resolve, reject) => {
			child.once('message', (m: { value?: string; error?: string }) =>
				m.error ? reject(new Error(m.error)) : resolve(m.value!),
			);
			child.once('exit', (code) => reject(new Error(`emulator host exited (${code})`)));
			child.send({ id: 0, start: setup });
		});
		const remote = new RemoteEmulator(child, baseUrl);
		child.on('message', (m: { id: number; value?: unknown; error?: string }) => {
			const waiting = remote.pending.get(m.id);
			remote.pending.delete(m.id);
			if (m.error) waiting?.reject(new Error(m.error));
			else waiting?.resolve(m.value);
		});
		return remote;
	}

	private async ask<T>(command: { query?: Query; stop?: boolean }): Promise<T> {
		const id = this.next++;
		const answer = new Promise<T>((resolve, reject) =>
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }),
		);
		this.child.send({ id, ...command });
		return await answer;
	}

	/** Delivered messages whose text starts with `prefix`, in the order the platform stored them. */
	async messages(prefix: string): Promise<Delivered[]> {
		return await this.ask({ query: { kind: 'messages', prefix } });
	}

	async counter(name: 'rateLimited' | 'tokensIssued'): Promise<number> {
		return await this.ask({ query: { kind: 'counter', name } });
	}

	/** Requests to these paths the platform refused (any error, rate limits included). */
	async refused(...paths: string[]): Promise<number> {
		return await this.ask({ query: { kind: 'refused', paths } });
	}

	/** One field of the JSON body of every request to `path` (the whole body when `field` is ''). */
	async bodies<T>(path: string, field = ''): Promise<T[]> {
		return await this.ask({ query: { kind: 'bodies', path, field } });
	}

	/** Uploaded attachments (size and SHA-256), forgotten once reported. */
	async attachments(): Promise<Array<{ bytes: number; sha256: string }>> {
		return await this.ask({ query: { kind: 'attachments' } });
	}

	/** Forget stored messages and recorded requests, so the next run is checked and timed on its own. */
	async clear(): Promise<void> {
		await this.ask({ query: { kind: 'clear' } });
	}

	/** Stop it; returns the protocol violations it recorded. */
	async stop(): Promise<string[]> {
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		const { violations } = await this.ask<{ violations: string[] }>({ stop: true });
		await exited;
		return violations;
	}
}

/** Chats whose texts arrived in the order `expected` lists them (chat → texts in item order). */
export function chatsInOrder(delivered: Delivered[], expected: Map<string, string[]>): number {
	const got = new Map<string, string[]>();
	for (const m of delivered) {
		if (!got.has(m.chat)) got.set(m.chat, []);
		got.get(m.chat)!.push(m.text);
	}
	return [...expected].filter(
		([chat, texts]) => JSON.stringify(got.get(chat)) === JSON.stringify(texts),
	).length;
}

/** chat → texts in item order, from the items' own chat and text. */
export function expectedOrder(items: Array<{ chat: string; text: string }>): Map<string, string[]> {
	const expected = new Map<string, string[]>();
	for (const { chat, text } of items) {
		if (!expected.has(chat)) expected.set(chat, []);
		expected.get(chat)!.push(text);
	}
	return expected;
}
