import type { IDataObject } from 'n8n-workflow';

import { optionalUuid, requireUuid } from '../../../common/validate';
import { forKinds, type MessageKind } from './types';

export const sticker: MessageKind = {
	value: 'sticker',
	name: 'Sticker',
	properties: [
		{
			displayName: 'Sticker ID',
			name: 'stickerId',
			type: 'string',
			required: true,
			default: '',
			displayOptions: forKinds(['sticker']),
		},
	],
	additionalOptions: [
		{ displayName: 'Sticker Album ID', name: 'albumId', type: 'string', default: '' },
		{ displayName: 'Sticker Name', name: 'stickerName', type: 'string', default: '' },
	],
	read({ ctx, i, extra }) {
		const payload: IDataObject = {
			sticker_id: requireUuid(ctx.getNodeParameter('stickerId', i), 'Sticker ID'),
		};
		if (extra.stickerName) payload.name = String(extra.stickerName);
		const albumId = optionalUuid(extra.albumId, 'Sticker Album ID');
		if (albumId) payload.album_id = albumId;
		return { category: 'PLAIN_STICKER', payload };
	},
};
