import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { requireUuid } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		description: 'The user to open a 1:1 (CONTACT) conversation with',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const userId = requireUuid(this.getNodeParameter('userId', i), 'User ID');
	const client = await mixinClient(this);
	if (userId === client.botUserId) throw new InputError('User ID', '"User ID" is the bot itself');
	return (await client.createContactConversation(userId)) as IDataObject;
}
