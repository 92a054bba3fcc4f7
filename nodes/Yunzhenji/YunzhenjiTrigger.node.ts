import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { parseJsonOrUndefined, settle } from '../common/settle';
import { readYunzhenjiCredential, YUNZHENJI_CREDENTIAL_TYPE } from './transport/credential';
import { decryptCallback } from './transport/crypto';

/** What Yunzhenji is told at once: it waits one second and never retries. */
const RECEIVED = { errcode: 0 };

const EVENTS = [
	{
		name: 'Chat Message (chatMsg)',
		value: 'chatMsg',
		description: 'A message a customer sent, or the echo of a send',
	},
	{
		name: 'Send Failed (chatMsgSendFail)',
		value: 'chatMsgSendFail',
		description: 'A message sent through the API failed',
	},
	{ name: 'Contacts', value: 'contacts', description: 'Customers added, changed or removed' },
	{ name: 'Account Logged In', value: 'login' },
	{ name: 'Account Logged Out', value: 'logout' },
];

/** The ciphertext of a callback body: the raw base64 text, or the first string field of a JSON wrapper. */
function ciphertextOf(text: string): string {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('"')) return trimmed;
	const parsed = parseJsonOrUndefined(trimmed)?.value;
	if (typeof parsed === 'string') return parsed;
	if (parsed && typeof parsed === 'object') {
		const doc = parsed as IDataObject;
		const value = doc.encrypt ?? Object.values(doc).find((v) => typeof v === 'string');
		if (typeof value === 'string') return value;
	}
	return trimmed;
}

export class YunzhenjiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yunzhenji Trigger',
		name: 'yunzhenjiTrigger',
		icon: { light: 'file:../../icons/yunzhenji.svg', dark: 'file:../../icons/yunzhenji.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow on Yunzhenji callbacks: messages, failed sends, contact and login events',
		defaults: { name: 'Yunzhenji Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'yunzhenjiApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					"Paste this node's Production URL into the Yunzhenji back office as the callback URL (Settings → API). Callbacks are encrypted with the credential's EncodingAESKey; one that does not decrypt is refused. Yunzhenji waits 1 second and never retries, so the node answers at once and the workflow runs afterwards.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENTS,
				default: ['chatMsg', 'chatMsgSendFail'],
				description: 'Which notifications start the workflow; others are acknowledged and dropped',
			},
			{
				// n8n's webhook handler must not parse the body: it is ciphertext, whatever its content type says
				displayName: 'Options',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
		],
	};

	webhookMethods = {
		default: {
			// the callback URL is set by hand in the Yunzhenji back office, so there is nothing to register
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as {
			readRawBody?: () => Promise<void>;
			rawBody?: Buffer;
			body?: unknown;
		};
		const refuse = (status: number, message: string): IWebhookResponseData => {
			this.getResponseObject().status(status).json({ errcode: status, message });
			return { noWebhookResponse: true };
		};
		await request.readRawBody?.();
		const raw =
			request.rawBody ?? Buffer.from(typeof request.body === 'string' ? request.body : '', 'utf8');
		const access = await settle(
			this.getCredentials(YUNZHENJI_CREDENTIAL_TYPE).then(readYunzhenjiCredential),
		);
		const aesKey = access.ok ? access.value.aesKey : undefined;
		if (!aesKey) return refuse(401, 'the credential has no usable EncodingAESKey');
		// the key is the only proof of origin: a body that does not decrypt starts nothing
		const plain = decryptCallback(ciphertextOf(raw.toString('utf8')), aesKey);
		if (plain === undefined)
			return refuse(401, 'the body does not decrypt with this EncodingAESKey');
		const parsed = parseJsonOrUndefined(plain)?.value;
		if (!parsed || typeof parsed !== 'object') return refuse(400, 'the decrypted body is not JSON');
		const notifications = (Array.isArray(parsed) ? parsed : [parsed]) as IDataObject[];
		const wanted = new Set(this.getNodeParameter('events', []) as string[]);
		const items: INodeExecutionData[] = [];
		for (const notification of notifications) {
			const type = String(notification.type ?? '');
			if (!wanted.has(type)) continue;
			const head: IDataObject = { type, rel_wxid: notification.rel_wxid };
			if (notification.corp_wxid !== undefined) head.corp_wxid = notification.corp_wxid;
			const entries = Array.isArray(notification.data) ? (notification.data as IDataObject[]) : [];
			if (entries.length === 0) items.push({ json: { ...head } });
			for (const entry of entries) items.push({ json: { ...head, ...entry } });
		}
		if (items.length === 0) return { webhookResponse: RECEIVED };
		return { webhookResponse: RECEIVED, workflowData: [items] };
	}
}
