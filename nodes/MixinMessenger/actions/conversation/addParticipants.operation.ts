import { participantOperation } from './changeParticipants';

export const { description, execute, orderKey } = participantOperation(
	'addParticipants',
	'ADD',
	'Who to add to the group',
);
