/**
 * Yunzhenji's open API: WeCom accounts on cloud phones send messages to customers and groups. JSON bodies (the
 * credential adds app_id and access_token), `{errcode, message, data}` answers. No n8n UI code.
 */
import type { IDataObject } from 'n8n-workflow';

import { chunk } from '../../common/batching';
import { PlatformApiError } from '../../common/errors';
import { mayHaveTakenEffect, type HttpFn, type HttpResponse } from '../../common/http';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from '../../common/retry';
import { parseJsonOrUndefined } from '../../common/settle';
import './secrets';

export const PLATFORM = 'Yunzhenji';

/** At most this many messages per sendMessage request. */
export const MAX_MESSAGES_PER_REQUEST = 5;
export const MAX_PAGE_SIZE = 100;

/** Codes that say the access token is missing, invalid or expired (WeCom's meanings, which the platform follows). */
const TOKEN_CODES = new Set([40001, 40014, 41001, 42001]);

const HINTS: Record<number, string> = {
	40001: 'The access token is invalid or was replaced; a new one is fetched automatically.',
	42001: 'The access token expired; a new one is fetched automatically.',
	40003: 'The sending WeCom account (wxid) is not logged in on a cloud phone of this app.',
	40008: 'The message type is not one Yunzhenji knows.',
	40035: 'A message field is missing or invalid (see the message).',
	45008: 'At most 5 messages per request.',
	46004: 'The customer or group is not known, or has not added this WeCom account.',
};

export type MessageType =
	| 'text'
	| 'announcement'
	| 'picture'
	| 'link'
	| 'file'
	| 'voice'
	| 'video'
	| 'program'
	| 'card'
	| 'channel';

export interface OutgoingMessage {
	msg_type: MessageType;
	content: IDataObject;
	delayed_time?: number;
	api_send_id?: string | number;
}

export interface Accepted {
	idx: number;
	api_send_svrid: string;
	api_send_id?: string;
}

export interface YunzhenjiClientOptions {
	/** Adds app_id and access_token (the credential's authenticate). */
	http: HttpFn;
	baseUrl: string;
	/** Called when Yunzhenji refuses the token: the next request fetches a new one. */
	renewToken?: () => void;
	retry?: RetryPolicy;
	timeoutMs?: number;
	sleep?: Sleep;
}

function parseAnswer<T>(response: HttpResponse): T {
	if (response.statusCode >= 300) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: response.statusCode,
			text: `HTTP ${response.statusCode}`,
			httpStatus: response.statusCode,
			hint: 'The server answered with an HTTP error; retried automatically when it is temporary.',
			retryable: response.statusCode >= 500 || response.statusCode === 429,
		});
	}
	const doc = parseJsonOrUndefined(response.body)?.value as
		{ errcode?: unknown; message?: unknown; errmsg?: unknown; data?: unknown } | undefined;
	if (!doc || typeof doc !== 'object' || typeof doc.errcode !== 'number') {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: 'INVALID_RESPONSE',
			text: 'the answer is not a Yunzhenji JSON envelope',
			httpStatus: response.statusCode,
			retryable: true,
		});
	}
	if (doc.errcode !== 0) {
		throw new PlatformApiError({
			platform: PLATFORM,
			code: doc.errcode,
			text: String(doc.message ?? doc.errmsg ?? `errcode ${doc.errcode}`),
			httpStatus: response.statusCode,
			hint: HINTS[doc.errcode],
		});
	}
	return doc.data as T;
}

function isTokenRefusal(error: unknown): boolean {
	return error instanceof PlatformApiError && TOKEN_CODES.has(Number(error.code));
}

export class YunzhenjiClient {
	private readonly retry: RetryPolicy;

	constructor(private readonly options: YunzhenjiClientOptions) {
		this.retry = options.retry ?? DEFAULT_RETRY;
	}

