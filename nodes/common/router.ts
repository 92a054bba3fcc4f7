import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from './errors';
import { readRequestOptions } from './options';
import { settle, settleSync } from './settle';

/** An item's JSON with binary data attached (what Attachment → Get returns when it downloads the file). */
export class ItemWithBinary {
	constructor(
		readonly json: IDataObject,
		readonly binary: IBinaryKeyData,
	) {}
}

export type ItemResult = IDataObject | IDataObject[] | ItemWithBinary;

/** An operation that handles one input item at a time. */
export interface ItemOperation {
	execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult>;
	/**
	 * The recipient an item's message goes to (a conversation, an account, a chat). Items with the same key run one
	 * after another in item order; others run at once. Operations without one run items freely in parallel.
	 */
	orderKey?(this: IExecuteFunctions, itemIndex: number): string | undefined;
}

export type BatchOutcome = { ok: true; result: ItemResult } | { ok: false; error: unknown };

/** An item that passed its checks, with what its operation read from it. */
export interface PreparedItem<P> {
	itemIndex: number;
	value: P;
}

/**
 * An operation that sends all input items together (batched sends, batched acknowledgements). The router first
 * prepares every item (reads and checks it; nothing is sent), handling each item's bad input the way it handles
 * any item error, then hands the items that passed to `executeBatch`, which returns one outcome per item, in order.
 */
export interface BatchOperation<P = unknown> {
	prepareItem(this: IExecuteFunctions, itemIndex: number): Promise<P>;
	executeBatch(this: IExecuteFunctions, items: Array<PreparedItem<P>>): Promise<BatchOutcome[]>;
}

/**
 * An operation done once per execution, from the first item's parameters (Send and Wait: one question, then the
 * execution waits for its answer). It returns the node's output itself.
 */
