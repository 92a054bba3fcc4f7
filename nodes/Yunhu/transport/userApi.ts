/**
 * Yunhu's client ("user") API: acts as a user, `token` header, protobuf bodies on /v1/msg/*, JSON on a few routes,
 * and uploads through Qiniu with a token from /v1/misc/qiniu-token*. No n8n UI code; the HTTP functions it is given
 * add the token (signed) or send without it (plain, for Qiniu).
 */
import { PlatformApiError } from '../../common/errors';
import type { HttpFn, HttpResponse } from '../../common/http';
import { multipartForm } from '../../common/http';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from '../../common/retry';
import { parseJsonOrUndefined, settleSync } from '../../common/settle';
import { decode, encode, type ProtoObject } from './codec';
import {
	httpError,
	jsonEnvelope,
	parseJsonEnvelope,
	PLATFORM,
	SUCCESS,
	yunhuError,
} from './envelope';

export type UploadKind = 'image' | 'file' | 'video' | 'audio';

/** The upload-token route of each kind of file. */
const TOKEN_ROUTE: Record<UploadKind, string> = {
	image: '/v1/misc/qiniu-token',
	file: '/v1/misc/qiniu-token2',
	video: '/v1/misc/qiniu-token-video',
	audio: '/v1/misc/qiniu-token-audio',
};

/** Qiniu's upload hosts for Yunhu's buckets (images in one region, the rest in another), as Yunhu's clients use. */
const QINIU_HOST: Record<UploadKind, string> = {
	image: 'https://upload-z2.qiniup.com',
	file: 'https://upload-cn-east-2.qiniup.com',
	video: 'https://upload-cn-east-2.qiniup.com',
	audio: 'https://upload-cn-east-2.qiniup.com',
};

/** Where an uploaded image can be fetched; Yunhu documents no public base for the other kinds. */
export const IMAGE_CDN = 'https://chat-img.jwznb.com/';

/** Normal accounts may upload up to 40 MB of each kind. */
export const MAX_UPLOAD_BYTES = 40 * 1024 * 1024;

/** A Yunhu message id: a UUID v4 as 32 lowercase hex characters, chosen by the sender. */
export const MSG_ID_PATTERN = /^[0-9a-f]{32}$/;

export type ChatType = 1 | 2 | 3;

export interface YunhuUserClientOptions {
	/** Adds the credential's token header. */
	signed: HttpFn;
	/** Sends with no credential (Qiniu). */
	plain: HttpFn;
	baseUrl: string;
	/** Replaces Qiniu's hosts (a proxy, a local emulator); empty for Qiniu's own. */
	uploadUrl?: string;
	retry?: RetryPolicy;
	timeoutMs?: number;
	sleep?: Sleep;
}

export interface QiniuUpload {
	key: string;
	hash?: string;
	fsize?: number;
}

export class YunhuUserClient {
	private readonly retry: RetryPolicy;

	constructor(private readonly options: YunhuUserClientOptions) {
		this.retry = options.retry ?? DEFAULT_RETRY;
	}

	private async attempt<T>(run: () => Promise<T>): Promise<T> {
		return await withRetry(this.retry, run, undefined, this.options.sleep);
	}

	/** One protobuf call: the request is encoded once; the answer's Status decides success (code 1). */
	private async proto(
		path: string,
		requestType: string | undefined,
		request: ProtoObject | undefined,
		responseType: string,
	): Promise<ProtoObject> {
		const body = requestType && request ? Buffer.from(encode(requestType, request)) : undefined;
		return await this.attempt(async () => {
			const response = await this.options.signed({
				method: body ? 'POST' : 'GET',
				url: `${this.options.baseUrl}${path}`,
				body,
				headers: {
					...(body ? { 'Content-Type': 'application/x-protobuf' } : {}),
					Accept: 'application/x-protobuf',
				},
				binary: true,
				timeoutMs: this.options.timeoutMs,
			});
			return this.readProto(response, responseType);
		});
	}

	private readProto(response: HttpResponse, responseType: string): ProtoObject {
		if (response.statusCode >= 300) throw httpError(response);
		const bytes = response.bytes ?? Buffer.alloc(0);
		// a missing or wrong token is answered in JSON even on protobuf routes
		const json = bytes[0] === 0x7b ? jsonEnvelope(bytes.toString('utf8')) : undefined;
		if (json) throw yunhuError(json.code, String(json.msg ?? ''), response.statusCode);
		const read = settleSync(() => decode(responseType, bytes));
		if (!read.ok) {
			throw new PlatformApiError({
				platform: PLATFORM,
				code: 'INVALID_RESPONSE',
				text: `the answer is not a protobuf ${responseType}`,
				httpStatus: response.statusCode,
				retryable: true,
			});
		}
		const decoded = read.value;
		const status = (decoded.status ?? {}) as { code?: number; msg?: string };
		if (status.code !== SUCCESS)
			throw yunhuError(Number(status.code ?? 0), String(status.msg ?? ''), response.statusCode);
		return decoded;
	}

