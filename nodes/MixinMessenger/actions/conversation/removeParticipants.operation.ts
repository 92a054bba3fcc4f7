import { participantOperation } from './changeParticipants';

export const { description, execute, orderKey } = participantOperation(
	'removeParticipants',
	'REMOVE',
	'Who to remove from the group',
);
