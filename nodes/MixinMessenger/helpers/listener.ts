/**
 * The Mixin Messenger Trigger at work: one Blaze connection per activation, pushes decoded into items and emitted
 * one execution each, acknowledgements sent when the chosen moment comes, redeliveries of what was emitted already
 * dropped, and failures reported the n8n way (a 401 stops the trigger, an unreadable frame is saved as a failed
 * execution, anything else reconnects quietly).
 */
import type {
	IBinaryKeyData,
	IDataObject,
	INodeExecutionData,
	IRun,
	ITriggerFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PlatformApiError } from '../../common/errors';
import { redact } from '../../common/redact';
import { settle } from '../../common/settle';
import { isUuid } from '../../common/validate';
import type { Acknowledgement, MixinClient } from '../transport/api';
import {
	AckBatcher,
	BLAZE_ACTIONS,
	BlazeClient,
	BlazeUnauthorizedError,
	HANDSHAKE_SIGNED,
	pause,
	type BlazeFrame,
	type BlazeFrameError,
	type BlazeLog,
	type WebSocketFactory,
} from '../transport/blaze';
import { signRequestToken, type MixinSession } from '../transport/signing';
import { attachmentFileName, decodeMessage, decodeReceipt, type DecodedMessage } from './inbound';

export type AckMode =
	'immediately' | 'executionFinishes' | 'executionFinishesSuccessfully' | 'never';
export type AttachmentMode = 'url' | 'download' | 'none';

export interface ListenerSettings {
	events: Set<string>;
	acknowledge: AckMode;
	ackStatus: Acknowledgement['status'];
	ignoreOwn: boolean;
	attachments: AttachmentMode;
	keepaliveMs: number;
}

/** Message ids remembered for the trigger's life, so a redelivered message starts nothing twice. */
export const REMEMBERED_MESSAGES = 5_000;
/** How long "Listen for test event" waits for a message: as long as n8n keeps a test webhook listening. */
export const MANUAL_TIMEOUT_MS = 120_000;
/** How long closing waits for queued acknowledgements to go out over the socket. */
const CLOSE_FLUSH_MS = 5_000;

const KEY_REFUSED_DESCRIPTION =
	"Check the Mixin Messenger API credential: the app ID, session ID and private key must belong to one current session of the bot (sessions revoked in the developer dashboard stop working). Mixin also answers 401 when this machine's clock is more than 5 minutes off. The trigger stopped and does not retry.";

/** What a remembered message is waiting for. */
type MessageState = 'running' | 'acked' | 'kept';

class RememberedMessages {
	private readonly states = new Map<string, MessageState>();

	constructor(private readonly limit: number) {}

	get(id: string): MessageState | undefined {
		return this.states.get(id);
	}

	set(id: string, state: MessageState): void {
		this.states.set(id, state);
		if (this.states.size > this.limit)
			this.states.delete(this.states.keys().next().value as string);
	}
}

export interface ListenerAccess {
	session: MixinSession;
	blazeUrl: string;
}

export interface ListenerApi {
	/** Attachment lookups, downloads and acknowledgements over HTTP, with the usual retries. */
	api: MixinClient;
	/** One quick GET /me after a failed connection attempt, to tell a refused key from a network problem. */
	probe: MixinClient;
}

