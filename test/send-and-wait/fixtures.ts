import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { registerTestTypes, type WorkflowJson } from '../harness/engine';

/** A node after the waiting one: it shows what the execution continued with. */
const after: INodeType = {
	description: {
		displayName: 'After',
		name: 'after',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'After' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [this.getInputData().map((item) => ({ json: item.json }))];
	},
};
registerTestTypes({ nodes: [after] });

const NODE_NAMES: Record<string, string> = {
	mixinMessenger: 'Mixin Messenger',
	yunhu: 'Yunhu',
	tencentIm: 'Tencent Cloud IM',
};

/** The platform node asking, then "After". The asking node's id is node-0, so its resume URLs end in /node-0. */
export function answerWorkflow(
	type: string,
	credentialType: string,
	parameters: Record<string, unknown>,
): WorkflowJson {
	const name = NODE_NAMES[type];
	return {
		nodes: [
			{
				name,
				type,
				typeVersion: 1,
				parameters: parameters as never,
				credentials: { [credentialType]: { id: '1', name: 'c' } },
			},
			{ name: 'After', type: 'test.after', typeVersion: 1, parameters: {} },
		],
		connections: { [name]: { main: [[{ node: 'After', type: 'main', index: 0 }]] } },
	};
}

/** n8n's signed resume URL of the harness's execution, for an approval answer or (without one) the form. */
export const SIGNED_URL = (approved?: 'true' | 'false') =>
	new RegExp(
		`^http://localhost:5678/webhook-waiting/test-execution/node-0\\?${approved ? `approved=${approved}&` : ''}signature=[0-9a-f]{64}$`,
	);

export function resumeUrl(buttons: unknown): string {
	return (buttons as Array<{ action: string }>)[0].action;
}

/** The form's POST back to the URL it was opened at. */
export function formPost(url: string, text: string) {
	return {
		url,
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ text }).toString(),
	};
}
