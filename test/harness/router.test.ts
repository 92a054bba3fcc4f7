/**
 * The shared item loop with concurrency: items run side by side up to the limit, items to the same recipient keep
 * their order, the output keeps input order and pairing, and a failure stops new items unless continue-on-fail.
 */
import {
	NodeConnectionTypes,
	sleep,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
} from 'n8n-workflow';

import { requestOptionsProperty } from '../../nodes/common/options';
import { routeOperation } from '../../nodes/common/router';
import { registerTestTypes, runWorkflow } from './engine';

interface Trace {
	inFlight: number;
	maxInFlight: number;
	started: Array<{ item: number; to: string }>;
}
const trace: Trace = { inFlight: 0, maxInFlight: 0, started: [] };

const deliver = {
	async execute(this: IExecuteFunctions, i: number) {
		const to = this.getNodeParameter('to', i) as string;
		trace.started.push({ item: i, to });
		trace.inFlight++;
		trace.maxInFlight = Math.max(trace.maxInFlight, trace.inFlight);
		// later items of a recipient would overtake earlier ones if they were not kept in order
		await sleep(Number(this.getNodeParameter('ms', i)));
		trace.inFlight--;
		if (this.getNodeParameter('fail', i)) throw new Error(`item ${i} failed`);
		return { item: i, to };
	},
	orderKey(this: IExecuteFunctions, i: number) {
		return this.getNodeParameter('to', i) as string;
	},
};

const node: INodeType = {
	description: {
		displayName: 'Deliver',
		name: 'deliver',
		group: ['output'],
		version: 1,
		description: 'Runs the shared item loop',
		defaults: { name: 'Deliver' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Resource', name: 'resource', type: 'hidden', default: 'message' },
			{ displayName: 'Operation', name: 'operation', type: 'hidden', default: 'deliver' },
			{ displayName: 'To', name: 'to', type: 'string', default: '={{ $json.to }}' },
			{ displayName: 'Ms', name: 'ms', type: 'number', default: 0 },
			{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
			requestOptionsProperty('Test', 'never'),
		],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation.call(this, { message: { deliver } });
	},
};
registerTestTypes({ nodes: [node] });

async function run(
	items: Array<{ to: string; ms: number; fail?: boolean }>,
	options: Record<string, unknown> = {},
	continueOnFail = false,
) {
	trace.inFlight = 0;
	trace.maxInFlight = 0;
	trace.started = [];
	return await runWorkflow(
		{
			nodes: [
				{
					name: 'Deliver',
					type: 'test.deliver',
					continueOnFail,
					parameters: {
						ms: '={{ $json.ms }}',
						fail: '={{ $json.fail === true }}',
						requestOptions: options as never,
					},
				},
			],
		},
		{ input: items.map((json) => ({ json })) },
	);
}

describe('The shared item loop runs items at once, in order per recipient', () => {
	test('different recipients run side by side, up to the concurrency; the output keeps input order and pairing', async () => {
		const items = Array.from({ length: 12 }, (_, n) => ({ to: `user${n}`, ms: 30 }));
		const result = await run(items, { concurrency: 4 });
		expect(result.error?.message).toBeUndefined();
		expect(trace.maxInFlight).toBe(4);
		expect(
			result.output().map((o) => [o.json.item, (o.pairedItem as { item: number }).item]),
		).toEqual(items.map((_, n) => [n, n]));
	});

	test('messages to the same recipient go one after another in item order, even when an earlier one is slower', async () => {
		const items = [
			{ to: 'ann', ms: 60 },
			{ to: 'bob', ms: 5 },
			{ to: 'ann', ms: 5 },
			{ to: 'bob', ms: 5 },
			{ to: 'ann', ms: 1 },
		];
		await run(items, { concurrency: 5 });
		const annStarts = trace.started.filter((s) => s.to === 'ann').map((s) => s.item);
		expect(annStarts).toEqual([0, 2, 4]);
		// bob did not wait for ann
		expect(trace.started.findIndex((s) => s.item === 3)).toBeLessThan(
			trace.started.findIndex((s) => s.item === 2),
		);
	});

	test('with order per recipient off, a recipient’s items run at once too', async () => {
		await run(
			[
				{ to: 'ann', ms: 30 },
				{ to: 'ann', ms: 30 },
				{ to: 'ann', ms: 30 },
			],
			{ concurrency: 3, keepOrder: false },
		);
		expect(trace.maxInFlight).toBe(3);
	});

	test('without continue-on-fail, the first failure in item order is the error and no new item starts', async () => {
		const items = [
			{ to: 'a', ms: 20 },
			{ to: 'b', ms: 1, fail: true },
			...Array.from({ length: 10 }, (_, n) => ({ to: `c${n}`, ms: 20 })),
		];
		const result = await run(items, { concurrency: 2 });
		expect(result.error?.message).toBe('item 1 failed');
		expect(trace.started.length).toBeLessThan(items.length);
		// items that went through before the stop are named, since running the workflow again would repeat them
		const done = trace.started.length - 1;
		expect(result.error?.description).toBe(
			`${done} other item${done === 1 ? '' : 's'} of this run went through before it stopped; running the workflow again repeats them unless they carry an ID of your own the platform recognises. Set the node's "On Error" to continue to get one output item per input item.`,
		);
	});

	test('a run that stops at its first item says nothing of others', async () => {
		const result = await run([{ to: 'a', ms: 1, fail: true }], { concurrency: 1 });
		expect(result.error?.message).toBe('item 0 failed');
		expect(result.error?.description ?? '').not.toMatch(/went through/);
	});

	test('with continue-on-fail every item runs and the failed one is an error item in its place', async () => {
		const items = [
			{ to: 'a', ms: 5 },
			{ to: 'b', ms: 1, fail: true },
			{ to: 'c', ms: 5 },
		];
		const result = await run(items, { concurrency: 3 }, true);
		expect(result.output().map((o) => o.json.error ?? o.json.item)).toEqual([
			0,
			'item 1 failed',
			2,
		]);
	});
});
