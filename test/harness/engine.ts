/**
 * Runs workflow JSON through n8n's real engine (WorkflowExecute from n8n-core), with this package loaded from
 * dist/ the way n8n loads a community package. Credentials are applied by each credential type's own
 * `authenticate`, exactly as n8n's CredentialsHelper does for function-form authentication.
 */
import * as path from 'node:path';

import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import {
	createDeferredPromise,
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
} from 'n8n-workflow';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-chat-platforms';

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

class PackageNodeTypes implements INodeTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.loader.nodeTypes[nodeType.replace(`${PACKAGE_NAME}.`, '')].type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Credentials helper for tests: decrypted data comes from the test, authentication from the credential type. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly loader: PackageDirectoryLoader,
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	private type(name: string): ICredentialType {
		return this.loader.credentialTypes[name].type;
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		_workflow: Workflow,
		_node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.type(typeName).authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate) return requestOptions;
		throw new Error(`test harness: generic authentication of ${typeName} is not supported`);
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('test harness: getCredentials is not used');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`test harness: no credentials of type ${type}`);
		// a copy, as n8n decrypts anew for every use
		return JSON.parse(JSON.stringify(data)) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

export interface WorkflowJson {
	name?: string;
	nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type' | 'parameters'>>;
	connections?: IConnections;
}

export interface RunOptions {
	/** Items given to the first node (or `startNode`), as if a trigger had produced them. */
	input?: INodeExecutionData[];
	startNode?: string;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
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
		type: node.type.startsWith(`${PACKAGE_NAME}.`) ? node.type : `${PACKAGE_NAME}.${node.type}`,
	})) as INode[];
}

/** Run a workflow in n8n's engine and return what every node produced. */
export async function runWorkflow(workflowJson: WorkflowJson, options: RunOptions = {}): Promise<RunResult> {
	const loader = await loadPackage();
	const nodes = normalizeNodes(workflowJson);
	const connections = workflowJson.connections ?? {};
	const nodeTypes = new PackageNodeTypes(loader);
	const workflow = new Workflow({
		id: 'test',
		name: workflowJson.name ?? 'test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const workflowData: IWorkflowBase = {
		id: 'test',
		name: workflow.name ?? 'test',
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;

	const done = createDeferredPromise<IRun>();
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', workflowData);
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));

	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(loader, options.credentials ?? {}),
		executionId: 'test-execution',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
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

	const startNode = workflow.getNode(options.startNode ?? nodes[0].name)!;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: startNode, data: { main: [options.input ?? [{ json: {} }]] }, source: null },
			],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData);
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
		binary: { [property]: { data: bytes.toString('base64'), fileName, mimeType, fileSize: String(bytes.length) } },
	};
}

/**
 * What n8n's credential tester does with a credential's `test`: resolve its expressions against the credential,
 * sign the request with the credential's `authenticate`, send it, and fail when a `responseSuccessBody` rule
 * matches the answer (n8n fails the test when the value at `key` equals `value`).
 */
export async function runCredentialTest(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
	send: (request: IHttpRequestOptions) => Promise<{ statusCode: number; body: unknown }>,
): Promise<{ status: 'OK' | 'Error'; message: string; request: IHttpRequestOptions }> {
	const loader = await loadPackage();
	const type = loader.credentialTypes[credentialType].type;
	if (!type.test) throw new Error(`${credentialType} has no test`);
	// any node of the package will do: the expressions only read $credentials
	const node: INode = { id: 't', name: 'test', type: Object.keys(loader.nodeTypes)[0], typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new PackageNodeTypes(loader) });
	const resolve = (value: unknown) =>
		workflow.expression.getParameterValue(value as string, null, 0, 0, node.name, [], 'internal', { $credentials: data });
	const request = resolve(type.test.request) as unknown as IHttpRequestOptions;
	const authenticate = type.authenticate;
	const signed = typeof authenticate === 'function' ? await authenticate(data, request) : request;
	const response = await send(signed);
	if (response.statusCode >= 400) return { status: 'Error', message: `HTTP ${response.statusCode}`, request: signed };
	for (const rule of type.test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const found = rule.properties.key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as IDataObject)[k] : undefined), response.body);
		if (found === rule.properties.value) return { status: 'Error', message: rule.properties.message, request: signed };
	}
	return { status: 'OK', message: 'Connection successful!', request: signed };
}
