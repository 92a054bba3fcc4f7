import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message:
		'send' | 'sendAndWait' | 'sendToMany' | 'list' | 'recall' | 'markRead' | 'getUnreadCount';
	account: 'import' | 'check';
};

export type TencentImType = AllEntities<NodeMap>;
