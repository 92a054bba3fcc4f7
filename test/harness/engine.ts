/**
 * Runs workflow JSON through n8n's real engine (WorkflowExecute from n8n-core), with this package loaded from
 * dist/ the way n8n loads a community package. Credentials go through credentials.ts, which mirrors n8n's
 * CredentialsHelper. Webhook triggers are called the way n8n's webhook handler calls them (the request body parsed
 * first, WebhookContext, the onReceived answer), and their items then run the workflow.
 */
import * as path from 'node:path';

import { Container } from '@n8n/di';
import {
	ExecutionLifecycleHooks,
	generateUrlSignature,
	InstanceSettings,
	PackageDirectoryLoader,
	prepareUrlForSigning,
	WAITING_TOKEN_QUERY_PARAM,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createDeferredPromise,
	createRunExecutionData,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
	type IRunExecutionData,
	type WorkflowExecuteMode,
	SEND_AND_WAIT_OPERATION,
} from 'n8n-workflow';

import { CredentialStore, TestCredentialsHelper } from './credentials';

export { CredentialStore } from './credentials';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-chat-platforms';
/** Prefix of node and credential types that tests register themselves (harness self-tests). */
export const TEST_PREFIX = 'test.';

let loaderPromise: Promise<PackageDirectoryLoader> | undefined;

/** Load the built package (dist/) as n8n loads a community package; once per process. */
export async function loadPackage(): Promise<PackageDirectoryLoader> {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		return loader;
	})();
	return await loaderPromise;
}

const testNodeTypes = new Map<string, INodeType>();
const testCredentialTypes = new Map<string, ICredentialType>();

/** Make node and credential types written in a test available to the harness (types are named `test.<name>`). */
export function registerTestTypes(types: {
	nodes?: INodeType[];
	credentials?: ICredentialType[];
}): void {
	for (const node of types.nodes ?? [])
		testNodeTypes.set(`${TEST_PREFIX}${node.description.name}`, node);
	for (const credential of types.credentials ?? [])
		testCredentialTypes.set(credential.name, credential);
}

class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const own = testNodeTypes.get(nodeType);
		if (own) return own;
		const loaded = this.loader.nodeTypes[nodeType.replace(`${PACKAGE_NAME}.`, '')];
		if (!loaded) throw new Error(`test harness: unknown node type ${nodeType}`);
		return loaded.type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

function credentialType(loader: PackageDirectoryLoader, name: string): ICredentialType {
	const type = testCredentialTypes.get(name) ?? loader.credentialTypes[name]?.type;
	if (!type) throw new Error(`test harness: unknown credential type ${name}`);
	return type;
}

export interface WorkflowJson {
	name?: string;
	nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type' | 'parameters'>>;
	connections?: IConnections;
	/** Workflow settings beyond the execution order (e.g. `timezone`). */
	settings?: IDataObject;
}

export type CredentialsOption = Record<string, ICredentialDataDecryptedObject> | CredentialStore;

export interface RunOptions {
	/** Items given to the first node (or `startNode`), as if a trigger had produced them. */
	input?: INodeExecutionData[];
	/** All outputs of the start node at once (a webhook trigger's workflowData); overrides `input`. */
	inputMain?: INodeExecutionData[][];
	startNode?: string;
	/** Decrypted credential data by type, or a store shared by several runs. */
	credentials?: CredentialsOption;
	executionId?: string;
	mode?: WorkflowExecuteMode;
	/** The workflow's static data, kept between runs as n8n saves it (triggers remember what they saw there). */
	staticData?: IDataObject;
}

export interface RunResult {
	run: IRun;
	status: IRun['status'];
	/** The error that stopped the run, if any. */
	error?: Error & { description?: string; context?: IDataObject; node?: INode };
	/** Output items of a node's first run, main output 0. */
	output(nodeName?: string, outputIndex?: number): INodeExecutionData[];
}

