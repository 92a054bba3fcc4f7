import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import { requireNumber } from '../../../common/validate';
import { forKinds, type MessageKind } from './types';

export const location: MessageKind = {
	value: 'location',
	name: 'Location',
	properties: [
		{
			displayName: 'Latitude',
			name: 'latitude',
			type: 'number',
			typeOptions: { numberPrecision: 7 },
			required: true,
			default: 0,
			displayOptions: forKinds(['location']),
		},
		{
			displayName: 'Longitude',
			name: 'longitude',
			type: 'number',
			typeOptions: { numberPrecision: 7 },
			required: true,
			default: 0,
			displayOptions: forKinds(['location']),
		},
	],
	additionalOptions: [
		{ displayName: 'Location Address', name: 'locationAddress', type: 'string', default: '' },
		{ displayName: 'Location Name', name: 'locationName', type: 'string', default: '' },
	],
	read({ ctx, i, extra }) {
		const payload: IDataObject = {
			latitude: requireNumber(ctx.getNodeParameter('latitude', i), 'Latitude', {
				min: -90,
				max: 90,
			}),
			longitude: requireNumber(ctx.getNodeParameter('longitude', i), 'Longitude', {
				min: -180,
				max: 180,
			}),
		};
		if (payload.latitude === 0 && payload.longitude === 0) {
			throw new InputError(
				'Latitude',
				'"Latitude" and "Longitude" are both 0, which Mixin clients show as no location',
			);
		}
		if (extra.locationName) payload.name = String(extra.locationName);
		if (extra.locationAddress) payload.address = String(extra.locationAddress);
		return { category: 'PLAIN_LOCATION', payload };
	},
};
