/**
 * Tencent IM at 20 ms latency with the emulator's 200 requests/s per API on: 1,000 sends through n8n's engine with
 * the node's defaults, two such executions at once on one credential, a raw axios loop as the floor (sequential,
 * and with the node's concurrency), and Send to Many at its 500 recipients per call. The emulator runs in a process
 * of its own for these figures.
 */
import { randomInt } from 'node:crypto';

import axios from 'axios';

import { generateUserSig } from '../../nodes/TencentIm/transport/signing';
import { TencentImEmulator } from '../emulators/tencent-im';
import { runWorkflow, type RunResult } from '../harness/engine';
import {
	ADMIN,
	SDK_APP_ID,
	SECRET_KEY,
	loadWorkflow,
	tencentCredentials,
} from '../tencent-im/fixtures';
import { RemoteEmulator } from './remote';
import {
	MB,
	bestOf,
	cpuText,
	memoryText,
	pad,
	record,
	roundsText,
	withMemory,
	type Measured,
	thousands,
} from './support';

const PLATFORM = 'Tencent IM';
const SENDS = 1000;
const ACCOUNTS = 100;
const NODE_CONCURRENCY = 10;
/** What the node holds per API: 200 requests in any 1.1 s (nodes/TencentIm/transport/api.ts). */
const RAW_LIMIT = 200;
const RAW_WINDOW_MS = 1100;
const BATCH_RECIPIENTS = 12_000;
/** What sets the node's pace: its limiter holds each request's slot until the answer is in, then one second more. */
const WINDOW_NOTE =
	"the node's limiter holds each slot until the answer and a second after: at most 200 in any second Tencent counts";

export const account = (n: number) => `acct${pad(n % ACCOUNTS)}`;

/** In this process (the faults part and the HTTP Request node's runs add their faults and latency): 100 accounts. */
export async function startTencentBench(): Promise<TencentImEmulator> {
	const emulator = new TencentImEmulator({
		apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }],
	});
	await emulator.start();
	for (let n = 0; n < ACCOUNTS; n++) emulator.importAccount(account(n));
	return emulator;
}

/** The emulator in a process of its own, with the accounts the bench sends to (and `extra`). */
async function startRemote(extra: string[] = []): Promise<RemoteEmulator> {
	const accounts = [...Array.from({ length: ACCOUNTS }, (_, n) => account(n)), ...extra];
	return await RemoteEmulator.start({
		platform: 'tencent',
		sdkAppId: SDK_APP_ID,
		secretKey: SECRET_KEY,
		admin: ADMIN,
		accounts,
	});
}

async function runSends(
	emulator: RemoteEmulator,
	label: string,
	executionId: string,
): Promise<RunResult> {
	const input = Array.from({ length: SENDS }, (_, n) => ({
		json: { to: account(n), text: `${label} ${n}` },
	}));
	return await runWorkflow(loadWorkflow('send'), {
		input,
		credentials: { tencentImApi: tencentCredentials(emulator.baseUrl) },
		executionId,
	});
}

async function checkRun(result: RunResult, emulator: RemoteEmulator, label: string): Promise<void> {
	if (result.status !== 'success')
		throw new Error(`Tencent run ${label} failed: ${result.error?.message}`);
	const delivered = (await emulator.messages(`${label} `)).length;
	if (result.output().length !== SENDS || delivered !== SENDS) {
		throw new Error(
			`Tencent run ${label}: ${result.output().length} outputs, ${delivered} delivered of ${SENDS}`,
		);
	}
}

/** Wait out the rate window, so one part's requests do not count against the next. */
const nextWindow = () => new Promise((r) => setTimeout(r, 1200));

/** A sliding window like the node's: at most `limit` starts in any `windowMs`. */
function rawLimiter(limit: number, windowMs: number) {
	const starts: number[] = [];
	return async () => {
		for (;;) {
			const now = performance.now();
			while (starts.length > 0 && starts[0] <= now - windowMs) starts.shift();
			if (starts.length < limit) {
				starts.push(now);
				return;
			}
			await new Promise((r) => setTimeout(r, starts[0] + windowMs - now + 1));
		}
	};
}

/**
 * The floor: one sendmsg per message with axios and a fresh UserSig from the package's generator, `workers` at a
 * time; a rate-limit refusal waits out the window and is sent again, so every message arrives.
 */
