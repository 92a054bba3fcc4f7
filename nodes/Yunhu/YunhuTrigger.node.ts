import { createHash, timingSafeEqual } from 'node:crypto';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { parseJsonOrUndefined } from '../common/settle';

/** What Yunhu is told at once (it may stop pushing to a URL that answers slowly). */
const RECEIVED = { code: 0, message: 'success' };
/** Event ids remembered to drop a redelivered event. */
const REMEMBERED_EVENTS = 500;

const EVENTS = [
	{
		name: 'Message',
		value: 'message.receive.normal',
		description: 'A message to the bot, in a private chat or a group',
	},
	{
		name: 'Command',
		value: 'message.receive.instruction',
		description: 'A message sent with one of the bot’s commands',
	},
	{
		name: 'Button Clicked',
		value: 'button.report.inline',
		description: 'A button of the "report" kind was tapped',
	},
	{ name: 'Bot Followed', value: 'bot.followed' },
	{ name: 'Bot Unfollowed', value: 'bot.unfollowed' },
	{ name: 'Group Joined', value: 'group.join' },
	{ name: 'Group Left', value: 'group.leave' },
	{ name: 'Shortcut Menu', value: 'bot.shortcut.menu' },
];

function sameSecret(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/** An event as plain fields: who, where, what (message events); the event's own fields otherwise. */
function decode(eventType: string, event: IDataObject): IDataObject {
	if (!eventType.startsWith('message.receive.')) return { ...event };
	const sender = (event.sender ?? {}) as IDataObject;
	const chat = (event.chat ?? {}) as IDataObject;
	const message = (event.message ?? {}) as IDataObject;
	const content = (message.content ?? {}) as IDataObject;
	const chatType = String(chat.chatType ?? message.chatType ?? '');
	return {
		senderId: sender.senderId,
		senderType: sender.senderType,
		senderNickname: sender.senderNickname,
		senderUserLevel: sender.senderUserLevel,
		chatId: chat.chatId ?? message.chatId,
		chatType,
		// where a reply goes: the sender in a private chat (whose chatId is the bot), else the group
		replyTo:
			chatType === 'group'
				? { recvId: chat.chatId, recvType: 'group' }
				: { recvId: sender.senderId, recvType: 'user' },
		msgId: message.msgId,
		parentId: message.parentId,
		sendTime: message.sendTime,
		contentType: message.contentType,
		...(content.text !== undefined ? { text: content.text } : {}),
		content,
		...(message.commandId
			? { commandId: message.commandId, commandName: message.commandName }
			: {}),
	};
}

export class YunhuTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yunhu Trigger',
		name: 'yunhuTrigger',
		icon: { light: 'file:../../icons/yunhu.svg', dark: 'file:../../icons/yunhu.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			"Starts the workflow on a Yunhu bot's events: messages, commands, button clicks, follows and joins",
		defaults: { name: 'Yunhu Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					"Paste this node's Production URL, with ?secret=<your secret> appended when you set one below, as the bot's subscription URL in the Yunhu console (Bots → the bot → Subscription). Yunhu signs nothing: the unguessable URL and the secret are what keep others out.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENTS,
				default: ['message.receive.normal', 'message.receive.instruction', 'button.report.inline'],
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'When set, a push must carry it as the "secret" query parameter of the URL; others are refused',
			},
		],
	};

	webhookMethods = {
		default: {
			// the subscription URL is set in the Yunhu console with the bot's settings
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
		const refuse = (status: number, message: string): IWebhookResponseData => {
			this.getResponseObject().status(status).json({ code: status, message });
			return { noWebhookResponse: true };
		};
		const secret = String(this.getNodeParameter('secret', '') ?? '');
		const given = String((this.getQueryData() as { secret?: string }).secret ?? '');
		if (secret && !sameSecret(given, secret)) return refuse(401, 'wrong or missing secret');
		const raw = this.getBodyData() as unknown;
		const body = (typeof raw === 'string' ? parseJsonOrUndefined(raw)?.value : raw) as
			IDataObject | undefined;
		const header = (body?.header ?? {}) as IDataObject;
		const event = body?.event as IDataObject | undefined;
		if (!body || typeof header.eventType !== 'string' || !event || typeof event !== 'object') {
			return refuse(
				400,
				'not a Yunhu event: expected {version, header: {eventId, eventType, eventTime}, event}',
			);
		}
		const eventType = header.eventType;
		if (!(this.getNodeParameter('events', []) as string[]).includes(eventType))
			return { webhookResponse: RECEIVED };
		// Yunhu may push an event again: each event id starts the workflow once
		const seen = this.getWorkflowStaticData('node') as { eventIds?: string[] };
		const eventId = String(header.eventId ?? '');
		if (eventId) {
			seen.eventIds ??= [];
			if (seen.eventIds.includes(eventId)) return { webhookResponse: RECEIVED };
			seen.eventIds.push(eventId);
			if (seen.eventIds.length > REMEMBERED_EVENTS)
				seen.eventIds.splice(0, seen.eventIds.length - REMEMBERED_EVENTS);
		}
		const json: IDataObject = {
			eventType,
			eventId,
			eventTime: header.eventTime,
			...decode(eventType, event),
		};
		return { webhookResponse: RECEIVED, workflowData: [[{ json }]] };
	}
}
