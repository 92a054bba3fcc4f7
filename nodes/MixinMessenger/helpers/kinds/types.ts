import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Media read from a binary field, to upload before the message can be built. */
export interface PendingUpload {
	bytes: Buffer;
	mimeType: string;
	fileName?: string;
}

/** A message kind's category and payload; media from binary is uploaded later and its fields filled in then. */
export interface KindPayload {
	category: string;
	payload: string | IDataObject | IDataObject[];
	upload?: PendingUpload;
}

/** What a kind's reader gets: the item, its Additional Fields, and the bot's own user id. */
export interface KindInput {
	ctx: IExecuteFunctions;
	i: number;
	extra: IDataObject;
	botUserId: string;
}

/** One choice of the Message Type dropdown: its label, its fields and the code that reads them. */
export interface MessageKind {
	value: string;
	name: string;
	/** Fields shown only for this kind (shared ones live in their own modules). */
	properties: INodeProperties[];
	/** Options this kind adds to the Additional Fields collection. */
	additionalOptions?: INodeProperties[];
	read(input: KindInput): Promise<KindPayload> | KindPayload;
}

/** displayOptions that show a field for some message kinds. */
export function forKinds(kinds: string[], extra: IDataObject = {}) {
	return { show: { messageType: kinds, ...extra } };
}
