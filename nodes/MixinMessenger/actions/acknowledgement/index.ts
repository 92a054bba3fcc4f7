import type { INodeProperties } from 'n8n-workflow';

import * as ack from './ack.operation';

export { ack };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['acknowledgement'] } },
		options: [
			{
				name: 'Acknowledge',
				value: 'ack',
				description: 'Mark received messages as read or delivered',
				action: 'Acknowledge messages',
			},
		],
		default: 'ack',
	},
	...ack.description,
];
