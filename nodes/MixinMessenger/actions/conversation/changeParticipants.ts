/**
 * Add Participants and Remove Participants: the same fields and the same request, POST
 * /conversations/:id/participants/ADD|REMOVE, which Mixin allows the group's owner and admins.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation, ItemResult } from '../../../common/router';
import { requireUuid } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';
import { participantsProperty, readParticipantIds } from '../../helpers/participants';
import type { ParticipantAction } from '../../transport/api';

export function participantOperation(
	operation: string,
	action: ParticipantAction,
	who: string,
): ItemOperation & { description: INodeProperties[] } {
	const properties: INodeProperties[] = [
		{
			displayName: 'Conversation ID',
			name: 'conversationId',
			type: 'string',
			required: true,
			default: '',
			description: 'The group (UUID); the bot must be its owner or an admin',
		},
		participantsProperty(who),
	];
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['conversation'], operation: [operation] } },
			properties,
		),
		async execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
			const conversationId = requireUuid(
				this.getNodeParameter('conversationId', i),
				'Conversation ID',
			);
			const client = await mixinClient(this);
			// the bot is already in the group it adds to; removing itself would leave the group ownerless
			const userIds = await readParticipantIds(
				this,
				i,
				client,
				action === 'ADD' ? 'drop' : 'refuse',
			);
			return (await client.updateParticipants(conversationId, action, userIds)) as IDataObject;
		},
		// changes to the same group apply in item order
		orderKey(this: IExecuteFunctions, i: number): string {
			return `conversation:${String(this.getNodeParameter('conversationId', i, '') ?? '')
				.trim()
				.toLowerCase()}`;
		},
	};
}
