import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redact } from './redact';

/**
 * A refusal or failure reported by a platform, rebuilt from the platform's own code and text. Transports throw
 * it instead of passing on the HTTP library's error objects, which carry the signed request (and its secrets).
 */
export class PlatformApiError extends Error {
	readonly platform: string;
	readonly code: string | number;
	readonly text: string;
	readonly httpStatus?: number;
	readonly hint?: string;
	/** Whether sending the same request again may succeed (network trouble, 5xx, rate limits). */
	readonly retryable: boolean;
	/** Seconds the platform asked us to wait before retrying, if it said. */
	readonly retryAfterSeconds?: number;
	/** The request may have taken effect although no answer said so (a dropped connection after sending). */
	readonly uncertain: boolean;

	constructor(opts: {
		platform: string;
		code: string | number;
		text: string;
		httpStatus?: number;
		hint?: string;
		retryable?: boolean;
		retryAfterSeconds?: number;
		uncertain?: boolean;
	}) {
		super(`${opts.platform} error ${opts.code}: ${redact(opts.text)}`);
		this.name = 'PlatformApiError';
		this.platform = opts.platform;
		this.code = opts.code;
		this.text = redact(opts.text);
		this.httpStatus = opts.httpStatus;
		this.hint = opts.hint;
		this.retryable = opts.retryable ?? false;
		this.retryAfterSeconds = opts.retryAfterSeconds;
		this.uncertain = opts.uncertain ?? false;
	}
}

/** Bad input found before anything was sent; `field` is the parameter's display name. */
export class InputError extends Error {
	readonly field: string;
	readonly description?: string;

	constructor(field: string, message: string, description?: string) {
		super(message);
		this.name = 'InputError';
		this.field = field;
		this.description = description;
	}
}

/**
 * A credential that cannot be used as entered (malformed key, missing id). Platforms read their credential before
 * the first request of a run (see `clientPerRun`), so this reaches the item loop as itself, never wrapped by n8n.
 */
export class CredentialInputError extends Error {
	constructor(
		readonly credentialName: string,
		readonly field: string,
		readonly detail: string,
	) {
		super(`${credentialName} › "${field}" ${detail}`);
		this.name = 'CredentialInputError';
	}
}

/**
 * Turn anything an operation threw into the n8n error shown to the user: NodeOperationError for input and
 * credential problems, NodeApiError carrying the platform's code, text and a hint for platform failures.
 * Nothing of the original error object is passed on, so no request config (and no secret) reaches the UI.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) {
		if (error.context?.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof InputError) {
		return new NodeOperationError(node, `Item ${itemIndex}: ${error.message}`, {
			itemIndex,
			description:
				error.description ?? `Check the "${error.field}" parameter of item ${itemIndex}.`,
		});
	}
	if (error instanceof PlatformApiError) {
		const details: JsonObject = { platform: error.platform, code: error.code, text: error.text };
		if (error.httpStatus !== undefined) details.httpStatus = error.httpStatus;
		if (error.uncertain) details.uncertain = true;
		const apiError = new NodeApiError(node, details, {
			itemIndex,
			message: `${error.platform} error ${error.code}: ${error.text}`,
			description: error.hint ?? error.text,
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
		});
		return apiError;
	}
	if (error instanceof CredentialInputError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `Fix the "${error.field}" field of the ${error.credentialName} credential; nothing was sent.`,
		});
	}
	const message = redact(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(node, message, { itemIndex });
}
