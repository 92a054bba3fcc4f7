import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { yunzhenjiClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{ displayName: 'Customer WXID', name: 'wxid', type: 'string', required: true, default: '' },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['getRelations'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const wxid = requireText(this.getNodeParameter('wxid', i), 'Customer WXID');
	const data = await (await yunzhenjiClient(this)).contactInfo(wxid);
	return { wxid, rel_wxids: data.rel_wxids ?? [], room_wxids: data.room_wxids ?? [] };
}
