import type { IDataObject } from 'n8n-workflow';

import type { OutgoingMessage } from '../transport/api';

/** The output item of a sent message: what was sent, what Mixin answered, and any notes of the node's. */
export function sentMessageOutput(
	message: OutgoingMessage,
	response?: Record<string, unknown>,
	extra: IDataObject = {},
): IDataObject {
	const out: IDataObject = {
		message_id: message.message_id,
		conversation_id: message.conversation_id,
		category: message.category,
	};
	if (message.recipient_id) out.recipient_id = message.recipient_id;
	if (response) {
		for (const [k, v] of Object.entries(response))
			if (!(k in out)) out[k] = v as IDataObject[string];
	}
	return { ...out, ...extra };
}