function normalizeNodes(workflow: WorkflowJson): INode[] {
	return workflow.nodes.map((node, i) => ({
		id: node.id ?? `node-${i}`,
		typeVersion: node.typeVersion ?? 1,
		position: node.position ?? [i * 200, 0],
		...node,
		type:
			node.type.startsWith(`${PACKAGE_NAME}.`) || node.type.startsWith(TEST_PREFIX)
				? node.type
				: `${PACKAGE_NAME}.${node.type}`,
	})) as INode[];
}

export interface Prepared {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	nodes: INode[];
	additionalData: IWorkflowExecuteAdditionalData;
	hooks: ExecutionLifecycleHooks;
	store: CredentialStore;
}

/** The engine's view of a workflow: nodes, the additional data n8n gives contexts, hooks and credentials. */
export async function prepare(workflowJson: WorkflowJson, options: RunOptions): Promise<Prepared> {
	const loader = await loadPackage();
	const nodes = normalizeNodes(workflowJson);
	const connections = workflowJson.connections ?? {};
	const workflow = new Workflow({
		id: 'test',
		name: workflowJson.name ?? 'test',
		nodes,
		connections,
		active: false,
		nodeTypes: new HarnessNodeTypes(loader),
		settings: { executionOrder: 'v1', ...(workflowJson.settings ?? {}) },
		staticData: options.staticData,
	});
	// n8n copies static data in and saves it back; the test's object stands for the database row
	if (options.staticData) workflow.staticData = options.staticData as typeof workflow.staticData;
	const workflowData = {
		id: 'test',
		name: workflow.name ?? 'test',
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1', ...(workflowJson.settings ?? {}) },
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const executionId = options.executionId ?? 'test-execution';
	const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', executionId, workflowData);
	const store =
		options.credentials instanceof CredentialStore
			? options.credentials
			: new CredentialStore(options.credentials);
	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper((name) => credentialType(loader, name), store),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('test harness: sub-workflows are not supported');
		},
		getRunExecutionData: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('test harness: task runners are not supported');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, workflowData, nodes, additionalData, hooks, store };
}

/** Run a workflow in n8n's engine and return what every node produced. */
export async function runWorkflow(
	workflowJson: WorkflowJson,
	options: RunOptions = {},
): Promise<RunResult> {
	const { workflow, nodes, additionalData, hooks } = await prepare(workflowJson, options);
	const done = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const startNode = workflow.getNode(options.startNode ?? nodes[0].name)!;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: options.inputMain ?? [options.input ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});
	const execution = new WorkflowExecute(additionalData, options.mode ?? 'manual', runExecutionData);
	await execution.processRunExecutionData(workflow);
	const run = await done.promise;
	const error = run.data.resultData.error as RunResult['error'];
	return {
		run,
		status: run.status,
		error,
		output(nodeName = startNode.name, outputIndex = 0) {
			const task = run.data.resultData.runData[nodeName]?.[0];
			return (task?.data?.main?.[outputIndex] ?? []) as INodeExecutionData[];
		},
	};
}

/** An input item carrying a file in a binary property, in n8n's in-memory form. */
export function binaryItem(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
	json: IDataObject = {},
	property = 'data',
): INodeExecutionData {
	return {
		json,
		binary: {
			[property]: {
				data: bytes.toString('base64'),
				fileName,
				mimeType,
				fileSize: String(bytes.length),
			},
		},
	};
}

// ---- webhooks ------------------------------------------------------------------------------------------------------

export interface WebhookRequest {
	method?: string;
	/** Header names in any case; `content-type` decides how the body is parsed, as n8n does. */
	headers?: Record<string, string>;
	query?: Record<string, string>;
	/** The raw body as sent. */
	body?: string | Buffer;
}

export interface WebhookResult {
	/** What the platform got back. */
	response: { status: number; headers: Record<string, string>; body: unknown };
	/** What `webhook()` returned, when it ran. */
	webhookData?: IWebhookResponseData;
	/** The execution the webhook started, if it started one. */
	run?: RunResult;
}

class FakeResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: unknown;
	headersSent = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	header(name: string, value: string) {
		return this.setHeader(name, value);
	}

	json(body: unknown) {
		this.body = body;
		this.headersSent = true;
		return this;
	}

	send(body: unknown) {
		this.body = body;
		this.headersSent = true;
		return this;
	}

	end(body?: unknown) {
		if (body !== undefined) this.body = body;
		this.headersSent = true;
		return this;
	}

	writeHead(code: number, headers: Record<string, string> = {}) {
		this.statusCode = code;
		for (const [k, v] of Object.entries(headers)) this.setHeader(k, v);
		return this;
	}
}

/** n8n's parsing of a webhook body before the node sees it (cli: webhook-helpers parseRequestBody, body-parser). */
function parseWebhookBody(
	node: INode,
	contentType: string,
	raw: Buffer,
): { body: unknown; error?: string } {
	const options = (node.parameters.options ?? {}) as IDataObject;
	if (node.typeVersion === 1 && options.binaryData === true) return { body: {} };
	const mime = contentType.split(';')[0].trim().toLowerCase();
	const parses =
		node.typeVersion === 1 ||
		/^(application\/json|text\/plain|application\/x-www-form-urlencoded)/.test(mime) ||
		/[/+]xml$/.test(mime);
	if (!parses || raw.length === 0) return { body: {} };
	const text = raw.toString('utf8');
	try {
		if (mime === 'application/json') return { body: JSON.parse(text) };
		if (mime === 'application/x-www-form-urlencoded')
			return { body: Object.fromEntries(new URLSearchParams(text)) };
		if (mime === 'text/plain') return { body: text };
	} catch (error) {
		return { body: {}, error: (error as Error).message };
	}
	return { body: {} };
}

/** n8n's handling of one request up to the node's webhook(): the body parsed, WebhookContext, the call. */
async function callWebhook(
	prepared: Prepared,
	node: INode,
	description: IWebhookDescription,
	request: WebhookRequest,
	mode: WorkflowExecuteMode,
	runExecutionData: IRunExecutionData | null,
): Promise<
	| { webhookResult: IWebhookResponseData; res: FakeResponse }
	| { response: WebhookResult['response'] }
> {
	const { workflow, additionalData } = prepared;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookPath = String(
		workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}),
	);
	const webhookData: IWebhookData = {
		httpMethod: String(
			workflow.expression.getSimpleParameterValue(
				node,
				description.httpMethod,
				'internal',
				{},
				undefined,
				'GET',
			),
		) as IWebhookData['httpMethod'],
		node: node.name,
		path: description.isFullPath
			? webhookPath
			: NodeHelpers.getNodeWebhookPath(workflow.id, node, webhookPath.replace(/^\/|\/$/g, '')),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	};

	const headers = Object.fromEntries(
		Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
	);
	const raw = Buffer.isBuffer(request.body)
		? request.body
		: Buffer.from(request.body ?? '', 'utf8');
	const contentType = headers['content-type'] ?? '';
	const parsed = parseWebhookBody(node, contentType, raw);
	const res = new FakeResponse();
	if (parsed.error !== undefined) {
		return {
			response: {
				status: 422,
				headers: {},
				body: { message: 'Failed to parse request body', detail: parsed.error },
			},
		};
	}
	const req = {
		method: request.method ?? webhookData.httpMethod,
		headers,
		query: request.query ?? {},
		params: {},
		body: parsed.body,
		rawBody: undefined as Buffer | undefined,
		contentType: contentType.split(';')[0].trim().toLowerCase(),
		readRawBody: async () => {
			req.rawBody = raw;
		},
	};
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;

	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		mode,
		webhookData,
		[],
		runExecutionData,
	);
	let webhookResult: IWebhookResponseData;
	try {
		webhookResult = await nodeType.webhook!.call(context);
	} catch (error) {
		return { response: { status: 500, headers: {}, body: { message: (error as Error).message } } };
	}
	return { webhookResult, res };
}

