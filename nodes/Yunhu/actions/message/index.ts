import type { INodeProperties } from 'n8n-workflow';

import * as edit from './edit.operation';
import * as getEditHistory from './getEditHistory.operation';
import * as list from './list.operation';
import * as recall from './recall.operation';
import * as recallMany from './recallMany.operation';
import * as recordFileDownload from './recordFileDownload.operation';
import * as reportButtonClick from './reportButtonClick.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendToMany from './sendToMany.operation';

export {
	edit,
	getEditHistory,
	list,
	recall,
	recallMany,
	recordFileDownload,
	reportButtonClick,
	send,
	sendAndWait,
	sendToMany,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'], authentication: ['userApi'] } },
		options: [
			{
				name: 'Edit',
				value: 'edit',
				description: 'Change the text of a sent message',
				action: 'Edit a message',
			},
			{
				name: 'Get Edit History',
				value: 'getEditHistory',
				description: "A message's earlier versions",
				action: 'Get edit history',
			},
			{
				name: 'List',
				value: 'list',
				description: "Read a chat's messages",
				action: 'List messages',
			},
			{
				name: 'Recall',
				value: 'recall',
				description: 'Recall a sent message',
				action: 'Recall a message',
			},
			{
				name: 'Recall Many',
				value: 'recallMany',
				description: 'Recall several messages of one chat',
				action: 'Recall many messages',
			},
			{
				name: 'Record File Download',
				value: 'recordFileDownload',
				description: 'Record that a file message was downloaded',
				action: 'Record a file download',
			},
			{
				name: 'Report Button Click',
				value: 'reportButtonClick',
				description: "Click a message's button as the user",
				action: 'Report a button click',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message to a user, a group or a bot',
				action: 'Send a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description: 'Ask a question with answer buttons and wait until the person answers',
				action: 'Send message and wait for response',
			},
		],
		default: 'send',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'], authentication: ['botApi'] } },
		options: [
			{
				name: 'Edit',
				value: 'edit',
				description: 'Change the text of a sent message',
				action: 'Edit a message',
			},
			{
				name: 'List',
				value: 'list',
				description: "Read a chat's messages",
				action: 'List messages',
			},
			{
				name: 'Recall',
				value: 'recall',
				description: 'Recall a sent message',
				action: 'Recall a message',
			},
			{
				name: 'Recall Many',
				value: 'recallMany',
				description: 'Recall several messages of one chat',
				action: 'Recall many messages',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message to a user, a group or a bot',
				action: 'Send a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description: 'Ask a question with answer buttons and wait until the person answers',
				action: 'Send message and wait for response',
			},
			{
				name: 'Send to Many',
				value: 'sendToMany',
				description: 'Send one message to many users or groups',
				action: 'Send a message to many chats',
			},
		],
		default: 'send',
	},
	...send.description,
	...sendAndWait.description,
	...sendToMany.description,
	...edit.description,
	...recall.description,
	...recallMany.description,
	...list.description,
	...getEditHistory.description,
	...reportButtonClick.description,
	...recordFileDownload.description,
];
