import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as upload from './upload.operation';

export { get, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get an attachment's details, and optionally the file",
				action: 'Get an attachment',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file from a binary field, to send it later',
				action: 'Upload an attachment',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
];
