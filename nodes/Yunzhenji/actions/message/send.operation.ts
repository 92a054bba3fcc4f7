import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { yunzhenjiClient } from '../../helpers/client';
import { messagesProperty, readMessages } from '../../helpers/messages';

const properties: INodeProperties[] = [
	{
		displayName: 'WeCom Account (WXID)',
		name: 'wxid',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1688850320220535',
		description: 'The logged-in WeCom account that sends',
	},
	{
		displayName: 'Target WXID',
		name: 'targetWxid',
		type: 'string',
		required: true,
		default: '',
		placeholder: '7881300000000000 or R:10950860258535721',
		description: 'A customer, or a customer group (its WXID starts with R:)',
	},
	messagesProperty,
	{
		displayName:
			'Accepted is not delivered: the phone sends each message on its own afterwards. The Yunzhenji Trigger reports a failure (chatMsgSendFail) by the api_send_svrid and api_send_id returned here.',
		name: 'acceptedNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

/** One output item per message, in order, with its api_send_svrid and api_send_id. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const wxid = requireText(this.getNodeParameter('wxid', i), 'WeCom Account (WXID)');
	const target = requireText(this.getNodeParameter('targetWxid', i), 'Target WXID');
	// made before the first attempt from the execution and the item, so callbacks can be matched to this item
	const execution = this.getExecutionId() ?? 'manual';
	const messages = readMessages(this, i, target, (n) => `${execution}-${i}-${n}`);
	const client = await yunzhenjiClient(this);
	const accepted = await client.sendAll(wxid, target, messages);
	return accepted.map((a) => ({
		idx: a.idx,
		api_send_svrid: a.api_send_svrid,
		api_send_id: a.api_send_id ?? String(messages[a.idx].api_send_id),
		status: 'accepted',
		msg_type: messages[a.idx].msg_type,
		wxid,
		target_wxid: target,
	}));
}

/** Messages from one WeCom account to one customer or group keep their order. */
export function orderKey(this: IExecuteFunctions, i: number): string {
	return `${String(this.getNodeParameter('wxid', i, ''))}>${String(this.getNodeParameter('targetWxid', i, ''))}`;
}
