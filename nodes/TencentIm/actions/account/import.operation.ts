import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireUserId, requireUserIdList } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';
import { ACCOUNT_IMPORT_PER_REQUEST } from '../../transport/api';

const forOne = { show: { importMode: ['one'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Import',
		name: 'importMode',
		type: 'options',
		options: [
			{
				name: 'One Account',
				value: 'one',
				description: 'One account_import call, with an optional nickname and avatar',
			},
			{
				name: 'Many Accounts',
				value: 'many',
				description: `Calls to multiaccount_import, up to ${ACCOUNT_IMPORT_PER_REQUEST} accounts each`,
			},
		],
		default: 'one',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		description: 'Up to 32 bytes of letters, digits, _ and -',
		displayOptions: forOne,
	},
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description: `Accounts to import, separated by commas or new lines (or an array from an expression); imported ${ACCOUNT_IMPORT_PER_REQUEST} per call, one output item per account`,
		displayOptions: { show: { importMode: ['many'] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'profile',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: forOne,
		options: [
			{ displayName: 'Avatar URL', name: 'faceUrl', type: 'string', default: '' },
			{ displayName: 'Nickname', name: 'nick', type: 'string', default: '' },
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['import'] } },
	properties,
);

/** One account (one output item), or many (one output item per account, imported or not and why). */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	if (this.getNodeParameter('importMode', i, 'one') === 'many') {
		const userIds = requireUserIdList(this.getNodeParameter('userIds', i), 'User IDs');
		const client = await tencentClient(this);
		const outcomes = await client.importAccounts(userIds);
		return outcomes.map((o): IDataObject => ({
			UserID: o.UserID,
			imported: o.ok,
			...(o.ErrorCode !== undefined ? { ErrorCode: o.ErrorCode } : {}),
			...(o.error ? { error: o.error } : {}),
		}));
	}
	const userId = requireUserId(this.getNodeParameter('userId', i), 'User ID');
	const profile = this.getNodeParameter('profile', i, {}) as { nick?: string; faceUrl?: string };
	const client = await tencentClient(this);
	await client.importAccount(userId, {
		...(profile.nick ? { Nick: profile.nick } : {}),
		...(profile.faceUrl ? { FaceUrl: profile.faceUrl } : {}),
	});
	return { UserID: userId, imported: true };
}
