import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import type { MixinClient } from '../transport/api';
import { resolveUserId, USER_ID_HINT } from './recipient';

export const PARTICIPANTS_FIELD = 'Participants';

/** The users a group operation is about: a list of user IDs or Mixin IDs. */
export function participantsProperty(description: string): INodeProperties {
	return {
		displayName: PARTICIPANTS_FIELD,
		name: 'participantIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e8e8cd79-cd40-4796-8c54-3a13cfe50115, 7000123456',
		description: `${description}: each ${USER_ID_HINT}, separated by commas or new lines, or an array from an expression`,
	};
}

/** The entries of a list parameter: an array from an expression, or text separated by commas, semicolons or lines. */
function listEntries(value: unknown): unknown[] {
	if (Array.isArray(value))
		return value.flatMap((v) => (typeof v === 'string' ? listEntries(v) : [v]));
	if (typeof value === 'number') return [String(value)];
	if (typeof value !== 'string') return value === undefined || value === null ? [] : [value];
	return value
		.split(/[\s,;]+/)
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

/**
 * The participants of item `i` as user ids, in the order given, without repeats; Mixin IDs are looked up once per
 * run. `bot` says what to do when the bot itself is listed: drop it (it is the owner or already a member) or refuse.
 */
export async function readParticipantIds(
	ctx: IExecuteFunctions,
	i: number,
	client: MixinClient,
	bot: 'drop' | 'refuse',
): Promise<string[]> {
	const entries = listEntries(ctx.getNodeParameter('participantIds', i, ''));
	if (entries.length === 0)
		throw new InputError(PARTICIPANTS_FIELD, `"${PARTICIPANTS_FIELD}" is required`);
	const ids: string[] = [];
	for (const entry of entries) {
		const id = await resolveUserId(ctx, client, entry, PARTICIPANTS_FIELD);
		if (id === client.botUserId) {
			if (bot === 'refuse') {
				throw new InputError(PARTICIPANTS_FIELD, `"${PARTICIPANTS_FIELD}" lists the bot itself`);
			}
			continue;
		}
		if (!ids.includes(id)) ids.push(id);
	}
	if (ids.length === 0) {
		throw new InputError(
			PARTICIPANTS_FIELD,
			`"${PARTICIPANTS_FIELD}" lists no one but the bot itself`,
		);
	}
	return ids;
}
