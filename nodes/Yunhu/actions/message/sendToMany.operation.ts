import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { botClient } from '../../helpers/client';
import { contentProperties, readContent } from '../../helpers/content';
import {
	botContent,
	botOptionsProperty,
	checkUpload,
	finishContent,
	uploadAsBot,
} from '../../helpers/message';
import type { RecvType } from '../../transport/botApi';

const properties: INodeProperties[] = [
	{
		displayName: 'Recipient Type',
		name: 'recvType',
		type: 'options',
		options: [
			{ name: 'Users', value: 'user' },
			{ name: 'Groups', value: 'group' },
		],
		default: 'user',
	},
	{
		displayName: 'Recipient IDs',
		name: 'recvIds',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description:
			'User or group IDs, separated by commas or new lines (or an array from an expression); repeats are sent once',
	},
	...contentProperties,
	botOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendToMany'], authentication: ['botApi'] } },
	properties,
);

function readIds(value: unknown): string[] {
	const raw = Array.isArray(value) ? value : String(value ?? '').split(/[\n,]/);
	const ids = [...new Set(raw.map((v) => String(v).trim()).filter((v) => v !== ''))];
	if (ids.length === 0)
		throw new InputError('Recipient IDs', '"Recipient IDs" needs at least one ID');
	return ids;
}

/** One output item per recipient: sent with its message ID, or not (Yunhu leaves out those it cannot reach). */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const recvType = this.getNodeParameter('recvType', i) as RecvType;
	const recvIds = readIds(this.getNodeParameter('recvIds', i));
	const draft = await readContent(this, i, 'botApi');
	checkUpload(draft, 'botApi');
	const parentId = String(
		(this.getNodeParameter('messageOptions', i, {}) as { parentId?: string }).parentId ?? '',
	).trim();
	const client = await botClient(this);
	await finishContent(draft, async (kind, file) => await uploadAsBot(client, kind, file));
	const result = await client.batchSend({
		recvIds,
		recvType,
		contentType: draft.kind,
		content: botContent(draft),
		...(parentId ? { parentId } : {}),
	});
	const sent = new Map(result.successList.map((s) => [s.recvId, s.msgId]));
	return recvIds.map((recvId) => ({
		recvId,
		recvType,
		sent: sent.has(recvId),
		...(sent.has(recvId) ? { msgId: sent.get(recvId) } : {}),
	}));
}
