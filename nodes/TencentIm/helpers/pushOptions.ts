/**
 * The offline push options of Send and Send to Many (Tencent's OfflinePushInfo): shared fields, iOS (ApnsInfo) and
 * Android vendors (AndroidInfo). Every option is off or empty by default and then sends nothing.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../common/errors';
import { requireUrl } from './elements/shared';

const importance = [
	{ name: 'Default (Not Sent)', value: '' },
	{ name: 'Low (Marketing)', value: 'LOW' },
	{ name: 'Normal (Service and Chat)', value: 'NORMAL' },
];

/** The iOS badge mode (ApnsInfo.BadgeMode); listed apart, as its name does not start with "Push". */
export const noBadgeField: INodeProperties = {
	displayName: 'Do Not Increase Badge (iOS)',
	name: 'noBadge',
	type: 'boolean',
	default: false,
	description: 'Whether the app badge stays as it is (ApnsInfo.BadgeMode 1)',
};

/** In the order the collection lists them (alphabetical); all start with "Push". */
export const pushOptionFields: INodeProperties[] = [
	{
		displayName: 'Push Background Update (iOS)',
		name: 'apnsContentAvailable',
		type: 'boolean',
		default: false,
		description:
			'Whether the notification also wakes the app in the background (ApnsInfo.ContentAvailable 1)',
	},
	{
		displayName: 'Push Category (Huawei)',
		name: 'huaweiCategory',
		type: 'string',
		default: '',
		placeholder: 'IM',
		description:
			"Huawei's message category, e.g. IM, VOIP or MARKETING (AndroidInfo.HuaWeiCategory)",
	},
	{
		displayName: 'Push Category (Vivo)',
		name: 'vivoCategory',
		type: 'string',
		default: '',
		placeholder: 'IM',
		description: "Vivo's message category, e.g. IM or MARKETING (AndroidInfo.VIVOCategory)",
	},
	{
		displayName: 'Push Channel ID (Google FCM)',
		name: 'googleChannelId',
		type: 'string',
		default: '',
		description:
			'Android notification channel for FCM (AndroidInfo.GoogleChannelID); empty keeps the console setting',
	},
	{
		displayName: 'Push Channel ID (Huawei)',
		name: 'huaweiChannelId',
		type: 'string',
		default: '',
		description:
			'Notification channel on Huawei EMUI 10+ (AndroidInfo.HuaWeiChannelID); empty keeps the console setting',
	},
	{
		displayName: 'Push Channel ID (OPPO)',
		name: 'oppoChannelId',
		type: 'string',
		default: '',
		description:
			'Notification channel on OPPO, Android 8+ (AndroidInfo.OPPOChannelID); empty keeps the console setting',
	},
	{
		displayName: 'Push Channel ID (Xiaomi)',
		name: 'xiaomiChannelId',
		type: 'string',
		default: '',
		description:
			'Notification channel on Xiaomi MIUI 10+ (AndroidInfo.XiaoMiChannelID); empty keeps the console setting',
	},
	{
		displayName: 'Push Classification (Vivo)',
		name: 'vivoClassification',
		type: 'options',
		options: [
			{ name: 'Default (Not Sent)', value: '' },
			{ name: 'Operational Message', value: 0 },
			{ name: 'System Message', value: 1 },
		],
		default: '',
		description:
			"Vivo's older message classification (AndroidInfo.VIVOClassification); Vivo treats an absent one as a system message",
	},
	{
		displayName: 'Push Disabled',
		name: 'pushDisabled',
		type: 'boolean',
		default: false,
		description: 'Whether to send no offline push notification',
	},
	{
		displayName: 'Push Ext',
		name: 'pushExt',
		type: 'string',
		default: '',
		description: 'Data passed through with the push notification',
	},
	{
		displayName: 'Push Ext as Huawei Intent Parameter',
		name: 'extAsHuaweiIntentParam',
		type: 'boolean',
		default: false,
		description:
			'Whether Huawei receives Push Ext as the Intent parameter instead of the Action parameter (AndroidInfo.ExtAsHuaweiIntentParam 1)',
	},
	{
		displayName: 'Push Image (Google FCM)',
		name: 'googleImage',
		type: 'string',
		default: '',
		description: 'Picture of the notification on FCM (AndroidInfo.GoogleImage)',
	},
	{
		displayName: 'Push Image (Honor)',
		name: 'honorImage',
		type: 'string',
		default: '',
		description: 'Picture of the notification on Honor, an https:// URL (AndroidInfo.HonorImage)',
	},
	{
		displayName: 'Push Image (Huawei)',
		name: 'huaweiImage',
		type: 'string',
		default: '',
		description: 'Picture of the notification on Huawei, an https:// URL (AndroidInfo.HuaWeiImage)',
	},
	{
		displayName: 'Push Image (iOS)',
		name: 'apnsImage',
		type: 'string',
		default: '',
		description:
			'Picture the app shows with the notification, through a notification service extension (ApnsInfo.Image)',
	},
	{
		displayName: 'Push Importance (Honor)',
		name: 'honorImportance',
		type: 'options',
		options: importance,
		default: '',
		description: "Honor's message class (AndroidInfo.HonorImportance)",
	},
	{
		displayName: 'Push Importance (Huawei)',
		name: 'huaweiImportance',
		type: 'options',
		options: importance,
		default: '',
		description: "Huawei's older message class (AndroidInfo.HuaWeiImportance)",
	},
	{
		displayName: 'Push Interruption Level (iOS)',
		name: 'apnsInterruptionLevel',
		type: 'options',
		options: [
			{ name: 'Active', value: 'active' },
			{ name: 'Critical', value: 'critical' },
			{ name: 'Default (Not Sent)', value: '' },
			{ name: 'Passive', value: 'passive' },
			{ name: 'Time Sensitive', value: 'time-sensitive' },
		],
		default: '',
		description: 'How the notification may interrupt on iOS 15+ (ApnsInfo.InterruptionLevel)',
	},
	{
		displayName: 'Push Mutable Content (iOS)',
		name: 'apnsMutableContent',
		type: 'boolean',
		default: false,
		description:
			"Whether the app's notification service extension may change the notification (ApnsInfo.MutableContent 1)",
	},
	{
		displayName: 'Push Sound',
		name: 'pushSound',
		type: 'string',
		default: '',
		description:
			'Sound file of the push notification on iOS and Android (the platform-specific options override it)',
	},
	{
		displayName: 'Push Sound (Android)',
		name: 'androidSound',
		type: 'string',
		default: '',
		description: 'Sound file of the push notification on Android (AndroidInfo.Sound)',
	},
	{
		displayName: 'Push Sound (iOS)',
		name: 'apnsSound',
		type: 'string',
		default: '',
		description: 'Sound file of the push notification on iOS (ApnsInfo.Sound)',
	},
	{
		displayName: 'Push Subtitle (iOS)',
		name: 'apnsSubTitle',
		type: 'string',
		default: '',
		description: 'Subtitle of the notification on iOS (ApnsInfo.SubTitle)',
	},
	{
		displayName: 'Push Text',
		name: 'pushDesc',
		type: 'string',
		default: '',
		description: 'Text of the offline push notification',
	},
	{
		displayName: 'Push Title',
		name: 'pushTitle',
		type: 'string',
		default: '',
		description: 'Title of the offline push notification',
	},
	{
		displayName: 'Push Title (iOS)',
		name: 'apnsTitle',
		type: 'string',
		default: '',
		description: 'Title of the notification on iOS, instead of Push Title (ApnsInfo.Title)',
	},
];

