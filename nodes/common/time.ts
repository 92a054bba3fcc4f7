import { InputError } from './errors';

/** Unix seconds above this are almost certainly milliseconds (it is the year 5138 in seconds). */
const LARGEST_PLAUSIBLE_SECONDS = 1e11;

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/** The offset of a time zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second'),
	);
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** A wall-clock time in a zone as epoch milliseconds (the zone's offset is found for that very moment). */
function localToUtcMs(fields: number[], timeZone: string): number {
	const [year, month, day, hour, minute, second, ms] = fields;
	const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	let guess = wall - zoneOffsetMs(wall, timeZone);
	// a second pass settles times next to a daylight-saving change
	guess = wall - zoneOffsetMs(guess, timeZone);
	return guess;
}

/**
 * A point in time given as an n8n date (ISO text; without a zone it is read in `timeZone`, the workflow's, as n8n's
 * date fields are), a JS Date, or a number of Unix seconds. Returns Unix seconds, or undefined when empty.
 */
export function optionalUnixSeconds(
	value: unknown,
	field: string,
	timeZone: string,
): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (
		typeof value === 'number' ||
		(typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))
	) {
		const seconds = Number(value);
		if (!Number.isFinite(seconds) || seconds < 0)
			throw new InputError(field, `"${field}" is not a time`);
		if (seconds > LARGEST_PLAUSIBLE_SECONDS) {
			throw new InputError(
				field,
				`"${field}" looks like milliseconds; give Unix seconds or a date`,
			);
		}
		return Math.floor(seconds);
	}
	let ms: number;
	if (value instanceof Date) {
		ms = value.getTime();
	} else if (
		typeof value === 'string' ||
		(typeof value === 'object' && typeof value.toString === 'function')
	) {
		const text = String(value).trim();
		const local = LOCAL.exec(text);
		if (local && !ZONED.test(text)) {
			const fraction = (local[7] ?? '0').padEnd(3, '0').slice(0, 3);
			const fields = [1, 2, 3, 4, 5, 6].map((n) => Number(local[n] ?? 0));
			ms = localToUtcMs([...fields, Number(fraction)], timeZone);
		} else {
			ms = Date.parse(text);
		}
	} else {
		ms = NaN;
	}
	if (!Number.isFinite(ms)) throw new InputError(field, `"${field}" is not a date`);
	return Math.floor(ms / 1000);
}
