/** Text, face, location and custom elements. */
import type { IDataObject } from 'n8n-workflow';

import { requireNumber, requireText } from '../../../common/validate';
import { forType, type ElementKind } from './types';

export const text: ElementKind = {
	value: 'text',
	name: 'Text',
	fields: [
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			displayOptions: forType(['text']),
		},
	],
	build: (e, f) => ({
		MsgType: 'TIMTextElem',
		MsgContent: { Text: requireText(e.text, f('Text')) },
	}),
};

export const face: ElementKind = {
	value: 'face',
	name: 'Face',
	fields: [
		{
			displayName: 'Face Index',
			name: 'index',
			type: 'number',
			default: 0,
			description: 'App-defined face number',
			displayOptions: forType(['face']),
		},
	],
	build: (e, f) => ({
		MsgType: 'TIMFaceElem',
		MsgContent: {
			Index: requireNumber(e.index, f('Face Index'), { integer: true }),
			Data: String(e.data ?? ''),
		},
	}),
};

export const location: ElementKind = {
	value: 'location',
	name: 'Location',
	fields: [
		{
			displayName: 'Latitude',
			name: 'latitude',
			type: 'number',
			typeOptions: { numberPrecision: 7 },
			default: 0,
			displayOptions: forType(['location']),
		},
		{
			displayName: 'Longitude',
			name: 'longitude',
			type: 'number',
			typeOptions: { numberPrecision: 7 },
			default: 0,
			displayOptions: forType(['location']),
		},
	],
	build: (e, f) => ({
		MsgType: 'TIMLocationElem',
		MsgContent: {
			Desc: String(e.desc ?? ''),
			Latitude: requireNumber(e.latitude, f('Latitude'), { min: -90, max: 90 }),
			Longitude: requireNumber(e.longitude, f('Longitude'), { min: -180, max: 180 }),
		},
	}),
};

export const custom: ElementKind = {
	value: 'custom',
	name: 'Custom',
	fields: [
		{
			displayName: 'Ext',
			name: 'ext',
			type: 'string',
			default: '',
			description: 'Passed to APNs as ext',
			displayOptions: forType(['custom']),
		},
		{
			displayName: 'Sound',
			name: 'sound',
			type: 'string',
			default: '',
			description: 'Custom APNs sound file',
			displayOptions: forType(['custom']),
		},
	],
	build(e, f) {
		const content: IDataObject = { Data: requireText(e.data, f('Data')) };
		if (e.desc) content.Desc = String(e.desc);
		if (e.ext) content.Ext = String(e.ext);
		if (e.sound) content.Sound = String(e.sound);
		return { MsgType: 'TIMCustomElem', MsgContent: content };
	},
};
