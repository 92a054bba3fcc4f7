import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import * as message from './actions/message';
import { router } from './actions/router';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from '../common/sendAndWait';
import { requestOptionsProperty } from './helpers/client';

export class TencentIm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud IM',
		name: 'tencentIm',
		icon: {
			light: 'file:../../icons/tencent-im.svg',
			dark: 'file:../../icons/tencent-im.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send, list, recall and mark Tencent Cloud IM one-to-one messages through the server REST API',
		defaults: { name: 'Tencent Cloud IM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tencentImApi', required: true }],
		// the resume URL of Send and Wait for Response
		webhooks: sendAndWaitWebhooks,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Message', value: 'message' },
				],
				default: 'message',
			},
			...message.description,
			...account.description,
			requestOptionsProperty,
		],
	};

	webhook = sendAndWaitWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
