/**
 * The harness itself: credentials authenticate as n8n does (function, generic and fetched-token forms), webhook
 * triggers are answered and run as n8n runs them, and the shared multipart helper goes over the wire intact.
 * Test-only node and credential types stand in for platforms so these guarantees hold for every platform.
 */
import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IExecuteFunctions,
	type IHttpRequestHelper,
	type INodeExecutionData,
	type INodeType,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { multipartForm } from '../../nodes/common/http';
import { LoopbackEmulator, jsonReply, type Reply } from '../emulators/common';
import {
	CredentialStore,
	registerTestTypes,
	runWebhook,
	runWorkflow,
	type WorkflowJson,
} from './engine';

let logins = 0;
const server: LoopbackEmulator = new LoopbackEmulator((req): Reply => {
	if (req.path === '/login') {
		const { user } = (req.json ?? {}) as { user?: string };
		return jsonReply(200, { token: `session-for-${user}-${++logins}` });
	}
	return jsonReply(200, { ok: true });
});
beforeAll(async () => {
	await server.start();
});
afterAll(async () => {
	await server.stop();
});
beforeEach(() => {
	server.clearRecord();
	logins = 0;
});

const headerCredential: ICredentialType = {
	name: 'testHeaderApi',
	displayName: 'Test Header API',
	properties: [
		{ displayName: 'Key', name: 'apiKey', type: 'string', default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.apiKey}}' },
			qs: { token: '=t-{{$credentials.apiKey}}' },
		},
	},
};

