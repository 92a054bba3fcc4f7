/**
 * What every part of the bench shares: figures with targets printed as one table per platform, memory sampled
 * while a run goes on, the fixed latency every emulator gets, and a clock of the requests an emulator saw.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

import type { LoopbackEmulator, RecordedRequest } from '../emulators/common';

/** The latency injected into every emulator request, as in the issue's measurements. */
export const LATENCY_MS = 20;

export type Target = { min: number } | { max: number } | { equals: number };

export interface Figure {
	name: string;
	value: number | string;
	unit?: string;
	target?: Target;
	/** Printed after the value (what was measured, or why a figure is missing). */
	note?: string;
}

interface Row extends Figure {
	ok?: boolean;
}

const tables = new Map<string, Row[]>();

function passes(value: number | string, target: Target): boolean {
	if (typeof value !== 'number' || !Number.isFinite(value)) return false;
	if ('min' in target) return value >= target.min;
	if ('max' in target) return value <= target.max;
	return value === target.equals;
}

function format(value: number | string, unit = ''): string {
	if (typeof value === 'string') return value;
	const digits =
		unit === '×'
			? 2
			: Math.abs(value) >= 100 || Number.isInteger(value)
				? 0
				: Math.abs(value) >= 10
					? 1
					: 2;
	const text = value.toLocaleString('en-US', {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	});
	return unit ? `${text} ${unit}` : text;
}

function targetText(target: Target | undefined, unit = ''): string {
	if (!target) return '—';
	if ('min' in target) return `≥ ${format(target.min, unit)}`;
	if ('max' in target) return `≤ ${format(target.max, unit)}`;
	return `= ${format(target.equals, unit)}`;
}

/** Record a figure under a platform's table; it is printed (and checked) at the end. */
export function record(platform: string, figure: Figure): void {
	const row: Row = {
		...figure,
		ok: figure.target ? passes(figure.value, figure.target) : undefined,
	};
	if (!tables.has(platform)) tables.set(platform, []);
	tables.get(platform)!.push(row);
	const mark = row.ok === undefined ? '    ' : row.ok ? 'ok  ' : 'MISS';
	console.log(
		`  ${mark} ${figure.name}: ${format(figure.value, figure.unit)}${figure.note ? ` (${figure.note})` : ''}`,
	);
}

/** A figure that could not be measured: shown, and counted as missed when it had a target. */
export function missing(platform: string, name: string, why: string, target?: Target): void {
	record(platform, { name, value: 'not measured', target, note: why });
}

/** All tables, then the verdict; returns how many targets were missed. */
export function printTables(): number {
	let missed = 0;
	for (const [platform, rows] of tables) {
		const cells = rows.map((r) => [
			r.name,
			format(r.value, r.unit),
			targetText(r.target, r.unit),
			r.ok === undefined ? '' : r.ok ? 'ok' : 'MISS',
		]);
		const widths = [0, 1, 2].map((c) =>
			Math.min([84, 22, 22][c], Math.max(...cells.map((row) => row[c].length), 6)),
		);
		const line = (row: string[]) =>
			`| ${row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padEnd(4))).join(' | ')} |`;
		console.log(`\n${platform}`);
		console.log(line(['figure', 'value', 'target', '']));
		console.log(line(widths.map((w) => '-'.repeat(w)).concat('----')));
		for (const [n, row] of cells.entries()) {
			console.log(line(row));
			if (rows[n].note) console.log(`|   ${rows[n].note}`);
		}
		missed += rows.filter((r) => r.ok === false).length;
	}
	return missed;
}

// ---- memory --------------------------------------------------------------------------------------------------------

v8.setFlagsFromString('--expose-gc');
const gcFn = vm.runInNewContext('gc') as (() => void) | undefined;

/** A full garbage collection, so a baseline is not inflated by what earlier runs left behind. */
export function collectGarbage(): void {
	gcFn?.();
	gcFn?.();
}

export interface MemoryPeaks {
	baseRss: number;
	baseHeap: number;
	peakRss: number;
	peakHeap: number;
}

export interface Measured<T> {
	value: T;
	memory: MemoryPeaks;
	seconds: number;
	/** CPU time of this process (user + system), emulators running in it included. */
	cpuSeconds: number;
	/** The longest the event loop was late to run a timer, in milliseconds. */
	maxLagMs: number;
}

export const MB = 1024 * 1024;

/**
 * Run `task` while sampling process.memoryUsage() every few milliseconds: the peaks and the baseline before it, the
 * wall and CPU time, and how late the event loop ran.
 */
