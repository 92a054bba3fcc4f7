import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../common/router';
import { chatKey, chatProperties, readChat } from '../../helpers/chat';
import { botClient, chosenApi, userClient } from '../../helpers/client';
import { contentProperties, readContent } from '../../helpers/content';
import {
	botMessage,
	botOptionsProperty,
	checkUpload,
	finishContent,
	readMessageId,
	uploadAsBot,
	uploadAsUser,
	userOptionsProperty,
	userRequest,
	type Uploaded,
} from '../../helpers/message';

const properties: INodeProperties[] = [
	...chatProperties('ID of the user, group or bot to send to'),
	...contentProperties,
	userOptionsProperty,
	botOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

function uploadedFields(uploaded?: Uploaded): IDataObject {
	if (!uploaded) return {};
	return {
		fileKey: uploaded.key,
		...(uploaded.url ? { fileUrl: uploaded.url } : {}),
		fileSize: uploaded.size,
	};
}

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const api = chosenApi(this);
	const chat = readChat(this, i, api);
	const draft = await readContent(this, i, api);
	checkUpload(draft, api);
	if (api === 'userApi') {
		// made once per item, before the first attempt: Yunhu keeps one message per sender and msg_id
		const msgId = readMessageId(this, i);
		const client = await userClient(this);
		const uploaded = await finishContent(
			draft,
			async (kind, file) => await uploadAsUser(client, kind, file),
		);
		const request = userRequest(this, i, msgId, chat, draft);
		await client.sendMessage(request);
		return {
			msgId,
			chatId: chat.chatId,
			chatType: chat.recvType,
			contentType: draft.kind,
			sent: true,
			...uploadedFields(uploaded),
		};
	}
	const client = await botClient(this);
	const uploaded = await finishContent(
		draft,
		async (kind, file) => await uploadAsBot(client, kind, file),
	);
	const info = await client.send(botMessage(this, i, chat, draft));
	return { ...info, contentType: draft.kind, sent: true, ...uploadedFields(uploaded) };
}

export function orderKey(this: IExecuteFunctions, i: number): string {
	return chatKey(this, i);
}
