/** What the sandbox imports into n8n: credentials pointing at the emulators and the example workflows. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { SandboxPlatform } from './emulators';

export const PACKAGE_NAME = 'n8n-nodes-chat-platforms';

export interface ImportedCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

type Connections = Record<
	string,
	{ main: Array<Array<{ node: string; type: string; index: number }>> }
>;

export interface ImportedWorkflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Connections;
	settings: Record<string, unknown>;
	active: boolean;
}

export interface SandboxImport {
	credentials: ImportedCredential[];
	workflows: ImportedWorkflow[];
	/** The id each example in examples/ was imported under, by file name. */
	exampleIds: Record<string, string>;
	/** The workflows with a trigger, published so their production webhooks are live; by platform. */
	triggers: SandboxTrigger[];
}

export interface SandboxTrigger {
	platform: 'Tencent IM' | 'Yunhu' | 'Yunzhenji';
	name: string;
	workflowId: string;
	/** Under n8n's /webhook/. */
	webhookPath: string;
}

/** The Tencent trigger's callback token and the Yunhu trigger's secret, set on both sides as a user would. */
export const SANDBOX_CALLBACK_TOKEN = 'sandbox-callback-token';
export const SANDBOX_YUNHU_SECRET = 'sandbox-secret';

/** n8n's ids are 16 characters of [0-9A-Za-z]; fixed ones keep the editor's URLs the same every run. */
function sandboxId(prefix: string, name: string): string {
	return `${prefix}${name}`
		.replace(/[^0-9A-Za-z]/g, '')
		.slice(0, 16)
		.padEnd(16, '0');
}

/** Names the examples give each credential type, so the imported credential reads the same in the editor. */
function exampleCredentialNames(examples: ImportedWorkflow[]): Map<string, string> {
	const names = new Map<string, string>();
	for (const node of examples.flatMap((w) => w.nodes)) {
		for (const [type, ref] of Object.entries(node.credentials ?? {}))
			if (!names.has(type)) names.set(type, ref.name);
	}
	return names;
}

const TRIGGER_NAME = 'When clicking ‘Execute workflow’';
const INPUT_NAME = 'Sample input';

/** Puts a manual trigger and a Code node with the demo's input items before the example's first node. */
function withSampleInput(example: ImportedWorkflow, input: unknown): ImportedWorkflow {
	const targets = new Set(
		Object.values(example.connections).flatMap((c) => c.main.flat().map((t) => t.node)),
	);
	const first = example.nodes.find((n) => !targets.has(n.name));
	if (!first) return example;
	const [x, y] = first.position;
	const code = [
		'// The items `npm run demo` feeds this workflow; the emulators know these users, groups and files.',
		`return ${JSON.stringify(input, null, '\t')};`,
	].join('\n');
	return {
		...example,
		nodes: [
			{
				name: TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [x - 440, y],
				parameters: {},
			},
			{
				name: INPUT_NAME,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [x - 220, y],
				parameters: { jsCode: code },
			},
			...example.nodes,
		],
		connections: {
			[TRIGGER_NAME]: { main: [[{ node: INPUT_NAME, type: 'main', index: 0 }]] },
			[INPUT_NAME]: { main: [[{ node: first.name, type: 'main', index: 0 }]] },
			...example.connections,
		},
	};
}

/** Credentials for every platform, the examples wired to them, and a published workflow per webhook trigger. */
export function buildImport(root: string, platforms: SandboxPlatform[]): SandboxImport {
	const examples = platforms.map((p) => {
		const file = path.join(root, 'examples', p.file);
		const workflow = JSON.parse(fs.readFileSync(file, 'utf8')) as ImportedWorkflow;
		return { platform: p, workflow };
	});
	const names = exampleCredentialNames(examples.map((e) => e.workflow));
	const credentials: ImportedCredential[] = platforms.flatMap((p) =>
		Object.entries(p.credentials).map(([type, data]) => ({
			id: sandboxId('cred', type),
			name: `${names.get(type) ?? p.platform} (emulator)`,
			type,
			data,
		})),
	);
	const byType = new Map(credentials.map((c) => [c.type, { id: c.id, name: c.name }]));
	const wire = (node: WorkflowNode): WorkflowNode => {
		if (!node.credentials) return node;
		const refs = Object.fromEntries(
			Object.keys(node.credentials).map((type) => [type, byType.get(type)]),
		);
		return { ...node, credentials: refs as WorkflowNode['credentials'] };
	};

	const workflows: ImportedWorkflow[] = examples.map(({ platform, workflow }) => {
		const wired = { ...workflow, nodes: workflow.nodes.map(wire) };
		return {
			...withSampleInput(wired, platform.input),
			id: sandboxId('wf', path.basename(platform.file, '.json')),
			settings: { executionOrder: 'v1' },
			active: false,
		};
	});

	const triggers: SandboxTrigger[] = [];
	const addTrigger = (
		platform: SandboxTrigger['platform'],
		name: string,
		webhookId: string,
		node: WorkflowNode,
	) => {
		const workflowId = sandboxId('wf', name);
		workflows.push({
			id: workflowId,
			name,
			nodes: [wire({ ...node, webhookId })],
			connections: {},
			settings: { executionOrder: 'v1' },
			active: false,
		});
		triggers.push({ platform, name, workflowId, webhookPath: `${webhookId}/webhook` });
	};
	addTrigger('Yunzhenji', 'Yunzhenji callbacks', 'a7d4f1c2-5b3e-4d8a-9c61-0e2f3b4a5d6c', {
		name: 'Yunzhenji Trigger',
		type: `${PACKAGE_NAME}.yunzhenjiTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { events: ['chatMsg', 'chatMsgSendFail', 'contacts', 'login', 'logout'] },
		credentials: { yunzhenjiApi: { id: '', name: '' } },
	});
	addTrigger('Tencent IM', 'Tencent IM callbacks', 'b3e9a6d0-2c47-4f1b-8e5d-7a9c0b1d2e3f', {
		name: 'Tencent Cloud IM Trigger',
		type: `${PACKAGE_NAME}.tencentImTrigger`,
		typeVersion: 1,
		position: [0, 0],
		// the examples send through the REST API; let those callbacks through so every send shows an execution
		parameters: { callbackToken: SANDBOX_CALLBACK_TOKEN, ignoreOwn: false },
		credentials: { tencentImApi: { id: '', name: '' } },
	});
	addTrigger('Yunhu', 'Yunhu bot events', 'c5f0b7e1-3d58-4a2c-9f6e-8b0d1c2e3f4a', {
		name: 'Yunhu Trigger',
		type: `${PACKAGE_NAME}.yunhuTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { secret: SANDBOX_YUNHU_SECRET },
	});
	return {
		credentials,
		workflows,
		exampleIds: Object.fromEntries(
			examples.map(({ platform }, i) => [platform.file, workflows[i].id]),
		),
		triggers,
	};
}
