/**
 * Mixin's Blaze WebSocket as a bot listens on it (shared/reference/inbound.md §1): an upgrade signed like a GET of
 * "/", the subprotocol Mixin-Blaze-1, gzip JSON frames both ways, LIST_PENDING_MESSAGES first, every request
 * answered under its own id. `BlazeClient` keeps one connection up: it reconnects with backoff and jitter, checks
 * liveness with a periodic LIST_PENDING_MESSAGES (the runtime's WebSocket answers pings itself and shows none), and
 * stops for good on 401. `AckBatcher` sends acknowledgements in batches, over the socket or else over HTTP.
 *
 * Only the runtime's own WebSocket, CompressionStream and DecompressionStream are used, and no n8n UI code: what
 * the client needs (the URL, a fresh Authorization header per connection, what to do with pushes) comes in as
 * parameters.
 */
import { randomUUID } from 'node:crypto';
import { sleepWithAbort } from 'n8n-workflow';

import { redact } from '../../common/redact';
import { parseJsonOrUndefined, settle } from '../../common/settle';
import type { Acknowledgement } from './api';
import './secrets';

export const BLAZE_PROTOCOL = 'Mixin-Blaze-1';
/** What the upgrade's token signs, whatever the URL's path or query: a GET of "/" with an empty body. */
export const HANDSHAKE_SIGNED = { method: 'GET', uri: '/', body: '' } as const;

export const BLAZE_ACTIONS = {
	listPending: 'LIST_PENDING_MESSAGES',
	acknowledgeMany: 'ACKNOWLEDGE_MESSAGE_RECEIPTS',
	message: 'CREATE_MESSAGE',
	receipt: 'ACKNOWLEDGE_MESSAGE_RECEIPT',
	error: 'ERROR',
} as const;

/** Acknowledgements per ACKNOWLEDGE_MESSAGE_RECEIPTS frame (as POST /acknowledgements; supergroup sends 80). */
export const MAX_ACKS_PER_FRAME = 100;
const UNAUTHORIZED = 401;
const OPEN = 1;
/** Close codes a client may send: 1000, or 3000–4999 for its own reasons. */
const CLOSE_NORMAL = 1000;
const CLOSE_NO_ANSWER = 4000;

export interface BlazeTiming {
	/** A LIST_PENDING_MESSAGES goes out this often; no frame for two intervals means the connection is dead. */
	keepaliveMs: number;
	handshakeTimeoutMs: number;
	requestTimeoutMs: number;
	/** First reconnect delay; it doubles up to `backoffMaxMs`, with jitter. */
	backoffInitialMs: number;
	backoffMaxMs: number;
	/** A connection that lasted this long starts the backoff over. */
	healthyAfterMs: number;
}

export const DEFAULT_BLAZE_TIMING: BlazeTiming = {
	keepaliveMs: 20_000,
	handshakeTimeoutMs: 10_000,
	requestTimeoutMs: 10_000,
	backoffInitialMs: 1_000,
	backoffMaxMs: 30_000,
	healthyAfterMs: 30_000,
};

export interface BlazeError {
	status?: number;
	code: number;
	description?: string;
}

/** One BlazeMessage, the JSON inside every frame. */
export interface BlazeFrame {
	id: string;
	action: string;
	params?: unknown;
	data?: unknown;
	error?: BlazeError;
}

/** Mixin refused the bot's key (401): reconnecting cannot help. */
export class BlazeUnauthorizedError extends Error {
	constructor(readonly detail: string) {
		super(`Mixin refused the bot's key (401): ${detail}`);
		this.name = 'BlazeUnauthorizedError';
	}
}

/** A connection attempt failed for a reason that may pass (network, Blaze down, no answer). */
export class BlazeConnectError extends Error {
	constructor(message: string) {
		super(redact(message));
		this.name = 'BlazeConnectError';
	}
}

/** A frame that is not a Blaze message: not gzip, not JSON, or JSON without `id` and `action`. */
export class BlazeFrameError extends Error {
	constructor(readonly reason: string) {
		super(`Mixin sent a frame that cannot be read: ${reason}`);
		this.name = 'BlazeFrameError';
	}
}

/** Blaze answered a request with an error. */
export class BlazeRequestError extends Error {
	constructor(
		readonly action: string,
		readonly error: BlazeError,
	) {
		super(`Mixin answered ${action} with error ${error.code}: ${redact(error.description ?? '')}`);
		this.name = 'BlazeRequestError';
	}
}

