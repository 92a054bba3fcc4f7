/** The Elements collection of Send and Send to Many: every element type's fields, and the builder for each. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { MsgElement } from '../../transport/api';
import { custom, face, location, text } from './basic';
import { file, image, sound, video } from './media';
import { dataField, descField, mediaFields, secondsField } from './shared';
import type { ElementKind } from './types';

/** In the order the Type dropdown shows them. */
const ELEMENTS: ElementKind[] = [text, face, location, custom, image, file, sound, video];

const fieldsOf = (...kinds: ElementKind[]) => kinds.flatMap((k) => k.fields);

export const elementsProperty: INodeProperties = {
	displayName: 'Elements',
	name: 'elements',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Element',
	default: { element: [{ type: 'text', text: '' }] },
	description: 'One message can combine several elements, but at most one custom element',
	displayOptions: { show: { bodyInput: ['elements'] } },
	options: [
		{
			displayName: 'Element',
			name: 'element',
			values: [
				{
					displayName: 'Type',
					name: 'type',
					type: 'options',
					options: ELEMENTS.map((k) => ({ name: k.name, value: k.value })),
					default: 'text',
				},
				...fieldsOf(text, face),
				dataField,
				descField,
				...fieldsOf(location, custom),
				...mediaFields,
				...fieldsOf(image, file),
				secondsField,
				...fieldsOf(video),
			],
		},
	],
};

/** One element from the UI fields; `n` is its position, for error messages. */
export function buildElement(values: IDataObject, n: number): MsgElement {
	const field = (name: string) => `Elements › ${n + 1} › ${name}`;
	const kind = ELEMENTS.find((k) => k.value === values.type);
	if (!kind)
		throw new InputError(
			field('Type'),
			`"${field('Type')}" ${String(values.type)} is not an element type`,
		);
	return kind.build(values, field);
}
