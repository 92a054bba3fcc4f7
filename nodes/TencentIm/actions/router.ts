import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runOperation, type Operation } from '../../common/router';
import * as account from './account';
import * as message from './message';
import type { TencentImType } from './node.type';

const operations: { [R in TencentImType['resource']]: Record<string, Operation> } = {
	message: {
		send: message.send,
		sendToMany: message.sendToMany,
		list: message.list,
		recall: message.recall,
		markRead: message.markRead,
		getUnreadCount: message.getUnreadCount,
	},
	account: { import: account.importAccount, check: account.check },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as TencentImType['resource'];
	const operation = this.getNodeParameter('operation', 0) as TencentImType['operation'];
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await runOperation.call(this, handler);
}
