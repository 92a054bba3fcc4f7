/** Runs the installed n8n: its CLI for the imports, `n8n start` for the editor, and the REST calls after it. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { cleanEnv } from './install';

export interface N8nOptions {
	/** The folder n8n was installed into (has node_modules/.bin/n8n). */
	installDir: string;
	/** N8N_USER_FOLDER: n8n keeps .n8n/ (database, config, community packages) in it. */
	userFolder: string;
	port: number;
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export function n8nBin(installDir: string): string {
	return path.join(installDir, 'node_modules', '.bin', 'n8n');
}

export function n8nEnv(opts: N8nOptions): NodeJS.ProcessEnv {
	const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-websocket']
		.filter(Boolean)
		.join(' ');
	return cleanEnv({
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		N8N_LISTEN_ADDRESS: process.env.N8N_LISTEN_ADDRESS ?? '127.0.0.1',
		N8N_USER_FOLDER: opts.userFolder,
		N8N_PORT: String(opts.port),
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://localhost:${opts.port}/`,
		// the task runner broker's default 5679 would clash with a second sandbox on 5678 + 1
		N8N_RUNNERS_BROKER_PORT: String(opts.port + 1),
		// Node 20 has WebSocket only behind this flag; the Mixin trigger's Blaze connection needs it
		NODE_OPTIONS: nodeOptions,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		// nothing beyond the loopback is reachable here: no templates, banners or hiring notes to fetch
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// plain http on localhost: a Secure cookie would lock out a browser that reaches it as 127.0.0.1
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
	});
}

/** One n8n CLI command (import:…, publish:…); its output is shown only when it fails. */
export async function runCli(opts: N8nOptions, args: string[]): Promise<void> {
	const child = spawn(n8nBin(opts.installDir), args, {
		env: n8nEnv(opts),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (c: Buffer) => (output += c.toString()));
	child.stderr.on('data', (c: Buffer) => (output += c.toString()));
	const code = await new Promise<number | null>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', resolve);
	});
	// import commands report some failures in their log and still exit 0
	if (code !== 0 || /GOT ERROR|An error occurred/.test(output)) {
		throw new Error(`n8n ${args.join(' ')} failed (exit ${code}):\n${output}`);
	}
}

/** `n8n start`, its log lines prefixed so they stand apart from the sandbox's own. */
export function startServer(opts: N8nOptions): ChildProcess {
	const child = spawn(n8nBin(opts.installDir), ['start'], {
		env: n8nEnv(opts),
		stdio: ['ignore', 'pipe', 'pipe'],
		// its own process group: Ctrl-C reaches the sandbox, which then stops n8n before the emulators
		detached: true,
	});
	const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
		let rest = '';
		stream.on('data', (c: Buffer) => {
			const lines = (rest + c.toString()).split('\n');
			rest = lines.pop() ?? '';
			for (const line of lines) out.write(`[n8n] ${line}\n`);
		});
	};
	relay(child.stdout!, process.stdout);
	relay(child.stderr!, process.stderr);
	return child;
}

export async function waitUntilReady(
	baseUrl: string,
	child: ChildProcess,
	timeoutMs = 180_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`n8n exited with code ${child.exitCode} before it was ready`);
		try {
			// /healthz answers while the REST controllers are still being registered; /rest/settings comes after them
			const res = await fetch(`${baseUrl}/rest/settings`);
			if (res.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`n8n was not ready at ${baseUrl} after ${timeoutMs / 1000} s`);
}

function cookieOf(res: Response): string {
	return res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
}

/** Claims the instance for `owner` (first run), or logs in (a kept user folder); returns the session cookie. */
export async function ownerSession(baseUrl: string, owner: Owner): Promise<string> {
	const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	if (setup.ok) return cookieOf(setup);
	const login = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!login.ok) {
		throw new Error(
			`owner setup said ${setup.status} ${await setup.text()}; login said ${login.status}`,
		);
	}
	return cookieOf(login);
}

/** The node types n8n loaded from the package, as the editor gets them. */
export async function packageNodeTypes(
	baseUrl: string,
	cookie: string,
	packageName: string,
): Promise<string[]> {
	const res = await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie } });
	if (!res.ok) throw new Error(`GET /types/nodes.json: ${res.status}`);
	const types = (await res.json()) as Array<{ name: string }>;
	return [...new Set(types.map((t) => t.name).filter((n) => n.startsWith(`${packageName}.`)))];
}

/** Sends SIGTERM to n8n's process group and waits for it, then SIGKILL if it hangs. */
export async function stopServer(child: ChildProcess, graceMs = 20_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, sig);
		} catch {
			// already gone
		}
	};
	signal('SIGTERM');
	const timer = setTimeout(() => signal('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

export function databaseExists(userFolder: string): boolean {
	return fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
}

/** Fails with the setting that moves the port, rather than a bare EADDRINUSE. */
export async function assertPortFree(port: number, setting: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', () =>
			reject(new Error(`port ${port} is in use: set ${setting} to another port`)),
		);
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
	});
}
