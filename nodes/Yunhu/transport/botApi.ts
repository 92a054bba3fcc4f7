/**
 * Yunhu's bot Open API: acts as a bot, `?token=` in the query (added by the credential), JSON bodies, multipart
 * uploads, 10 requests a second per endpoint. No n8n UI code.
 */
import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { PlatformApiError } from '../../common/errors';
import { mayHaveTakenEffect, multipartForm, type HttpFn } from '../../common/http';
import { processLimiter } from '../../common/rateLimit';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from '../../common/retry';
import { BOT_LIMITER_WINDOW_MS, BOT_REQUESTS_PER_SECOND, parseJsonEnvelope } from './envelope';

export type BotUploadKind = 'image' | 'video' | 'file';

/** Upload ceilings of the Open API. */
export const BOT_UPLOAD_MAX_BYTES: Record<BotUploadKind, number> = {
	image: 10 * 1024 * 1024,
	video: 20 * 1024 * 1024,
	file: 20 * 1024 * 1024,
};

export type RecvType = 'user' | 'group';

export interface BotButton {
	text: string;
	actionType: 1 | 2 | 3;
	url?: string;
	value?: string;
}

export interface BotContent {
	text?: string;
	imageKey?: string;
	fileKey?: string;
	videoKey?: string;
	fileName?: string;
	buttons?: BotButton[][];
	at?: string[];
}

export interface BotMessage {
	recvId: string;
	recvType: RecvType;
	contentType: string;
	content: BotContent;
	parentId?: string;
}

export interface YunhuBotClientOptions {
	/** Adds the credential's `token` query parameter. */
	signed: HttpFn;
	baseUrl: string;
	/** The bot token, only to key the shared rate limits (never sent from here, never kept in clear). */
	token: string;
	/** The share of the 10 requests a second this process may use (queue mode: one share per worker). */
	limitShare?: number;
	retry?: RetryPolicy;
	timeoutMs?: number;
	sleep?: Sleep;
}

/** A send that failed without an answer: it may have been delivered, and is not sent again. */
function uncertainSend(error: unknown): unknown {
	if (!(error instanceof PlatformApiError) || !mayHaveTakenEffect(error)) return error;
	return new PlatformApiError({
		platform: error.platform,
		code: error.code,
		text: error.text,
		httpStatus: error.httpStatus,
		hint: 'No answer came back, so the message may have been sent. The bot API cannot tell a repeat from a new message, so the node did not send it again: check the chat before resending.',
		uncertain: true,
	});
}

export class YunhuBotClient {
	private readonly retry: RetryPolicy;
	private readonly scope: string;

	constructor(private readonly options: YunhuBotClientOptions) {
		this.retry = options.retry ?? DEFAULT_RETRY;
		this.scope = createHash('sha256').update(options.token).digest('hex').slice(0, 16);
	}

	private limiter(endpoint: string) {
		const limit = Math.max(1, Math.floor(BOT_REQUESTS_PER_SECOND * (this.options.limitShare ?? 1)));
		return processLimiter(`yunhu-bot|${this.scope}|${endpoint}`, limit, BOT_LIMITER_WINDOW_MS);
	}

	/**
	 * One call: serialised once; each attempt waits for the endpoint's rate limit. The Open API has no idempotency
	 * key, so a call that creates messages is sent again only when the failed attempt cannot have reached Yunhu (a
	 * refused connection, 503, the rate limit); otherwise its error says the message may have been sent.
	 */
	private async call<T>(
		method: 'GET' | 'POST',
		endpoint: string,
		body?: unknown,
		query?: Record<string, string | number>,
		createsMessages = false,
	): Promise<T> {
		const serialized = body === undefined ? undefined : JSON.stringify(body);
		const search = query
			? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`
			: '';
		const limiter = this.limiter(endpoint);
		return await withRetry(
			this.retry,
			async () => {
				const response = await limiter.during(1, async () => {
					return await this.options.signed({
						method,
						url: `${this.options.baseUrl}${endpoint}${search}`,
						body: serialized,
						headers: serialized ? { 'Content-Type': 'application/json' } : {},
						timeoutMs: this.options.timeoutMs,
					});
				});
				return parseJsonEnvelope<T>(response);
			},
			(error) =>
				error instanceof PlatformApiError &&
				error.retryable &&
				!(createsMessages && mayHaveTakenEffect(error)),
			this.options.sleep,
		).catch((error: unknown) => {
			throw createsMessages ? uncertainSend(error) : error;
		});
	}

	async send(message: BotMessage): Promise<{ msgId: string; recvId: string; recvType: string }> {
		const data = await this.call<{
			messageInfo: { msgId: string; recvId: string; recvType: string };
		}>('POST', '/bot/send', message, undefined, true);
		return data.messageInfo;
	}

	async batchSend(message: Omit<BotMessage, 'recvId'> & { recvIds: string[] }): Promise<{
		successCount: number;
		successList: Array<{ msgId: string; recvId: string; recvType: string }>;
	}> {
		const data = await this.call<{
			successCount?: number;
			successList?: Array<{ msgId: string; recvId: string; recvType: string }>;
		}>('POST', '/bot/batch_send', message, undefined, true);
		return { successCount: Number(data?.successCount ?? 0), successList: data?.successList ?? [] };
	}

	async edit(edit: {
		msgId: string;
		recvId: string;
		recvType: RecvType;
		contentType: string;
		content: BotContent;
	}): Promise<void> {
		await this.call('POST', '/bot/edit', edit);
	}

	async recall(msgId: string, chatId: string, chatType: RecvType): Promise<void> {
		await this.call('POST', '/bot/recall', { msgId, chatId, chatType });
	}

	/** Messages of a chat: the newest `before` ones, or `before` + the anchor + `after` around a message, oldest first. */
	async messages(query: {
		chatId: string;
		chatType: RecvType;
		messageId?: string;
		before?: number;
		after?: number;
	}): Promise<IDataObject[]> {
		const q: Record<string, string | number> = {
			'chat-id': query.chatId,
			'chat-type': query.chatType,
		};
		if (query.messageId) q['message-id'] = query.messageId;
		if (query.before) q.before = query.before;
		if (query.after) q.after = query.after;
		const data = await this.call<{ list?: IDataObject[] }>('GET', '/bot/messages', undefined, q);
		return data?.list ?? [];
	}

	/** Upload a file for a later send; returns its key (imageKey, videoKey or fileKey). */
	async upload(kind: BotUploadKind, file: Blob, fileName: string): Promise<string> {
		const endpoint = `/${kind}/upload`;
		const limiter = this.limiter(endpoint);
		const data = await withRetry(
			this.retry,
			async () => {
				const response = await limiter.during(1, async () => {
					return await this.options.signed({
						method: 'POST',
						url: `${this.options.baseUrl}${endpoint}`,
						body: multipartForm({}, [{ field: kind, bytes: file, fileName }]),
						timeoutMs: this.options.timeoutMs,
					});
				});
				return parseJsonEnvelope<Record<string, string>>(response);
			},
			undefined,
			this.options.sleep,
		);
		return data[`${kind}Key`];
	}
}
