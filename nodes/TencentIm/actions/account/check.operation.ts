import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUserIdList } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		required: true,
		default: '',
		description: 'Accounts to check, separated by commas (asked 100 per call)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['check'] } },
	properties,
);

/** One output item per account: whether it has been imported. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const userIds = requireUserIdList(this.getNodeParameter('userIds', i), 'User IDs');
	const client = await tencentClient(this);
	const results = await client.checkAccounts(userIds);
	return results.map((r) => ({ ...r, imported: r.AccountStatus === 'Imported' }) as IDataObject);
}