// ---- Frames -------------------------------------------------------------------------------------------------------

async function through(
	bytes: Uint8Array,
	transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
	const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A frame as Blaze wants it: gzip of the UTF-8 JSON, sent as a binary message. */
export async function encodeFrame(frame: BlazeFrame): Promise<Uint8Array> {
	return await through(
		new TextEncoder().encode(JSON.stringify(frame)),
		new CompressionStream('gzip'),
	);
}

async function bytesOf(data: unknown): Promise<Uint8Array | undefined> {
	if (typeof data === 'string') return new TextEncoder().encode(data);
	// a socket left at binaryType 'blob' hands over Blobs
	if (Object.prototype.toString.call(data) === '[object Blob]')
		return new Uint8Array(await (data as Blob).arrayBuffer());
	// the WebSocket may come from another realm (a test runner's), so no instanceof
	if (Object.prototype.toString.call(data) === '[object ArrayBuffer]')
		return new Uint8Array(data as ArrayBuffer);
	if (ArrayBuffer.isView(data))
		return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	return undefined;
}

/** A received frame: binary gzip JSON as Blaze sends it (plain JSON, text or binary, is read too). */
export async function decodeFrame(data: unknown): Promise<BlazeFrame> {
	const bytes = await bytesOf(data);
	if (!bytes) throw new BlazeFrameError('a message that is neither binary nor text');
	let text: string;
	if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
		const unzipped = await settle(through(bytes, new DecompressionStream('gzip')));
		if (!unzipped.ok) throw new BlazeFrameError(`${bytes.length} bytes of broken gzip`);
		text = new TextDecoder().decode(unzipped.value);
	} else {
		text = new TextDecoder().decode(bytes);
	}
	const parsed = parseJsonOrUndefined(text);
	if (!parsed)
		throw new BlazeFrameError(`${bytes.length} bytes that are neither gzip JSON nor JSON`);
	const frame = parsed.value as Partial<BlazeFrame> | null;
	if (
		!frame ||
		typeof frame !== 'object' ||
		typeof frame.action !== 'string' ||
		typeof frame.id !== 'string'
	) {
		throw new BlazeFrameError('JSON that is not a Blaze message {id, action, data}');
	}
	return frame as BlazeFrame;
}

// ---- Time ---------------------------------------------------------------------------------------------------------

/**
 * Wait `ms`, or less if one of the signals aborts; true when the whole time passed. Each wait has a signal of its
 * own, so long-lived signals keep no listener of it (sleepWithAbort leaves its listener behind).
 */
export async function pause(ms: number, ...signals: AbortSignal[]): Promise<boolean> {
	if (signals.some((signal) => signal.aborted)) return false;
	const local = new AbortController();
	const stop = () => local.abort();
	for (const signal of signals) signal.addEventListener('abort', stop, { once: true });
	try {
		return (await settle(sleepWithAbort(ms, local.signal))).ok;
	} finally {
		for (const signal of signals) signal.removeEventListener('abort', stop);
	}
}

/** A controller that also aborts with `parent`; `unlink()` lets go of the parent when it is no longer needed. */
function linkedController(parent: AbortSignal): {
	controller: AbortController;
	unlink: () => void;
} {
	const controller = new AbortController();
	const abort = () => controller.abort();
	if (parent.aborted) controller.abort();
	else parent.addEventListener('abort', abort, { once: true });
	return { controller, unlink: () => parent.removeEventListener('abort', abort) };
}