const tokenCredential: ICredentialType = {
	name: 'testTokenApi',
	displayName: 'Test Token API',
	properties: [
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	],
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const answer = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl)}/login`,
			body: { user: credentials.user },
			json: true,
		})) as { token: string };
		return { sessionToken: answer.token };
	},
	authenticate: {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	},
};

const echo: INodeType = {
	description: {
		displayName: 'Echo',
		name: 'echo',
		group: ['output'],
		version: 1,
		description: 'Sends each item to the test server',
		defaults: { name: 'Echo' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'testHeaderApi', required: false },
			{ name: 'testTokenApi', required: false },
		],
		properties: [
			{ displayName: 'Credential', name: 'credential', type: 'string', default: 'testHeaderApi' },
			{ displayName: 'Upload', name: 'upload', type: 'boolean', default: false },
		],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			const credential = this.getNodeParameter('credential', i) as string;
			const { baseUrl } = await this.getCredentials(credential);
			const upload = this.getNodeParameter('upload', i) as boolean;
			const body = upload
				? multipartForm({ note: 'a field' }, [
						{
							field: 'file',
							bytes: Buffer.from('file body \u00e9'),
							fileName: 'a.txt',
							mimeType: 'text/plain',
						},
					])
				: item.json;
			await this.helpers.httpRequestWithAuthentication.call(this, credential, {
				method: 'POST',
				url: `${String(baseUrl)}/echo`,
				body,
				json: !upload,
			});
			out.push({ json: { sent: i }, pairedItem: { item: i } });
		}
		return [out];
	},
};

const echoTrigger: INodeType = {
	description: {
		displayName: 'Echo Trigger',
		name: 'echoTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts a workflow from a webhook that carries the right secret',
		defaults: { name: 'Echo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [{ displayName: 'Secret', name: 'secret', type: 'string', default: '' }],
	},
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if ((this.getQueryData() as { secret?: string }).secret !== this.getNodeParameter('secret')) {
			this.getResponseObject().status(401).json({ error: 'wrong secret' });
			return { noWebhookResponse: true };
		}
		const events = this.getBodyData().events as Array<Record<string, string>>;
		return {
			webhookResponse: { received: events.length },
			workflowData: [events.map((json) => ({ json }))],
		};
	},
};

registerTestTypes({ nodes: [echo, echoTrigger], credentials: [headerCredential, tokenCredential] });

const echoWorkflow = (credential: string, upload = false): WorkflowJson => ({
	nodes: [
		{
			name: 'Echo',
			type: 'test.echo',
			parameters: { credential, upload },
			credentials: { [credential]: { id: '1', name: 'c' } },
		},
	],
});

describe('Harness › credentials as n8n applies them', () => {
	test('a generic (declarative) authenticate block is resolved with $credentials into headers and query', async () => {
		const result = await runWorkflow(echoWorkflow('testHeaderApi'), {
			input: [{ json: { n: 1 } }],
			credentials: { testHeaderApi: { apiKey: 'k-123', baseUrl: server.baseUrl } },
		});
		expect(result.error?.message).toBeUndefined();
		const [req] = server.requests;
		expect(req.headers['x-api-key']).toBe('k-123');
		expect(req.query.get('token')).toBe('t-k-123');
		expect(req.json).toEqual({ n: 1 });
	});

	test('a fetched token is got once by preAuthentication, saved, and reused by later items and executions', async () => {
		const store = new CredentialStore({
			testTokenApi: { user: 'ann', baseUrl: server.baseUrl, sessionToken: '' },
		});
		const input = [{ json: { n: 1 } }, { json: { n: 2 } }];
		await runWorkflow(echoWorkflow('testTokenApi'), { input, credentials: store });
		await runWorkflow(echoWorkflow('testTokenApi'), { input, credentials: store });
		expect(server.requests.map((r) => `${r.path} ${r.headers.authorization ?? ''}`)).toEqual([
			'/login ',
			'/echo Bearer session-for-ann-1',
			'/echo Bearer session-for-ann-1',
			'/echo Bearer session-for-ann-1',
			'/echo Bearer session-for-ann-1',
		]);
		expect(store.preAuthentications).toEqual([{ type: 'testTokenApi', expired: false }]);
		expect(store.get('testTokenApi')?.sessionToken).toBe('session-for-ann-1');
	});

	test('a multipart form from the shared helper arrives as fields and a file', async () => {
		await runWorkflow(echoWorkflow('testHeaderApi', true), {
			credentials: { testHeaderApi: { apiKey: 'k', baseUrl: server.baseUrl } },
		});
		const [req] = server.requests;
		expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const form = await new Response(new Uint8Array(req.body), {
			headers: { 'content-type': String(req.headers['content-type']) },
		}).formData();
		expect(form.get('note')).toBe('a field');
		const file = form.get('file') as File;
		expect(file.name).toBe('a.txt');
		expect(file.type).toBe('text/plain');
		expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('file body \u00e9');
	});
});

describe('Harness › webhook triggers as n8n runs them', () => {
	const triggerWorkflow: WorkflowJson = {
		nodes: [
			{
				name: 'Echo Trigger',
				type: 'test.echoTrigger',
				parameters: { secret: 's3' },
				webhookId: 'hook-1',
			},
			{
				name: 'Echo',
				type: 'test.echo',
				parameters: { credential: 'testHeaderApi' },
				credentials: { testHeaderApi: { id: '1', name: 'c' } },
			},
		],
		connections: {
			'Echo Trigger': { main: [[{ node: 'Echo', type: NodeConnectionTypes.Main, index: 0 }]] },
		},
	};
	const credentials = () => ({ testHeaderApi: { apiKey: 'k', baseUrl: server.baseUrl } });

	test('a request in becomes items out, the answer is sent, and the workflow runs on them', async () => {
		const result = await runWebhook(
			triggerWorkflow,
			{
				headers: { 'Content-Type': 'application/json; charset=utf-8' },
				query: { secret: 's3' },
				body: JSON.stringify({ events: [{ id: 'a' }, { id: 'b' }] }),
			},
			{ credentials: credentials() },
		);
		expect(result.response).toEqual({ status: 200, headers: {}, body: { received: 2 } });
		expect(result.run?.status).toBe('success');
		expect(result.run?.output('Echo Trigger').map((i) => i.json)).toEqual([
			{ id: 'a' },
			{ id: 'b' },
		]);
		expect(server.requests.map((r) => r.json)).toEqual([{ id: 'a' }, { id: 'b' }]);
	});

	test('a refused request gets the node own answer and starts nothing', async () => {
		const result = await runWebhook(
			triggerWorkflow,
			{
				headers: { 'content-type': 'application/json' },
				query: { secret: 'nope' },
				body: '{"events":[]}',
			},
			{ credentials: credentials() },
		);
		expect(result.response).toEqual({ status: 401, headers: {}, body: { error: 'wrong secret' } });
		expect(result.run).toBeUndefined();
		expect(server.requests).toHaveLength(0);
	});

	test('a JSON body that does not parse is answered 422 before the node runs, as n8n does', async () => {
		const result = await runWebhook(triggerWorkflow, {
			headers: { 'content-type': 'application/json' },
			query: { secret: 's3' },
			body: 'not json',
		});
		expect(result.response.status).toBe(422);
		expect(result.webhookData).toBeUndefined();
	});
});
