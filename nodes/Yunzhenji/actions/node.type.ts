import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message: 'send';
	account: 'list';
	contact: 'getRelations' | 'listBlacklist';
};

export type YunzhenjiType = AllEntities<NodeMap>;
