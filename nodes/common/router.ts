import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from './errors';

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
}

export type BatchOutcome = { ok: true; result: ItemResult } | { ok: false; error: unknown };

/**
 * An operation that needs all input items at once (batched sends, batched acknowledgements). It returns one
 * outcome per input item, in input order. It validates every item before sending anything; when the node does
 * not continue on fail it throws the first input error instead of sending.
 */
export interface BatchOperation {
	executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<BatchOutcome[]>;
}

export type Operation = ItemOperation | BatchOperation;

function isBatch(op: Operation): op is BatchOperation {
	return typeof (op as BatchOperation).executeBatch === 'function';
}

function toExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const pairedItem = { item: itemIndex };
	if (result instanceof ItemWithBinary) return [{ json: result.json, binary: result.binary, pairedItem }];
	const list = Array.isArray(result) ? result : [result];
	return list.map((json) => ({ json, pairedItem }));
}

function errorItem(error: NodeApiError | { message: string; description?: string | null }, itemIndex: number) {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.errorResponse) {
		const { code, text } = error.errorResponse as IDataObject;
		if (code !== undefined) json.code = code;
		if (text !== undefined) json.platformMessage = text;
	}
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The item loop every node shares: runs the operation, pairs each output with its input item, turns failures
 * into n8n errors that carry the item index and no secret, and honours "continue on fail".
 */
export async function runOperation(this: IExecuteFunctions, operation: Operation): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const indexes = items.map((_, i) => i);
	const node = this.getNode();
	const output: INodeExecutionData[] = [];

	if (isBatch(operation)) {
		let outcomes: BatchOutcome[];
		try {
			outcomes = await operation.executeBatch.call(this, indexes);
		} catch (error) {
			const itemIndex = (error as { itemIndex?: number }).itemIndex ?? 0;
			const nodeError = toNodeError(node, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			// nothing was sent (e.g. an unusable credential): every item gets the error
			return [indexes.map((i) => errorItem(nodeError, i))];
		}
		outcomes.forEach((outcome, i) => {
			if (outcome.ok) {
				output.push(...toExecutionData(outcome.result, i));
				return;
			}
			const nodeError = toNodeError(node, outcome.error, i);
			if (!this.continueOnFail()) throw nodeError;
			output.push(errorItem(nodeError, i));
		});
		return [output];
	}

	for (const i of indexes) {
		try {
			const result = await operation.execute.call(this, i);
			output.push(...toExecutionData(result, i));
		} catch (error) {
			const nodeError = toNodeError(node, error, i);
			if (!this.continueOnFail()) throw nodeError;
			output.push(errorItem(nodeError, i));
		}
	}
	return [output];
}

/** Attach the index of the item an error belongs to, for errors thrown out of a batch operation. */
export function atItem<E>(error: E, itemIndex: number): E {
	if (error && typeof error === 'object') (error as { itemIndex?: number }).itemIndex = itemIndex;
	return error;
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
	const handler = (operations as Record<string, Record<string, Operation> | undefined>)[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await runOperation.call(this, handler);
}