async function rawLoop(
	emulator: RemoteEmulator,
	label: string,
	workers: number,
	pace?: () => Promise<void>,
) {
	let next = 0;
	let refused = 0;
	const send = async (n: number) => {
		const body = JSON.stringify({
			To_Account: account(n),
			MsgRandom: randomInt(1, 0x1_0000_0000),
			MsgSeq: n + 1,
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `${label} ${n}` } }],
		});
		for (;;) {
			await pace?.();
			const usersig = await generateUserSig({
				sdkAppId: SDK_APP_ID,
				secretKey: SECRET_KEY,
				identifier: ADMIN,
				expireSeconds: 3600,
			});
			const query = new URLSearchParams({
				sdkappid: String(SDK_APP_ID),
				identifier: ADMIN,
				usersig,
				random: String(randomInt(0, 0x1_0000_0000)),
				contenttype: 'json',
			});
			const response = await axios.post(`${emulator.baseUrl}/v4/openim/sendmsg?${query}`, body, {
				headers: { 'Content-Type': 'application/json; charset=utf-8' },
			});
			const code = Number((response.data as { ErrorCode?: number }).ErrorCode);
			if (code === 0) return;
			if (code !== 60007) throw new Error(`raw send refused with ${code}`);
			refused++;
			await new Promise((r) => setTimeout(r, RAW_WINDOW_MS));
		}
	};
	const worker = async () => {
		while (next < SENDS) await send(next++);
	};
	const run = await withMemory(async () => {
		await Promise.all(Array.from({ length: workers }, worker));
		return refused;
	});
	const delivered = (await emulator.messages(`${label} `)).length;
	if (delivered !== SENDS) throw new Error(`raw loop ${label} delivered ${delivered} of ${SENDS}`);
	await emulator.clear();
	await nextWindow();
	return run;
}

export async function benchTencent(): Promise<{ nodeRate: number }> {
	console.log(
		`\n${PLATFORM}: ${thousands(SENDS)} sends to ${ACCOUNTS} accounts, 20 ms latency, emulator limit 200 requests/s`,
	);
	const emulator = await startRemote();
	try {
		// one small run first, so loading the package and compiling do not count against the figures
		await runWorkflow(loadWorkflow('send'), {
			input: [{ json: { to: account(0), text: 'warm-up' } }],
			credentials: { tencentImApi: tencentCredentials(emulator.baseUrl) },
		});
		await nextWindow();

		// each figure is the faster of two rounds; the refusals are those of both rounds
		const rounds = async <T>(attempt: (round: number) => Promise<Measured<T>>) => {
			const before = await emulator.counter('rateLimited');
			const measured = await bestOf(async (round) => {
				const m = await attempt(round);
				await emulator.clear();
				await nextWindow();
				return m;
			});
			return { ...measured, refused: (await emulator.counter('rateLimited')) - before };
		};
		const one = await rounds(async (round) => {
			const m = await withMemory(
				async () => await runSends(emulator, `one${round}`, `bench-tencent-1-${round}`),
			);
			await checkRun(m.value, emulator, `one${round}`);
			return m;
		});
		const nodeRate = SENDS / one.best.seconds;
		record(PLATFORM, {
			name: `node in n8n's engine, ${thousands(SENDS)} sends, defaults (concurrency ${NODE_CONCURRENCY})`,
			value: nodeRate,
			unit: 'accepted/s',
			target: { min: 190 },
			note: `${roundsText(one.all, SENDS)}; ${cpuText(one.best, SENDS)}; ${WINDOW_NOTE}`,
		});
		record(PLATFORM, {
			name: 'rate-limit refusals (60007), one execution',
			value: one.refused,
			target: { equals: 0 },
		});
		record(PLATFORM, {
			name: 'peak RSS, one execution',
			value: one.peakRss / MB,
			unit: 'MB',
			note: memoryText(one.best.memory),
		});

		const two = await rounds(async (round) => {
			const labels = [`twoA${round}`, `twoB${round}`];
			const m = await withMemory(
				async () =>
					await Promise.all(labels.map((label) => runSends(emulator, label, `bench-${label}`))),
			);
			for (const [k, label] of labels.entries()) await checkRun(m.value[k], emulator, label);
			return m;
		});
		record(PLATFORM, {
			name: `two executions at once on one credential, ${thousands(2 * SENDS)} sends together`,
			value: (2 * SENDS) / two.best.seconds,
			unit: 'accepted/s',
			target: { min: 190 },
			note: `${roundsText(two.all, 2 * SENDS)}; ${cpuText(two.best, 2 * SENDS)}; ${WINDOW_NOTE}`,
		});
		record(PLATFORM, {
			name: 'rate-limit refusals (60007), two executions',
			value: two.refused,
			target: { equals: 0 },
		});
		record(PLATFORM, {
			name: 'peak RSS, two executions',
			value: two.peakRss / MB,
			unit: 'MB',
			note: memoryText(two.best.memory),
		});

		const sequential = await rawLoop(emulator, 'rawSeq', 1);
		const sequentialRate = SENDS / sequential.seconds;
		record(PLATFORM, {
			name: 'raw axios loop, sequential (floor)',
			value: sequentialRate,
			unit: 'accepted/s',
			note: `${sequential.value} refusals; ${cpuText(sequential, SENDS)}`,
		});
		const parallel = await bestOf(
			async (round) =>
				await rawLoop(
					emulator,
					`rawPar${round}`,
					NODE_CONCURRENCY,
					rawLimiter(RAW_LIMIT, RAW_WINDOW_MS),
				),
		);
		const parallelRate = SENDS / parallel.best.seconds;
		record(PLATFORM, {
			name: `raw axios loop, concurrency ${NODE_CONCURRENCY}, 200 per 1.1 s dated when granted (floor)`,
			value: parallelRate,
			unit: 'accepted/s',
			note: [
				roundsText(parallel.all, SENDS),
				`${parallel.all.reduce((n, m) => n + m.value, 0)} refusals`,
				cpuText(parallel.best, SENDS),
			].join('; '),
		});
		record(PLATFORM, {
			name: 'ratio node / raw sequential',
			value: nodeRate / sequentialRate,
			unit: '×',
		});
		record(PLATFORM, {
			name: `ratio node / raw concurrency ${NODE_CONCURRENCY}`,
			value: nodeRate / parallelRate,
			unit: '×',
		});
		return { nodeRate };
	} finally {
		await emulator.stop();
	}
}

