import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runOperation, type Operation } from '../../common/router';
import * as acknowledgement from './acknowledgement';
import * as attachment from './attachment';
import * as conversation from './conversation';
import * as message from './message';
import type { MixinMessengerType } from './node.type';

const operations: { [R in MixinMessengerType['resource']]: Record<string, Operation> } = {
	message: { send: message.send, sendMany: message.sendMany, recall: message.recall },
	attachment: { upload: attachment.upload, get: attachment.get },
	acknowledgement: { ack: acknowledgement.ack },
	conversation: { create: conversation.create },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as MixinMessengerType['resource'];
	const operation = this.getNodeParameter('operation', 0) as MixinMessengerType['operation'];
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await runOperation.call(this, handler);
}
