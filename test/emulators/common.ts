/**
 * The emulator framework: a loopback HTTP server that records every request it receives and can be told to
 * misbehave (HTTP errors, dropped connections, slow or unparsable replies) before the platform logic runs.
 * Platform emulators build on it and never import the node's code: they state the platform's rules on their own.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RecordedRequest {
	method: string;
	/** Path plus query string exactly as received. */
	url: string;
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	/** Raw body bytes. */
	body: Buffer;
	/** Body as UTF-8 text. */
	text: string;
	/** Parsed JSON body, when the body is JSON. */
	json?: unknown;
	/** Decoded protobuf request body as a plain object, set by emulators of protobuf APIs. */
	decoded?: unknown;
	/** Set by the platform handler: what it answered (status) and any note (e.g. 'duplicate'). */
	status?: number;
	note?: string;
	/** True when a fault answered instead of the platform logic. */
	faulted?: boolean;
}

export interface Reply {
	status: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
}

export type FaultKind =
	| { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
	/** Destroy the socket without answering (the client sees ECONNRESET / socket hang up). */
	| { kind: 'drop' }
	/** Answer only after `ms` milliseconds, with the platform's normal reply. */
	| { kind: 'delay'; ms: number }
	/** Run the platform logic (so its effect happens), then drop the connection before answering. */
	| { kind: 'dropAfterHandling' };

export interface Fault {
	/** Which requests it applies to; all when absent. */
	match?: (req: RecordedRequest) => boolean;
	/** How many matching requests it affects; 1 when absent, Infinity for always. */
	times?: number;
	fault: FaultKind;
}

export type Handler = (req: RecordedRequest) => Promise<Reply> | Reply;

/** Takes over an HTTP upgrade request (a WebSocket handshake) on the loopback server's own port. */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

export function jsonReply(
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): Reply {
	return {
		status,
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	};
}

/**
 * What every platform emulator shares: its loopback server, start/stop, the base URL, and a list of protocol
 * violations. Where the real platform silently ignores a mistake (an unknown protobuf field, say), the emulator
 * answers as the platform would and records the mistake here; the tests' shared helpers fail any test that leaves
 * one behind.
 */
export abstract class PlatformEmulator {
	readonly http: LoopbackEmulator;
	readonly violations: string[] = [];

	constructor() {
		this.http = new LoopbackEmulator((req) => this.handle(req));
	}

	/** The platform's answer to one request (faults are applied before it runs). */
	protected abstract handle(req: RecordedRequest): Promise<Reply> | Reply;

	get baseUrl(): string {
		return this.http.baseUrl;
	}

	async start(port = 0): Promise<string> {
		return await this.http.start(port);
	}

	async stop(): Promise<void> {
		await this.http.stop();
	}

	/** Record a request the platform would accept but that is still wrong (the node sent something it should not). */
	protected violation(req: RecordedRequest | undefined, message: string): void {
		this.violations.push(req ? `${req.method} ${req.path}: ${message}` : message);
		if (req) req.note = req.note ? `${req.note}; violation: ${message}` : `violation: ${message}`;
	}
}

export class LoopbackEmulator {
	readonly requests: RecordedRequest[] = [];
	private faults: Array<Fault & { remaining: number }> = [];
	private server?: http.Server;
	private sockets = new Set<import('node:net').Socket>();
	private upgradeHandler?: UpgradeHandler;
	baseUrl = '';

	constructor(private readonly handler: Handler) {}

	async start(port = 0): Promise<string> {
		const server = http.createServer((req, res) => void this.onRequest(req, res));
		server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		if (this.upgradeHandler) this.listenForUpgrades(server);
		await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
		this.server = server;
		this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	/**
	 * Hand HTTP upgrade requests to `handler` (before or after start). Until one is set, upgrade requests are served
	 * as plain requests, as before.
	 */
	onUpgrade(handler: UpgradeHandler): void {
		const first = this.upgradeHandler === undefined;
		this.upgradeHandler = handler;
		if (first && this.server) this.listenForUpgrades(this.server);
	}

	private listenForUpgrades(server: http.Server): void {
		server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
			this.upgradeHandler?.(req, socket, head);
		});
	}

	/** Queue a fault; the first queued fault that matches a request is used. */
	inject(fault: Fault): void {
		this.faults.push({ ...fault, remaining: fault.times ?? 1 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	/** Forget recorded requests (state of the platform is kept). */
	clearRecord(): void {
		this.requests.length = 0;
	}

	private takeFault(rec: RecordedRequest): FaultKind | undefined {
		const f = this.faults.find((x) => x.remaining > 0 && (!x.match || x.match(rec)));
		if (!f) return undefined;
		f.remaining -= 1;
		return f.fault;
	}

	private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const body = Buffer.concat(chunks);
		const url = req.url ?? '/';
		const parsed = new URL(url, 'http://emulator');
		const text = body.toString('utf8');
		let json: unknown;
		if (text.length > 0) {
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
		}
		const rec: RecordedRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			url,
			path: parsed.pathname,
			query: parsed.searchParams,
			headers: req.headers,
			body,
			text,
			json,
		};
		this.requests.push(rec);

		const fault = this.takeFault(rec);
		if (fault?.kind === 'drop') {
			rec.faulted = true;
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'status') {
			rec.faulted = true;
			rec.status = fault.status;
			res.writeHead(fault.status, { 'content-type': 'text/html', ...(fault.headers ?? {}) });
			res.end(fault.body ?? '<html><body>Bad Gateway</body></html>');
			return;
		}
		if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));

		let reply: Reply;
		try {
			reply = await this.handler(rec);
		} catch (e) {
			reply = { status: 500, body: `emulator error: ${(e as Error).message}` };
		}
		rec.status = reply.status;
		if (fault?.kind === 'dropAfterHandling') {
			rec.faulted = true;
			req.socket.destroy();
			return;
		}
		if (res.destroyed) return;
		res.writeHead(reply.status, reply.headers ?? {});
		res.end(reply.body ?? '');
	}
}
