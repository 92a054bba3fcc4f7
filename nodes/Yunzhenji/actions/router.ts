import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationMap } from '../../common/router';
import * as account from './account';
import * as contact from './contact';
import * as message from './message';
import type { YunzhenjiType } from './node.type';

const operations: OperationMap<YunzhenjiType> = {
	message: { send: message.send },
	account: { list: account.list },
	contact: { getRelations: contact.getRelations, listBlacklist: contact.listBlacklist },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation.call(this, operations);
}
