/**
 * Yunzhenji's callback encryption: the whole body is AES-256-CBC with the app's EncodingAESKey, IV = the key's first
 * 16 bytes, PKCS#7 padding computed for 32-byte blocks (so 1…32 bytes of padding, which Node's own unpadding
 * refuses above 16). The key comes as 43 base64 characters (32 bytes) or as 32 characters taken as their bytes.
 */
import { createDecipheriv } from 'node:crypto';

const BLOCK = 32;

/** The 32 key bytes of an EncodingAESKey, or undefined when it has neither form. */
export function keyBytes(encodingAesKey: string): Buffer | undefined {
	const key = encodingAesKey.trim();
	if (/^[A-Za-z0-9+/]{43}$/.test(key)) return Buffer.from(`${key}=`, 'base64');
	if (key.length === 32 && Buffer.byteLength(key, 'utf8') === 32) return Buffer.from(key, 'utf8');
	return undefined;
}

/** Decrypt a base64 ciphertext; undefined when it does not decrypt with this key (wrong key, damaged, forged). */
export function decryptCallback(ciphertextBase64: string, key: Buffer): string | undefined {
	const data = Buffer.from(ciphertextBase64.trim(), 'base64');
	if (data.length === 0 || data.length % 16 !== 0) return undefined;
	const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
	decipher.setAutoPadding(false);
	const plain = Buffer.concat([decipher.update(data), decipher.final()]);
	const pad = plain[plain.length - 1];
	if (pad < 1 || pad > BLOCK || pad > plain.length) return undefined;
	for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return undefined;
	const text = plain.subarray(0, plain.length - pad);
	// a wrong key yields bytes, not text
	const decoded = new TextDecoder('utf-8', { fatal: true });
	try {
		return decoded.decode(text);
	} catch {
		return undefined;
	}
}
