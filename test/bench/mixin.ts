/**
 * Mixin at 20 ms latency: 1,000 single Sends to 100 users one at a time (Request Options concurrency 1, the node
 * before items ran concurrently) against the default and a higher concurrency, with order per conversation checked;
 * Send Many at 100 messages per request; a 100 MB Attachment → Upload from a binary item, in n8n's memory and
 * filesystem binary data modes, with the growth of the process's memory compared with the file.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import { binaryItem, runWorkflow, type RunResult, type WorkflowJson } from '../harness/engine';
import {
	BOT_ID,
	SEED_HEX,
	SESSION_ID,
	fieldCredentials,
	loadWorkflow,
	publicKeyOf,
} from '../mixin/fixtures';
import { RemoteEmulator, chatsInOrder, expectedOrder } from './remote';
import {
	MB,
	REPEATS,
	bestOf,
	collectGarbage,
	cpuText,
	memoryText,
	record,
	roundsText,
	userUuid,
	withMemory,
	thousands,
} from './support';

const PLATFORM = 'Mixin';
const SENDS = 1000;
const USERS = 100;
const DEFAULT_CONCURRENCY = 10;
/** Tried in turn when the default does not reach ten times the sequential rate. */
const HIGHER_CONCURRENCY = [30, 50];
const SEND_MANY = 5000;
const FILE_BYTES = 100 * MB;

const credentials = (baseUrl: string) => ({ mixinMessengerApi: fieldCredentials(baseUrl) });

/** The emulator in a process of its own, with the bot's session and the given users (or any user). */
async function startRemote(users: string[], unknownUsers?: 'allow'): Promise<RemoteEmulator> {
	const publicKeyHex = publicKeyOf(SEED_HEX).toString('hex');
	return await RemoteEmulator.start({
		platform: 'mixin',
		appId: BOT_ID,
		sessionId: SESSION_ID,
		publicKeyHex,
		users,
		unknownUsers,
	});
}

function withOptions(
	workflow: WorkflowJson,
	requestOptions: Record<string, unknown> | undefined,
): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	if (requestOptions)
		copy.nodes[0].parameters = { ...copy.nodes[0].parameters, requestOptions } as never;
	return copy;
}

interface SendsRun {
	rate: number;
	inOrder: number;
	refused: number;
	note: string;
}

/** 1,000 Sends with these Request Options, `rounds` times; the fastest round counts, order and refusals of all. */
async function singleSends(
	emulator: RemoteEmulator,
	label: string,
	requestOptions?: Record<string, unknown>,
	rounds = REPEATS,
): Promise<SendsRun> {
	let inOrder = USERS;
	let refused = 0;
	const measured = await bestOf(async (round) => {
		const tag = `${label}${round}`;
		const items = Array.from({ length: SENDS }, (_, n) => ({
			chat: userUuid(n % USERS),
			text: `${tag} ${n}`,
		}));
		const input = items.map(({ chat, text }) => ({ json: { userId: chat, text } }));
		const workflow = withOptions(loadWorkflow('send'), requestOptions);
		const run = await withMemory(
			async () =>
				await runWorkflow(workflow, { input, credentials: credentials(emulator.baseUrl) }),
		);
		const delivered = await emulator.messages(`${tag} `);
		if (run.value.status !== 'success' || delivered.length !== SENDS) {
			throw new Error(
				`Mixin sends ${tag}: ${run.value.status} ${run.value.error?.message ?? ''}, ${delivered.length} delivered`,
			);
		}
		inOrder = Math.min(inOrder, chatsInOrder(delivered, expectedOrder(items)));
		refused += await emulator.refused('/messages', '/conversations');
		await emulator.clear();
		return run;
	}, rounds);
	return {
		rate: SENDS / measured.best.seconds,
		inOrder,
		refused,
		note: [
			...(rounds > 1 ? [roundsText(measured.all, SENDS)] : []),
			memoryText(measured.best.memory),
			cpuText(measured.best, SENDS),
		].join('; '),
	};
}

