/** The message body of Send and Send to Many: built from elements, or given as Tencent's MsgBody JSON. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { parseJsonParameter } from '../../common/validate';
import { MSG_ELEMENT_TYPES, type MsgElement } from '../transport/api';
import { buildElement, elementsProperty } from './elements';

export const bodyProperties: INodeProperties[] = [
	{
		displayName: 'Message Body',
		name: 'bodyInput',
		type: 'options',
		options: [
			{ name: 'Elements', value: 'elements', description: 'Build the message from elements below' },
			{ name: 'JSON (MsgBody)', value: 'json', description: "Give Tencent's MsgBody array directly" },
		],
		default: 'elements',
	},
	elementsProperty,
	{
		displayName: 'MsgBody (JSON)',
		name: 'msgBodyJson',
		type: 'json',
		default: '[{ "MsgType": "TIMTextElem", "MsgContent": { "Text": "hello" } }]',
		description: "Tencent's MsgBody: an array of {MsgType, MsgContent} elements",
		displayOptions: { show: { bodyInput: ['json'] } },
	},
];

function readJsonBody(value: unknown): MsgElement[] {
	const parsed = parseJsonParameter(value, 'MsgBody (JSON)');
	if (!Array.isArray(parsed) || parsed.length === 0) {
		throw new InputError('MsgBody (JSON)', '"MsgBody (JSON)" must be a non-empty array of elements');
	}
	parsed.forEach((e, n) => {
		const el = e as Partial<MsgElement>;
		const known = typeof el?.MsgType === 'string' && (MSG_ELEMENT_TYPES as readonly string[]).includes(el.MsgType);
		if (!known || typeof el.MsgContent !== 'object' || el.MsgContent === null) {
			throw new InputError(
				'MsgBody (JSON)',
				`element ${n + 1} of "MsgBody (JSON)" needs a known MsgType and a MsgContent object`,
			);
		}
	});
	return parsed as MsgElement[];
}

export function readBody(ctx: IExecuteFunctions, i: number): MsgElement[] {
	let body: MsgElement[];
	if (ctx.getNodeParameter('bodyInput', i) === 'json') {
		body = readJsonBody(ctx.getNodeParameter('msgBodyJson', i));
	} else {
		const elements = (ctx.getNodeParameter('elements', i, {}) as { element?: IDataObject[] }).element ?? [];
		if (elements.length === 0) throw new InputError('Elements', '"Elements" needs at least one element');
		body = elements.map(buildElement);
	}
	if (body.filter((e) => e.MsgType === 'TIMCustomElem').length > 1) {
		throw new InputError('Elements', 'a message may contain at most one custom element');
	}
	return body;
}
