import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CredentialInputError } from '../common/errors';
import { signedHttp, unsignedHttp } from '../common/http';
import { settleSync } from '../common/settle';
import { DEFAULT_EVENTS, EVENT_KINDS } from './helpers/inbound';
import {
	MixinListener,
	type AckMode,
	type AttachmentMode,
	type ListenerSettings,
} from './helpers/listener';
import { MixinClient, PLATFORM } from './transport/api';
import { DEFAULT_BLAZE_TIMING, runtimeWebSocket } from './transport/blaze';
import { MIXIN_CREDENTIAL_TYPE, readMixinBlazeAccess } from './transport/credential';

const DEFAULT_KEEPALIVE_SECONDS = DEFAULT_BLAZE_TIMING.keepaliveMs / 1000;
const PROBE_TIMEOUT_MS = 10_000;

function readSettings(ctx: ITriggerFunctions): ListenerSettings {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const keepalive = Number(options.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS);
	return {
		events: new Set(ctx.getNodeParameter('events', DEFAULT_EVENTS) as string[]),
		acknowledge: ctx.getNodeParameter('acknowledge', 'executionFinishes') as AckMode,
		ackStatus: options.ackStatus === 'DELIVERED' ? 'DELIVERED' : 'READ',
		ignoreOwn: options.ignoreOwn !== false,
		attachments: (options.attachments as AttachmentMode | undefined) ?? 'url',
		keepaliveMs:
			Math.max(1, Number.isFinite(keepalive) ? keepalive : DEFAULT_KEEPALIVE_SECONDS) * 1000,
	};
}

export class MixinMessengerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mixin Messenger Trigger',
		name: 'mixinMessengerTrigger',
		icon: { light: 'file:../../icons/mixin.svg', dark: 'file:../../icons/mixin.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			"Starts the workflow on messages to a Mixin Messenger bot, received over Mixin's Blaze WebSocket",
		defaults: { name: 'Mixin Messenger Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mixinMessengerApi', required: true }],
		properties: [
			{
				displayName:
					"Mixin pushes a bot's messages over one WebSocket per session: keep one active Mixin Messenger Trigger per bot. On Node.js 20, n8n must be started with NODE_OPTIONS=--experimental-websocket (Node.js 22 and later need nothing).",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_KINDS.map(({ name, value, description }) => ({ name, value, description })),
				default: [...DEFAULT_EVENTS],
				description:
					"Which pushes start the workflow. Messages of other kinds (and the bot's own) are acknowledged and dropped.",
			},
			{
				displayName: 'Acknowledge',
				name: 'acknowledge',
				type: 'options',
				options: [
					{
						name: 'Immediately',
						value: 'immediately',
						description:
							'As soon as the message arrives; a workflow that fails does not see it again',
					},
					{
						name: 'When Execution Finishes',
						value: 'executionFinishes',
						description: 'After the execution ends, whether it succeeded or failed',
					},
					{
						name: 'When Execution Finishes Successfully',
						value: 'executionFinishesSuccessfully',
						description:
							'Only after a successful execution; Mixin keeps a failed one and pushes it again when the workflow is next activated',
					},
					{
						name: 'Never',
						value: 'never',
						description:
							'Acknowledge with the Mixin Messenger node (Acknowledgement › Acknowledge) yourself',
					},
				],
				default: 'executionFinishes',
				description:
					'When the trigger tells Mixin a message was handled. Until then Mixin keeps it (for 7 days) and pushes it again after a reconnect; the trigger starts one execution per message all the same.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Acknowledge As',
						name: 'ackStatus',
						type: 'options',
						options: [
							{ name: 'Read', value: 'READ', description: 'The sender sees blue ticks' },
							{
								name: 'Delivered',
								value: 'DELIVERED',
								description: 'The sender sees grey double ticks',
							},
						],
						default: 'READ',
					},
					{
						displayName: 'Attachments',
						name: 'attachments',
						type: 'options',
						options: [
							{
								name: 'Add View URL',
								value: 'url',
								description: "Look up each image, file, audio and video's download URL (view_url)",
							},
							{
								name: 'Download',
								value: 'download',
								description: 'Also download the file into the binary property "data"',
							},
							{ name: 'IDs Only', value: 'none', description: 'Only the attachment_id, no lookup' },
						],
						default: 'url',
					},
					{
						displayName: 'Ignore Own Messages',
						name: 'ignoreOwn',
						type: 'boolean',
						default: true,
						description:
							"Whether to drop messages sent by the bot's own user ID (from another session of the bot), so a workflow that replies does not trigger itself",
					},
					{
						displayName: 'Keepalive Interval (Seconds)',
						name: 'keepaliveSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_KEEPALIVE_SECONDS,
						description:
							'How often the trigger checks that the connection is alive; after two intervals without an answer it reconnects',
					},
				],
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const createSocket = runtimeWebSocket();
		if (!createSocket) {
			throw new NodeOperationError(
				this.getNode(),
				'The Mixin Messenger Trigger needs the WebSocket client of Node.js, which Node.js 20 turns on only with --experimental-websocket',
				{
					description:
						'Start n8n with the flag, e.g. NODE_OPTIONS=--experimental-websocket n8n start (in Docker: -e NODE_OPTIONS=--experimental-websocket), or run n8n on Node.js 22 or later.',
				},
			);
		}
		const credentials = await this.getCredentials(MIXIN_CREDENTIAL_TYPE);
		const access = settleSync(() => readMixinBlazeAccess(credentials));
		if (!access.ok) {
			const error = access.error as Error;
			throw new NodeOperationError(this.getNode(), error.message, {
				description:
					error instanceof CredentialInputError
						? `Fix the "${error.field}" field of the ${error.credentialName} credential.`
						: undefined,
			});
		}
		const http = {
			signed: signedHttp(this, MIXIN_CREDENTIAL_TYPE, PLATFORM),
			plain: unsignedHttp(this, PLATFORM),
			botUserId: access.value.session.appId,
		};
		const clients = {
			api: new MixinClient(http),
			// asked after a failed connection attempt: one try, so a network outage does not hold up reconnecting
			probe: new MixinClient({
				...http,
				retry: { attempts: 1, baseDelayMs: 0 },
				timeoutMs: PROBE_TIMEOUT_MS,
			}),
		};
		const listener = new MixinListener(
			this,
			readSettings(this),
			clients,
			access.value,
			createSocket,
		);
		const closeFunction = async () => await listener.close();
		if (this.getMode() === 'manual') {
			// n8n hands the trigger its test-run emit only after trigger() returns: connect when asked to listen
			return { closeFunction, manualTriggerFunction: async () => await listener.listenOnce() };
		}
		await listener.start();
		return { closeFunction };
	}
}
