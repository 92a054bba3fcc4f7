import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message: 'send' | 'sendToMany' | 'list' | 'recall' | 'markRead' | 'getUnreadCount';
	account: 'import' | 'check';
};

export type TencentImType = AllEntities<NodeMap>;
