import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationMap } from '../../common/router';
import * as account from './account';
import * as message from './message';
import type { TencentImType } from './node.type';

const operations: OperationMap<TencentImType> = {
	message: {
		send: message.send,
		sendAndWait: message.sendAndWait,
		sendToMany: message.sendToMany,
		list: message.list,
		recall: message.recall,
		markRead: message.markRead,
		getUnreadCount: message.getUnreadCount,
	},
	account: { import: account.importAccount, check: account.check },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation.call(this, operations);
}
