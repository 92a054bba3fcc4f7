import type { INodeProperties } from 'n8n-workflow';

import * as check from './check.operation';
import * as importAccount from './import.operation';

export { check, importAccount };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Check',
				value: 'check',
				description: 'Check whether accounts have been imported',
				action: 'Check accounts',
			},
			{
				name: 'Import',
				value: 'import',
				description: 'Import one or many accounts so they can send and receive',
				action: 'Import accounts',
			},
		],
		default: 'import',
	},
	...importAccount.description,
	...check.description,
];
