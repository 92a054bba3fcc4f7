import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { parseJsonOrUndefined } from '../../../common/settle';
import { requireNumber, requireText } from '../../../common/validate';
import { userClient } from '../../helpers/client';

const PAGE_SIZE = 50;

const properties: INodeProperties[] = [
	{ displayName: 'Message ID', name: 'messageId', type: 'string', required: true, default: '' },
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getEditHistory'], authentication: ['userApi'] } },
	properties,
);

/** One output item per earlier version, with its old content parsed from Yunhu's JSON string. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const msgId = requireText(this.getNodeParameter('messageId', i), 'Message ID');
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll
		? Infinity
		: requireNumber(this.getNodeParameter('limit', i), 'Limit', { min: 1, integer: true });
	const client = await userClient(this);
	const records: IDataObject[] = [];
	for (let page = 1; records.length < limit; page++) {
		const { list, total } = await client.editRecords(
			msgId,
			Math.min(PAGE_SIZE, limit - records.length),
			page,
		);
		records.push(...(list as IDataObject[]).slice(0, limit - records.length));
		if (list.length === 0 || records.length >= total) break;
	}
	return records.map((r) => ({
		...r,
		contentOld:
			(parseJsonOrUndefined(String(r.contentOld ?? ''))?.value as IDataObject | undefined) ??
			r.contentOld,
	}));
}
