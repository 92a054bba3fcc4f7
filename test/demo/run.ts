/**
 * `npm run demo`: runs the example workflows in examples/ through n8n's real engine against the local platform
 * emulators (no accounts needed) and prints what each node returned and what each emulator received.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-chat-platforms-demo-'));
process.env.N8N_LOG_LEVEL ??= 'silent';

import type { INodeExecutionData } from 'n8n-workflow';

import type { RecordedRequest } from '../emulators/common';
import type { RunResult, WorkflowJson } from '../harness/engine';
import { demos } from './platforms';

const root = path.resolve(__dirname, '..', '..');

function short(value: unknown, max = 110): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The demo prints what the emulators received; secrets in it are masked all the same. */
function masked(value: unknown): string {
	return JSON.stringify(value).replace(
		/"(app_secret|access_token|token|usersig)":"[^"]*"/g,
		'"$1":"***"',
	);
}

function printRequests(requests: RecordedRequest[]): void {
	for (const r of requests) {
		const body =
			r.json === undefined
				? r.body.length
					? `<${r.body.length} bytes>`
					: ''
				: short(masked(r.json), 90);
		const note = r.note ? `[${r.note.slice(0, 40)}] ` : '';
		console.log(
			`    ${r.method.padEnd(4)} ${r.path.slice(0, 40).padEnd(40)} → ${r.status ?? '—'} ${note}${body}`,
		);
	}
}

function printOutputs(result: RunResult, workflow: WorkflowJson): void {
	for (const node of workflow.nodes) {
		const items: INodeExecutionData[] = result.output(node.name);
		console.log(`  ${node.name}: ${items.length} item(s)`);
		for (const item of items.slice(0, 3)) {
			const files = item.binary ? ` + binary ${Object.keys(item.binary).join(', ')}` : '';
			console.log(`    ${short(item.json)}${files}`);
		}
	}
}

async function main(): Promise<void> {
	const { runWorkflow } = await import('../harness/engine');
	let failures = 0;
	for (const demo of demos) {
		const workflow = JSON.parse(
			fs.readFileSync(path.join(root, 'examples', demo.file), 'utf8'),
		) as WorkflowJson;
		const { emulator, credentials, input, summary, stop } = await demo.start();
		try {
			const result = await runWorkflow(workflow, { input, credentials });
			console.log(`\n▶ ${workflow.name} (examples/${demo.file}) — ${result.status}`);
			if (result.error) {
				failures++;
				console.log(
					`  error: ${result.error.message}${result.error.description ? ` — ${result.error.description}` : ''}`,
				);
			}
			printOutputs(result, workflow);
			console.log(`  ${demo.platform} emulator received:`);
			printRequests(emulator.http.requests);
			for (const line of await summary()) console.log(`  ${line}`);
		} finally {
			await stop?.();
			await emulator.stop();
		}
	}
	console.log(
		failures ? `\n${failures} example workflow(s) failed` : '\nAll example workflows ran.',
	);
	process.exit(failures ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
