import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireNumber } from '../../common/validate';
import { MAX_PAGE_SIZE } from '../transport/api';

export const pagingProperties: INodeProperties[] = [
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

/** Pages of up to 100 until the list is done (a short page, or the total reached) or the limit is met. */
export async function allPages(
	ctx: IExecuteFunctions,
	i: number,
	page: (page: number, size: number) => Promise<{ list: IDataObject[]; total?: number }>,
): Promise<IDataObject[]> {
	const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll
		? Infinity
		: requireNumber(ctx.getNodeParameter('limit', i), 'Limit', { min: 1, integer: true });
	const out: IDataObject[] = [];
	for (let n = 1; out.length < limit; n++) {
		const size = Math.min(MAX_PAGE_SIZE, limit - out.length);
		const { list, total } = await page(n, size);
		out.push(...list.slice(0, limit - out.length));
		if (list.length < size || (total !== undefined && n * size >= total)) break;
	}
	return out;
}
