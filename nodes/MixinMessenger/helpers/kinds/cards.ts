import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { optionalUuid, requireLength, requireText } from '../../../common/validate';
import { readDimensions, requireAction, requireLink } from './fields';
import { forKinds, type MessageKind } from './types';

export const MAX_BUTTONS = 18;

const shareableOption: INodeProperties = {
	displayName: 'Shareable',
	name: 'shareable',
	type: 'boolean',
	default: true,
	description: 'Whether app cards and live cards may be forwarded',
};

/** Card styles: the old card (one action, an icon) and the current one (a cover image, its own buttons). */
const CLASSIC = 'classic';
const WITH_BUTTONS = 'coverAndButtons';

/** Label 1–36 characters, #RRGGBB colour, an action, as Mixin clients read a button. */
const LABEL_MAX = 36;
const COLOR_RE = /^#[0-9a-f]{6}$/i;

/** The fields of one button, shared by the button group and the current app card. */
const buttonValues: INodeProperties[] = [
	{ displayName: 'Label', name: 'label', type: 'string', default: '' },
	{ displayName: 'Color', name: 'color', type: 'color', default: '#2F80ED' },
	{
		displayName: 'Action',
		name: 'action',
		type: 'string',
		default: '',
		description:
			"A link opened when tapped (http(s):// matching the app's resource patterns, or mixin://), or input:TEXT to make the user send TEXT to the bot",
	},
];

/** 1 to MAX_BUTTONS buttons from a fixedCollection, checked and with colours upper-cased. */
function readButtons(value: unknown, field: string): IDataObject[] {
	const raw = (value as { button?: IDataObject[] } | undefined)?.button ?? [];
	if (raw.length < 1 || raw.length > MAX_BUTTONS) {
		throw new InputError(field, `"${field}" must hold 1–${MAX_BUTTONS} buttons, got ${raw.length}`);
	}
	return raw.map((b, n) => {
		const color = String(b.color ?? '').trim();
		if (!COLOR_RE.test(color)) {
			throw new InputError(field, `button ${n + 1}: "Color" must look like #RRGGBB`);
		}
		const label = `${field} › ${n + 1} › Label`;
		return {
			label: requireLength(requireText(b.label, label), label, 1, LABEL_MAX),
			color: color.toUpperCase(),
			action: requireAction(b.action, `${field} › ${n + 1} › Action`),
		};
	});
}

const forCardStyle = (style: string) => forKinds(['appCard'], { cardStyle: [style] });

export const appCard: MessageKind = {
	value: 'appCard',
	name: 'App Card',
	properties: [
		{
			displayName: 'Card Style',
			name: 'cardStyle',
			type: 'options',
			options: [
				{
					name: 'Classic (Action and Icon)',
					value: CLASSIC,
					description: 'One action for the whole card, with a small icon',
				},
				{
					name: 'With Cover and Buttons',
					value: WITH_BUTTONS,
					description: `An optional cover image and 1–${MAX_BUTTONS} buttons of its own, as current Mixin apps show cards`,
				},
			],
			default: CLASSIC,
			displayOptions: forKinds(['appCard']),
		},
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
			description:
				"Opened when the card is tapped; must match the app's resource patterns. Or input:TEXT to make the user send TEXT to the bot.",
			displayOptions: forCardStyle(CLASSIC),
		},
		{
			displayName: 'Icon URL',
			name: 'cardIconUrl',
			type: 'string',
			required: true,
			default: '',
			displayOptions: forCardStyle(CLASSIC),
		},
		{
			displayName: 'Cover URL',
			name: 'cardCoverUrl',
			type: 'string',
			default: '',
			description: 'Image shown above the title; none when empty',
			displayOptions: forCardStyle(WITH_BUTTONS),
		},
		{
			displayName: 'Buttons',
			name: 'cardButtons',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Button',
			default: {},
			description: `1–${MAX_BUTTONS} buttons under the card. Android lets a card be forwarded only if every button is a link.`,
			displayOptions: forCardStyle(WITH_BUTTONS),
			options: [{ displayName: 'Button', name: 'button', values: buttonValues }],
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
	read: ({ ctx, i, extra, botUserId }) => {
		const style = ctx.getNodeParameter('cardStyle', i, CLASSIC) as string;
		const appId = optionalUuid(extra.appId, 'App ID') ?? botUserId;
		const title = requireLength(
			requireText(ctx.getNodeParameter('cardTitle', i), 'Title'),
			'Title',
			1,
			36,
		);
		const description = requireLength(
			requireText(ctx.getNodeParameter('cardDescription', i), 'Description'),
			'Description',
			1,
			1024,
		);
		const shareable = extra.shareable !== false;
		if (style === CLASSIC) {
			return {
				category: 'APP_CARD',
				payload: {
					app_id: appId,
					icon_url: requireLink(ctx.getNodeParameter('cardIconUrl', i), 'Icon URL'),
					title,
					description,
					action: requireAction(ctx.getNodeParameter('cardAction', i), 'Action URL'),
					shareable,
				},
			};
		}
		if (style !== WITH_BUTTONS)
			throw new InputError('Card Style', `"Card Style" ${style} is not supported`);
		// no `action` key at all: with one, clients draw the classic card and ignore the cover and the buttons
		const payload: IDataObject = { app_id: appId };
		const cover = String(ctx.getNodeParameter('cardCoverUrl', i, '') ?? '').trim();
		if (cover) payload.cover_url = requireLink(cover, 'Cover URL');
		payload.title = title;
		payload.description = description;
		payload.actions = readButtons(ctx.getNodeParameter('cardButtons', i, {}), 'Buttons');
		payload.shareable = shareable;
		return { category: 'APP_CARD', payload };
	},
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
			options: [{ displayName: 'Button', name: 'button', values: buttonValues }],
		},
	],
	read: ({ ctx, i }) => ({
		category: 'APP_BUTTON_GROUP',
		payload: readButtons(ctx.getNodeParameter('buttons', i, {}), 'Buttons'),
	}),
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
