/**
 * A real HTTP endpoint in front of a webhook trigger, for emulators that push callbacks over the network: each
 * request is handed to the trigger as n8n's webhook handler would (runWebhook), answered as soon as the answer is
 * known, and its run kept, so a test can wait for the callbacks and read what the trigger emitted.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { runWebhook, type RunOptions, type WebhookResult, type WorkflowJson } from './engine';

export interface WebhookReceiver {
	/** The URL to register with the platform (as n8n's production webhook URL would look). */
	url: string;
	results: WebhookResult[];
	/** Wait until every request received so far has run its workflow. */
	settle(): Promise<void>;
	/** The items the trigger emitted, over all requests so far. */
	items(): Array<Record<string, unknown>>;
	stop(): Promise<void>;
}

export async function startWebhookReceiver(
	workflow: WorkflowJson,
	options: RunOptions,
	triggerName: string,
	path = '/webhook/hook/webhook',
): Promise<WebhookReceiver> {
	const results: WebhookResult[] = [];
	const pending: Array<Promise<void>> = [];
	const staticData = options.staticData ?? {};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const answer = (response: WebhookResult['response']) => {
				if (res.headersSent) return;
				res.writeHead(response.status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(response.body));
			};
			const query = Object.fromEntries(new URL(req.url ?? '/', 'http://receiver').searchParams);
			const done = runWebhook(
				workflow,
				{
					method: req.method,
					headers: req.headers as Record<string, string>,
					query,
					body: Buffer.concat(chunks),
				},
				{ ...options, staticData, onResponse: answer },
			).then((result) => {
				results.push(result);
				answer(result.response);
			});
			pending.push(done);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
		results,
		settle: async () => {
			await Promise.all(pending);
		},
		items: () => results.flatMap((r) => r.run?.output(triggerName).map((i) => i.json) ?? []),
		stop: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
