import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUuid } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		required: true,
		default: '',
		description: 'The conversation (UUID), e.g. a group the bot is in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const conversationId = requireUuid(this.getNodeParameter('conversationId', i), 'Conversation ID');
	const client = await mixinClient(this);
	return (await client.getConversation(conversationId)) as IDataObject;
}
