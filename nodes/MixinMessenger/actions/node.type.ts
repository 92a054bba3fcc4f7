import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message: 'send' | 'sendMany' | 'sendAndWait' | 'recall';
	attachment: 'upload' | 'get';
	acknowledgement: 'ack';
	conversation: 'create' | 'get' | 'addParticipants' | 'removeParticipants';
};

export type MixinMessengerType = AllEntities<NodeMap>;
