import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ITriggerFunctions,
} from 'n8n-workflow';

import { PlatformApiError } from './errors';
import { redact } from './redact';

/** One HTTP exchange as the transports see it, independent of n8n. */
export interface HttpRequest {
	method: IHttpRequestMethods;
	/** Absolute URL, or a path the HTTP function resolves against its base URL. */
	url: string;
	/** Text, bytes, or a multipart form (see `multipartForm`), which n8n's HTTP client serialises with its boundary. */
	body?: string | Buffer | FormData;
	headers?: Record<string, string>;
	timeoutMs?: number;
	/** Return the body as bytes instead of text. */
	binary?: boolean;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: string;
	bytes?: Buffer;
}

/**
 * Sends one request and resolves with whatever status came back; rejects only when no response arrived
 * (connection refused or dropped, timeout). Transports take it as a parameter so they run inside n8n
 * (with its proxy, TLS and credential handling) or on their own.
 */
export type HttpFn = (request: HttpRequest) => Promise<HttpResponse>;

export const DEFAULT_TIMEOUT_MS = 30_000;

/** One file of a multipart upload. */
export interface MultipartFile {
	/** The form field that carries the file. */
	field: string;
	bytes: Uint8Array | Blob;
	fileName: string;
	mimeType?: string;
}

/**
 * A multipart/form-data body from text fields and files, built with the runtime's FormData and Blob (so no
 * dependency); n8n's HTTP client streams it with a boundary of its own. Fields come first, in the order given.
 */
export function multipartForm(fields: Record<string, string>, files: MultipartFile[]): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	for (const file of files) {
		const blob =
			file.bytes instanceof Blob
				? file.bytes
				: new Blob([file.bytes as Uint8Array<ArrayBuffer>], {
						type: file.mimeType ?? 'application/octet-stream',
					});
		form.append(file.field, blob, file.fileName);
	}
	return form;
}

function toN8nOptions(request: HttpRequest): IHttpRequestOptions {
	return {
		method: request.method,
		url: request.url,
		body: request.body,
		headers: request.headers,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		encoding: request.binary ? 'arraybuffer' : 'text',
	};
}

function toHttpResponse(raw: unknown, binary: boolean | undefined): HttpResponse {
	const response = raw as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
	const body = response.body;
	let bytes: Buffer | undefined;
	let text: string;
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer) {
		bytes = Buffer.from(body as Buffer);
		text = binary ? '' : bytes.toString('utf8');
	} else if (typeof body === 'string') {
		text = body;
	} else if (body === undefined || body === null) {
		text = '';
	} else {
		text = JSON.stringify(body);
	}
	return { statusCode: response.statusCode, headers: response.headers ?? {}, body: text, bytes };
}

/** Network failures that mean the request never reached the server (so it cannot have taken effect). */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/** The error code of a failed exchange (ECONNRESET, ECONNABORTED, ETIMEDOUT …) wherever n8n put it. */
function networkCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : String(error);
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up|ECONNRESET/i.test(message)) return 'ECONNRESET';
	return 'NETWORK_ERROR';
}

/** Whether repeating a request after this error could make it take effect twice. */
export function mayHaveTakenEffect(error: unknown): boolean {
	if (!(error instanceof PlatformApiError)) return true;
	if (error.uncertain) return true;
	// a server error may come after the work was done; a refusal to start (503) or a rate limit did nothing
	return error.httpStatus !== undefined && error.httpStatus >= 500 && error.httpStatus !== 503;
}

/**
 * Rebuild a failed exchange as our own error carrying only a code and a redacted message. Our HTTP calls never throw
 * for an HTTP status, so a 401/403 here means n8n could not authenticate the request at all (a fetched-token
 * credential whose token request was refused): not worth repeating. Anything else is a retryable network failure.
 */
export function networkFailure(platform: string, error: unknown): Error {
	const httpCode = String((error as { httpCode?: unknown })?.httpCode ?? '');
	if (httpCode === '401' || httpCode === '403') {
		const { description, message } = error as { description?: unknown; message?: unknown };
		return new PlatformApiError({
			platform,
			code: Number(httpCode),
			text: redact(String(description || message || 'authentication failed')),
			hint: 'The credential was refused before anything was sent: check it (and test it in the credential settings).',
			retryable: false,
		});
	}
	const code = networkCode(error);
	const message = error instanceof Error ? error.message : String(error);
	return new PlatformApiError({
		platform,
		code,
		text: redact(message),
		hint: 'No answer came back from the server (connection dropped, refused or timed out).',
		retryable: true,
		uncertain: !NOT_SENT_CODES.has(code),
	});
}

