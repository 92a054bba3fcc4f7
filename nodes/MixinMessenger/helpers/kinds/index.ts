/** The message kinds of Send and Send Many: the Message Type dropdown, every kind's fields, and their readers. */
import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { appCard, buttonGroup, live } from './cards';
import { contact } from './contact';
import { dimensionProperties, durationProperties } from './fields';
import { location } from './location';
import { audio, file, image, mediaSourceProperties, video } from './media';
import { raw } from './raw';
import { sticker } from './sticker';
import { post, text } from './text';
import type { KindInput, KindPayload, MessageKind } from './types';

/** In the order the dropdown shows them. */
const KINDS: MessageKind[] = [
	text,
	post,
	image,
	file,
	audio,
	video,
	sticker,
	contact,
	appCard,
	buttonGroup,
	live,
	location,
	raw,
];

export const messageTypeProperty: INodeProperties = {
	displayName: 'Message Type',
	name: 'messageType',
	type: 'options',
	options: KINDS.map((k) => ({ name: k.name, value: k.value })),
	default: 'text',
};

const byValue = (...values: string[]) =>
	values.flatMap((v) => KINDS.find((k) => k.value === v)!.properties);

/** Every kind's fields, shared ones (media source, size, duration) where they read best. */
export const kindProperties: INodeProperties[] = [
	...byValue('text', 'post'),
	...mediaSourceProperties,
	...byValue('file'),
	...dimensionProperties,
	...durationProperties,
	...byValue('sticker', 'contact', 'appCard', 'buttonGroup', 'live', 'location', 'raw'),
];

/** The options kinds add to Additional Fields, once each. */
export function kindAdditionalOptions(): INodeProperties[] {
	const options = new Map<string, INodeProperties>();
	for (const kind of KINDS)
		for (const option of kind.additionalOptions ?? []) options.set(option.name, option);
	return [...options.values()];
}

export async function readKind(value: string, input: KindInput): Promise<KindPayload> {
	const kind = KINDS.find((k) => k.value === value);
	if (!kind) throw new InputError('Message Type', `"Message Type" ${value} is not supported`);
	return await kind.read(input);
}