	private async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
		const serialized = body === undefined ? undefined : JSON.stringify(body);
		return await this.attempt(async () =>
			parseJsonEnvelope<T>(
				await this.options.signed({
					method,
					url: `${this.options.baseUrl}${path}`,
					body: serialized,
					headers: serialized ? { 'Content-Type': 'application/json' } : {},
					timeoutMs: this.options.timeoutMs,
				}),
			),
		);
	}

	async userInfo(): Promise<ProtoObject> {
		return (await this.proto('/v1/user/info', undefined, undefined, 'UserInfo'))
			.data as ProtoObject;
	}

	/** Send (or, with `edit`, replace) a message; the request carries the msg_id chosen before the first attempt. */
	async sendMessage(request: ProtoObject, edit = false): Promise<void> {
		await this.proto(
			edit ? '/v1/msg/edit-message' : '/v1/msg/send-message',
			'SendMsgRequest',
			request,
			'StatusResponse',
		);
	}

	async recall(msgIds: string[], chatId: string, chatType: ChatType): Promise<void> {
		const path = msgIds.length === 1 ? '/v1/msg/recall-msg' : '/v1/msg/recall-msg-batch';
		await this.proto(
			path,
			'RecallMsg',
			{ msg_id: msgIds, chat_id: chatId, chat_type: chatType },
			'StatusResponse',
		);
	}

	/** Messages before `msgId` (the newest when empty), oldest first. */
	async listBefore(
		chatId: string,
		chatType: ChatType,
		count: number,
		msgId?: string,
	): Promise<ProtoObject[]> {
		const request: ProtoObject = { msg_count: count, chat_type: chatType, chat_id: chatId };
		if (msgId) request.msg_id = msgId;
		return this.messages(
			await this.proto('/v1/msg/list-message', 'ListMsgRequest', request, 'ListMsgResponse'),
		);
	}

	/** Messages after sequence number `start` (that one not included), oldest first; Yunhu answers about 30. */
	async listAfterSeq(chatId: string, chatType: ChatType, start: number): Promise<ProtoObject[]> {
		const request = { msg_start: start, chat_type: chatType, chat_id: chatId };
		return this.messages(
			await this.proto(
				'/v1/msg/list-message-by-seq',
				'ListMsgBySeqRequest',
				request,
				'ListMsgResponse',
			),
		);
	}

	/** `count` messages before a message and the message itself, oldest first. */
	async listAround(
		chatId: string,
		chatType: ChatType,
		msgId: string,
		count: number,
		msgSeq?: number,
	): Promise<ProtoObject[]> {
		const request: ProtoObject = {
			chat_type: chatType,
			chat_id: chatId,
			msg_count: count,
			msg_id: msgId,
		};
		if (msgSeq !== undefined) request.msg_seq = msgSeq;
		return this.messages(
			await this.proto(
				'/v1/msg/list-message-by-mid-seq',
				'ListMsgByMidSeqRequest',
				request,
				'ListMsgResponse',
			),
		);
	}

	private messages(response: ProtoObject): ProtoObject[] {
		return (response.data as ProtoObject[] | undefined) ?? [];
	}

	async buttonReport(request: {
		msg_id: string;
		chat_type: ChatType;
		chat_id: string;
		user_id: string;
		button_value: string;
	}): Promise<void> {
		await this.proto('/v1/msg/button-report', 'ButtonReportRequest', request, 'StatusResponse');
	}

	/** One page of a message's edit history. */
	async editRecords(
		msgId: string,
		size: number,
		page: number,
	): Promise<{ list: ProtoObject[]; total: number }> {
		const data = await this.json<{ list?: ProtoObject[]; total?: number }>(
			'POST',
			'/v1/msg/list-message-edit-record',
			{
				msgId,
				size,
				page,
			},
		);
		return { list: data?.list ?? [], total: Number(data?.total ?? 0) };
	}

	async fileDownloadRecord(msgId: string, downloadPath: string): Promise<void> {
		await this.json('POST', '/v1/msg/file-download-record', { msgId, downloadPath });
	}

	/**
	 * Upload a file: an upload token for its kind from Yunhu, then a multipart POST to Qiniu with the key the caller
	 * chose. Qiniu keeps a key's bytes, so a retry of the same upload is harmless.
	 */
	async upload(kind: UploadKind, file: Blob, fileName: string, key: string): Promise<QiniuUpload> {
		const { token } = await this.json<{ token: string }>('GET', TOKEN_ROUTE[kind]);
		const url = this.options.uploadUrl || QINIU_HOST[kind];
		return await this.attempt(async () => {
			const response = await this.options.plain({
				method: 'POST',
				url,
				body: multipartForm({ token, key }, [{ field: 'file', bytes: file, fileName }]),
				timeoutMs: this.options.timeoutMs,
			});
			const doc = parseJsonOrUndefined(response.body)?.value as
				(QiniuUpload & { error?: string }) | undefined;
			if (response.statusCode >= 300 || !doc?.key) {
				throw new PlatformApiError({
					platform: PLATFORM,
					code: response.statusCode,
					text: `Qiniu refused the upload: ${doc?.error ?? `HTTP ${response.statusCode}`}`,
					httpStatus: response.statusCode,
					hint: 'The file storage refused the file (too large, wrong kind, or an expired upload token).',
					retryable: response.statusCode >= 500,
				});
			}
			return { key: doc.key, hash: doc.hash, fsize: doc.fsize };
		});
	}
}
