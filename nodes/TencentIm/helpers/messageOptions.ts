/** The options every Send and Send to Many message has (sender, lifetime, push, controls, MsgRandom and MsgSeq). */
import { randomInt } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { oncePerRun } from '../../common/context';
import { requireNumber } from '../../common/validate';
import { MAX_MSG_LIFETIME_SECONDS, type MessageRequest } from '../transport/api';
import { optionalUserId } from './accounts';
import { bodyProperties, readBody } from './body';
import { noBadgeField, pushOptionFields, readOfflinePush } from './pushOptions';

/** Message body and options, shared by Send and Send to Many. */
export const messageProperties: INodeProperties[] = [
	...bodyProperties,
	{
		displayName: 'Message Options',
		name: 'messageOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Cloud Custom Data',
				name: 'cloudCustomData',
				type: 'string',
				default: '',
				description: 'Stored with the message and returned in history',
			},
			noBadgeField,
			{
				displayName: 'From Account',
				name: 'fromAccount',
				type: 'string',
				default: '',
				description: 'Send as this account instead of the admin',
			},
			{
				displayName: 'Message Lifetime (Seconds)',
				name: 'msgLifeTime',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_MSG_LIFETIME_SECONDS },
				default: MAX_MSG_LIFETIME_SECONDS,
				description:
					'How long an offline recipient can still receive it, 0 to 604800; 0 delivers only to online devices',
			},
			{
				displayName: 'MsgRandom',
				name: 'msgRandom',
				type: 'number',
				default: 0,
				description:
					'32-bit number identifying the message; a random one when 0. Tencent drops a repeat of the same sender, MsgRandom, MsgSeq and content within 120 seconds, so a stable value (e.g. from an order number) makes a resend in another run the same message. When MsgRandom is set and MsgSeq is not, MsgSeq takes the same value, so both stay stable.',
			},
			{
				displayName: 'MsgSeq',
				name: 'msgSeq',
				type: 'number',
				default: 0,
				description:
					'Sequence number ordering messages sent in the same second; when 0 the node numbers the items of a run in order (or uses MsgRandom, when that is set)',
			},
			...pushOptionFields,
			{
				displayName: 'Read Receipt',
				name: 'needReadReceipt',
				type: 'boolean',
				default: false,
				description: 'Whether the message asks for a read receipt',
			},
			{
				displayName: 'Send Controls',
				name: 'sendMsgControl',
				type: 'multiOptions',
				options: [
					{
						name: 'No Last Message Update',
						value: 'NoLastMsg',
						description: "Do not update the conversation list's last message",
					},
					{ name: 'No Unread Count', value: 'NoUnread', description: 'Do not count it as unread' },
					{ name: 'Respect Do Not Disturb', value: 'WithMuteNotifications' },
					{ name: 'Skip Moderation', value: 'NoMsgCheck' },
				],
				default: [],
			},
			{
				displayName: 'Sync to Sender',
				name: 'syncOtherMachine',
				type: 'options',
				options: [
					{ name: 'Default (Store in Sender History)', value: 0 },
					{ name: 'Sync to Sender Devices and History', value: 1 },
					{ name: 'Do Not Store for Sender', value: 2 },
				],
				default: 0,
			},
		],
	},
];

function optionalUint32(value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '' || value === 0) return undefined;
	return requireNumber(value, field, { min: 1, max: 0xffffffff, integer: true });
}

/**
 * A MsgSeq base for one node run. Tencent orders messages of the same second by MsgSeq and fills a random one when
 * it is missing, so the node numbers the items of a run upwards from this base to keep their order.
 */
export async function msgSeqBase(ctx: IExecuteFunctions): Promise<number> {
	return await oncePerRun(ctx, 'tencentMsgSeqBase', async () => randomInt(1, 0x8000_0000));
}

/** The message of one item, with its MsgRandom and MsgSeq made once here so every retry repeats it exactly. */
export function readMessage(ctx: IExecuteFunctions, i: number, seqBase: number): MessageRequest {
	const options = ctx.getNodeParameter('messageOptions', i, {}) as IDataObject;
	const givenRandom = optionalUint32(options.msgRandom, 'MsgRandom');
	const givenSeq = optionalUint32(options.msgSeq, 'MsgSeq');
	const message: MessageRequest = {
		MsgRandom: givenRandom ?? randomInt(1, 0x1_0000_0000),
		MsgBody: readBody(ctx, i),
	};
	const from = optionalUserId(options.fromAccount, 'From Account');
	if (from) message.From_Account = from;
	// a user-set MsgRandom stands for "the same message every run": MsgSeq must then not change between runs either
	message.MsgSeq = givenSeq ?? givenRandom ?? seqBase + i;
	if (options.syncOtherMachine === 1 || options.syncOtherMachine === 2)
		message.SyncOtherMachine = options.syncOtherMachine;
	if (options.msgLifeTime !== undefined) {
		message.MsgLifeTime = requireNumber(options.msgLifeTime, 'Message Lifetime (Seconds)', {
			min: 0,
			max: MAX_MSG_LIFETIME_SECONDS,
			integer: true,
		});
	}
	if (options.cloudCustomData) message.CloudCustomData = String(options.cloudCustomData);
	const push = readOfflinePush(options);
	if (push) message.OfflinePushInfo = push;
	const controls = (options.sendMsgControl as string[] | undefined) ?? [];
	if (controls.length > 0) message.SendMsgControl = controls;
	if (options.needReadReceipt === true) message.IsNeedReadReceipt = 1;
	return message;
}