export class MixinListener {
	readonly client: BlazeClient;
	readonly acks: AckBatcher;
	private readonly seen = new RememberedMessages(REMEMBERED_MESSAGES);
	private readonly control = new AbortController();
	private readonly log: BlazeLog;
	private readonly botUserId: string;
	private closed = false;
	/** Listening for a test event: only the first matching push is emitted, nothing else is touched. */
	private manual?: { taken: boolean; emitted: () => void };
	private onFatal: (error: Error) => void;
	private readonly api: MixinClient;

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly settings: ListenerSettings,
		clients: ListenerApi,
		access: ListenerAccess,
		createSocket: WebSocketFactory,
	) {
		this.api = clients.api;
		this.botUserId = access.session.appId;
		const logger = ctx.logger;
		this.log = {
			debug: (m) => logger.debug(redact(m)),
			info: (m) => logger.info(redact(m)),
			warn: (m) => logger.warn(redact(m)),
		};
		this.onFatal = (error) => ctx.emitError(error);
		this.client = new BlazeClient({
			url: access.blazeUrl,
			// a fresh token for every connection, signed like a GET of "/"
			authorization: () => `Bearer ${signRequestToken(access.session, HANDSHAKE_SIGNED).token}`,
			signal: this.control.signal,
			createSocket,
			timing: { keepaliveMs: settings.keepaliveMs },
			log: this.log,
			onPush: async (frame) => await this.onPush(frame),
			onBadFrame: (error) => this.badFrame(error),
			onFatal: (error) => this.onFatal(this.unauthorized(error)),
			keyRefused: async () => {
				const me = await settle(clients.probe.me());
				return !me.ok && me.error instanceof PlatformApiError && Number(me.error.code) === 401;
			},
		});
		this.acks = new AckBatcher({
			overSocket: async (batch) => {
				if (!this.client.listening) return false;
				await this.client.request(BLAZE_ACTIONS.acknowledgeMany, { messages: batch });
				return true;
			},
			overHttp: async (batch) => {
				const failed = (await this.api.acknowledge(batch)).find((error) => error);
				if (failed) throw failed;
			},
			log: this.log,
		});
	}

	/** Connect and list pending messages; throws an n8n error when even the first connection fails. */
	async start(): Promise<void> {
		const started = await settle(this.client.start());
		if (started.ok) return;
		await this.close();
		const error = started.error as Error;
		if (error instanceof BlazeUnauthorizedError) throw this.unauthorized(error);
		throw new NodeOperationError(
			this.ctx.getNode(),
			`Could not connect to Mixin Blaze: ${redact(error.message)}`,
			{
				description:
					"Check the credential's Blaze WebSocket URL (wss://blaze.mixin.one/ unless you use another host) and that n8n can reach it. An active workflow is activated again later by n8n.",
			},
		);
	}

	/** "Listen for test event": connect, emit the first matching push, and stop. */
	async listenOnce(timeoutMs = MANUAL_TIMEOUT_MS): Promise<void> {
		let emitted!: () => void;
		let failed!: (error: Error) => void;
		const first = new Promise<'emitted'>((resolve, reject) => {
			emitted = () => resolve('emitted');
			failed = reject;
		});
		this.manual = { taken: false, emitted: () => emitted() };
		this.onFatal = (error) => failed(error);
		await this.start();
		const timer = new AbortController();
		const waited = await settle(
			Promise.race([
				first,
				pause(timeoutMs, this.control.signal, timer.signal).then((full) =>
					full ? 'timeout' : 'stopped',
				),
			]),
		);
		timer.abort();
		if (waited.ok && waited.value === 'emitted') return;
		await this.close();
		if (!waited.ok) throw waited.error;
		if (waited.value === 'stopped') {
			throw new NodeOperationError(
				this.ctx.getNode(),
				'Stopped listening before a Mixin message arrived',
			);
		}
		throw new NodeOperationError(
			this.ctx.getNode(),
			`No Mixin message arrived within ${Math.round(timeoutMs / 1000)} seconds`,
			{
				description:
					'Send the bot a message of one of the chosen events in Mixin Messenger while the node is listening. Messages Mixin still holds for the bot (not yet acknowledged) arrive first.',
			},
		);
	}

	/** Send what is queued while the socket is open, then close it; acknowledgements due later go over HTTP. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		const wait = new AbortController();
		await Promise.race([this.acks.flush(), pause(CLOSE_FLUSH_MS, wait.signal)]);
		wait.abort();
		this.client.stop();
		this.acks.close();
		this.control.abort();
		if (this.acks.size > 0) void this.acks.flush();
	}

	private unauthorized(error: BlazeUnauthorizedError): NodeApiError {
		return new NodeApiError(
			this.ctx.getNode(),
			{ platform: 'Mixin', code: 401, text: redact(error.detail) },
			{
				message: "Mixin refused the bot's key (401)",
				description: KEY_REFUSED_DESCRIPTION,
				httpCode: '401',
			},
		);
	}

	private async onPush(frame: BlazeFrame): Promise<void> {
		if (this.closed) return;
		const data = frame.data as IDataObject | undefined;
		if (!data || typeof data !== 'object' || Array.isArray(data)) return;
		const isReceipt =
			frame.action === BLAZE_ACTIONS.receipt ||
			(data.source === BLAZE_ACTIONS.receipt && data.category === undefined);
		if (isReceipt) return this.onReceipt(data);
		if (frame.action === BLAZE_ACTIONS.message) return await this.onMessage(data);
		this.log.debug(`Mixin Blaze: ignored a ${frame.action} push`);
	}

	private async onMessage(view: IDataObject): Promise<void> {
		const id = String(view.message_id ?? '').toLowerCase();
		if (!isUuid(id)) {
			this.log.warn('Mixin Blaze: a CREATE_MESSAGE push without a message_id was ignored');
			return;
		}
		const state = this.seen.get(id);
		if (state !== undefined) {
			// a redelivery: its acknowledgement was lost if it was sent, else it goes out when due
			if (state === 'acked' && !this.manual) this.ack(id);
			return;
		}
		const decoded = decodeMessage(view, this.botUserId);
		const own =
			this.settings.ignoreOwn && String(view.user_id ?? '').toLowerCase() === this.botUserId;
		if (own || !this.settings.events.has(decoded.event)) {
			// nothing else will ever acknowledge it; a test listen leaves it for the active workflow
			if (this.manual) return;
			this.seen.set(id, 'acked');
			this.ack(id);
			return;
		}
		if (this.manual) {
			if (this.manual.taken) return;
			this.manual.taken = true;
		}
		this.seen.set(id, 'running');
		this.emit(id, await this.withAttachment(decoded));
	}

	private onReceipt(data: IDataObject): void {
		const decoded = decodeReceipt(data);
		if (!decoded || !this.settings.events.has(decoded.event)) return;
		const key = `receipt:${String(data.message_id ?? '')}:${decoded.event}`;
		if (this.seen.get(key)) return;
		this.seen.set(key, 'acked');
		if (this.manual) {
			if (this.manual.taken) return;
			this.manual.taken = true;
		}
		this.emit(undefined, { json: decoded.json });
	}

	private emit(messageId: string | undefined, item: INodeExecutionData): void {
		const mode = this.settings.acknowledge;
		if (!messageId || mode === 'immediately' || mode === 'never') {
			if (messageId) this.seen.set(messageId, mode === 'never' ? 'kept' : 'acked');
			if (messageId && mode === 'immediately') this.ack(messageId);
			this.ctx.emit([[item]]);
		} else {
			const done = this.ctx.helpers.createDeferredPromise<IRun>();
			this.ctx.emit([[item]], undefined, done);
			void done.promise.then(
				(run) => this.finished(messageId, run),
				(error: Error) => {
					this.seen.set(messageId, 'kept');
					this.log.warn(
						`Mixin: message ${messageId} is not acknowledged, its execution did not run: ${error?.message}`,
					);
				},
			);
		}
		this.manual?.emitted();
	}

	private finished(messageId: string, run: IRun | undefined): void {
		const failed = run?.data?.resultData?.error !== undefined;
		if (failed && this.settings.acknowledge === 'executionFinishesSuccessfully') {
			// Mixin keeps it and pushes it again once the workflow is next activated
			this.seen.set(messageId, 'kept');
			this.log.info(`Mixin: message ${messageId} is not acknowledged because its execution failed`);
			return;
		}
		this.seen.set(messageId, 'acked');
		this.ack(messageId);
	}

	private ack(messageId: string): void {
		this.acks.add({ message_id: messageId, status: this.settings.ackStatus });
	}

	/** A media item gets its attachment's view URL, and the file itself when asked; failures are noted, not fatal. */
	private async withAttachment(decoded: DecodedMessage): Promise<INodeExecutionData> {
		const { json, attachmentId } = decoded;
		if (!attachmentId || this.settings.attachments === 'none') return { json };
		const attachment = await settle(this.api.getAttachment(attachmentId));
		if (!attachment.ok || typeof attachment.value?.view_url !== 'string') {
			json.attachment_error = attachment.ok
				? 'Mixin returned no view_url'
				: errorText(attachment.error);
			return { json };
		}
		const viewUrl = attachment.value.view_url;
		json.view_url = viewUrl;
		if (this.settings.attachments !== 'download') return { json };
		const file = await settle(this.api.download(viewUrl));
		if (!file.ok) {
			json.attachment_error = errorText(file.error);
			return { json };
		}
		const content = (json.content ?? {}) as IDataObject;
		const mimeType =
			typeof content.mime_type === 'string' ? content.mime_type : file.value.contentType;
		const binary: IBinaryKeyData = {
			data: await this.ctx.helpers.prepareBinaryData(
				file.value.bytes,
				attachmentFileName(content, attachmentId, mimeType),
				mimeType,
			),
		};
		return { json, binary };
	}

	private badFrame(error: BlazeFrameError): void {
		this.log.warn(error.message);
		const failure = new NodeOperationError(this.ctx.getNode(), error.message, {
			description:
				'The connection stays open and other messages are not affected. Mixin pushes a message again until it is acknowledged, so a message in this frame comes back.',
		});
		try {
			// n8n-workflow 2.x: a failed execution is recorded and the trigger keeps listening
			if (typeof this.ctx.saveFailedExecution === 'function') this.ctx.saveFailedExecution(failure);
		} catch (saveError) {
			this.log.warn(
				`Mixin: could not record the unreadable frame: ${(saveError as Error)?.message}`,
			);
		}
	}
}

function errorText(error: unknown): string {
	return redact(error instanceof Error ? error.message : String(error));
}
