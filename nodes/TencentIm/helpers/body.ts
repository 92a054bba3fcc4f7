/** The message body of Send and Send to Many: built from elements, or given as Tencent's MsgBody JSON. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { parseJsonParameter } from '../../common/validate';
import type { MsgElement } from '../transport/api';
import { buildElement, elementsProperty } from './elements';
import { checkJsonBody, JSON_BODY_FIELD } from './elements/jsonBody';

export const bodyProperties: INodeProperties[] = [
	{
		displayName: 'Message Body',
		name: 'bodyInput',
		type: 'options',
		options: [
			{ name: 'Elements', value: 'elements', description: 'Build the message from elements below' },
			{
				name: 'JSON (MsgBody)',
				value: 'json',
				description: "Give Tencent's MsgBody array directly",
			},
		],
		default: 'elements',
	},
	elementsProperty,
	{
		displayName: 'MsgBody (JSON)',
		name: 'msgBodyJson',
		type: 'json',
		default: '[{ "MsgType": "TIMTextElem", "MsgContent": { "Text": "hello" } }]',
		description:
			"Tencent's MsgBody: an array of {MsgType, MsgContent} elements of any documented type, merged forwards (TIMRelayElem) included; checked for the fields Tencent requires before sending",
		displayOptions: { show: { bodyInput: ['json'] } },
	},
];

function readJsonBody(value: unknown): MsgElement[] {
	return checkJsonBody(parseJsonParameter(value, JSON_BODY_FIELD));
}

export function readBody(ctx: IExecuteFunctions, i: number): MsgElement[] {
	let body: MsgElement[];
	if (ctx.getNodeParameter('bodyInput', i) === 'json') {
		body = readJsonBody(ctx.getNodeParameter('msgBodyJson', i));
	} else {
		const elements =
			(ctx.getNodeParameter('elements', i, {}) as { element?: IDataObject[] }).element ?? [];
		if (elements.length === 0)
			throw new InputError('Elements', '"Elements" needs at least one element');
		body = elements.map(buildElement);
	}
	if (body.filter((e) => e.MsgType === 'TIMCustomElem').length > 1) {
		throw new InputError('Elements', 'a message may contain at most one custom element');
	}
	return body;
}