/**
 * Deliver one HTTP request to a webhook trigger as n8n's webhook handler does, answer it the way n8n would, and run
 * the workflow when the trigger returns items (the trigger passes them through, as webhook nodes do in the engine).
 */
export async function runWebhook(
	workflowJson: WorkflowJson,
	request: WebhookRequest,
	options: RunOptions & {
		webhookNode?: string;
		webhookName?: string;
		/** Called with the answer as soon as it is known, before the workflow runs (n8n's onReceived). */
		onResponse?: (response: WebhookResult['response']) => void;
	} = {},
): Promise<WebhookResult> {
	const prepared = await prepare(workflowJson, { ...options, mode: options.mode ?? 'webhook' });
	const { workflow, nodes } = prepared;
	const node = workflow.getNode(options.webhookNode ?? nodes[0].name)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const name = options.webhookName ?? 'default';
	const description = nodeType.description.webhooks?.find((w) => w.name === name);
	if (!description) throw new Error(`test harness: ${node.name} has no ${name} webhook`);
	const called = await callWebhook(
		prepared,
		node,
		description,
		request,
		options.mode ?? 'webhook',
		null,
	);
	if ('response' in called) return called;
	const { webhookResult, res } = called;
	const answer = (status: number, body: unknown) => ({ status, headers: res.headers, body });
	if (webhookResult.noWebhookResponse) {
		const response = answer(res.statusCode, res.body);
		options.onResponse?.(response);
		if (!webhookResult.workflowData) return { response, webhookData: webhookResult };
		const run = await runWorkflow(workflowJson, {
			...options,
			credentials: prepared.store,
			startNode: node.name,
			inputMain: webhookResult.workflowData,
		});
		return { response, webhookData: webhookResult, run };
	}
	const responseCode = Number(
		(node.parameters.options as IDataObject | undefined)?.responseCode ?? 200,
	);
	if (!webhookResult.workflowData) {
		const body = webhookResult.webhookResponse ?? { message: 'Webhook call received' };
		return { response: answer(responseCode, body), webhookData: webhookResult };
	}
	const responseMode = workflow.expression.getSimpleParameterValue(
		node,
		description.responseMode,
		'internal',
		{},
		undefined,
		'onReceived',
	);
	if (responseMode === 'lastNode') {
		// n8n answers with the first item of the node that ran last, once the workflow is done
		const run = await runWorkflow(workflowJson, {
			...options,
			credentials: prepared.store,
			startNode: node.name,
			inputMain: webhookResult.workflowData,
		});
		const last = run.run.data.resultData.lastNodeExecuted;
		const first = last ? run.output(last)[0]?.json : undefined;
		const response = run.error
			? answer(500, { message: 'Error in workflow' })
			: answer(
					responseCode,
					first ?? {
						message: 'Workflow executed successfully but the last node did not return any data',
					},
				);
		options.onResponse?.(response);
		return { response, webhookData: webhookResult, run };
	}
	const body = webhookResult.webhookResponse ?? { message: 'Workflow was started' };
	options.onResponse?.(answer(responseCode, body));
	const run = await runWorkflow(workflowJson, {
		...options,
		credentials: prepared.store,
		startNode: node.name,
		inputMain: webhookResult.workflowData,
	});
	return { response: answer(responseCode, body), webhookData: webhookResult, run };
}

// ---- credential tests ----------------------------------------------------------------------------------------------

/**
 * What n8n's credential tester does with a credential's `test`: resolve its expressions against the credential, run
 * preAuthentication (n8n always does when testing a token credential), sign the request with `authenticate`, send it,
 * and fail when a `responseSuccessBody` rule matches the answer (n8n fails the test when the value at `key` equals
 * `value`).
 */
