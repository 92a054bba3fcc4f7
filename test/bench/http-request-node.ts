/**
 * The comparison the issue quotes: 1,000 Tencent sends through n8n-nodes-base's HTTP Request node with a UserSig
 * computed by hand, untuned (every item at once) and tuned (batches of 200 items per 1,000 ms), in a real n8n run
 * by `n8n execute` against the same emulator at 20 ms latency. n8n is looked for where `npm run n8n` installs it
 * (~/.cache/n8n-chat-platforms/n8n-2.8.4) or at N8N_BENCH_BIN (the n8n executable, or a folder holding it).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateUserSig } from '../../nodes/TencentIm/transport/signing';
import { ADMIN, SDK_APP_ID, SECRET_KEY } from '../tencent-im/fixtures';
import { account, startTencentBench } from './tencent';
import { addLatency, missing, record, type RequestClock, thousands } from './support';

const PLATFORM = 'Tencent IM';
const SENDS = 1000;
const N8N_VERSION = '2.8.4';

/** The n8n executable to use, or why there is none. */
export function findN8n(): { bin?: string; why: string } {
	const given = process.env.N8N_BENCH_BIN;
	const candidates = given
		? [given, path.join(given, 'node_modules', '.bin', 'n8n'), path.join(given, 'bin', 'n8n')]
		: [
				path.join(
					os.homedir(),
					'.cache',
					'n8n-chat-platforms',
					`n8n-${N8N_VERSION}`,
					'node_modules',
					'.bin',
					'n8n',
				),
			];
	const bin = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
	if (bin) return { bin, why: '' };
	return {
		why: given
			? `N8N_BENCH_BIN=${given} holds no n8n executable`
			: `no n8n at ${candidates[0]} (run \`npm run n8n\` once, or set N8N_BENCH_BIN to an n8n executable)`,
	};
}

/** Whether this repository could load n8n-nodes-base itself (it is no dependency, so normally not). */
export function nodesBaseInRepo(): { value: string; note: string } {
	try {
		return { value: 'resolvable', note: require.resolve('n8n-nodes-base/package.json') };
	} catch {
		return {
			value: 'not resolvable',
			note: 'no dependency of this repository: the HTTP Request node runs in a real n8n',
		};
	}
}

