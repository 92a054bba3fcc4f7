/**
 * What every platform's workflow tests share: loading a workflow fixture, running one node with parameters merged in
 * and fast retries, an emulator per test (whose recorded protocol violations fail the test), the "bad input is
 * refused and nothing is sent" table, and the scan of everything a run exposed (for secrets).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import type { PlatformEmulator } from '../emulators/common';
import { runWorkflow, type CredentialsOption, type RunResult, type WorkflowJson } from './engine';

/** Retries that keep a test quick: same attempts as the default, millisecond delays. */
export const FAST_RETRY = { retryAttempts: 4, retryDelayMs: 5, timeoutMs: 2000 };

/** A workflow fixture from a platform's test folder (`test/<platform>/workflows/<name>.json`). */
export function loadWorkflow(folder: string, name: string): WorkflowJson {
	return JSON.parse(
		fs.readFileSync(path.join(folder, 'workflows', `${name}.json`), 'utf8'),
	) as WorkflowJson;
}

export interface NodeRun {
	input?: INodeExecutionData[];
	/** Merged over the first node's parameters; `continueOnFail` sets the node setting instead. */
	parameters?: Record<string, unknown>;
	credentials: CredentialsOption;
}

/** Run a workflow whose first node is the node under test, with fast retries unless the test sets its own. */
export async function runNode(workflow: WorkflowJson, run: NodeRun): Promise<RunResult> {
	const wf = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	const node = wf.nodes[0];
	const { continueOnFail, ...parameters } = run.parameters ?? {};
	node.parameters = {
		requestOptions: FAST_RETRY,
		...node.parameters,
		...parameters,
	} as typeof node.parameters;
	if (continueOnFail !== undefined) node.continueOnFail = continueOnFail as boolean;
	return await runWorkflow(wf, { input: run.input, credentials: run.credentials });
}

/**
 * A fresh emulator for every test of the file, stopped afterwards; a test fails when the emulator recorded a
 * protocol violation (something the real platform would silently accept although it is wrong). The value
 * returned stands for the current test's emulator.
 */
export function emulatorPerTest<E extends PlatformEmulator>(start: () => Promise<E>): E {
	let current: E | undefined;
	beforeEach(async () => {
		current = await start();
	});
	afterEach(async () => {
		const emulator = current;
		current = undefined;
		if (!emulator) return;
		await emulator.stop();
		expect(emulator.violations).toEqual([]);
	});
	const target = () => {
		if (!current) throw new Error('the emulator runs only inside a test');
		return current;
	};
	return new Proxy({} as E, {
		get(_, property) {
			const emulator = target();
			const value = Reflect.get(emulator, property, emulator) as unknown;
			return typeof value === 'function'
				? (value as (...args: unknown[]) => unknown).bind(emulator)
				: value;
		},
		set(_, property, value) {
			return Reflect.set(target(), property, value);
		},
	});
}

/** One row of a refusal table: a name, what to run, and the exact message (or a pattern) of the error. */
export type RefusalCase<P> = [name: string, run: P, message: string | RegExp];

/**
 * Bad input is refused before anything is sent: each case ends the run with a NodeOperationError naming item 0
 * and the field, and the emulator received nothing at all.
 */
export function refusedBeforeSending<P>(
	cases: Array<RefusalCase<P>>,
	run: (params: P) => Promise<RunResult>,
	requestsReceived: () => number,
): void {
	test.each(cases)('%s', async (_name, params, message) => {
		const result = await run(params);
		expect(result.status).toBe('error');
		if (typeof message === 'string') expect(result.error?.message).toBe(message);
		else expect(result.error?.message).toMatch(message);
		expect(result.error?.name).toBe('NodeOperationError');
		expect((result.error?.context as { itemIndex?: number })?.itemIndex).toBe(0);
		expect(requestsReceived()).toBe(0);
	});
}

/** Every text the run exposed: outputs, errors, descriptions — to search for secrets. */
export function everythingShown(result: RunResult): string {
	return JSON.stringify({
		outputs: result.run.data.resultData.runData,
		error: result.error && {
			message: result.error.message,
			description: result.error.description,
			context: result.error.context,
			stack: result.error.stack,
			cause: (result.error as { cause?: unknown }).cause,
		},
	});
}