export interface OnceOperation {
	executeOnce(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

export type Operation = ItemOperation | BatchOperation | OnceOperation;

function isBatch(op: Operation): op is BatchOperation {
	return typeof (op as BatchOperation).executeBatch === 'function';
}

function isOnce(op: Operation): op is OnceOperation {
	return typeof (op as OnceOperation).executeOnce === 'function';
}

function toExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const pairedItem = { item: itemIndex };
	if (result instanceof ItemWithBinary)
		return [{ json: result.json, binary: result.binary, pairedItem }];
	const list = Array.isArray(result) ? result : [result];
	return list.map((json) => ({ json, pairedItem }));
}

function errorItem(
	error: NodeApiError | { message: string; description?: string | null },
	itemIndex: number,
) {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.errorResponse) {
		const { code, text, uncertain } = error.errorResponse as IDataObject;
		if (code !== undefined) json.code = code;
		if (text !== undefined) json.platformMessage = text;
		// the item may have been delivered although it failed here: say so, so nobody resends it blindly
		if (uncertain === true) json.uncertain = true;
	}
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The item loop every node shares, and the only place that decides what "continue on fail" means: runs the
 * operation, pairs each output with its input item, turns failures into n8n errors that carry the item index and
 * no secret, and either stops at the first failure or turns each failed item into an error item.
 */
export async function runOperation(
	this: IExecuteFunctions,
	operation: Operation,
): Promise<INodeExecutionData[][]> {
	const indexes = this.getInputData().map((_, i) => i);
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const output: INodeExecutionData[] = [];
	// how many items went through although the run stops: the error says so, since a rerun would repeat them
	let succeeded = 0;
	const settleItem = (itemIndex: number, outcome: BatchOutcome) => {
		if (outcome.ok) {
			output.push(...toExecutionData(outcome.result, itemIndex));
			return;
		}
		const nodeError = toNodeError(node, outcome.error, itemIndex);
		if (!continueOnFail) throw withOthersDone(nodeError, succeeded);
		output.push(errorItem(nodeError, itemIndex));
	};

	if (isOnce(operation)) {
		const done = await settle(operation.executeOnce.call(this));
		if (done.ok) return done.value;
		const nodeError = toNodeError(node, done.error, 0);
		if (!continueOnFail) throw nodeError;
		return [[errorItem(nodeError, 0)]];
	}

	if (!isBatch(operation)) {
		const outcomes = await runItems.call(this, operation, indexes, continueOnFail);
		succeeded = outcomes.filter((o) => o?.ok).length;
		if (!continueOnFail) {
			// the first failure in item order stops the run; items after it may not have been started
			const failed = indexes.find((i) => outcomes[i] && !outcomes[i]!.ok);
			if (failed !== undefined) settleItem(failed, outcomes[failed]!);
		}
		for (const i of indexes) settleItem(i, outcomes[i]!);
		return [output];
	}

	// every item is checked before anything is sent; without continue-on-fail the first bad item stops the run
	const prepared: Array<PreparedItem<unknown>> = [];
	const outcomes = new Map<number, BatchOutcome>();
	for (const i of indexes) {
		const read = await settle(operation.prepareItem.call(this, i));
		if (read.ok) prepared.push({ itemIndex: i, value: read.value });
		else if (!continueOnFail) throw toNodeError(node, read.error, i);
		else outcomes.set(i, { ok: false, error: read.error });
	}
	if (prepared.length > 0) {
		const sent = await settle(operation.executeBatch.call(this, prepared));
		// a batch that failed as a whole (nothing could be sent) fails each of its items
		const results = sent.ok
			? sent.value
			: prepared.map(() => ({ ok: false as const, error: sent.error }));
		results.forEach((result, n) => outcomes.set(prepared[n].itemIndex, result));
	}
	succeeded = [...outcomes.values()].filter((o) => o.ok).length;
	for (const i of indexes) settleItem(i, outcomes.get(i)!);
	return [output];
}

/** The stopping error, saying that other items of the run went through (sent, uploaded …) before it stopped. */
function withOthersDone(error: NodeApiError | NodeOperationError, succeeded: number) {
	if (succeeded === 0) return error;
	const others = `${succeeded} other item${succeeded === 1 ? '' : 's'} of this run went through before it stopped`;
	const note = `${others}; running the workflow again repeats them unless they carry an ID of your own the platform recognises. Set the node's "On Error" to continue to get one output item per input item.`;
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}

/** At most `limit` tasks at a time, started in the order they ask. */
function semaphore(limit: number) {
	let active = 0;
	const waiting: Array<() => void> = [];
	return async <T>(task: () => Promise<T>): Promise<T> => {
		if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
		active++;
		try {
			return await task();
		} finally {
			active--;
			waiting.shift()?.();
		}
	};
}

/**
 * Run an item operation over all items with bounded concurrency. Items with the same order key form a lane and run
 * one after another in item order; lanes run side by side. Without continue-on-fail, no new item starts once one
 * has failed (those already running finish).
 */
async function runItems(
	this: IExecuteFunctions,
	operation: ItemOperation,
	indexes: number[],
	continueOnFail: boolean,
): Promise<Array<BatchOutcome | undefined>> {
	const { concurrency, keepOrder } = readRequestOptions(this);
	const outcomes: Array<BatchOutcome | undefined> = new Array(indexes.length);
	if (concurrency <= 1) {
		for (const i of indexes) {
			outcomes[i] = await settleResult(operation.execute.call(this, i));
			if (!outcomes[i]!.ok && !continueOnFail) break;
		}
		return outcomes;
	}
	const limit = semaphore(concurrency);
	const lanes = new Map<string, Promise<void>>();
	let stopped = false;
	const keyOf = (i: number): string | undefined => {
		if (!keepOrder || !operation.orderKey) return undefined;
		const key = settleSync(() => operation.orderKey!.call(this, i));
		return key.ok ? key.value : undefined;
	};
	const tasks = indexes.map((i) => {
		const key = keyOf(i);
		const before = (key !== undefined && lanes.get(key)) || Promise.resolve();
		const task = before.then(async () => {
			await limit(async () => {
				if (stopped) return;
				outcomes[i] = await settleResult(operation.execute.call(this, i));
				if (!outcomes[i]!.ok && !continueOnFail) stopped = true;
			});
		});
		if (key !== undefined) lanes.set(key, task);
		return task;
	});
	await Promise.all(tasks);
	return outcomes;
}

async function settleResult(result: Promise<ItemResult>): Promise<BatchOutcome> {
	const settled = await settle(result);
	return settled.ok ? { ok: true, result: settled.value } : { ok: false, error: settled.error };
}

/** Each resource's operations, checked against the node's typed union of resource → operation names. */
export type OperationMap<T extends { resource: string; operation: string }> = {
	[R in T['resource']]: { [O in Extract<T, { resource: R }>['operation']]: Operation };
};

/** Dispatch to the operation chosen in the node's Resource and Operation dropdowns, then run the item loop. */
export async function routeOperation<T extends { resource: string; operation: string }>(
	this: IExecuteFunctions,
	operations: OperationMap<T>,
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = (operations as Record<string, Record<string, Operation> | undefined>)[resource]?.[
		operation
	];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return await runOperation.call(this, handler);
}