export async function benchMixinSends(): Promise<void> {
	console.log(`\n${PLATFORM}: ${thousands(SENDS)} single Sends to ${USERS} users, 20 ms latency`);
	const emulator = await startRemote(Array.from({ length: USERS }, (_, n) => userUuid(n)));
	try {
		await runWorkflow(loadWorkflow('send'), {
			input: [{ json: { userId: userUuid(0), text: 'warm-up' } }],
			credentials: credentials(emulator.baseUrl),
		});
		// latency-bound, so one round (half a minute) is enough
		const sequential = await singleSends(emulator, 'seq', { concurrency: 1 }, 1);
		record(PLATFORM, {
			name: `node, ${thousands(SENDS)} Sends, concurrency 1 (sequential, as before)`,
			value: sequential.rate,
			unit: 'messages/s',
			note: sequential.note,
		});
		const standard = await singleSends(emulator, 'default');
		const ratio = standard.rate / sequential.rate;
		record(PLATFORM, {
			name: `node, ${thousands(SENDS)} Sends, defaults (concurrency ${DEFAULT_CONCURRENCY})`,
			value: standard.rate,
			unit: 'messages/s',
			note: standard.note,
		});
		record(PLATFORM, {
			name: 'ratio defaults / sequential',
			value: ratio,
			unit: '×',
			note:
				ratio < 10
					? `${DEFAULT_CONCURRENCY} lanes of 20 ms requests give at most 10×, less the work per item`
					: undefined,
		});
		let best = { concurrency: DEFAULT_CONCURRENCY, ratio };
		const runs = [sequential, standard];
		for (const concurrency of HIGHER_CONCURRENCY) {
			if (best.ratio >= 10) break;
			const run = await singleSends(emulator, `c${concurrency}-`, { concurrency });
			runs.push(run);
			record(PLATFORM, {
				name: `node, ${thousands(SENDS)} Sends, concurrency ${concurrency} (set in Request Options)`,
				value: run.rate,
				unit: 'messages/s',
				note: run.note,
			});
			best = { concurrency, ratio: run.rate / sequential.rate };
		}
		const which = best.concurrency === DEFAULT_CONCURRENCY ? ' (default)' : ' (set explicitly)';
		record(PLATFORM, {
			name: `ratio at concurrency ${best.concurrency}${which} / sequential`,
			value: best.ratio,
			unit: '×',
			target: { min: 10 },
		});
		record(PLATFORM, {
			name: 'conversations in item order, every Send run',
			value: Math.min(...runs.map((r) => r.inOrder)),
			unit: `of ${USERS}`,
			target: { equals: USERS },
		});
		record(PLATFORM, {
			name: 'refused requests, every Send run',
			value: runs.reduce((n, r) => n + r.refused, 0),
			target: { equals: 0 },
			note: 'the emulator has no rate limit: errors of any kind',
		});
	} finally {
		await emulator.stop();
	}
}

export async function benchMixinSendMany(): Promise<void> {
	const emulator = await startRemote([], 'allow');
	try {
		const input = Array.from({ length: SEND_MANY }, (_, n) => ({
			json: { userId: userUuid(n), text: `item ${n}` },
		}));
		const run = await withMemory(
			async () =>
				await runWorkflow(loadWorkflow('send-many'), {
					input,
					credentials: credentials(emulator.baseUrl),
				}),
		);
		const delivered = await emulator.messages('item ');
		if (run.value.output().length !== SEND_MANY || delivered.length !== SEND_MANY)
			throw new Error('Send Many lost messages');
		const calls = await emulator.bodies<unknown>('/messages');
		const largest = Math.max(...calls.map((body) => (Array.isArray(body) ? body.length : 1)));
		const name = `Send Many, ${SEND_MANY.toLocaleString('en-US')} items`;
		record(PLATFORM, { name: `${name}: time`, value: run.seconds, unit: 's', target: { max: 20 } });
		record(PLATFORM, {
			name: `${name}: messages per second`,
			value: SEND_MANY / run.seconds,
			unit: 'messages/s',
			note: cpuText(run, SEND_MANY),
		});
		record(PLATFORM, {
			name: `${name}: requests`,
			value: calls.length,
			target: { equals: SEND_MANY / 100 },
		});
		record(PLATFORM, {
			name: `${name}: largest request`,
			value: largest,
			unit: 'messages',
			target: { max: 100 },
		});
		record(PLATFORM, {
			name: `${name}: heap growth`,
			value: (run.memory.peakHeap - run.memory.baseHeap) / MB,
			unit: 'MB',
			target: { max: 400 },
			note: memoryText(run.memory),
		});
		record(PLATFORM, {
			name: `${name}: refused requests`,
			value: await emulator.refused('/messages'),
			target: { equals: 0 },
		});
	} finally {
		await emulator.stop();
	}
}

