import { randomInt } from 'node:crypto';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { questionAsText, sendAndWait, sendAndWaitProperties } from '../../../common/sendAndWait';
import { optionalUserId, requireUserId } from '../../helpers/accounts';
import { tencentClient } from '../../helpers/client';
import type { MessageRequest } from '../../transport/api';

const properties: INodeProperties[] = [
	{
		displayName: 'To Account',
		name: 'toAccount',
		type: 'string',
		required: true,
		default: '',
		description: 'UserID of the person to ask; it must have been imported',
	},
	{
		displayName: 'From Account',
		name: 'fromAccount',
		type: 'string',
		default: '',
		description:
			"UserID the question comes from (for example a bot account); the credential's admin when empty",
	},
	...sendAndWaitProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendAndWait'] } },
	properties,
);

/**
 * The question as a text message with each answer's label and signed resume URL on its own line (Tencent's
 * clients make links of them), then the execution waits. MsgRandom and MsgSeq are made before the first attempt,
 * so Tencent's de-duplication keeps a retry from delivering twice.
 */
export async function executeOnce(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const toAccount = requireUserId(this.getNodeParameter('toAccount', 0), 'To Account');
	const from = optionalUserId(this.getNodeParameter('fromAccount', 0, ''), 'From Account');
	const client = await tencentClient(this);
	return await sendAndWait(this, async (question) => {
		const random = randomInt(1, 0x1_0000_0000);
		const message: MessageRequest = {
			...(from ? { From_Account: from } : {}),
			MsgRandom: random,
			MsgSeq: random,
			MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: questionAsText(question) } }],
		};
		await client.sendMessage(toAccount, message);
	});
}
