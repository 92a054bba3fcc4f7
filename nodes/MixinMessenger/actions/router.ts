import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationMap } from '../../common/router';
import * as acknowledgement from './acknowledgement';
import * as attachment from './attachment';
import * as conversation from './conversation';
import * as message from './message';
import type { MixinMessengerType } from './node.type';

const operations: OperationMap<MixinMessengerType> = {
	message: {
		send: message.send,
		sendMany: message.sendMany,
		sendAndWait: message.sendAndWait,
		recall: message.recall,
	},
	attachment: { upload: attachment.upload, get: attachment.get },
	acknowledgement: { ack: acknowledgement.ack },
	conversation: {
		create: conversation.create,
		get: conversation.get,
		addParticipants: conversation.addParticipants,
		removeParticipants: conversation.removeParticipants,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation.call(this, operations);
}