/** Text options are sent as given (not trimmed), as they always were. */
const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function optionalUrl(value: unknown, field: string, httpsOnly = false): string | undefined {
	if (text(value).trim() === '') return undefined;
	const url = requireUrl(value, field);
	if (httpsOnly && !/^https:\/\//i.test(url))
		throw new InputError(field, `"${field}" must be an https:// URL`);
	return url;
}

/** Set `key` of `target` when `value` is not empty (strings) or not the default (everything else). */
function put(target: IDataObject, key: string, value: unknown): void {
	if (value === undefined || value === null || value === '' || value === false) return;
	target[key] = value;
}

/** OfflinePushInfo from the Message Options, or undefined when no push option is set. */
export function readOfflinePush(options: IDataObject): IDataObject | undefined {
	const push: IDataObject = {};
	put(push, 'PushFlag', options.pushDisabled === true ? 1 : undefined);
	put(push, 'Title', text(options.pushTitle));
	put(push, 'Desc', text(options.pushDesc));
	put(push, 'Ext', text(options.pushExt));

	const android: IDataObject = {};
	put(android, 'Sound', text(options.androidSound || options.pushSound));
	put(android, 'HuaWeiChannelID', text(options.huaweiChannelId));
	put(android, 'XiaoMiChannelID', text(options.xiaomiChannelId));
	put(android, 'OPPOChannelID', text(options.oppoChannelId));
	put(android, 'GoogleChannelID', text(options.googleChannelId));
	if (options.vivoClassification === 0 || options.vivoClassification === 1)
		android.VIVOClassification = options.vivoClassification;
	put(android, 'VIVOCategory', text(options.vivoCategory));
	put(android, 'HuaWeiImportance', text(options.huaweiImportance));
	put(android, 'ExtAsHuaweiIntentParam', options.extAsHuaweiIntentParam === true ? 1 : undefined);
	put(android, 'HuaWeiCategory', text(options.huaweiCategory));
	put(android, 'HuaWeiImage', optionalUrl(options.huaweiImage, 'Push Image (Huawei)', true));
	put(android, 'HonorImage', optionalUrl(options.honorImage, 'Push Image (Honor)', true));
	put(android, 'HonorImportance', text(options.honorImportance));
	put(android, 'GoogleImage', optionalUrl(options.googleImage, 'Push Image (Google FCM)'));

	const apns: IDataObject = {};
	put(apns, 'BadgeMode', options.noBadge === true ? 1 : undefined);
	put(apns, 'Sound', text(options.apnsSound || options.pushSound));
	put(apns, 'Title', text(options.apnsTitle));
	put(apns, 'SubTitle', text(options.apnsSubTitle));
	put(apns, 'Image', optionalUrl(options.apnsImage, 'Push Image (iOS)'));
	put(apns, 'MutableContent', options.apnsMutableContent === true ? 1 : undefined);
	put(apns, 'InterruptionLevel', text(options.apnsInterruptionLevel));
	put(apns, 'ContentAvailable', options.apnsContentAvailable === true ? 1 : undefined);

	if (Object.keys(android).length > 0) push.AndroidInfo = android;
	if (Object.keys(apns).length > 0) push.ApnsInfo = apns;
	return Object.keys(push).length > 0 ? push : undefined;
}
