import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { yunzhenjiClient } from '../../helpers/client';
import { allPages, pagingProperties } from '../../helpers/paging';

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['listBlacklist'] } },
	pagingProperties as INodeProperties[],
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const client = await yunzhenjiClient(this);
	return await allPages(this, i, async (page, size) => await client.blacklist(page, size));
}
