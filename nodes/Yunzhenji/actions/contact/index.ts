import type { INodeProperties } from 'n8n-workflow';

import * as getRelations from './getRelations.operation';
import * as listBlacklist from './listBlacklist.operation';

export { getRelations, listBlacklist };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Get Relations',
				value: 'getRelations',
				description: "The WeCom accounts that added a customer, and the customer's groups",
				action: 'Get a customer s relations',
			},
			{
				name: 'List Blacklist',
				value: 'listBlacklist',
				description: 'The blacklisted contacts of the account',
				action: 'List blacklisted contacts',
			},
		],
		default: 'getRelations',
	},
	...getRelations.description,
	...listBlacklist.description,
];
