/**
 * Tencent Cloud IM UserSig (TLSSigAPIv2, HMAC-SHA256), written from the published algorithm:
 *   sig   = base64(HMAC-SHA256(secretKey as UTF-8, four "TLS.name:value\n" lines))
 *   doc   = JSON { TLS.ver "2.0", TLS.identifier, TLS.sdkappid, TLS.time, TLS.expire, TLS.sig }
 *   token = Tencent base64 (+ → *, / → -, = → _) of the zlib stream of doc
 * The zlib stream comes from the standard CompressionStream('deflate') (RFC 1950), so no zlib import is needed.
 */
import { createHmac } from 'node:crypto';

export interface UserSigInput {
	sdkAppId: number;
	secretKey: string;
	identifier: string;
	expireSeconds: number;
	/** Unix seconds; defaults to the current time. */
	now?: number;
}

const ERR = 'Tencent IM UserSig:';

function validate(input: UserSigInput): void {
	if (input === null || typeof input !== 'object')
		throw new Error(`${ERR} input must be an object`);
	const { sdkAppId, secretKey, identifier, expireSeconds, now } = input;
	if (typeof sdkAppId !== 'number' || !Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
		throw new Error(`${ERR} sdkAppId must be a positive integer`);
	}
	// Never echo the key (or any part of it) in a message.
	if (typeof secretKey !== 'string' || secretKey.length === 0) {
		throw new Error(`${ERR} secretKey must be a non-empty string`);
	}
	if (typeof identifier !== 'string' || identifier.length === 0) {
		throw new Error(`${ERR} identifier must be a non-empty string`);
	}
	if (
		typeof expireSeconds !== 'number' ||
		!Number.isSafeInteger(expireSeconds) ||
		expireSeconds <= 0
	) {
		throw new Error(`${ERR} expireSeconds must be a positive integer`);
	}
	if (now !== undefined && (typeof now !== 'number' || !Number.isSafeInteger(now) || now < 0)) {
		throw new Error(`${ERR} now must be a non-negative integer (Unix seconds)`);
	}
}

/** Standard base64 (with padding) of the HMAC-SHA256 over the four TLS.* lines. */
export function userSigHmac(input: Required<UserSigInput>): string {
	validate(input);
	const content =
		`TLS.identifier:${input.identifier}\n` +
		`TLS.sdkappid:${input.sdkAppId}\n` +
		`TLS.time:${input.now}\n` +
		`TLS.expire:${input.expireSeconds}\n`;
	return createHmac('sha256', Buffer.from(input.secretKey, 'utf8'))
		.update(content, 'utf8')
		.digest('base64');
}

async function zlibDeflate(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
	const stream = new CompressionStream('deflate');
	const writer = stream.writable.getWriter();
	const reader = stream.readable.getReader();
	const writing = (async () => {
		await writer.write(data);
		await writer.close();
	})();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		total += value.length;
	}
	await writing;
	const out = new Uint8Array(total);
	let offset = 0;
	for (const c of chunks) {
		out.set(c, offset);
		offset += c.length;
	}
	return out;
}

/** Builds an admin/user UserSig. */
export async function generateUserSig(input: UserSigInput): Promise<string> {
	validate(input);
	const now = input.now ?? Math.floor(Date.now() / 1000);
	const full: Required<UserSigInput> = { ...input, now };
	const doc = {
		'TLS.ver': '2.0',
		'TLS.identifier': input.identifier,
		'TLS.sdkappid': input.sdkAppId,
		'TLS.time': now,
		'TLS.expire': input.expireSeconds,
		'TLS.sig': userSigHmac(full),
	};
	const compressed = await zlibDeflate(new TextEncoder().encode(JSON.stringify(doc)));
	return tencentBase64Encode(compressed);
}

/** Standard base64 with Tencent's URL-safe substitutions: + → *, / → -, = → _ (padding kept). */
export function tencentBase64Encode(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
		.toString('base64')
		.replace(/\+/g, '*')
		.replace(/\//g, '-')
		.replace(/=/g, '_');
}

/** Reverse of tencentBase64Encode; throws on characters outside Tencent's alphabet or a bad length. */
export function tencentBase64Decode(s: string): Buffer {
	if (typeof s !== 'string' || !/^[A-Za-z0-9*-]*_{0,2}$/.test(s) || s.length % 4 === 1) {
		throw new Error(`${ERR} not a Tencent base64 string`);
	}
	return Buffer.from(s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
}
