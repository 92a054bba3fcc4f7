import { sleep } from 'n8n-workflow';

import type { Sleep } from './retry';

/**
 * A sliding-window limiter: at most `limit` units in any `windowMs`. `acquire(n)` waits until `n` more units fit.
 * Units are requests for a per-second limit, or recipients for a per-minute recipient quota. One limiter serves
 * all items of a node run, so the platform's limit holds across items, not just within one.
 */
export class SlidingWindowLimiter {
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
		while (this.spent.length > 0 && this.spent[0].at <= now - this.windowMs) {
			this.inWindow -= this.spent.shift()!.units;
		}
	}

	/** Wait until `units` fit into the window, then record them. More than `limit` units are taken whole once the window is empty. */
	async acquire(units = 1): Promise<void> {
		for (;;) {
			const now = this.now();
			this.expire(now);
			if (this.inWindow === 0 || this.inWindow + units <= this.limit) {
				this.spent.push({ at: now, units });
				this.inWindow += units;
				return;
			}
			// wait until enough of the oldest entries leave the window
			let freed = 0;
			let until = now;
			for (const entry of this.spent) {
				freed += entry.units;
				until = entry.at + this.windowMs;
				if (this.inWindow - freed + units <= this.limit) break;
			}
			await this.wait(Math.max(1, until - now + 1));
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
