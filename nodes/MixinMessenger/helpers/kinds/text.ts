import { requireText } from '../../../common/validate';
import { forKinds, type MessageKind } from './types';

export const text: MessageKind = {
	value: 'text',
	name: 'Text',
	properties: [
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			displayOptions: forKinds(['text']),
		},
	],
	read: ({ ctx, i }) => ({
		category: 'PLAIN_TEXT',
		payload: requireText(ctx.getNodeParameter('text', i), 'Text'),
	}),
};

export const post: MessageKind = {
	value: 'post',
	name: 'Post (Markdown)',
	properties: [
		{
			displayName: 'Markdown',
			name: 'post',
			type: 'string',
			typeOptions: { rows: 6 },
			required: true,
			default: '',
			description: 'The post, written in Markdown',
			displayOptions: forKinds(['post']),
		},
	],
	read: ({ ctx, i }) => ({
		category: 'PLAIN_POST',
		payload: requireText(ctx.getNodeParameter('post', i), 'Markdown'),
	}),
};
