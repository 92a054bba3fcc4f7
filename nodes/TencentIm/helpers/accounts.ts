import { InputError } from '../../common/errors';
import { requireText } from '../../common/validate';

/** UserIDs are at most 32 bytes of printable ASCII. */
export const MAX_USER_ID_BYTES = 32;

export function requireUserId(value: unknown, field: string): string {
	const id = requireText(value, field);
	if (Buffer.byteLength(id, 'utf8') > MAX_USER_ID_BYTES) {
		throw new InputError(field, `"${field}" is longer than ${MAX_USER_ID_BYTES} bytes`);
	}
	if (!/^[\x21-\x7e]+$/.test(id))
		throw new InputError(field, `"${field}" must be printable ASCII without spaces`);
	return id;
}

export function optionalUserId(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	return requireUserId(value, field);
}

/** A list of UserIDs from a comma- or newline-separated string or an array (e.g. from an expression). */
export function requireUserIdList(value: unknown, field: string): string[] {
	const raw = Array.isArray(value) ? value : String(value ?? '').split(/[\n,]/);
	const ids = raw.map((v) => String(v).trim()).filter((v) => v !== '');
	if (ids.length === 0) throw new InputError(field, `"${field}" needs at least one account`);
	const unique = [...new Set(ids)];
	return unique.map((id) => requireUserId(id, field));
}