/** Reconnect delay before attempt `attempt` (0-based): doubling from the initial delay, half of it random. */
export function reconnectDelay(
	timing: BlazeTiming,
	attempt: number,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(
		timing.backoffMaxMs,
		timing.backoffInitialMs * 2 ** Math.min(attempt, 30),
	);
	return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

// ---- One connection -----------------------------------------------------------------------------------------------

/** The WHATWG WebSocket API, as Node's global WebSocket (undici) implements it. */
export interface WebSocketLike {
	binaryType: string;
	readonly readyState: number;
	readonly protocol: string;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	addEventListener(
		type: 'open' | 'message' | 'close' | 'error',
		listener: (event: unknown) => void,
	): void;
}

export type WebSocketFactory = (
	url: string,
	protocols: string[],
	headers: Record<string, string>,
) => WebSocketLike;

type WebSocketWithHeaders = new (
	url: string,
	init: { protocols: string[]; headers: Record<string, string> },
) => WebSocketLike;

/**
 * The runtime's WebSocket, which takes request headers (Node ≥ 22, or Node 20 with --experimental-websocket);
 * undefined when there is none.
 */
export function runtimeWebSocket(): WebSocketFactory | undefined {
	if (typeof WebSocket !== 'function') return undefined;
	const Socket = WebSocket as unknown as WebSocketWithHeaders;
	return (url, protocols, headers) => new Socket(url, { protocols, headers });
}

export interface BlazeLog {
	debug(message: string): void;
	info(message: string): void;
	warn(message: string): void;
}

const SILENT: BlazeLog = { debug: () => undefined, info: () => undefined, warn: () => undefined };

interface Ended {
	reason: string;
	unauthorized?: string;
}

interface Waiter {
	action: string;
	resolve(frame: BlazeFrame): void;
	reject(error: Error): void;
}

interface ConnectionHooks {
	onPush(frame: BlazeFrame): void;
	onBadFrame(error: BlazeFrameError): void;
	now(): number;
	log: BlazeLog;
}

class BlazeConnection {
	lastFrameAt: number;
	/** Aborted when the connection ends: its keepalive and request timeouts stop with it. */
	readonly lifetime: AbortController;
	private readonly unlink: () => void;
	readonly ended: Promise<Ended>;
	readonly opened: Promise<boolean>;
	private endWith!: (ended: Ended) => void;
	private done?: Ended;
	private readonly waiters = new Map<string, Waiter>();
	/** Frames are decoded one after another, so pushes and the close keep the order they came in. */
	private incoming: Promise<void> = Promise.resolve();
	private outgoing: Promise<void> = Promise.resolve();

	constructor(
		private readonly ws: WebSocketLike,
		parent: AbortSignal,
		private readonly hooks: ConnectionHooks,
	) {
		this.lastFrameAt = hooks.now();
		const linked = linkedController(parent);
		this.lifetime = linked.controller;
		this.unlink = linked.unlink;
		this.ended = new Promise((resolve) => (this.endWith = resolve));
		ws.binaryType = 'arraybuffer';
		this.opened = new Promise((resolve) => {
			ws.addEventListener('open', () => resolve(true));
			// Node's WebSocket reports a refused handshake with an error event only (no status, no close event)
			ws.addEventListener('error', () => {
				resolve(false);
				this.queue(() => this.finish({ reason: 'the WebSocket failed' }));
			});
			ws.addEventListener('close', (event) => {
				resolve(false);
				const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
				this.queue(() =>
					this.finish({ reason: `closed (${code ?? '?'}${reason ? ` ${redact(reason)}` : ''})` }),
				);
			});
		});
		ws.addEventListener('message', (event) => {
			this.lastFrameAt = hooks.now();
			const data = (event as { data?: unknown }).data;
			this.queue(async () => await this.receive(data));
		});
	}

	get isDone(): boolean {
		return this.done !== undefined;
	}

	get endedWith(): Ended | undefined {
		return this.done;
	}

	get protocol(): string {
		return this.ws.protocol;
	}

	/** Resolves once the frames received so far have been read. */
	async received(): Promise<void> {
		await this.incoming;
	}

	private queue(step: () => void | Promise<void>): void {
		this.incoming = this.incoming
			.then(step)
			.catch((error: Error) => this.hooks.log.warn(redact(String(error?.message))));
	}

	private async receive(data: unknown): Promise<void> {
		const decoded = await settle(decodeFrame(data));
		if (!decoded.ok) {
			this.hooks.onBadFrame(decoded.error as BlazeFrameError);
			return;
		}
		const frame = decoded.value;
		if (frame.error?.code === UNAUTHORIZED) {
			this.abandon(`Blaze answered ${frame.action} with 401`, {
				unauthorized: redact(frame.error.description ?? 'Unauthorized'),
			});
		}
		const waiter = this.waiters.get(frame.id);
		if (waiter) {
			this.waiters.delete(frame.id);
			if (frame.error) waiter.reject(new BlazeRequestError(waiter.action, frame.error));
			else waiter.resolve(frame);
			return;
		}
		if (frame.action === BLAZE_ACTIONS.error) {
			if (frame.error?.code !== UNAUTHORIZED) {
				this.hooks.log.warn(
					`Mixin Blaze sent an error: ${frame.error?.code ?? '?'} ${redact(frame.error?.description ?? '')}`,
				);
			}
			return;
		}
		// pushes that arrived before the connection ended are delivered all the same
		this.hooks.onPush(frame);
	}

	private finish(ended: Ended): void {
		if (this.done) return;
		this.done = ended;
		this.lifetime.abort();
		this.unlink();
		for (const waiter of this.waiters.values()) {
			waiter.reject(
				new BlazeConnectError(`the connection ended before Mixin answered ${waiter.action}`),
			);
		}
		this.waiters.clear();
		this.endWith(ended);
	}

	/** End the connection now, without waiting for the closing handshake (the peer may be gone). */
	abandon(reason: string, extra: { unauthorized?: string; code?: number } = {}): void {
		const { code, ...rest } = extra;
		this.finish({ reason, ...rest });
		try {
			this.ws.close(code ?? CLOSE_NORMAL, reason.slice(0, 120));
		} catch {
			// a socket still connecting or already closed cannot be closed again; it is dropped either way
		}
	}

	async send(frame: BlazeFrame): Promise<void> {
		const step = this.outgoing.then(async () => {
			const bytes = await encodeFrame(frame);
			if (this.done || this.ws.readyState !== OPEN) {
				throw new BlazeConnectError(`the connection is closed; ${frame.action} was not sent`);
			}
			this.ws.send(bytes);
		});
		this.outgoing = step.catch(() => undefined);
		await step;
	}

	/** Send a request and resolve with the frame that answers it (same id), or reject after `timeoutMs`. */
	async request(action: string, params: unknown, timeoutMs: number): Promise<BlazeFrame> {
		const id = randomUUID();
		const reply = new Promise<BlazeFrame>((resolve, reject) =>
			this.waiters.set(id, { action, resolve, reject }),
		);
		const timer = new AbortController();
		const expired = pause(timeoutMs, this.lifetime.signal, timer.signal).then((full) => {
			if (!full || !this.waiters.delete(id)) return;
			throw new BlazeConnectError(
				`Mixin did not answer ${action} within ${Math.round(timeoutMs / 1000)} s`,
			);
		});
		reply.catch(() => undefined);
		try {
			await this.send(params === undefined ? { id, action } : { id, action, params });
			return await Promise.race([reply, expired.then(() => reply)]);
		} finally {
			this.waiters.delete(id);
			timer.abort();
		}
	}
}

// ---- The client ---------------------------------------------------------------------------------------------------

export interface BlazeClientOptions {
	url: string;
	/** The Authorization header of one handshake (`Bearer <jwt>`); called anew for every connection. */
	authorization: () => string;
	/** Aborting it closes the connection and ends reconnecting. */
	signal: AbortSignal;
	/** Every push (CREATE_MESSAGE, ACKNOWLEDGE_MESSAGE_RECEIPT …), in the order received, across reconnects. */
	onPush: (frame: BlazeFrame) => void | Promise<void>;
	/** A frame that could not be read; the connection carries on. */
	onBadFrame?: (error: BlazeFrameError) => void;
	/** The key was refused while reconnecting: the client has stopped. (A first connection that fails throws.) */
	onFatal?: (error: BlazeUnauthorizedError) => void;
	/**
	 * Whether Mixin refuses the key itself, asked after a connection attempt fails before LIST_PENDING_MESSAGES is
	 * answered: the runtime's WebSocket does not tell a 401 handshake from any other failure.
	 */
	keyRefused?: () => Promise<boolean>;
	createSocket?: WebSocketFactory;
	timing?: Partial<BlazeTiming>;
	log?: BlazeLog;
	random?: () => number;
	now?: () => number;
}

/**
 * Keeps one Blaze connection up. `start()` connects and lists pending messages (throwing if that fails); from then
 * on a lost connection is replaced with backoff until `stop()`, the signal, or a 401.
 */
export class BlazeClient {
	readonly timing: BlazeTiming;
	/** Connection attempts made, the first one included. */
	attempts = 0;
	private readonly control: AbortController;
	private readonly log: BlazeLog;
	private readonly now: () => number;
	private readonly createSocket: WebSocketFactory;
	private current?: BlazeConnection;
	private pushes: Promise<void> = Promise.resolve();

	constructor(private readonly options: BlazeClientOptions) {
		this.timing = { ...DEFAULT_BLAZE_TIMING, ...(options.timing ?? {}) };
		this.control = linkedController(options.signal).controller;
		this.log = options.log ?? SILENT;
		this.now = options.now ?? Date.now;
		const createSocket = options.createSocket ?? runtimeWebSocket();
		if (!createSocket) throw new BlazeConnectError('this runtime has no WebSocket client');
		this.createSocket = createSocket;
	}

	get stopped(): boolean {
		return this.control.signal.aborted;
	}

	/** A connection is up and has listed pending messages. */
	get listening(): boolean {
		return !!this.current && !this.current.isDone;
	}

	/** Connect and list pending messages; keep the connection up from then on. */
	async start(): Promise<void> {
		const first = await this.connect();
		void this.supervise(first).catch((error: Error) =>
			this.log.warn(`Mixin Blaze: reconnecting stopped: ${redact(String(error?.message))}`),
		);
	}

	/** Close the connection and stop reconnecting. */
	stop(): void {
		this.control.abort();
		this.current?.abandon('closed by the trigger');
		this.current = undefined;
	}

	/** Resolves when the pushes received so far have been handed over. */
	async drained(): Promise<void> {
		await this.pushes;
	}

	/** A request on the current connection; rejects when there is none or Blaze answers with an error. */
	async request(action: string, params?: unknown): Promise<BlazeFrame> {
		const connection = this.current;
		if (!connection || connection.isDone)
			throw new BlazeConnectError(`not connected; ${action} was not sent`);
		return await connection.request(action, params, this.timing.requestTimeoutMs);
	}

	private async connect(): Promise<BlazeConnection> {
		if (this.stopped) throw new BlazeConnectError('the client was stopped');
		this.attempts += 1;
		const host = new URL(this.options.url).host;
		const ws = this.createSocket(this.options.url, [BLAZE_PROTOCOL], {
			Authorization: this.options.authorization(),
		});
		const connection = new BlazeConnection(ws, this.control.signal, {
			onPush: (frame) => this.push(frame),
			onBadFrame: (error) => this.options.onBadFrame?.(error),
			now: this.now,
			log: this.log,
		});
		const handshake = new AbortController();
		const timedOut = pause(
			this.timing.handshakeTimeoutMs,
			connection.lifetime.signal,
			handshake.signal,
		);
		const opened = await Promise.race([connection.opened, timedOut.then(() => false)]);
		handshake.abort();
		if (!opened) {
			connection.abandon('no handshake');
			return await this.refused(`the WebSocket handshake with ${host} failed or timed out`);
		}
		if (connection.protocol && connection.protocol !== BLAZE_PROTOCOL) {
			this.log.warn(
				`Mixin Blaze chose the subprotocol ${connection.protocol}, not ${BLAZE_PROTOCOL}`,
			);
		}
		// nothing is pushed until the client asks for it
		const listed = await settle(
			connection.request(BLAZE_ACTIONS.listPending, undefined, this.timing.requestTimeoutMs),
		);
		if (!listed.ok) {
			// a 401 ERROR frame may still be being read (the request can fail on the close that follows it)
			await connection.received();
			const unauthorized = connection.endedWith?.unauthorized;
			connection.abandon('no answer to LIST_PENDING_MESSAGES');
			if (unauthorized) throw new BlazeUnauthorizedError(unauthorized);
			return await this.refused(
				`${host} did not list pending messages: ${redact((listed.error as Error)?.message ?? String(listed.error))}`,
			);
		}
		this.current = connection;
		void this.keepAlive(connection);
		this.log.debug(`Mixin Blaze: connected to ${host}, listening`);
		return connection;
	}

	/** A connection attempt failed before listing: fatal if the key itself is refused, else worth another try. */
	private async refused(message: string): Promise<never> {
		if (!this.stopped && this.options.keyRefused) {
			const refused = await settle(this.options.keyRefused());
			if (refused.ok && refused.value)
				throw new BlazeUnauthorizedError('the API refuses the same key');
		}
		throw new BlazeConnectError(message);
	}

	private push(frame: BlazeFrame): void {
		this.pushes = this.pushes
			.then(async () => await this.options.onPush(frame))
			.catch((error: Error) =>
				this.log.warn(`Mixin Blaze: a push was not handled: ${redact(String(error?.message))}`),
			);
	}

	private async keepAlive(connection: BlazeConnection): Promise<void> {
		const interval = this.timing.keepaliveMs;
		while (await pause(interval, connection.lifetime.signal)) {
			const silentFor = this.now() - connection.lastFrameAt;
			if (silentFor >= 2 * interval) {
				this.log.info(`Mixin Blaze: no frame for ${Math.round(silentFor / 1000)} s; reconnecting`);
				connection.abandon('no answer to keepalive', { code: CLOSE_NO_ANSWER });
				return;
			}
			// any frame proves the connection alive; the reply itself is not awaited
			void connection
				.request(BLAZE_ACTIONS.listPending, undefined, interval)
				.catch(() => undefined);
		}
	}

	private async supervise(first: BlazeConnection): Promise<void> {
		let connection: BlazeConnection | undefined = first;
		let attempt = 0;
		while (!this.stopped) {
			if (connection) {
				const since = this.now();
				const ended = await connection.ended;
				if (this.current === connection) this.current = undefined;
				if (ended.unauthorized) return this.fail(new BlazeUnauthorizedError(ended.unauthorized));
				if (this.stopped) return;
				if (this.now() - since >= this.timing.healthyAfterMs) attempt = 0;
				this.log.info(`Mixin Blaze: connection lost (${ended.reason}); reconnecting`);
			}
			const delay = reconnectDelay(this.timing, attempt++, this.options.random);
			if (!(await pause(delay, this.control.signal))) return;
			const next = await settle(this.connect());
			if (next.ok) {
				connection = next.value;
				continue;
			}
			connection = undefined;
			if (next.error instanceof BlazeUnauthorizedError) return this.fail(next.error);
			if (this.stopped) return;
			this.log.warn(
				`Mixin Blaze: ${redact(String((next.error as Error)?.message))}; retrying in a while`,
			);
		}
	}

	private fail(error: BlazeUnauthorizedError): void {
		if (this.stopped) return;
		this.control.abort();
		this.options.onFatal?.(error);
	}
}

// ---- Acknowledgements ---------------------------------------------------------------------------------------------

export interface AckBatcherOptions {
	/** Send one batch (≤ 100) over the socket; resolve false when no socket is listening, reject on failure. */
	overSocket: (batch: Acknowledgement[]) => Promise<boolean>;
	/** Send acknowledgements over HTTP (POST /acknowledgements, signed). */
	overHttp: (batch: Acknowledgement[]) => Promise<void>;
	/** How long acknowledgements gather before a batch goes out. */
	windowMs?: number;
	/** Wait after a batch failed on both channels. */
	retryMs?: number;
	log?: BlazeLog;
}

/**
 * Acknowledgements, gathered for a short while and sent in batches of at most 100: over the socket while it
 * listens, else (or when the socket fails) over HTTP. A batch that fails on both is kept and tried again later;
 * acknowledging twice is harmless. After `close()` each acknowledgement goes out at once.
 */
export class AckBatcher {
	private queue: Acknowledgement[] = [];
	private scheduled = false;
	private flushing?: Promise<void>;
	private closed = false;
	private readonly waits = new AbortController();
	private readonly log: BlazeLog;

	constructor(private readonly options: AckBatcherOptions) {
		this.log = options.log ?? SILENT;
	}

	get size(): number {
		return this.queue.length;
	}

	add(ack: Acknowledgement): void {
		this.queue.push(ack);
		if (this.queue.length >= MAX_ACKS_PER_FRAME || this.closed) void this.flush();
		else this.schedule(this.options.windowMs ?? 250);
	}

	private schedule(ms: number): void {
		if (this.scheduled) return;
		this.scheduled = true;
		void pause(ms, this.waits.signal).then(async () => {
			this.scheduled = false;
			await this.flush();
		});
	}

	/** Send everything queued now; resolves when done (or when a batch failed and was put back). */
	async flush(): Promise<void> {
		while (this.flushing) await this.flushing;
		if (this.queue.length === 0) return;
		this.flushing = this.drain().finally(() => (this.flushing = undefined));
		await this.flushing;
	}

	/** From now on acknowledgements go out one flush at a time, without waiting for others. */
	close(): void {
		this.closed = true;
		this.waits.abort();
	}

	private async drain(): Promise<void> {
		while (this.queue.length > 0) {
			const batch = this.queue.splice(0, MAX_ACKS_PER_FRAME);
			const sent = await settle(this.send(batch));
			if (!sent.ok) {
				this.queue.unshift(...batch);
				this.log.warn(
					`Mixin: ${batch.length} acknowledgement(s) could not be sent (${redact(String((sent.error as Error)?.message))}); trying again later`,
				);
				if (!this.closed) this.schedule(this.options.retryMs ?? 10_000);
				return;
			}
		}
	}

	private async send(batch: Acknowledgement[]): Promise<void> {
		const socket = await settle(this.options.overSocket(batch));
		if (socket.ok && socket.value) return;
		if (!socket.ok) this.log.debug(`Mixin: acknowledging over the socket failed; using HTTP`);
		await this.options.overHttp(batch);
	}
}
