import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { optionalUuid, requireLength, requireText } from '../../../common/validate';
import { readDimensions, requireLink } from './fields';
import { forKinds, type MessageKind } from './types';

export const MAX_BUTTONS = 18;

const shareableOption: INodeProperties = {
	displayName: 'Shareable',
	name: 'shareable',
	type: 'boolean',
	default: true,
	description: 'Whether app cards and live cards may be forwarded',
};

export const appCard: MessageKind = {
	value: 'appCard',
	name: 'App Card',
	properties: [
		{
			displayName: 'Title',
			name: 'cardTitle',
			type: 'string',
			required: true,
			default: '',
			description: '1–36 characters',
			displayOptions: forKinds(['appCard']),
		},
		{
			displayName: 'Description',
			name: 'cardDescription',
			type: 'string',
			required: true,
			default: '',
			description: '1–1024 characters',
			displayOptions: forKinds(['appCard']),
		},
		{
			displayName: 'Action URL',
			name: 'cardAction',
			type: 'string',
			required: true,
			default: '',
			description: "Opened when the card is tapped; must match the app's resource patterns",
			displayOptions: forKinds(['appCard']),
		},
		{
			displayName: 'Icon URL',
			name: 'cardIconUrl',
			type: 'string',
			required: true,
			default: '',
			displayOptions: forKinds(['appCard']),
		},
	],
	additionalOptions: [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			description: "App card's app ID; the bot's own when empty",
		},
		shareableOption,
	],
	read: ({ ctx, i, extra, botUserId }) => ({
		category: 'APP_CARD',
		payload: {
			app_id: optionalUuid(extra.appId, 'App ID') ?? botUserId,
			icon_url: requireLink(ctx.getNodeParameter('cardIconUrl', i), 'Icon URL'),
			title: requireLength(requireText(ctx.getNodeParameter('cardTitle', i), 'Title'), 'Title', 1, 36),
			description: requireLength(
				requireText(ctx.getNodeParameter('cardDescription', i), 'Description'),
				'Description',
				1,
				1024,
			),
			action: requireLink(ctx.getNodeParameter('cardAction', i), 'Action URL'),
			shareable: extra.shareable !== false,
		},
	}),
};

export const buttonGroup: MessageKind = {
	value: 'buttonGroup',
	name: 'Button Group',
	properties: [
		{
			displayName: 'Buttons',
			name: 'buttons',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Button',
			default: {},
			description: `1–${MAX_BUTTONS} buttons`,
			displayOptions: forKinds(['buttonGroup']),
			options: [
				{
					displayName: 'Button',
					name: 'button',
					values: [
						{ displayName: 'Label', name: 'label', type: 'string', default: '' },
						{ displayName: 'Color', name: 'color', type: 'color', default: '#2F80ED' },
						{ displayName: 'Action URL', name: 'action', type: 'string', default: '' },
					],
				},
			],
		},
	],
	read({ ctx, i }) {
		const raw = (ctx.getNodeParameter('buttons', i, {}) as { button?: IDataObject[] }).button ?? [];
		if (raw.length < 1 || raw.length > MAX_BUTTONS) {
			throw new InputError('Buttons', `"Buttons" must hold 1–${MAX_BUTTONS} buttons, got ${raw.length}`);
		}
		const payload = raw.map((b, n) => {
			const color = String(b.color ?? '').trim();
			if (!/^#[0-9a-f]{6}$/i.test(color)) {
				throw new InputError('Buttons', `button ${n + 1}: "Color" must look like #RRGGBB`);
			}
			const label = `Buttons › ${n + 1} › Label`;
			return {
				label: requireLength(requireText(b.label, label), label, 1, 36),
				color: color.toUpperCase(),
				action: requireLink(b.action, `Buttons › ${n + 1} › Action URL`),
			};
		});
		return { category: 'APP_BUTTON_GROUP', payload };
	},
};

export const live: MessageKind = {
	value: 'live',
	name: 'Live',
	properties: [
		{
			displayName: 'Stream URL',
			name: 'liveUrl',
			type: 'string',
			required: true,
			default: '',
			description: 'HLS (.m3u8) address of the stream',
			displayOptions: forKinds(['live']),
		},
		{
			displayName: 'Thumbnail URL',
			name: 'liveThumbUrl',
			type: 'string',
			required: true,
			default: '',
			displayOptions: forKinds(['live']),
		},
	],
	additionalOptions: [shareableOption],
	read: ({ ctx, i, extra }) => ({
		category: 'PLAIN_LIVE',
		payload: {
			...readDimensions(ctx, i),
			thumb_url: requireLink(ctx.getNodeParameter('liveThumbUrl', i), 'Thumbnail URL'),
			url: requireLink(ctx.getNodeParameter('liveUrl', i), 'Stream URL'),
			shareable: extra.shareable !== false,
		},
	}),
};
