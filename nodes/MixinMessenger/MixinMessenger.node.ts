import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as acknowledgement from './actions/acknowledgement';
import * as attachment from './actions/attachment';
import * as conversation from './actions/conversation';
import * as message from './actions/message';
import { router } from './actions/router';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from '../common/sendAndWait';
import { requestOptionsProperty } from './helpers/client';

export class MixinMessenger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mixin Messenger',
		name: 'mixinMessenger',
		icon: { light: 'file:../../icons/mixin.svg', dark: 'file:../../icons/mixin.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send, recall and acknowledge Mixin Messenger messages and upload attachments as a bot',
		defaults: { name: 'Mixin Messenger' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mixinMessengerApi', required: true }],
		// the resume URL of Send and Wait for Response
		webhooks: sendAndWaitWebhooks,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Acknowledgement', value: 'acknowledgement' },
					{ name: 'Attachment', value: 'attachment' },
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Message', value: 'message' },
				],
				default: 'message',
			},
			...message.description,
			...attachment.description,
			...acknowledgement.description,
			...conversation.description,
			requestOptionsProperty,
		],
	};

	webhook = sendAndWaitWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