	/**
	 * One call. A refused token is fetched anew and the call sent once more (a refusal did nothing). Calls that send
	 * messages are repeated only when the failed attempt cannot have reached Yunzhenji: it knows no idempotency key.
	 */
	private async call<T>(
		method: 'GET' | 'POST',
		path: string,
		payload: IDataObject,
		sendsMessages = false,
	): Promise<T> {
		const query =
			method === 'GET'
				? `?${new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, String(v)])).toString()}`
				: '';
		const body = method === 'POST' ? JSON.stringify(payload) : undefined;
		let renewed = false;
		return await withRetry(
			this.retry,
			async () => {
				const response = await this.options.http({
					method,
					url: `${this.options.baseUrl}${path}${query}`,
					body,
					headers: body ? { 'Content-Type': 'application/json; charset=UTF-8' } : {},
					timeoutMs: this.options.timeoutMs,
				});
				return parseAnswer<T>(response);
			},
			(error) => {
				if (isTokenRefusal(error) && !renewed && this.options.renewToken) {
					renewed = true;
					this.options.renewToken();
					return true;
				}
				if (!(error instanceof PlatformApiError) || !error.retryable) return false;
				return !(sendsMessages && mayHaveTakenEffect(error));
			},
			this.options.sleep,
		).catch((error: unknown) => {
			throw sendsMessages ? uncertainSend(error) : error;
		});
	}

	/** Send up to 5 messages from `wxid` to `target`; each accepted one gets its `api_send_svrid`. */
	async sendMessages(
		wxid: string,
		target: string,
		messages: OutgoingMessage[],
	): Promise<Accepted[]> {
		if (messages.length > MAX_MESSAGES_PER_REQUEST)
			throw new RangeError('at most 5 messages per request');
		const data = await this.call<Accepted[]>(
			'POST',
			'/wechat/sendMessage',
			{ wxid, target_wxid: target, messages: messages as unknown as IDataObject[] },
			true,
		);
		const accepted = Array.isArray(data) ? data : [];
		if (accepted.length < messages.length) {
			const got = accepted.map((a) => a.idx).join(', ') || 'none';
			throw new PlatformApiError({
				platform: PLATFORM,
				code: 'PARTIAL',
				text: `Yunzhenji accepted ${accepted.length} of ${messages.length} messages (idx ${got})`,
				hint: 'Only the listed messages passed the first check and will be sent; send the others again.',
			});
		}
		return accepted;
	}

	/**
	 * Send any number of messages in requests of at most 5, in order; each request waits for the previous one, so the
	 * phone receives them in the order given.
	 */
	async sendAll(wxid: string, target: string, messages: OutgoingMessage[]): Promise<Accepted[]> {
		const out: Accepted[] = [];
		for (const [n, part] of chunk(messages, MAX_MESSAGES_PER_REQUEST).entries()) {
			const accepted = await this.sendMessages(wxid, target, part);
			out.push(...accepted.map((a) => ({ ...a, idx: a.idx + n * MAX_MESSAGES_PER_REQUEST })));
		}
		return out;
	}

	/** One page of the logged-in WeCom accounts; `online` -1 all, 0 offline, 1 online. */
	async listAccounts(
		page: number,
		pageSize: number,
		online: number,
	): Promise<{ list: IDataObject[]; total?: number }> {
		return this.page(await this.call('GET', '/wechat/list', { online, page, page_size: pageSize }));
	}

	async contactInfo(wxid: string): Promise<IDataObject> {
		return (await this.call<IDataObject>('GET', '/wechat/contactInfo', { wxid })) ?? {};
	}

	async blacklist(
		page: number,
		pageSize: number,
	): Promise<{ list: IDataObject[]; total?: number }> {
		return this.page(
			await this.call('GET', '/wechat/blackContactList', { page, page_size: pageSize }),
		);
	}

	/** A paged answer: a list, with a total when Yunzhenji gives one (the docs show only its beginning). */
	private page(data: unknown): { list: IDataObject[]; total?: number } {
		if (Array.isArray(data)) return { list: data as IDataObject[] };
		const doc = (data ?? {}) as { list?: IDataObject[]; total?: number };
		return { list: doc.list ?? [], total: doc.total === undefined ? undefined : Number(doc.total) };
	}
}

/** A send that failed without an answer: it may have been accepted, and is not sent again. */
function uncertainSend(error: unknown): unknown {
	if (!(error instanceof PlatformApiError) || !mayHaveTakenEffect(error)) return error;
	return new PlatformApiError({
		platform: error.platform,
		code: error.code,
		text: error.text,
		httpStatus: error.httpStatus,
		hint: 'No answer came back, so the messages may have been accepted. Yunzhenji has no way to recognise a repeat, so the node did not send them again: check the chat (or wait for the callbacks) before resending.',
		uncertain: true,
	});
}