/** The node contexts the HTTP functions run in: an action node's run, or a trigger's activation. */
export type HttpContext = IExecuteFunctions | ITriggerFunctions;

/** An HttpFn that signs through the node's credential (n8n's httpRequestWithAuthentication). */
export function signedHttp(ctx: HttpContext, credentialType: string, platform: string): HttpFn {
	return async (request) => {
		try {
			const raw = await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				credentialType,
				toN8nOptions(request),
			);
			return toHttpResponse(raw, request.binary);
		} catch (error) {
			throw networkFailure(platform, error);
		}
	};
}

/**
 * An HttpFn with no credential at all, for presigned storage URLs that must not carry an Authorization header.
 * It deliberately never reads credentials.
 */
export function unsignedHttp(ctx: HttpContext, platform: string): HttpFn {
	return async (request) => {
		try {
			const raw = await ctx.helpers.httpRequest(toN8nOptions(request));
			return toHttpResponse(raw, request.binary);
		} catch (error) {
			throw networkFailure(platform, error);
		}
	};
}

/** Where a fetched-token credential keeps its token, and when that token should be replaced. */
export interface FetchedTokenFields {
	credentialType: string;
	platform: string;
	/** The hidden expirable field n8n's preAuthentication fills. */
	tokenField: string;
	/** A field holding the epoch ms after which the token is replaced; optional. */
	expiresAtField?: string;
}

export interface FetchedTokenHttp {
	http: HttpFn;
	/** Make the next request fetch a new token first (the platform said the token is invalid or expired). */
	renew(): void;
}

/**
 * An HttpFn for a credential whose token n8n fetches and stores (`preAuthentication` with an expirable field). n8n
 * fetches a token only when the field is empty or after an HTTP 401, but platforms also expire tokens by time and
 * say so in the body: this HttpFn hands n8n the credential with the token field emptied when the stored expiry has
 * passed or after `renew()`, so n8n fetches a new token and saves it for later items and executions. Concurrent
 * requests wait for one fetch (the first, or a renewal) instead of each fetching a token.
 */
export function fetchedTokenHttp(
	ctx: IExecuteFunctions,
	fields: FetchedTokenFields,
): FetchedTokenHttp {
	let renewRequested = false;
	let renewing: Promise<unknown> | undefined;
	const expired = (data: ICredentialDataDecryptedObject) => {
		if (!fields.expiresAtField) return false;
		const at = Number(data[fields.expiresAtField]);
		return Number.isFinite(at) && at > 0 && Date.now() >= at;
	};
	const send = async (options: IHttpRequestOptions, fresh?: ICredentialDataDecryptedObject) => {
		const ref = ctx.getNode().credentials?.[fields.credentialType];
		const extra =
			fresh && ref
				? {
						credentialsDecrypted: {
							id: ref.id ?? '',
							name: ref.name,
							type: fields.credentialType,
							data: { ...fresh, [fields.tokenField]: '' },
						},
					}
				: undefined;
		return await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			fields.credentialType,
			options,
			extra,
		);
	};
	const http: HttpFn = async (request) => {
		try {
			while (renewing) await renewing.catch(() => undefined);
			const data = await ctx.getCredentials(fields.credentialType);
			let raw: unknown;
			// no token yet: the first request fetches it alone, and the others use what it stored
			const missing = String(data[fields.tokenField] ?? '') === '';
			if (renewRequested || expired(data) || missing) {
				renewRequested = false;
				const pending = send(toN8nOptions(request), data);
				renewing = pending;
				try {
					raw = await pending;
				} finally {
					renewing = undefined;
				}
			} else {
				raw = await send(toN8nOptions(request));
			}
			return toHttpResponse(raw, request.binary);
		} catch (error) {
			throw networkFailure(fields.platform, error);
		}
	};
	return { http, renew: () => (renewRequested = true) };
}
