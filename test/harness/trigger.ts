/**
 * Activates a `trigger()` node the way n8n does, with the package loaded from dist/ (engine.ts).
 *
 * Mode 'trigger' mirrors the CLI's ActiveWorkflowManager (packages/cli/src/active-workflow-manager.ts,
 * getExecuteTriggerFunctions): the node gets n8n-core's TriggerContext, whose `emit` runs the workflow with the
 * emitted items as the trigger's output (WorkflowExecute, mode 'trigger', one execution per emit) and resolves the
 * donePromise with the finished IRun; `emitError` records the error and deactivates the workflow, which calls the
 * trigger's closeFunction; `saveFailedExecution` records a failed execution and leaves the trigger running.
 *
 * Mode 'manual' mirrors n8n-core's TriggersAndPollers.runTrigger for a test listen: trigger() runs on a context whose
 * emit throws, then emit, emitError and saveFailedExecution are replaced to settle `manualTriggerResponse`, and a
 * donePromise resolves when the execution's `workflowExecuteAfter` hook runs. For the whole editor flow (trigger(),
 * manualTriggerFunction, closeFunction, then the rest of the workflow) use `runManualTrigger`, which lets n8n's own
 * WorkflowExecute do all of it.
 */
import { TriggerContext } from 'n8n-core';
import {
	createDeferredPromise,
	type IDataObject,
	type INodeExecutionData,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { prepare, runWorkflow, type RunOptions, type RunResult, type WorkflowJson } from './engine';

export interface Emitted {
	data: INodeExecutionData[][];
	/** The execution the emit started; settles when it finished (mode 'trigger'; a test listen starts none). */
	run: Promise<RunResult>;
	/** Set once the execution finished. */
	result?: RunResult;
	/** Whether the trigger asked to learn when the execution finished. */
	withDonePromise: boolean;
}

export interface ActiveTrigger {
	response: ITriggerResponse;
	emits: Emitted[];
	/** Errors passed to emitError (fatal: n8n deactivated the workflow). */
	errors: Error[];
	/** Errors passed to saveFailedExecution (recorded; the trigger keeps running). */
	failedExecutions: Error[];
	/** Whether closeFunction has run (called by the test, or by the deactivation after emitError). */
	readonly closed: boolean;
	/** Every emitted item's json, in emit order. */
	items(): IDataObject[];
	/** Wait until `n` items were emitted (default 5 s). */
	waitForItems(n: number, timeoutMs?: number): Promise<IDataObject[]>;
	waitForError(timeoutMs?: number): Promise<Error>;
	waitForFailedExecution(timeoutMs?: number): Promise<Error>;
	/** Wait until every execution started so far has finished (mode 'trigger'). */
	settled(): Promise<RunResult[]>;
	/** Deactivate: closeFunction, once. */
	close(): Promise<void>;
}

export interface TriggerOptions extends RunOptions {
	/** The trigger node (default the workflow's first node). */
	triggerNode?: string;
	/** 'trigger' (an active workflow, default) or 'manual' (listening for a test event). */
	mode?: 'trigger' | 'manual';
}

async function until<T>(
	probe: () => T | undefined | false,
	what: string,
	timeoutMs = 5000,
): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > end)
			throw new Error(`trigger harness: timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Activate the workflow's trigger node as n8n does, and return what it answered and everything it emits. */
export async function activateTrigger(
	workflowJson: WorkflowJson,
	options: TriggerOptions = {},
): Promise<ActiveTrigger> {
	const mode = options.mode ?? 'trigger';
	const prepared = await prepare(workflowJson, { ...options, mode });
	const { workflow, nodes, additionalData, hooks, store } = prepared;
	const node = workflow.getNode(options.triggerNode ?? nodes[0].name);
	if (!node) throw new Error(`trigger harness: no node ${options.triggerNode}`);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.trigger) throw new Error(`trigger harness: ${node.name} has no trigger()`);

	const emits: Emitted[] = [];
	const errors: Error[] = [];
	const failedExecutions: Error[] = [];
	let closed = false;
	const activated: { response?: ITriggerResponse } = {};
	let executions = 0;

	const close = async () => {
		if (closed) return;
		closed = true;
		await activated.response?.closeFunction?.();
	};

	// ActiveWorkflowManager's emit: run the workflow from the trigger with its items, then tell the trigger
	const emit: ITriggerFunctions['emit'] = (data, _responsePromise, donePromise) => {
		executions += 1;
		const run = runWorkflow(workflowJson, {
			...options,
			credentials: store,
			startNode: node.name,
			inputMain: data,
			mode: 'trigger',
			executionId: `trigger-${executions}`,
		});
		const emitted: Emitted = { data, run, withDonePromise: donePromise !== undefined };
		emits.push(emitted);
		void run.then(
			(result) => {
				emitted.result = result;
				donePromise?.resolve(result.run);
			},
			(error: Error) => donePromise?.reject(error),
		);
	};
	// n8n removes the workflow from the active ones, which closes the trigger, and reactivates it later
	const emitError = (error: Error) => {
		errors.push(error);
		void Promise.resolve().then(close);
	};
	const saveFailedExecution = (error: Error) => {
		failedExecutions.push(error);
	};

	const context =
		mode === 'trigger'
			? new TriggerContext(
					workflow,
					node,
					additionalData,
					'trigger',
					'activate',
					emit,
					emitError,
					saveFailedExecution as never,
				)
			: new TriggerContext(workflow, node, additionalData, 'manual', 'manual');
	const answered = await nodeType.trigger.call(context);
	if (!answered) throw new Error(`trigger harness: ${node.name} answered no ITriggerResponse`);
	activated.response = answered;

	if (mode === 'manual') {
		// TriggersAndPollers.runTrigger: the test-run functions are put in place after trigger() returned
		const manual = createDeferredPromise<INodeExecutionData[][]>();
		const writable = context as { -readonly [K in keyof ITriggerFunctions]: ITriggerFunctions[K] };
		writable.emit = (data, _responsePromise, donePromise) => {
			if (donePromise) hooks.addHandler('workflowExecuteAfter', (run) => donePromise.resolve(run));
			emits.push({
				data,
				run: new Promise(() => undefined),
				withDonePromise: donePromise !== undefined,
			});
			manual.resolve(data);
		};
		writable.emitError = (error) => {
			errors.push(error);
			manual.reject(error);
		};
		writable.saveFailedExecution = (error) => {
			failedExecutions.push(error);
			manual.reject(error);
		};
		answered.manualTriggerResponse = manual.promise;
		manual.promise.catch(() => undefined);
	}

	const items = () => emits.flatMap((e) => (e.data[0] ?? []).map((item) => item.json));
	return {
		response: answered,
		emits,
		errors,
		failedExecutions,
		get closed() {
			return closed;
		},
		items,
		waitForItems: async (n, timeoutMs) =>
			await until(() => items().length >= n && items(), `${n} item(s)`, timeoutMs),
		waitForError: async (timeoutMs) => await until(() => errors[0], 'emitError', timeoutMs),
		waitForFailedExecution: async (timeoutMs) =>
			await until(() => failedExecutions[0], 'saveFailedExecution', timeoutMs),
		settled: async () => await Promise.all(emits.map((e) => e.run)),
		close,
	};
}

/**
 * "Listen for test event" as the editor runs it: a manual execution starting at the trigger, in which n8n's
 * WorkflowExecute calls trigger(), awaits manualTriggerFunction and manualTriggerResponse, calls closeFunction and
 * runs the rest of the workflow with what the trigger emitted.
 */
export async function runManualTrigger(
	workflowJson: WorkflowJson,
	options: TriggerOptions = {},
): Promise<RunResult> {
	return await runWorkflow(workflowJson, {
		...options,
		mode: 'manual',
		startNode: options.triggerNode,
	});
}
