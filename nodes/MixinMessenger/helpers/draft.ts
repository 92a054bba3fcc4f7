/**
 * The life of one item's message: read and checked before anything is sent (the draft), then finished once its
 * media is uploaded, then encoded and size-checked once.
 */
import { randomUUID } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { optionalUuid, requireNumber } from '../../common/validate';
import {
	MAX_MESSAGE_BYTES,
	messageBytes,
	type MixinClient,
	type OutgoingMessage,
} from '../transport/api';
import { encodeMessageData } from '../transport/signing';
import { kindAdditionalOptions, kindProperties, messageTypeProperty, readKind } from './kinds';
import type { KindPayload, PendingUpload } from './kinds/types';
import { recipientProperties, resolveRecipient } from './recipient';

/** Options of every message, whatever its kind. */
const messageOptions: INodeProperties[] = [
	{
		displayName: 'Expire In (Seconds)',
		name: 'expireIn',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"Make it a disappearing message: seconds until Mixin's clients delete it (Mixin's expire_in; how clients treat it is not documented). 0 sends none.",
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		description:
			'UUID for the new message; a random one when empty. Give a stable one to make a send idempotent across executions.',
	},
	{
		displayName: 'Quote Message ID',
		name: 'quoteMessageId',
		type: 'string',
		default: '',
		description: 'Reply to this message',
	},
	{
		displayName: 'Silent',
		name: 'silent',
		type: 'boolean',
		default: false,
		description: 'Whether to deliver without a push notification',
	},
];

/** The fields of Send and Send Many: recipient, message kind and its fields, Additional Fields. */
export const messageProperties: INodeProperties[] = [
	...recipientProperties,
	messageTypeProperty,
	...kindProperties,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [...messageOptions, ...kindAdditionalOptions()].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
];

/** Everything about one item's message that could be checked without sending anything. */
export interface MessageDraft {
	itemIndex: number;
	message: Omit<OutgoingMessage, 'data_base64'>;
	payload: KindPayload['payload'];
	upload?: PendingUpload;
	/** The finished message, once nothing is left to upload. */
	assembled?: OutgoingMessage;
}

/** Read and check one item's message; nothing is sent or uploaded here. */
export async function readMessageDraft(
	ctx: IExecuteFunctions,
	i: number,
	botUserId: string,
): Promise<MessageDraft> {
	const extra = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const recipient = await resolveRecipient(ctx, i, botUserId);
	const type = ctx.getNodeParameter('messageType', i) as string;
	const { category, payload, upload } = await readKind(type, { ctx, i, extra, botUserId });
	const message: MessageDraft['message'] = {
		...recipient,
		// made once per item, before the first attempt, so every retry carries the same id
		message_id: optionalUuid(extra.messageId, 'Message ID') ?? randomUUID(),
		category,
	};
	const quote = optionalUuid(extra.quoteMessageId, 'Quote Message ID');
	if (quote) message.quote_message_id = quote;
	if (extra.silent === true) message.silent = true;
	const expireIn = readExpireIn(extra.expireIn);
	if (expireIn) message.expire_in = expireIn;
	const draft: MessageDraft = { itemIndex: i, message, payload, upload };
	if (!upload) draft.assembled = assembleMessage(draft);
	return draft;
}

/** Expire In (Seconds): a whole number of seconds, or undefined when empty or 0 (no expire_in is sent). */
function readExpireIn(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '' || value === 0) return undefined;
	const seconds = requireNumber(value, 'Expire In (Seconds)', {
		min: 0,
		max: Number.MAX_SAFE_INTEGER,
		integer: true,
	});
	return seconds === 0 ? undefined : seconds;
}

/** Encode the payload into the message and check the encoded size against Mixin's per-message limit. */
function assembleMessage(draft: MessageDraft): OutgoingMessage {
	const payload = typeof draft.payload === 'string' ? draft.payload : JSON.stringify(draft.payload);
	const message = { ...draft.message, data_base64: encodeMessageData(payload) };
	const bytes = messageBytes(message);
	if (bytes > MAX_MESSAGE_BYTES) {
		throw new InputError(
			'Message',
			`the message is ${bytes} bytes once encoded; Mixin accepts at most ${MAX_MESSAGE_BYTES}`,
			'Shorten the text, or send long content as a file.',
		);
	}
	return message;
}

/** Upload the draft's media, if any, and produce the message to send. */
export async function finalizeMessage(
	client: MixinClient,
	draft: MessageDraft,
): Promise<OutgoingMessage> {
	if (draft.assembled) return draft.assembled;
	if (draft.upload && typeof draft.payload === 'object' && !Array.isArray(draft.payload)) {
		const attachment = await client.uploadAttachment(draft.upload.bytes);
		draft.payload = { attachment_id: attachment.attachment_id, ...draft.payload };
		draft.upload = undefined;
	}
	draft.assembled = assembleMessage(draft);
	return draft.assembled;
}
