import type { INodeProperties } from 'n8n-workflow';

import * as list from './list.operation';

export { list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'List',
				value: 'list',
				description: 'The WeCom accounts logged in on the cloud phones',
				action: 'List accounts',
			},
		],
		default: 'list',
	},
	...list.description,
];
