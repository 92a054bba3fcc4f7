import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Open the 1:1 conversation with a user so the bot can message them',
				action: 'Create a conversation',
			},
		],
		default: 'create',
	},
	...create.description,
];
