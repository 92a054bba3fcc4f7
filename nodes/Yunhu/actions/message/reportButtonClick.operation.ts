import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { requireText } from '../../../common/validate';
import { chatProperties, readChat } from '../../helpers/chat';
import { userClient } from '../../helpers/client';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'The message with the button',
	},
	...chatProperties('ID of the chat the message is in'),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		description: 'Who clicks: the user of the credential',
	},
	{
		displayName: 'Button Value',
		name: 'buttonValue',
		type: 'string',
		required: true,
		default: '',
		description: "The button's value",
	},
];

export const description = updateDisplayOptions(
	{
		show: { resource: ['message'], operation: ['reportButtonClick'], authentication: ['userApi'] },
	},
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const msgId = requireText(this.getNodeParameter('messageId', i), 'Message ID');
	const chat = readChat(this, i, 'userApi');
	const userId = requireText(this.getNodeParameter('userId', i), 'User ID');
	const buttonValue = requireText(this.getNodeParameter('buttonValue', i), 'Button Value');
	const client = await userClient(this);
	await client.buttonReport({
		msg_id: msgId,
		chat_type: chat.chatType,
		chat_id: chat.chatId,
		user_id: userId,
		button_value: buttonValue,
	});
	return {
		msgId,
		chatId: chat.chatId,
		chatType: chat.recvType,
		userId,
		buttonValue,
		reported: true,
	};
}
