import { requireUuid } from '../../../common/validate';
import { forKinds, type MessageKind } from './types';

export const contact: MessageKind = {
	value: 'contact',
	name: 'Contact',
	properties: [
		{
			displayName: 'Contact User ID',
			name: 'contactUserId',
			type: 'string',
			required: true,
			default: '',
			description: 'The user whose contact card to share',
			displayOptions: forKinds(['contact']),
		},
	],
	read: ({ ctx, i }) => ({
		category: 'PLAIN_CONTACT',
		payload: { user_id: requireUuid(ctx.getNodeParameter('contactUserId', i), 'Contact User ID') },
	}),
};
