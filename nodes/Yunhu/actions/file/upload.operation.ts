import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readBinaryFile } from '../../../common/binary';
import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { botClient, chosenApi, userClient } from '../../helpers/client';
import type { MediaKind } from '../../helpers/content';
import { checkUpload, uploadAsBot, uploadAsUser } from '../../helpers/message';

const kindOption = (api: 'userApi' | 'botApi', kinds: MediaKind[]): INodeProperties => ({
	displayName: 'File Kind',
	name: 'fileKind',
	type: 'options',
	options: kinds.map((k) => ({ name: k[0].toUpperCase() + k.slice(1), value: k })),
	default: 'image',
	description: 'Yunhu keeps each kind apart: a key can be sent only as its own kind',
	displayOptions: { show: { authentication: [api] } },
});

const properties: INodeProperties[] = [
	kindOption('userApi', ['audio', 'file', 'image', 'video']),
	kindOption('botApi', ['file', 'image', 'video']),
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the file to upload',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

/** Returns the key to send the file by, and for images the public URL. */
export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const api = chosenApi(this);
	const kind = this.getNodeParameter('fileKind', i) as MediaKind;
	if (api === 'botApi' && kind === 'audio')
		throw new InputError('File Kind', 'the bot API cannot upload audio');
	const file = await readBinaryFile(this, i);
	checkUpload({ kind, upload: file }, api);
	const uploaded =
		api === 'userApi'
			? await uploadAsUser(await userClient(this), kind, file)
			: await uploadAsBot(await botClient(this), kind, file);
	return {
		key: uploaded.key,
		...(uploaded.url ? { url: uploaded.url } : {}),
		kind,
		fileName: file.fileName,
		mimeType: file.mimeType,
		size: uploaded.size,
		...(uploaded.hash ? { hash: uploaded.hash } : {}),
	};
}
