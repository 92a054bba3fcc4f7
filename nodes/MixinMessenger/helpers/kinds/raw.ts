import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { parseJsonParameter, requireText } from '../../../common/validate';
import { SENDABLE_CATEGORIES } from '../../transport/api';
import { forKinds, type MessageKind } from './types';

export const raw: MessageKind = {
	value: 'raw',
	name: 'Raw (Category + Data)',
	properties: [
		{
			displayName: 'Category',
			name: 'category',
			type: 'string',
			required: true,
			default: 'PLAIN_TEXT',
			description: `One of ${SENDABLE_CATEGORIES.join(', ')}`,
			displayOptions: forKinds(['raw']),
		},
		{
			displayName: 'Data',
			name: 'rawData',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			description:
				'The payload: plain text for PLAIN_TEXT and PLAIN_POST, JSON for the other categories',
			displayOptions: forKinds(['raw']),
		},
	],
	read({ ctx, i }) {
		const category = requireText(ctx.getNodeParameter('category', i), 'Category').toUpperCase();
		if (!(SENDABLE_CATEGORIES as readonly string[]).includes(category)) {
			throw new InputError(
				'Category',
				`"Category" ${category} is not one a bot can send (${SENDABLE_CATEGORIES.join(', ')})`,
			);
		}
		const data = ctx.getNodeParameter('rawData', i) as unknown;
		if (category === 'PLAIN_TEXT' || category === 'PLAIN_POST')
			return { category, payload: requireText(data, 'Data') };
		const parsed = parseJsonParameter(data, 'Data');
		if (!parsed || typeof parsed !== 'object') {
			throw new InputError('Data', `"Data" must be a JSON object or array for ${category}`);
		}
		return { category, payload: parsed as IDataObject };
	},
};