export async function runCredentialTest(
	credentialTypeName: string,
	data: ICredentialDataDecryptedObject,
	send: (request: IHttpRequestOptions) => Promise<{ statusCode: number; body: unknown }>,
	helpers?: { httpRequest(options: IHttpRequestOptions): Promise<unknown> },
): Promise<{ status: 'OK' | 'Error'; message: string; request: IHttpRequestOptions }> {
	const loader = await loadPackage();
	const type = credentialType(loader, credentialTypeName);
	if (!type.test) throw new Error(`${credentialTypeName} has no test`);
	const node: INode = {
		id: 't',
		name: 'test',
		type: Object.keys(loader.nodeTypes)[0],
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes(loader),
	});
	let credentials = data;
	if (typeof type.preAuthentication === 'function') {
		if (!helpers)
			throw new Error(`${credentialTypeName} fetches a token: pass helpers to runCredentialTest`);
		const fetched = await type.preAuthentication.call({ helpers } as never, { ...data });
		credentials = { ...data, ...(fetched as ICredentialDataDecryptedObject) };
	}
	const resolve = (value: unknown) =>
		workflow.expression.getParameterValue(value as string, null, 0, 0, node.name, [], 'internal', {
			$credentials: credentials,
		});
	const request = resolve(type.test.request) as unknown as IHttpRequestOptions;
	const helper = new TestCredentialsHelper(
		(name) => credentialType(loader, name),
		new CredentialStore(),
	);
	const signed = await helper.authenticate(
		credentials,
		credentialTypeName,
		request,
		workflow,
		node,
	);
	const response = await send(signed);
	if (response.statusCode >= 400)
		return { status: 'Error', message: `HTTP ${response.statusCode}`, request: signed };
	for (const rule of type.test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const found = rule.properties.key
			.split('.')
			.reduce<unknown>(
				(v, k) => (v && typeof v === 'object' ? (v as IDataObject)[k] : undefined),
				response.body,
			);
		if (found === rule.properties.value)
			return { status: 'Error', message: rule.properties.message, request: signed };
	}
	return { status: 'OK', message: 'Connection successful!', request: signed };
}

// ---- waiting executions (Send and Wait) ----------------------------------------------------------------------------

function runResult(run: IRun, startNode: string): RunResult {
	return {
		run,
		status: run.status,
		error: run.data.resultData.error as RunResult['error'],
		output(nodeName = startNode, outputIndex = 0) {
			const tasks = run.data.resultData.runData[nodeName] ?? [];
			const task = tasks[tasks.length - 1];
			return (task?.data?.main?.[outputIndex] ?? []) as INodeExecutionData[];
		},
	};
}

async function continueExecution(
	prepared: Prepared,
	data: IRunExecutionData,
	mode: WorkflowExecuteMode,
	startNode: string,
) {
	const done = createDeferredPromise<IRun>();
	prepared.hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	await new WorkflowExecute(prepared.additionalData, mode, data).processRunExecutionData(
		prepared.workflow,
	);
	return runResult(await done.promise, startNode);
}

/** The signature n8n puts on resume URLs (getSignedResumeUrl), checked as its waiting-webhook handler checks it. */
function validResumeSignature(url: URL): boolean {
	const given = url.searchParams.get(WAITING_TOKEN_QUERY_PARAM);
	if (!given) return false;
	const unsigned = new URL(url.toString());
	unsigned.searchParams.delete(WAITING_TOKEN_QUERY_PARAM);
	const expected = generateUrlSignature(
		prepareUrlForSigning(unsigned),
		Container.get(InstanceSettings).hmacSignatureSecret,
	);
	return given.length === expected.length && given === expected;
}

/**
 * A request to a waiting execution's resume URL (`/webhook-waiting/<executionId>/<nodeId>`), handled as n8n's
 * waiting-webhooks handler does: the signature checked for Send and Wait nodes, the node's restart webhook called,
 * and, when it returns items, the execution continued from that node with them as its output. A finished
 * execution answers "no action required" for Send and Wait, as n8n does. The waiting run is not changed, like the
 * stored execution n8n reads again for each request.
 */
