import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message:
		| 'send'
		| 'sendAndWait'
		| 'sendToMany'
		| 'edit'
		| 'recall'
		| 'recallMany'
		| 'list'
		| 'getEditHistory'
		| 'reportButtonClick'
		| 'recordFileDownload';
	file: 'upload';
};

export type YunhuType = AllEntities<NodeMap>;
