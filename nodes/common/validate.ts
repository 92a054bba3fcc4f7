import { InputError } from './errors';
import { parseJsonOrUndefined } from './settle';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): boolean {
	return typeof value === 'string' && UUID_RE.test(value);
}

/** A required text parameter, trimmed. */
export function requireText(value: unknown, field: string): string {
	const text =
		typeof value === 'string'
			? value.trim()
			: value === undefined || value === null
				? ''
				: String(value);
	if (text === '') throw new InputError(field, `"${field}" is required`);
	return text;
}

export function requireUuid(value: unknown, field: string): string {
	const text = requireText(value, field);
	if (!isUuid(text))
		throw new InputError(field, `"${field}" must be a UUID, got "${text.slice(0, 60)}"`);
	return text.toLowerCase();
}

export function optionalUuid(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
		return undefined;
	return requireUuid(value, field);
}

export function requireNumber(
	value: unknown,
	field: string,
	opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	if (!Number.isFinite(n)) throw new InputError(field, `"${field}" must be a number`);
	if (opts.integer && !Number.isInteger(n))
		throw new InputError(field, `"${field}" must be a whole number`);
	if (opts.min !== undefined && n < opts.min)
		throw new InputError(field, `"${field}" must be at least ${opts.min}`);
	if (opts.max !== undefined && n > opts.max)
		throw new InputError(field, `"${field}" must be at most ${opts.max}`);
	return n;
}

/** Text that must stay within a character range. */
export function requireLength(value: unknown, field: string, min: number, max: number): string {
	const text = typeof value === 'string' ? value : String(value ?? '');
	const length = [...text].length;
	if (length < min || length > max) {
		throw new InputError(field, `"${field}" must be ${min}–${max} characters long, got ${length}`);
	}
	return text;
}

/** Parse a JSON parameter that may arrive as text or as an already-parsed value. */
export function parseJsonParameter(value: unknown, field: string): unknown {
	if (typeof value !== 'string') return value;
	const parsed = parseJsonOrUndefined(value);
	if (!parsed) throw new InputError(field, `"${field}" is not valid JSON`);
	return parsed.value;
}
