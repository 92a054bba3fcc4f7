import { sleep } from 'n8n-workflow';

import type { Sleep } from './retry';

/**
 * A sliding-window limiter: at most `limit` units in any `windowMs`. Units are requests for a per-second limit, or
 * recipients for a per-minute recipient quota. One limiter serves all items of a node run (or, through
 * processLimiter, the whole process), so the platform's limit holds across items, not just within one.
 *
 * `hold(n)` counts a request's units from the moment it may go out until its answer arrives, and then for a whole
 * window after the answer. The platform saw the request somewhere between the two, so however late the request
 * left or however slow the network was, no window of the platform's can hold more than `limit` units. (Dating units
 * when they are granted, as `acquire` does, is exact only when requests arrive the moment they are granted.)
 */
/** How often a full limiter looks again while some of its units wait for their answers. */
const IN_FLIGHT_POLL_MS = 10;

export class SlidingWindowLimiter {
	/** Units by the time their window started (Infinity while their request is in flight). */
	private readonly spent: Array<{ at: number; units: number }> = [];
	private inWindow = 0;

	constructor(
		readonly limit: number,
		readonly windowMs: number,
		private readonly now: () => number = Date.now,
		private readonly wait: Sleep = sleep,
	) {
		if (!(limit > 0) || !(windowMs > 0)) throw new RangeError('limit and window must be positive');
	}

	private expire(now: number): void {
		for (let k = this.spent.length - 1; k >= 0; k--) {
			if (this.spent[k].at <= now - this.windowMs) {
				this.inWindow -= this.spent[k].units;
				this.spent.splice(k, 1);
			}
		}
	}

	/** Wait until `units` fit into the window; more than `limit` units are taken whole once the window is empty. */
	private async take(units: number): Promise<{ at: number; units: number }> {
		for (;;) {
			const now = this.now();
			this.expire(now);
			if (this.inWindow === 0 || this.inWindow + units <= this.limit) {
				const entry = { at: now, units };
				this.spent.push(entry);
				this.inWindow += units;
				return entry;
			}
			// the soonest a dated entry leaves the window; entries still in flight are looked at again shortly
			let freed = 0;
			let until = Infinity;
			for (const entry of [...this.spent].sort((a, b) => a.at - b.at)) {
				if (!Number.isFinite(entry.at)) break;
				freed += entry.units;
				until = entry.at + this.windowMs;
				if (this.inWindow - freed + units <= this.limit) break;
			}
			const inFlight = this.spent.some((e) => !Number.isFinite(e.at));
			const enough = this.inWindow - freed + units <= this.limit;
			const delay = Number.isFinite(until) ? Math.max(1, until - now + 1) : IN_FLIGHT_POLL_MS;
			await this.wait(enough && !inFlight ? delay : Math.min(delay, IN_FLIGHT_POLL_MS));
		}
	}

	/** Wait until `units` fit, and count them from now: for requests sent the moment they are granted. */
	async acquire(units = 1): Promise<void> {
		await this.take(units);
	}

	/**
	 * Wait until `units` fit, and hold them while the request is in flight: the returned function, called once the
	 * answer (or the failure) is in, starts their window then.
	 */
	async hold(units = 1): Promise<() => void> {
		const entry = await this.take(units);
		entry.at = Infinity;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			entry.at = this.now();
		};
	}

	/** Run one request within the limit, its units held until it has finished (see hold). */
	async during<T>(units: number, request: () => Promise<T>): Promise<T> {
		const release = await this.hold(units);
		try {
			return await request();
		} finally {
			release();
		}
	}
}

/** Limiters by key (e.g. one per API), created on first use with the same settings. */
export class LimiterPool {
	private readonly limiters = new Map<string, SlidingWindowLimiter>();

	constructor(private readonly create: (key: string) => SlidingWindowLimiter) {}

	get(key: string): SlidingWindowLimiter {
		let limiter = this.limiters.get(key);
		if (!limiter) {
			limiter = this.create(key);
			this.limiters.set(key, limiter);
		}
		return limiter;
	}
}

const processLimiters = new Map<string, SlidingWindowLimiter>();

/**
 * The limiter of one platform scope (an app and an API, a bot and an endpoint) for the whole n8n process: every
 * execution, node and item that uses the scope shares it, so the platform's limit holds across them all. The key
 * names the scope; it must not contain a secret in clear (hash tokens first).
 */
export function processLimiter(key: string, limit: number, windowMs: number): SlidingWindowLimiter {
	let limiter = processLimiters.get(key);
	if (!limiter || limiter.limit !== limit || limiter.windowMs !== windowMs) {
		limiter = new SlidingWindowLimiter(limit, windowMs);
		processLimiters.set(key, limiter);
	}
	return limiter;
}
