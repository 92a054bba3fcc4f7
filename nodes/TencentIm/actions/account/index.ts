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
			{ name: 'Check', value: 'check', description: 'Check whether accounts have been imported', action: 'Check accounts' },
			{ name: 'Import', value: 'import', description: 'Import an account so it can send and receive', action: 'Import an account' },
		],
		default: 'import',
	},
	...importAccount.description,
	...check.description,
];
