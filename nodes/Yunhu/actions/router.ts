import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationMap } from '../../common/router';
import * as file from './file';
import * as message from './message';
import type { YunhuType } from './node.type';

const operations: OperationMap<YunhuType> = {
	message: {
		send: message.send,
		sendAndWait: message.sendAndWait,
		sendToMany: message.sendToMany,
		edit: message.edit,
		recall: message.recall,
		recallMany: message.recallMany,
		list: message.list,
		getEditHistory: message.getEditHistory,
		reportButtonClick: message.reportButtonClick,
		recordFileDownload: message.recordFileDownload,
	},
	file: { upload: file.upload },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation.call(this, operations);
}
