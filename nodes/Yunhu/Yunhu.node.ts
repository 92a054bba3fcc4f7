import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as file from './actions/file';
import * as message from './actions/message';
import { router } from './actions/router';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from '../common/sendAndWait';
import { authenticationProperty, requestOptionsProperty } from './helpers/client';

export class Yunhu implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yunhu',
		name: 'yunhu',
		icon: { light: 'file:../../icons/yunhu.svg', dark: 'file:../../icons/yunhu.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send, edit, recall and list Yunhu (云湖) messages and upload files, as a bot or as a user',
		defaults: { name: 'Yunhu' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'yunhuBotApi',
				required: true,
				displayOptions: { show: { authentication: ['botApi'] } },
			},
			{
				name: 'yunhuUserApi',
				required: true,
				displayOptions: { show: { authentication: ['userApi'] } },
			},
		],
		// the resume URL of Send and Wait for Response
		webhooks: sendAndWaitWebhooks,
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'File', value: 'file' },
					{ name: 'Message', value: 'message' },
				],
				default: 'message',
			},
			...message.description,
			...file.description,
			requestOptionsProperty,
		],
	};

	webhook = sendAndWaitWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