// ---- 100 MB upload -------------------------------------------------------------------------------------------------

/** A file of random bytes written in pieces, so making it holds no whole copy in memory; returns its SHA-256. */
function writeRandomFile(file: string, bytes: number): string {
	const hash = createHash('sha256');
	const fd = fs.openSync(file, 'w');
	for (let written = 0; written < bytes; written += MB) {
		const piece = randomBytes(Math.min(MB, bytes - written));
		hash.update(piece);
		fs.writeSync(fd, piece);
	}
	fs.closeSync(fd);
	return hash.digest('hex');
}

async function upload(
	server: RemoteEmulator,
	mode: string,
	item: () => Promise<INodeExecutionData>,
	sha256: string,
): Promise<void> {
	let input: INodeExecutionData[] | undefined = [await item()];
	collectGarbage();
	const run = await withMemory(async () => {
		const result: RunResult = await runWorkflow(loadWorkflow('attachment-upload'), {
			input: input!,
			credentials: credentials(server.baseUrl),
		});
		return result;
	});
	input = undefined;
	const stored = await server.attachments();
	const ok = run.value.status === 'success' && stored.length === 1 && stored[0].sha256 === sha256;
	if (!ok)
		throw new Error(
			`100 MB upload (${mode}): ${run.value.status} ${run.value.error?.message ?? ''} ${JSON.stringify(stored)}`,
		);
	const growth = run.memory.peakRss - run.memory.baseRss;
	record(PLATFORM, {
		name: `100 MB Attachment → Upload, ${mode}: peak RSS growth / file size`,
		value: growth / FILE_BYTES,
		unit: '×',
		target: { max: 2 },
		note: `${memoryText(run.memory)}; ${(FILE_BYTES / MB / run.seconds).toFixed(0)} MB/s, ${run.seconds.toFixed(1)} s`,
	});
}

export async function benchMixinUpload(): Promise<void> {
	console.log(
		`\n${PLATFORM}: Attachment → Upload of a 100 MB binary item, the emulator in a process of its own`,
	);
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-chat-platforms-bench-file-'));
	const file = path.join(folder, 'upload.bin');
	const sha256 = writeRandomFile(file, FILE_BYTES);
	const server = await startRemote([]);
	try {
		// n8n's default without a binary data service: the file travels in the item as base64
		await upload(
			server,
			'memory mode',
			async () => binaryItem(fs.readFileSync(file), 'upload.bin', 'application/octet-stream'),
			sha256,
		);
		// what n8n itself uses by default (N8N_DEFAULT_BINARY_DATA_MODE=filesystem): the item holds only a reference
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
		const service = Container.get(BinaryDataService);
		await service.init();
		await upload(
			server,
			'filesystem mode',
			async () => {
				const meta = {
					data: '',
					mimeType: 'application/octet-stream',
					fileName: 'upload.bin',
				} as IBinaryData;
				const stored = await service.store(
					{ type: 'execution', workflowId: 'test', executionId: 'bench-upload' },
					fs.createReadStream(file),
					meta,
				);
				return { json: {}, binary: { data: stored } };
			},
			sha256,
		);
	} finally {
		await server.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
}
