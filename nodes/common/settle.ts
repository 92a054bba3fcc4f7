/** The outcome of a promise as a value, so callers can branch on failure without a catch block. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

/** JSON.parse as a value: `undefined` when the text is not JSON. */
export function parseJsonOrUndefined(text: string): { value: unknown } | undefined {
	const result = settleSync(() => JSON.parse(text) as unknown);
	return result.ok ? { value: result.value } : undefined;
}

export function settleSync<T>(fn: () => T): Settled<T> {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error };
	}
}
