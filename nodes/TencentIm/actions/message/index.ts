import type { INodeProperties } from 'n8n-workflow';

import * as getUnreadCount from './getUnreadCount.operation';
import * as list from './list.operation';
import * as markRead from './markRead.operation';
import * as recall from './recall.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendToMany from './sendToMany.operation';

export { getUnreadCount, list, markRead, recall, send, sendAndWait, sendToMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get Unread Count',
				value: 'getUnreadCount',
				description: "Count an account's unread one-to-one messages",
				action: 'Get unread count',
			},
			{
				name: 'List',
				value: 'list',
				description: "Read a conversation's history between two accounts",
				action: 'List messages',
			},
			{
				name: 'Mark as Read',
				value: 'markRead',
				description: "Clear an account's unread messages from a peer",
				action: 'Mark messages as read',
			},
			{
				name: 'Recall',
				value: 'recall',
				description: 'Recall a sent message by its MsgKey',
				action: 'Recall a message',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a one-to-one message',
				action: 'Send a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description: 'Ask a question with answer links and wait until the person answers',
				action: 'Send message and wait for response',
			},
			{
				name: 'Send to Many',
				value: 'sendToMany',
				description: 'Send one message to many accounts',
				action: 'Send a message to many accounts',
			},
		],
		default: 'send',
	},
	...send.description,
	...sendToMany.description,
	...sendAndWait.description,
	...list.description,
	...recall.description,
	...markRead.description,
	...getUnreadCount.description,
];
