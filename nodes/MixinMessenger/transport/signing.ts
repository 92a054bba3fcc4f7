/**
 * Mixin bot authentication and ids: pure functions over node:crypto, shared by the credential (which signs every
 * request) and the node (which derives conversation ids).
 */
import { parseJsonOrUndefined } from '../../common/settle';
import { isUuid } from '../../common/validate';
import {
	createHash,
	createPrivateKey,
	createPublicKey,
	randomUUID,
	sign,
	type KeyObject,
} from 'node:crypto';

export interface MixinSession {
	appId: string;
	sessionId: string;
	/** 32-byte Ed25519 seed. */
	seed: Buffer;
}

/** Where a session's fields come from, for error messages that name the credential field. */
export interface SessionFieldNames {
	appId: string;
	sessionId: string;
	privateKey: string;
}

export class MixinKeyError extends Error {
	constructor(
		readonly field: string,
		readonly detail: string,
	) {
		super(`"${field}" ${detail}`);
		this.name = 'MixinKeyError';
	}
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_SIZE = 16;

/** Key objects are costly to build and every request is signed, so the last few are kept. */
function ed25519KeyFromSeed(seed: Buffer): KeyObject {
	const id = createHash('sha256').update(seed).digest('hex');
	let key = keyCache.get(id);
	if (!key) {
		key = createPrivateKey({
			key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
			format: 'der',
			type: 'pkcs8',
		});
		if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
		keyCache.set(id, key);
	}
	return key;
}

/** Raw 32-byte public key of a seed. */
export function publicKeyOfSeed(seed: Buffer): Buffer {
	const jwk = createPublicKey(ed25519KeyFromSeed(seed)).export({ format: 'jwk' });
	return Buffer.from(jwk.x as string, 'base64url');
}

/**
 * Accept the key forms users paste: the dashboard's hex seed (64 hex chars), a 128-hex-char seed‖public key,
 * or the legacy base64url/base64 64-byte Go-style private key (seed ‖ public key, checked for consistency).
 */
export function parsePrivateKey(raw: string, field: string): Buffer {
	const value = raw.trim();
	if (value.length === 0) throw new MixinKeyError(field, 'is empty');
	if (value.startsWith('-----BEGIN')) {
		throw new MixinKeyError(
			field,
			'is an RSA key; Mixin bots need an Ed25519 session key (generate a new session)',
		);
	}
	if (/^[0-9a-f]+$/i.test(value)) {
		if (value.length === 64) return Buffer.from(value, 'hex');
		if (value.length === 128) return checkedSeedFromExpanded(Buffer.from(value, 'hex'), field);
		throw new MixinKeyError(
			field,
			`must be 64 hex characters (an Ed25519 seed); got ${value.length}`,
		);
	}
	if (/^[A-Za-z0-9_\-+/]+={0,2}$/.test(value)) {
		const bytes = Buffer.from(
			value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
			'base64url',
		);
		if (bytes.length === 64) return checkedSeedFromExpanded(bytes, field);
		if (bytes.length === 32) return bytes;
		throw new MixinKeyError(
			field,
			`decodes to ${bytes.length} bytes; an Ed25519 private key has 32 or 64`,
		);
	}
	throw new MixinKeyError(
		field,
		'is neither hex nor base64: paste session_private_key from the keystore',
	);
}

function checkedSeedFromExpanded(bytes: Buffer, field: string): Buffer {
	const seed = bytes.subarray(0, 32);
	if (!publicKeyOfSeed(seed).equals(bytes.subarray(32, 64))) {
		throw new MixinKeyError(field, 'is damaged: its public half does not match its private half');
	}
	return Buffer.from(seed);
}

function requireUuid(value: unknown, field: string): string {
	if (typeof value !== 'string' || value.trim() === '')
		throw new MixinKeyError(field, 'is missing');
	if (!isUuid(value.trim())) throw new MixinKeyError(field, 'must be a UUID');
	return value.trim().toLowerCase();
}

/** A session from separate fields. */
export function sessionFromFields(
	appId: unknown,
	sessionId: unknown,
	privateKey: unknown,
	names: SessionFieldNames = {
		appId: 'App ID',
		sessionId: 'Session ID',
		privateKey: 'Session Private Key',
	},
): MixinSession {
	return {
		appId: requireUuid(appId, names.appId),
		sessionId: requireUuid(sessionId, names.sessionId),
		seed: parsePrivateKey(typeof privateKey === 'string' ? privateKey : '', names.privateKey),
	};
}

/** A session from the keystore JSON the developer dashboard downloads (current or legacy form). */
export function sessionFromKeystore(json: string, field = 'Keystore JSON'): MixinSession {
	const parsed = parseJsonOrUndefined(json);
	if (!parsed) throw new MixinKeyError(field, 'is not valid JSON: paste the whole keystore file');
	const doc = parsed.value as Record<string, unknown>;
	if (!doc || typeof doc !== 'object' || Array.isArray(doc))
		throw new MixinKeyError(field, 'must be a JSON object');
	const appId = doc.app_id ?? doc.client_id;
	const key = doc.session_private_key ?? doc.private_key;
	if (typeof key !== 'string') {
		throw new MixinKeyError(field, 'has neither "session_private_key" nor "private_key"');
	}
	return sessionFromFields(appId, doc.session_id, key, {
		appId: `${field} › app_id`,
		sessionId: `${field} › session_id`,
		privateKey: `${field} › ${doc.session_private_key !== undefined ? 'session_private_key' : 'private_key'}`,
	});
}

/** Hex SHA-256 of METHOD + URI (path with query) + exact body string: the JWT's `sig` claim. */
export function requestHash(method: string, uri: string, body: string): string {
	return createHash('sha256')
		.update(method.toUpperCase() + uri + body, 'utf8')
		.digest('hex');
}

export interface TokenOptions {
	method: string;
	uri: string;
	body: string;
	/** Unix seconds; the current time when absent. */
	now?: number;
	lifetimeSeconds?: number;
	jti?: string;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 600;

function b64urlJson(value: unknown): string {
	return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** An EdDSA JWT for one request. Mixin tokens cannot be reused: sign every request and every retry anew. */
export function signRequestToken(
	session: MixinSession,
	options: TokenOptions,
): { token: string; jti: string } {
	const iat = options.now ?? Math.floor(Date.now() / 1000);
	const jti = options.jti ?? randomUUID();
	const claims = {
		uid: session.appId,
		sid: session.sessionId,
		iat,
		exp: iat + (options.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS),
		jti,
		sig: requestHash(options.method, options.uri, options.body),
		scp: 'FULL',
	};
	const signingInput = `${b64urlJson({ alg: 'EdDSA', typ: 'JWT' })}.${b64urlJson(claims)}`;
	const signature = sign(
		null,
		Buffer.from(signingInput, 'ascii'),
		ed25519KeyFromSeed(session.seed),
	);
	return { token: `${signingInput}.${signature.toString('base64url')}`, jti };
}

/** The id of the 1:1 conversation between two users, as every Mixin client computes it. */
export function uniqueConversationId(userA: string, userB: string): string {
	const [min, max] = [userA.toLowerCase(), userB.toLowerCase()].sort();
	const bytes = createHash('md5')
		.update(min + max, 'utf8')
		.digest();
	bytes[6] = (bytes[6] & 0x0f) | 0x30;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Go's UniqueConversationId as is: md5 of the two strings in byte order, no lower-casing (a group name keeps its case). */
function uniqueIdOfPair(a: string, b: string): string {
	const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
	const [min, max] = Buffer.compare(x, y) <= 0 ? [x, y] : [y, x];
	const bytes = createHash('md5')
		.update(Buffer.concat([min, max]))
		.digest();
	bytes[6] = (bytes[6] & 0x0f) | 0x30;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A group's conversation id as Mixin's Go SDK and docs make it (GroupConversationId): chained unique ids over the
 * owner, the group name, a random id and the sorted participant ids.
 */
export function groupConversationId(
	ownerId: string,
	name: string,
	participantIds: string[],
	randomId: string,
): string {
	let id = uniqueIdOfPair(uniqueIdOfPair(ownerId.toLowerCase(), name), randomId.toLowerCase());
	const sorted = participantIds
		.map((p) => p.toLowerCase())
		.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
	for (const p of sorted) id = uniqueIdOfPair(id, p);
	return id;
}

/** A name-based UUID (RFC 4122 version 5: SHA-1 of the namespace's 16 bytes and the name's UTF-8). */
export function nameBasedUuid(namespace: string, name: string): string {
	if (!isUuid(namespace)) throw new Error(`nameBasedUuid: namespace ${namespace} is not a UUID`);
	const bytes = createHash('sha1')
		.update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
		.update(name, 'utf8')
		.digest()
		.subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * This package's namespace for recall message ids. Fixed for good: a new value would give a recall already sent
 * a new id, and running it again would send a second recall.
 */
const RECALL_NAMESPACE = 'c5d55a11-dd54-4406-84b5-452447990a1c';

/**
 * The id of the MESSAGE_RECALL message that recalls `messageId`: derived from it, so recalling the same message
 * again sends the same id and Mixin keeps one recall.
 */
export function recallMessageId(messageId: string): string {
	return nameBasedUuid(RECALL_NAMESPACE, messageId.toLowerCase());
}

/** Payload bytes as Mixin's `data_base64`: base64url without padding. */
export function encodeMessageData(payload: string | Buffer): string {
	return (typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload).toString(
		'base64url',
	);
}