export async function resumeWaiting(
	workflowJson: WorkflowJson,
	waiting: RunResult,
	request: WebhookRequest & { url: string },
	options: RunOptions = {},
): Promise<WebhookResult> {
	const url = new URL(request.url);
	const [, executionId, nodeId] = /^\/webhook-waiting\/([^/]+)\/([^/]+)$/.exec(url.pathname) ?? [];
	if (!executionId)
		return { response: { status: 404, headers: {}, body: { message: 'not a resume URL' } } };
	const data = structuredClone(waiting.run.data);
	const lastNodeName = data.resultData.lastNodeExecuted ?? '';
	const lastNode = workflowJson.nodes.find((n) => n.name === lastNodeName);
	const sendAndWait = lastNode?.parameters?.operation === SEND_AND_WAIT_OPERATION;
	if (data.validateSignature && sendAndWait && !validResumeSignature(url)) {
		return { response: { status: 401, headers: {}, body: { error: 'Invalid token' } } };
	}
	// n8n: a finished execution whose node with that id is Send and Wait shows "no action required"
	const target = normalizeNodes(workflowJson).find((n) => n.id === nodeId);
	if (waiting.status !== 'waiting') {
		if (target?.parameters.operation === SEND_AND_WAIT_OPERATION)
			return { response: { status: 200, headers: {}, body: 'send-and-wait-no-action-required' } };
		return {
			response: {
				status: 409,
				headers: {},
				body: { message: `The execution "${executionId}" has finished already.` },
			},
		};
	}
	const mode = waiting.run.mode;
	const prepared = await prepare(workflowJson, { ...options, executionId, mode });
	const node = prepared.workflow.getNode(lastNodeName)!;
	const nodeType = prepared.workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const method = request.method ?? 'GET';
	const description = nodeType.description.webhooks?.find(
		(w) =>
			w.restartWebhook === true &&
			w.httpMethod === method &&
			prepared.workflow.expression.getSimpleParameterValue(node, w.path, 'internal', {}) === nodeId,
	);
	if (!description || node.id !== nodeId) {
		if (sendAndWait)
			return { response: { status: 200, headers: {}, body: 'send-and-wait-no-action-required' } };
		return {
			response: {
				status: 404,
				headers: {},
				body: { message: 'no waiting webhook with a matching path/method' },
			},
		};
	}
	const query = Object.fromEntries(url.searchParams);
	const called = await callWebhook(
		prepared,
		node,
		description,
		{ ...request, method, query },
		mode,
		data,
	);
	if ('response' in called) return called;
	const { webhookResult, res } = called;
	const answer = (status: number, body: unknown) => ({ status, headers: res.headers, body });
	const response = webhookResult.noWebhookResponse
		? answer(res.statusCode, res.body)
		: answer(200, webhookResult.webhookResponse ?? { message: 'Workflow was started' });
	if (!webhookResult.workflowData) return { response, webhookData: webhookResult };
	// as n8n does: the waiting node is passed over, with the webhook's items as its output
	data.waitTill = undefined;
	const entry = data.executionData!.nodeExecutionStack[0];
	entry.node.disabled = true;
	entry.data.main = webhookResult.workflowData;
	data.resultData.runData[lastNodeName]?.pop();
	const run = await continueExecution(prepared, data, mode, lastNodeName);
	return { response, webhookData: webhookResult, run };
}

/** The wait of a waiting execution ran out: n8n continues it, the waiting node passing its input items on. */
export async function resumeAfterTimeout(
	workflowJson: WorkflowJson,
	waiting: RunResult,
	options: RunOptions = {},
): Promise<RunResult> {
	const data = structuredClone(waiting.run.data);
	const prepared = await prepare(workflowJson, { ...options, mode: waiting.run.mode });
	return await continueExecution(
		prepared,
		data,
		waiting.run.mode,
		data.resultData.lastNodeExecuted ?? '',
	);
}
