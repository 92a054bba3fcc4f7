import type { INodeProperties } from 'n8n-workflow';

import * as recall from './recall.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendMany from './sendMany.operation';

export { recall, send, sendAndWait, sendMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Recall',
				value: 'recall',
				description: 'Recall a message the bot sent',
				action: 'Recall a message',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send one message per input item',
				action: 'Send a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description: 'Ask a question with answer buttons and wait until the person answers',
				action: 'Send message and wait for response',
			},
			{
				name: 'Send Many',
				value: 'sendMany',
				description: 'Send all input items as messages in batches of up to 100',
				action: 'Send many messages',
			},
		],
		default: 'send',
	},
	...send.description,
	...sendMany.description,
	...sendAndWait.description,
	...recall.description,
];