function workflow(baseUrl: string, usersig: string, tuned: boolean) {
	const items = Array.from({ length: SENDS }, (_, n) => ({
		to: account(n),
		text: `http-${tuned ? 'tuned' : 'untuned'} ${n}`,
		random: n + 1,
	}));
	const query =
		`sdkappid=${SDK_APP_ID}&identifier=${ADMIN}&usersig=${usersig}` +
		'&random={{ $json.random }}&contenttype=json';
	const body =
		'={ "To_Account": "{{ $json.to }}", "MsgRandom": {{ $json.random }}, "MsgSeq": {{ $json.random }}, ' +
		'"MsgBody": [{ "MsgType": "TIMTextElem", "MsgContent": { "Text": "{{ $json.text }}" } }] }';
	const link = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
	return {
		id: tuned ? 'benchHttpTuned01' : 'benchHttpPlain01',
		name: `bench: HTTP Request, ${tuned ? 'tuned' : 'untuned'}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'a1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a2',
				name: 'Items',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
			},
			{
				id: 'a3',
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'items', options: {} },
			},
			{
				id: 'a4',
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [600, 0],
				parameters: {
					method: 'POST',
					url: `=${baseUrl}/v4/openim/sendmsg?${query}`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: body,
					options: tuned ? { batching: { batch: { batchSize: 200, batchInterval: 1000 } } } : {},
				},
			},
		],
		connections: { Start: link('Items'), Items: link('Split'), Split: link('HTTP Request') },
	};
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(
			bin,
			args,
			{ env, maxBuffer: 256 * 1024 * 1024, timeout: 300_000 },
			(error, stdout, stderr) => {
				if (error)
					reject(
						new Error(
							`${path.basename(bin)} ${args[0]} failed: ${error.message}\n${stderr.slice(-2000)}`,
						),
					);
				else resolve(stdout);
			},
		);
	});
}

/** The HTTP Request node's own execution time in the run data `n8n execute --rawOutput` prints, in seconds. */
function nodeSeconds(stdout: string): number | undefined {
	const start = stdout.indexOf('{');
	if (start < 0) return undefined;
	try {
		const data = JSON.parse(stdout.slice(start)) as {
			data?: { resultData?: { runData?: Record<string, Array<{ executionTime?: number }>> } };
		};
		const ms = data.data?.resultData?.runData?.['HTTP Request']?.[0]?.executionTime;
		return typeof ms === 'number' ? ms / 1000 : undefined;
	} catch {
		return undefined;
	}
}

export async function benchHttpRequestNode(nodeRate: number | undefined): Promise<void> {
	console.log(
		`\n${PLATFORM}: n8n's HTTP Request node, ${thousands(SENDS)} sends with a hand-computed UserSig`,
	);
	record(PLATFORM, { name: 'n8n-nodes-base in this repository', ...nodesBaseInRepo() });
	const found = findN8n();
	if (!found.bin) {
		for (const mode of ['untuned', 'tuned'])
			missing(PLATFORM, `HTTP Request node, ${mode}`, `skipped: ${found.why}`);
		return;
	}
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-chat-platforms-bench-n8n-'));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		N8N_USER_FOLDER: folder,
		N8N_LOG_LEVEL: 'error',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
	};
	const version = (await run(found.bin, ['--version'], env)).trim().split('\n').pop();
	record(PLATFORM, {
		name: 'n8n used for the HTTP Request node',
		value: `n8n ${version}`,
		note: found.bin,
	});
	const usersig = await generateUserSig({
		sdkAppId: SDK_APP_ID,
		secretKey: SECRET_KEY,
		identifier: ADMIN,
		expireSeconds: 86400,
	});
	const results: Record<string, { rate: number; accepted: number; refused: number }> = {};
	for (const tuned of [false, true]) {
		const mode = tuned ? 'tuned (200 items per 1,000 ms)' : 'untuned';
		const emulator = await startTencentBench();
		const clock: RequestClock = addLatency(
			emulator.http,
			undefined,
			(r) => r.path === '/v4/openim/sendmsg',
		);
		try {
			const file = path.join(folder, `workflow-${tuned ? 'tuned' : 'untuned'}.json`);
			const wf = workflow(emulator.baseUrl, usersig, tuned);
			fs.writeFileSync(file, JSON.stringify(wf));
			await run(found.bin, ['import:workflow', `--input=${file}`], env);
			const stdout = await run(found.bin, ['execute', `--id=${wf.id}`, '--rawOutput'], env);
			const accepted = emulator.messages.length;
			const seconds = nodeSeconds(stdout) ?? clock.spanSeconds();
			results[tuned ? 'tuned' : 'untuned'] = {
				rate: accepted / seconds,
				accepted,
				refused: emulator.rateLimited,
			};
			const detail =
				`${thousands(emulator.rateLimited)} refused with 60007, ${thousands(clock.count())} requests; ` +
				`node time ${seconds.toFixed(2)} s`;
			if (tuned) {
				record(PLATFORM, {
					name: `HTTP Request node, ${mode}`,
					value: accepted / seconds,
					unit: 'accepted/s',
					note: `${thousands(accepted)} accepted, ${detail}`,
				});
			} else {
				record(PLATFORM, {
					name: `HTTP Request node, ${mode}: messages accepted`,
					value: accepted,
					unit: `of ${SENDS.toLocaleString('en-US')}`,
					note: detail,
				});
			}
		} catch (error) {
			missing(
				PLATFORM,
				`HTTP Request node, ${mode}`,
				`failed: ${(error as Error).message.split('\n')[0]}`,
			);
		} finally {
			await emulator.stop();
		}
	}
	if (results.untuned) {
		record(PLATFORM, {
			name: 'ratio node (defaults) / HTTP Request untuned, messages accepted per execution',
			value: SENDS / Math.max(1, results.untuned.accepted),
			unit: '×',
			note: 'the node delivers all 1,000',
		});
	}
	if (nodeRate !== undefined && results.tuned) {
		record(PLATFORM, {
			name: 'ratio node (defaults) / HTTP Request tuned, accepted/s',
			value: nodeRate / results.tuned.rate,
			unit: '×',
		});
	}
	fs.rmSync(folder, { recursive: true, force: true });
}
