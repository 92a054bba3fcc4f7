import type { INodeProperties } from 'n8n-workflow';

import * as addParticipants from './addParticipants.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as removeParticipants from './removeParticipants.operation';

export { addParticipants, create, get, removeParticipants };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Add Participants',
				value: 'addParticipants',
				description: 'Add users to a group the bot owns or administers',
				action: 'Add participants to a conversation',
			},
			{
				name: 'Create',
				value: 'create',
				description:
					'Open the 1:1 conversation with a user, or create a group with the bot as owner',
				action: 'Create a conversation',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a conversation with its participants',
				action: 'Get a conversation',
			},
			{
				name: 'Remove Participants',
				value: 'removeParticipants',
				description: 'Remove users from a group the bot owns or administers',
				action: 'Remove participants from a conversation',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...addParticipants.description,
	...removeParticipants.description,
];
