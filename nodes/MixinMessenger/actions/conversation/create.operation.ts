import { randomUUID } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../common/errors';
import type { ItemResult } from '../../../common/router';
import { optionalUuid, requireLength, requireText } from '../../../common/validate';
import { mixinClient } from '../../helpers/client';
import {
	PARTICIPANTS_FIELD,
	participantsProperty,
	readParticipantIds,
} from '../../helpers/participants';
import { resolveUserId, USER_ID_HINT } from '../../helpers/recipient';
import {
	MAX_GROUP_ANNOUNCEMENT_CHARS,
	MAX_GROUP_MEMBERS,
	MAX_GROUP_NAME_CHARS,
} from '../../transport/api';
import { groupConversationId } from '../../transport/signing';

const properties: INodeProperties[] = [
	{
		displayName: 'Type',
		name: 'conversationType',
		type: 'options',
		options: [
			{ name: 'Contact', value: 'contact', description: 'The 1:1 conversation with a user' },
			{ name: 'Group', value: 'group', description: 'A new group, with the bot as its owner' },
		],
		default: 'contact',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		description: `The user to open a 1:1 (CONTACT) conversation with: ${USER_ID_HINT}`,
		displayOptions: { show: { conversationType: ['contact'] } },
	},
	{
		displayName: 'Group Name',
		name: 'groupName',
		type: 'string',
		required: true,
		default: '',
		description: `The group's name, up to ${MAX_GROUP_NAME_CHARS} characters`,
		displayOptions: { show: { conversationType: ['group'] } },
	},
	{
		...participantsProperty('Who joins the group besides the bot'),
		displayOptions: { show: { conversationType: ['group'] } },
	},
	{
		displayName: 'Group Options',
		name: 'groupOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { conversationType: ['group'] } },
		options: [
			{
				displayName: 'Announcement',
				name: 'announcement',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: `Shown to the members at the top of the group, up to ${MAX_GROUP_ANNOUNCEMENT_CHARS} characters`,
			},
			{
				displayName: 'Conversation ID',
				name: 'conversationId',
				type: 'string',
				default: '',
				description:
					"UUID for the new group; derived from a random ID when empty, as Mixin's SDKs do. Give a stable one to make Create idempotent across executions.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<ItemResult> {
	const client = await mixinClient(this);
	if (this.getNodeParameter('conversationType', i, 'contact') === 'group')
		return await createGroup(this, i);
	const userId = await resolveUserId(this, client, this.getNodeParameter('userId', i), 'User ID');
	if (userId === client.botUserId) throw new InputError('User ID', '"User ID" is the bot itself');
	return (await client.createContactConversation(userId)) as IDataObject;
}

async function createGroup(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const client = await mixinClient(ctx);
	const name = requireLength(
		requireText(ctx.getNodeParameter('groupName', i), 'Group Name'),
		'Group Name',
		1,
		MAX_GROUP_NAME_CHARS,
	);
	const options = ctx.getNodeParameter('groupOptions', i, {}) as IDataObject;
	const announcement = requireLength(
		options.announcement ?? '',
		'Announcement',
		0,
		MAX_GROUP_ANNOUNCEMENT_CHARS,
	);
	const givenId = optionalUuid(options.conversationId, 'Conversation ID');
	const participantIds = await readParticipantIds(ctx, i, client, 'drop');
	// the bot is the group's owner and counts as a member
	if (participantIds.length + 1 > MAX_GROUP_MEMBERS) {
		throw new InputError(
			PARTICIPANTS_FIELD,
			`a group holds at most ${MAX_GROUP_MEMBERS} members, the bot included; "${PARTICIPANTS_FIELD}" lists ${participantIds.length}`,
		);
	}
	// made once per item, before the first attempt, so a retry cannot create a second group
	const randomId = givenId ? undefined : randomUUID();
	const conversationId =
		givenId ?? groupConversationId(client.botUserId, name, participantIds, randomId!);
	return (await client.createGroupConversation({
		conversationId,
		name,
		participantIds,
		announcement,
		randomId,
	})) as IDataObject;
}
