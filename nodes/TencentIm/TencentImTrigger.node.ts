import { createHash, timingSafeEqual } from 'node:crypto';
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
import { readTencentImCredential, TENCENT_IM_CREDENTIAL_TYPE } from './transport/credential';

/** Tencent's "handled" answer; it never waits for the workflow (its callbacks time out after 2 seconds). */
const HANDLED = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };
/** Callbacks older or newer than this are refused when signing is on (Tencent's own rule). */
const MAX_SKEW_SECONDS = 60;
const BEFORE_SEND = 'C2C.CallbackBeforeSendMsg';

const EVENTS = [
	{
		name: 'After a One-to-One Message',
		value: 'C2C.CallbackAfterSendMsg',
		description: 'Delivered or not: SendMsgResult ≠ 0 is a delivery failure',
	},
	{
		name: 'Before a One-to-One Message',
		value: BEFORE_SEND,
		description: 'The workflow may allow, refuse or drop it',
	},
	{ name: 'Message Recalled', value: 'C2C.CallbackAfterMsgWithDraw' },
	{ name: 'Message to a Bot Account', value: 'Bot.OnC2CMessage' },
	{ name: 'Online State Changed', value: 'State.StateChange' },
	{
		name: 'Read Receipt',
		value: 'C2C.CallbackAfterMsgReport',
		description: 'A user read a conversation',
	},
];

function validSignature(token: string, requestTime: string, sign: string): boolean {
	const expected = createHash('sha256')
		.update(token + requestTime, 'utf8')
		.digest();
	const given = Buffer.from(sign, 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The text of a message body's text elements, for convenience. */
function textOf(body: IDataObject): string | undefined {
	const elements = Array.isArray(body.MsgBody) ? (body.MsgBody as IDataObject[]) : [];
	const texts = elements
		.filter((e) => e.MsgType === 'TIMTextElem')
		.map((e) => String((e.MsgContent as IDataObject | undefined)?.Text ?? ''));
	return texts.length > 0 ? texts.join('') : undefined;
}

export class TencentImTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud IM Trigger',
		name: 'tencentImTrigger',
		icon: {
			light: 'file:../../icons/tencent-im.svg',
			dark: 'file:../../icons/tencent-im.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			"Starts the workflow on Tencent Cloud IM's callbacks: messages, read receipts, recalls, online state",
		defaults: { name: 'Tencent Cloud IM Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tencentImApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// the workflow answers only when it decides before-send callbacks; Tencent waits 2 seconds at most
				responseMode:
					'={{$parameter["beforeSendReply"] === "workflow" ? "lastNode" : "onReceived"}}',
				responseData: 'firstEntryJson',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					"Paste this node's Production URL into the IM console (Callback Configuration) and tick the callbacks below there too; a change takes about 2 minutes. Callbacks of Send to Many (batchsendmsg) are never sent by Tencent.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENTS,
				default: ['C2C.CallbackAfterSendMsg', 'Bot.OnC2CMessage'],
			},
			{
				displayName: 'Callback Token',
				name: 'callbackToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'The token of "Enable authentication" in the callback configuration; when set, every callback must carry a valid Sign within 60 seconds',
			},
			{
				displayName: 'Ignore Own Messages',
				name: 'ignoreOwn',
				type: 'boolean',
				default: true,
				description:
					"Whether to drop messages sent by the credential's admin account or through the REST API, so a workflow that replies does not trigger itself",
			},
			{
				displayName: 'Before-Send Reply',
				name: 'beforeSendReply',
				type: 'options',
				options: [
					{
						name: 'Allow at Once',
						value: 'allow',
						description: 'Tencent is told to deliver; the workflow only learns of the message',
					},
					{
						name: 'From the Workflow',
						value: 'workflow',
						description:
							'The last node\'s first item answers: {"ErrorCode": 0 allow, 1 refuse, 2 drop}, optionally MsgBody and CloudCustomData',
					},
				],
				default: 'allow',
				description:
					'How before-send callbacks are answered. Tencent waits 2 seconds: a slower workflow lets the message through, as if there were no callback.',
			},
		],
	};

	webhookMethods = {
		default: {
			// the callback URL is set by hand in the IM console: Tencent has no API for it
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
		const query = this.getQueryData() as Record<string, string | undefined>;
		const refuse = (status: number, message: string): IWebhookResponseData => {
			this.getResponseObject()
				.status(status)
				.json({ ActionStatus: 'FAIL', ErrorCode: status, ErrorInfo: message });
			return { noWebhookResponse: true };
		};
		const access = await settle(
			this.getCredentials(TENCENT_IM_CREDENTIAL_TYPE).then(readTencentImCredential),
		);
		if (!access.ok) return refuse(401, 'the credential cannot be read');
		if (String(query.SdkAppid ?? '') !== String(access.value.sdkAppId))
			return refuse(401, 'SdkAppid is not this app');
		const token = String(this.getNodeParameter('callbackToken', '') ?? '');
		if (token) {
			const time = String(query.RequestTime ?? '');
			const fresh =
				/^\d+$/.test(time) && Math.abs(Date.now() / 1000 - Number(time)) <= MAX_SKEW_SECONDS;
			if (
				!fresh ||
				!/^[0-9a-f]{64}$/i.test(String(query.Sign ?? '')) ||
				!validSignature(token, time, String(query.Sign))
			) {
				return refuse(401, 'the Sign does not verify, or RequestTime is not within 60 seconds');
			}
		}
		const raw = this.getBodyData() as unknown;
		const body = (typeof raw === 'string' ? parseJsonOrUndefined(raw)?.value : raw) as
			IDataObject | undefined;
		if (!body || typeof body !== 'object') return refuse(400, 'the body is not JSON');
		const command = String(query.CallbackCommand ?? body.CallbackCommand ?? '');
		const wanted = new Set(this.getNodeParameter('events', []) as string[]);
		const ownMessage =
			(this.getNodeParameter('ignoreOwn', true) as boolean) &&
			(body.From_Account === access.value.identifier || query.OptPlatform === 'RESTAPI');
		if (!wanted.has(command) || (ownMessage && command !== 'State.StateChange'))
			return { webhookResponse: HANDLED };
		const item: INodeExecutionData = {
			json: {
				...body,
				callbackCommand: command,
				sdkAppId: Number(query.SdkAppid),
				...(query.ClientIP ? { clientIp: query.ClientIP } : {}),
				...(query.OptPlatform ? { optPlatform: query.OptPlatform } : {}),
				...(textOf(body) !== undefined ? { text: textOf(body) } : {}),
			},
		};
		return { webhookResponse: HANDLED, workflowData: [[item]] };
	}
}