/** Send to Many: one item naming 12,000 recipients, which the node sends in calls of 500 within 12,000 a minute. */
export async function benchTencentSendToMany(): Promise<void> {
	const recipients = Array.from({ length: BATCH_RECIPIENTS }, (_, n) => `r${pad(n, 5)}`);
	const emulator = await startRemote(recipients);
	try {
		const run = await withMemory(
			async () =>
				await runWorkflow(loadWorkflow('send-to-many'), {
					input: [{ json: { to: recipients.join(','), text: 'to many' } }],
					credentials: { tencentImApi: tencentCredentials(emulator.baseUrl) },
				}),
		);
		if (run.value.status !== 'success')
			throw new Error(`Send to Many failed: ${run.value.error?.message}`);
		const calls = await emulator.bodies<string[]>('/v4/openim/batchsendmsg', 'To_Account');
		const sent = run.value.output().filter((o) => o.json.sent === true).length;
		const name = `Send to Many, ${BATCH_RECIPIENTS.toLocaleString('en-US')} recipients`;
		record(PLATFORM, {
			name: `${name}: calls`,
			value: calls.length,
			target: { equals: BATCH_RECIPIENTS / 500 },
		});
		record(PLATFORM, {
			name: `${name}: largest call`,
			value: Math.max(...calls.map((c) => c.length)),
			unit: 'recipients',
			target: { max: 500 },
		});
		record(PLATFORM, {
			name: `${name}: recipients sent`,
			value: sent,
			target: { equals: BATCH_RECIPIENTS },
		});
		record(PLATFORM, {
			name: `${name}: recipients per second`,
			value: sent / run.seconds,
			unit: 'recipients/s',
			note: 'the whole minute budget of 12,000 in one run',
		});
		record(PLATFORM, {
			name: `${name}: rate-limit refusals`,
			value: await emulator.counter('rateLimited'),
			target: { equals: 0 },
		});
	} finally {
		await emulator.stop();
	}
}
