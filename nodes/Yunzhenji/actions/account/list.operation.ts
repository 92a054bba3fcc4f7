import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { yunzhenjiClient } from '../../helpers/client';
import { allPages, pagingProperties } from '../../helpers/paging';

const properties: INodeProperties[] = [
	{
		displayName: 'State',
		name: 'online',
		type: 'options',
		options: [
			{ name: 'All', value: -1 },
			{ name: 'Online', value: 1 },
			{ name: 'Offline', value: 0 },
		],
		default: -1,
	},
	...pagingProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['list'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const online = Number(this.getNodeParameter('online', i, -1));
	const client = await yunzhenjiClient(this);
	return await allPages(
		this,
		i,
		async (page, size) => await client.listAccounts(page, size, online),
	);
}