export async function withMemory<T>(task: () => Promise<T>, everyMs = 5): Promise<Measured<T>> {
	collectGarbage();
	const base = process.memoryUsage();
	const memory: MemoryPeaks = {
		baseRss: base.rss,
		baseHeap: base.heapUsed,
		peakRss: base.rss,
		peakHeap: base.heapUsed,
	};
	const sample = () => {
		const now = process.memoryUsage();
		memory.peakRss = Math.max(memory.peakRss, now.rss);
		memory.peakHeap = Math.max(memory.peakHeap, now.heapUsed);
	};
	const timer = setInterval(sample, everyMs);
	const lag = monitorEventLoopDelay({ resolution: 10 });
	lag.enable();
	const cpu = process.cpuUsage();
	const start = performance.now();
	try {
		const value = await task();
		sample();
		const used = process.cpuUsage(cpu);
		return {
			value,
			memory,
			seconds: (performance.now() - start) / 1000,
			cpuSeconds: (used.user + used.system) / 1e6,
			maxLagMs: lag.max / 1e6,
		};
	} finally {
		clearInterval(timer);
		lag.disable();
	}
}

/** "peak RSS 312 MB (+40), heap 180 MB (+25)" */
export function memoryText(m: MemoryPeaks): string {
	const mb = (n: number) => Math.round(n / MB);
	const heap = `heap ${mb(m.peakHeap)} MB (+${mb(m.peakHeap - m.baseHeap)})`;
	return `peak RSS ${mb(m.peakRss)} MB (+${mb(m.peakRss - m.baseRss)}), ${heap}`;
}

/** How often each throughput figure is measured; the fastest counts, since the machine is shared with others. */
export const REPEATS = 2;

/** Measure `attempt` REPEATS times (round 1, 2 …) and keep the fastest; all rounds are returned as well. */
export async function bestOf<T>(
	attempt: (round: number) => Promise<Measured<T>>,
	repeats = REPEATS,
) {
	const all: Array<Measured<T>> = [];
	for (let round = 1; round <= repeats; round++) all.push(await attempt(round));
	const best = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	const peakRss = Math.max(...all.map((m) => m.memory.peakRss));
	return { best, all, peakRss };
}

/** "3.1 ms CPU per message, event loop up to 40 ms late" */
export function cpuText(run: Measured<unknown>, messages: number): string {
	const cpu = ((run.cpuSeconds * 1000) / messages).toFixed(1);
	return `${cpu} ms CPU per message, event loop up to ${Math.round(run.maxLagMs)} ms late`;
}

/** "rounds: 182, 190/s" */
export function roundsText(all: Array<Measured<unknown>>, messages: number): string {
	return `rounds: ${all.map((m) => (messages / m.seconds).toFixed(0)).join(', ')}/s`;
}

/** Machine load, printed with the figures: every part of the bench shares the CPU with the emulators and others. */
export function machineText(): string {
	const load = os
		.loadavg()
		.map((l) => l.toFixed(1))
		.join(' ');
	const busy =
		os.loadavg()[0] > os.cpus().length
			? ' (busy: other work competes for the CPUs, rates come out low)'
			: '';
	return `${os.cpus().length} CPUs, load average ${load}${busy}, Node ${process.version}`;
}

// ---- emulators -----------------------------------------------------------------------------------------------------

export interface RequestClock {
	/** Requests seen so far that `counts` selects. */
	count(): number;
	/** Seconds from the first such request's arrival to the last one's answer (the latency added once). */
	spanSeconds(): number;
}

/**
 * Every request to the emulator is answered `ms` later (after any fault queued before). The clock notes when the
 * requests `counts` selects arrive, so a run in another process can be timed from the emulator's side.
 */
export function addLatency(
	http: LoopbackEmulator,
	ms = LATENCY_MS,
	counts: (r: RecordedRequest) => boolean = () => true,
): RequestClock {
	let first = 0;
	let last = 0;
	let n = 0;
	http.inject({
		times: Infinity,
		match: (r) => {
			if (counts(r)) {
				const now = performance.now();
				if (n++ === 0) first = now;
				last = now;
			}
			return true;
		},
		fault: { kind: 'delay', ms },
	});
	return {
		count: () => n,
		spanSeconds: () => (n === 0 ? 0 : (last - first + ms) / 1000),
	};
}

/** 1000 → "1,000", as the figures print counts. */
export const thousands = (n: number) => n.toLocaleString('en-US');

/** The number of a recipient as a fixed-width string, for ids and names. */
export const pad = (n: number, width = 3) => String(n).padStart(width, '0');

/** A Mixin-style user id for recipient `n`. */
export const userUuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
