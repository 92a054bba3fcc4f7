import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import * as contact from './actions/contact';
import * as message from './actions/message';
import { router } from './actions/router';
import { requestOptionsProperty } from './helpers/client';

export class Yunzhenji implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yunzhenji',
		name: 'yunzhenji',
		icon: { light: 'file:../../icons/yunzhenji.svg', dark: 'file:../../icons/yunzhenji.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send WeCom messages through Yunzhenji (云真机) cloud phones and look up accounts and contacts',
		defaults: { name: 'Yunzhenji' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'yunzhenjiApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Message', value: 'message' },
				],
				default: 'message',
			},
			...message.description,
			...account.description,
			...contact.description,
			requestOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
