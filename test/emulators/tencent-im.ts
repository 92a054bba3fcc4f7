/**
 * Tencent Cloud IM ("Chat") server REST API emulator: C2C send / batch send / roaming history / recall /
 * clear unread / unread counts, account import/check, UserSig verification, limits and faults.
 *
 * Accounts: account_import (one), multiaccount_import (up to 100: the original `Accounts` list of UserIDs or the newer
 * `AccountList` with profiles; accounts it could not import are answered in FailAccounts), account_check. An optional
 * account quota (`accountQuota`, the trial edition's 100) makes imports past it fail (70398, or FailAccounts).
 *
 * Third-party callbacks (inbound.md §2): one callback URL per SDKAppID (`setCallback`, or `callback` in the app
 * config) with the ticked CallbackCommands. sendmsg calls C2C.CallbackBeforeSendMsg and waits for its verdict
 * (allow / refuse → 20006 / drop / replace MsgBody and CloudCustomData; no usable answer in time → as if there were
 * no callback), then C2C.CallbackAfterSendMsg; admin_msgwithdraw calls C2C.CallbackAfterMsgWithDraw and
 * admin_set_msg_read C2C.CallbackAfterMsgReport. After-callbacks are posted once the REST answer is out; `settle()`
 * waits for them. batchsendmsg never calls back; sendmsg's ForbidCallbackControl suppresses either one. Callbacks are
 * POSTs of JSON with SdkAppid, CallbackCommand, contenttype, ClientIP, OptPlatform (RESTAPI) and, with a token,
 * RequestTime and Sign (`tencentImCallbackSign`) appended to the URL's query; they are never retried. Every one is
 * kept in `callbacks` with its answer; an answer Tencent could not use (not HTTP 200 with a JSON ErrorCode, or too
 * late) is recorded as a violation of the receiver. `pushCallback` posts any other callback body (client events).
 *
 * It states the platform's rules on its own, from shared/reference/tencent-im.md, and never imports the node's
 * code. Where the reference leaves a behaviour open, the choice is marked "OPEN:" in a one-line comment.
 * Every documented request field is known with its type (see "Field rules"): a missing or wrongly typed one gets
 * Tencent's error, and an unknown one, or a value Tencent would take without complaint but that is still wrong,
 * is answered normally and recorded as a violation.
 *
 * Clock: `now()` returns milliseconds (like Date.now); Unix seconds are floor(now()/1000).
 */
import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32, inflateSync } from 'node:zlib';
import { PlatformEmulator, jsonReply, type RecordedRequest, type Reply } from './common';

export interface TencentImAppConfig {
	sdkAppId: number;
	secretKey: string;
	/** The app admin UserID used as `identifier`; default 'administrator'. */
	admin?: string;
	/** Further admins (the console allows up to 10). */
	extraAdmins?: string[];
	/** Third-party callback configuration (the console's 回调配置); none when absent. */
	callback?: TencentImCallbackConfig;
}

/** The CallbackCommands the emulator fires by itself (inbound.md §2.4). */
export const TENCENT_IM_CALLBACK = {
	beforeSendMsg: 'C2C.CallbackBeforeSendMsg',
	afterSendMsg: 'C2C.CallbackAfterSendMsg',
	afterMsgWithDraw: 'C2C.CallbackAfterMsgWithDraw',
	afterMsgReport: 'C2C.CallbackAfterMsgReport',
} as const;

export interface TencentImCallbackConfig {
	/** The app's one callback URL (http:// or https://); the callback parameters are appended to its query. */
	url: string;
	/** Callback token (console "开启鉴权"): when set (non-empty), every callback carries RequestTime and Sign. */
	token?: string;
	/** The ticked CallbackCommands; only these fire. The emulator fires the four of TENCENT_IM_CALLBACK. */
	commands: string[];
	/**
	 * How long any callback may take to answer, in ms; default 2000 (Tencent's 2 s). A before-send callback that takes
	 * longer is treated as absent (the message goes through); an after-callback is abandoned.
	 */
	timeoutMs?: number;
	/** The ClientIP parameter of callbacks caused by REST calls; default '127.0.0.1'. */
	clientIp?: string;
}

/** One callback the emulator posted (or decided to post), in the order they were decided. */
export interface TencentImCallbackRecord {
	sdkAppId: number;
	command: string;
	/** The URL posted to, query included. */
	url: string;
	/** That URL's query parameters (the configured URL's own ones included). */
	query: Record<string, string>;
	body: Record<string, unknown>;
	/** HTTP status of the answer. */
	status?: number;
	/** The answer: parsed JSON, or its text when it is not JSON. */
	answer?: unknown;
	/** 'timeout', 'emulator stopped' or the network error; no answer was read. */
	error?: string;
	/** True once the post has finished (answered, failed or abandoned). */
	done: boolean;
}

/** Callback signature (inbound.md §2.3): lowercase hex SHA-256 of token + RequestTime (Unix seconds, as sent). */
export function tencentImCallbackSign(token: string, requestTime: number | string): string {
	return createHash('sha256').update(`${token}${requestTime}`, 'utf8').digest('hex');
}

export interface TencentImEmulatorOptions {
	apps: TencentImAppConfig[];
	/** Requests per API (service/command) per sliding 1 s window; default 200. */
	rateLimitPerSecond?: number;
	/** multiaccount_import requests per sliding 1 s window; default 100 (capped by rateLimitPerSecond). */
	multiaccountImportPerSecond?: number;
	/** Most accounts the app may hold (admins included); unlimited when absent. The trial edition allows 100. */
	accountQuota?: number;
	/** batchsendmsg recipients per sliding 60 s window; default 12000. */
	batchRecipientsPerMinute?: number;
	/** Clock in milliseconds; default Date.now. */
	now?: () => number;
	/** Request body ceiling in bytes; default 8192 (error 93000). */
	maxBodyBytes?: number;
	/** admin_getroammsg page size ceiling (bytes of MsgList JSON); default 13 KB. */
	roamPageBytes?: number;
}

export interface StoredC2CMessage {
	From_Account: string;
	To_Account: string;
	MsgBody: unknown[];
	MsgSeq: number;
	MsgRandom: number;
	/** Server Unix seconds. */
	MsgTime: number;
	MsgKey: string;
	recalled: boolean;
	CloudCustomData?: string;
	OfflinePushInfo?: unknown;
	SyncOtherMachine?: number;
	MsgLifeTime?: number;
	SendMsgControl?: string[];
	ForbidCallbackControl?: string[];
	IsNeedReadReceipt?: number;
	SupportMessageExtension?: number;
	MsgTimeStamp?: number;
	/** MsgSeq as the caller gave it (undefined = server-filled); part of the dedupe key. */
	givenMsgSeq?: number;
	/** MsgLifeTime 0 or OnlineOnlyFlag 1: delivered online only, never in history or unread. */
	onlineOnly: boolean;
	/** Counts toward the recipient's unread (not NoUnread, not online-only). */
	countsAsUnread: boolean;
	/** Visible in the sender's roaming history (SyncOtherMachine ≠ 2). */
	visibleToSender: boolean;
	/** Cleared by admin_set_msg_read. */
	readByRecipient: boolean;
	IsPeerRead: number;
	/** Sent via batchsendmsg (one record per recipient, shared MsgKey). */
	batch: boolean;
	sdkAppId: number;
	/** Clock (ms) when stored; the 120 s dedupe window runs from here. */
	storedAtMs: number;
	/** Sender, MsgSeq, MsgRandom and content CRC32: shared by every copy of one batch, whatever the recipient. */
	dedupeKey: string;
}

/** One accepted send (a sendmsg, or a batchsendmsg with all its recipients), for the duplicate check. */
interface SendRecord {
	key: string;
	atMs: number;
	MsgKey: string;
	MsgTime: number;
	recipients: Set<string>;
}

interface Env {
	sdkAppId: number;
	identifier: string;
	service: string;
	command: string;
	api: string;
	body: Record<string, unknown>;
	rec: RecordedRequest;
}

type Result = Record<string, unknown>;

const UINT32_MAX = 4294967295;
const DEDUPE_WINDOW_MS = 120_000;
const MAX_LIFETIME = 604800;

const OPENIM = new Set([
	'sendmsg',
	'batchsendmsg',
	'admin_getroammsg',
	'admin_msgwithdraw',
	'admin_set_msg_read',
	'get_c2c_unread_msg_num',
]);
const LOGIN_SVC = new Set(['account_import', 'multiaccount_import', 'account_check']);
/** A UserID is at most 32 bytes. */
const MAX_USER_ID_BYTES = 32;

const ERROR_INFO: Record<number, string> = {
	20001: 'invalid request packet',
	40601: 'profile field value is longer than 500 bytes',
	20003: 'From_Account or To_Account is invalid or does not exist, please import it first',
	20004: 'network error, please retry',
	20005: 'server internal error, please retry',
	20006: 'the message was blocked by the before-send callback (C2C.CallbackBeforeSendMsg)',
	20022: 'message not found',
	20023: 'message has already been recalled',
	60002: 'HTTP parse error, please check the URL and method',
	60004: 'account or signature error in URL',
	60007: 'REST API call frequency exceeds the limit',
	60008: 'service request timed out or the HTTP request format is incorrect, please retry',
	60009: 'invalid request URL, please check the service name and command',
	60011: 'SDKAppID request frequency exceeds the limit',
	60012: 'sdkappid is missing from the URL',
	70001: 'UserSig has expired, please regenerate it',
	70002: 'UserSig is empty',
	70003: 'UserSig parsing failed (sig truncated or malformed)',
	70009:
		'UserSig verification Failed. The UserSig in use maybe generated by Secret Key from other SDKAppID. Please regenerate UserSig by Secret Key from its own SDKAppID.',
	70013: 'verify sig failed: the requested UserID does not match the Usersig',
	70014: 'the SDKAppID in the request does not match the SDKAppID in the UserSig',
	70020: 'SDKAppID not found',
	70050: 'too many UserSig failures, please retry in 1 minute',
	70107: 'account does not exist',
	70169: 'internal timeout, please retry',
	70398: 'the number of accounts exceeds the quota of the app',
	70402: 'invalid parameters',
	70403: 'the request requires App admin permissions',
	90001: 'Fail to Parse json data of body, Please check it',
	90002: 'MsgBody does not follow the message format',
	90003: 'Invalid format of To_Account',
	90005: 'MsgRandom is missing or not an Integer',
	90006: 'MsgTimeStamp is not an Integer',
	90007: 'MsgBody is not an Array',
	90008: 'Invalid format of From_Account',
	90009: 'the request requires App admin permissions',
	90010: 'MsgContent does not follow the message format',
	90011: 'To_Account has more than 500 accounts',
	90012: 'invalid To_Account',
	90026: 'MsgLifeTime out of range (at most 7 days)',
	90031: 'SyncOtherMachine is not a valid Integer',
	90044: 'MsgLifeTime is not an Integer',
	90054: 'invalid MsgKey',
	90992: 'service internal error, please retry',
	91000: 'service internal error, please retry',
	93000: 'JSON data packet too long, message body must not exceed 8k',
};

class ApiError extends Error {
	constructor(
		readonly code: number,
		info?: string,
	) {
		super(info ?? ERROR_INFO[code] ?? `error ${code}`);
	}
}

const isObj = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isUint32 = (v: unknown): v is number => isInt(v) && v >= 0 && v <= UINT32_MAX;
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Field rules. Every documented request field of every API is listed with its JSON type; a field that is not listed
 * is answered normally (Tencent ignores it) and recorded as a violation, so a misspelt name fails the node's tests.
 * Sources: reference §3–4, the message-format doc (intlcloud-documents "Message Formats"), Tencent's official Java
 * SDK (TencentCloud/tencentcloud-im-sdk-java, generated from its OpenAPI schema) and doocs/qcloud-im-server-sdk-java.
 */
type Shape =
	| 'string'
	| 'int'
	| 'uint32'
	| 'number'
	| 'intOrDigits'
	| 'stringArray'
	| 'object'
	| 'array'
	| 'msgBody';

interface FieldSpec {
	shape: Shape;
	required?: boolean;
	/** Tencent's error for a missing or wrongly typed value; the schema's code when absent. */
	code?: number;
	/** Documented values: others are refused with `valueCode`, or answered and recorded as a violation without it. */
	values?: readonly (string | number)[];
	valueCode?: number;
	/** Documented range: outside it is refused with `rangeCode`, or recorded as a violation without it. */
	min?: number;
	max?: number;
	rangeCode?: number;
	/** Unix seconds: a value above 10^11 is milliseconds, refused with `msCode` or recorded as a violation. */
	seconds?: boolean;
	msCode?: number;
	/** '' is refused ('refuse', with `code`) or recorded ('violation'). */
	nonEmpty?: 'refuse' | 'violation';
	/** Longest UTF-8 value in bytes, refused with `maxBytesCode`. */
	maxBytes?: number;
	maxBytesCode?: number;
	/** Item count of an array: too few is refused with `code`, too many with `tooManyCode`. */
	minItems?: number;
	maxItems?: number;
	tooManyCode?: number;
	/** A download URL clients fetch ('http'), or one the docs require to be HTTPS ('https'); else a violation. */
	url?: 'http' | 'https';
	/** Schema of an object value, or of each item of an array value. */
	fields?: Schema;
}

interface Schema {
	/** Tencent's error for a wrongly typed field of this object. */
	code: number;
	fields: Record<string, FieldSpec>;
}

const str = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ shape: 'string', ...extra });
const int = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ shape: 'int', ...extra });
const flag = (extra: Partial<FieldSpec> = {}): FieldSpec => ({
	shape: 'int',
	values: [0, 1],
	...extra,
});
const size = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ shape: 'int', min: 0, ...extra });
/** Download_Flag, VideoDownloadFlag, ThumbDownloadFlag: 2 (download from the URL) is the only value REST can send. */
const downloadFlag: FieldSpec = { shape: 'int', required: true, values: [2], valueCode: 90010 };
const url = (extra: Partial<FieldSpec> = {}): FieldSpec => ({
	shape: 'string',
	required: true,
	url: 'http',
	...extra,
});
const uuid: FieldSpec = { shape: 'string', required: true, nonEmpty: 'violation' };
const IMPORTANCE = ['LOW', 'NORMAL'] as const;

/** OfflinePushInfo.AndroidInfo (message-format doc; doocs AndroidInfo for the newer vendor fields). */
const ANDROID_INFO: Schema = {
	code: 90010,
	fields: {
		Sound: str(),
		PushStyle: flag(),
		HuaWeiChannelID: str(),
		XiaoMiChannelID: str(),
		OPPOChannelID: str(),
		GoogleChannelID: str(),
		// Integer in the docs, the string "0"/"1" in the official SDK: both are accepted.
		VIVOClassification: { shape: 'intOrDigits', values: [0, 1] },
		VIVOCategory: str(),
		HuaWeiImportance: str({ values: IMPORTANCE }),
		ExtAsHuaweiIntentParam: flag(),
		HuaWeiCategory: str(),
		HuaWeiImage: str({ url: 'https' }),
		HonorImage: str({ url: 'https' }),
		HonorImportance: str({ values: IMPORTANCE }),
		GoogleImage: str({ url: 'http' }),
	},
};

/** OfflinePushInfo.ApnsInfo; its Sound is the iOS sound, separate from AndroidInfo.Sound. */
const APNS_INFO: Schema = {
	code: 90010,
	fields: {
		Sound: str(),
		// 0 or absent: the message counts on the badge; 1: it does not.
		BadgeMode: flag(),
		Title: str(),
		SubTitle: str(),
		Image: str(),
		MutableContent: flag(),
		InterruptionLevel: str({ values: ['active', 'critical', 'passive', 'time-sensitive'] }),
		ContentAvailable: flag(),
	},
};

/** OfflinePushInfo is defined by the message-format doc, so a wrongly typed part of it is 90010. */
const OFFLINE_PUSH_INFO: Schema = {
	code: 90010,
	fields: {
		PushFlag: flag(),
		Title: str(),
		Desc: str(),
		Ext: str(),
		AndroidInfo: { shape: 'object', fields: ANDROID_INFO },
		ApnsInfo: { shape: 'object', fields: APNS_INFO },
	},
};

const IMAGE_INFO: Schema = {
	code: 90010,
	fields: {
		// 1 original, 2 large, 3 thumbnail.
		Type: int({ values: [1, 2, 3] }),
		Size: size(),
		Width: size({ required: true }),
		Height: size({ required: true }),
		URL: url(),
	},
};

/** One forwarded message inside TIMRelayElem.MsgList. */
const RELAY_MESSAGE: Schema = {
	code: 90010,
	fields: {
		From_Account: str(),
		To_Account: str(),
		GroupId: str(),
		MsgSeq: { shape: 'uint32' },
		MsgRandom: { shape: 'uint32' },
		MsgTimeStamp: { shape: 'uint32', seconds: true },
		MsgBody: { shape: 'msgBody', required: true },
		CloudCustomData: str(),
	},
};

/**
 * MsgContent per MsgType. Required: the fields the docs say REST must fill, plus the fields the official SDK's
 * schema marks required where the docs are silent (e.g. FileName, VideoSize, ThumbFormat, ImageFormat).
 */
const ELEMENTS: Record<string, Schema> = {
	TIMTextElem: { code: 90010, fields: { Text: str({ required: true }) } },
	TIMLocationElem: {
		code: 90010,
		fields: {
			Desc: str({ required: true }),
			Latitude: { shape: 'number', required: true, min: -90, max: 90 },
			Longitude: { shape: 'number', required: true, min: -180, max: 180 },
		},
	},
	TIMFaceElem: {
		code: 90010,
		fields: { Index: int({ required: true }), Data: str({ required: true }) },
	},
	TIMCustomElem: {
		code: 90010,
		fields: { Data: str({ required: true }), Desc: str(), Ext: str(), Sound: str() },
	},
	TIMSoundElem: {
		code: 90010,
		fields: { Url: url(), UUID: uuid, Size: size(), Second: size(), Download_Flag: downloadFlag },
	},
	TIMImageElem: {
		code: 90010,
		fields: {
			UUID: uuid,
			// JPG 1, GIF 2, PNG 3, BMP 4, other 255.
			ImageFormat: int({ required: true, values: [1, 2, 3, 4, 255] }),
			ImageInfoArray: { shape: 'array', required: true, minItems: 1, fields: IMAGE_INFO },
		},
	},
	TIMFileElem: {
		code: 90010,
		fields: {
			Url: url(),
			UUID: uuid,
			FileSize: size({ required: true }),
			FileName: str({ required: true }),
			Download_Flag: downloadFlag,
		},
	},
	TIMVideoFileElem: {
		code: 90010,
		fields: {
			VideoUrl: url(),
			VideoUUID: uuid,
			VideoSize: size({ required: true }),
			VideoSecond: size({ required: true }),
			VideoFormat: str({ required: true }),
			VideoDownloadFlag: downloadFlag,
			ThumbUrl: url(),
			ThumbUUID: uuid,
			ThumbSize: size({ required: true }),
			ThumbWidth: size({ required: true }),
			ThumbHeight: size({ required: true }),
			ThumbFormat: str({ required: true }),
			ThumbDownloadFlag: downloadFlag,
		},
	},
	// Merged forward: MsgList (up to 12 KB) or JsonMsgKey (larger lists), checked in checkMsgBody.
	TIMRelayElem: {
		code: 90010,
		fields: {
			Title: str(),
			MsgNum: size(),
			CompatibleText: str(),
			AbstractList: { shape: 'stringArray' },
			MsgList: { shape: 'array', fields: RELAY_MESSAGE },
			JsonMsgKey: str(),
		},
	},
};
const ELEMENT_KEYS = ['MsgType', 'MsgContent'];
const RELAY_MSGLIST_BYTES = 12 * 1024;

/** Fields sendmsg and batchsendmsg share, checked in this order (the first problem found is the one answered). */
const MESSAGE_FIELDS: Record<string, FieldSpec> = {
	MsgRandom: { shape: 'uint32', required: true, code: 90005 },
	MsgBody: { shape: 'msgBody', required: true, code: 90007 },
	SyncOtherMachine: int({ code: 90031, values: [1, 2], valueCode: 90031 }),
	// OPEN: above 7 days is refused with 90026 (older docs: silently capped).
	MsgLifeTime: int({ code: 90044, min: 0, max: MAX_LIFETIME, rangeCode: 90026 }),
	From_Account: str({ nonEmpty: 'refuse' }),
	MsgSeq: { shape: 'uint32' },
	OnlineOnlyFlag: flag({ valueCode: 20001 }),
	CloudCustomData: str(),
	OfflinePushInfo: { shape: 'object', code: 90010, fields: OFFLINE_PUSH_INFO },
	SendMsgControl: {
		shape: 'stringArray',
		values: ['NoUnread', 'NoLastMsg', 'WithMuteNotifications', 'NoMsgCheck'],
	},
	IsNeedReadReceipt: flag({ valueCode: 20001 }),
};

// OPEN: a wrongly typed field without a documented code of its own is refused with 20001 (invalid packet).
const SENDMSG: Schema = {
	code: 20001,
	fields: {
		To_Account: str({ required: true, code: 90003, nonEmpty: 'refuse' }),
		MsgRandom: MESSAGE_FIELDS.MsgRandom,
		MsgTimeStamp: { shape: 'uint32', code: 90006, seconds: true, msCode: 90006 },
		...MESSAGE_FIELDS,
		ForbidCallbackControl: {
			shape: 'stringArray',
			values: ['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'],
		},
		SupportMessageExtension: flag({ valueCode: 20001 }),
	},
};

/** batchsendmsg has no MsgTimeStamp, ForbidCallbackControl (it never calls back) or SupportMessageExtension. */
const BATCHSENDMSG: Schema = {
	code: 20001,
	fields: {
		// OPEN: more than 500 recipients → 90011 (not in the reference's tables).
		To_Account: {
			shape: 'stringArray',
			required: true,
			code: 90003,
			minItems: 1,
			maxItems: 500,
			tooManyCode: 90011,
		},
		...MESSAGE_FIELDS,
	},
};

// The docs name the parties Operator_Account/Peer_Account; the official SDK sends From_Account/To_Account.
const GETROAMMSG: Schema = {
	code: 20001,
	fields: {
		Operator_Account: str({ code: 90008 }),
		Peer_Account: str({ code: 90003 }),
		From_Account: str({ code: 90008 }),
		To_Account: str({ code: 90003 }),
		// OPEN: a bad MaxCnt, MinTime, MaxTime or LastMsgKey → 20001; MaxCnt has no cap besides the page size.
		MaxCnt: int({ required: true, min: 1, rangeCode: 20001 }),
		MinTime: { shape: 'uint32', required: true, seconds: true },
		MaxTime: { shape: 'uint32', required: true, seconds: true },
		LastMsgKey: str(),
	},
};

const MSGWITHDRAW: Schema = {
	code: 20001,
	fields: {
		From_Account: str({ required: true, code: 90008 }),
		To_Account: str({ required: true, code: 90003 }),
		MsgKey: str({ required: true, code: 90054 }),
	},
};

// OPEN: Report_Account problems → 90008, Peer_Account → 90003.
const SET_MSG_READ: Schema = {
	code: 20001,
	fields: {
		Report_Account: str({ required: true, code: 90008 }),
		Peer_Account: str({ required: true, code: 90003 }),
		// Integer in the current docs, String in the official SDK: both are accepted.
		MsgReadTime: { shape: 'intOrDigits', seconds: true },
	},
};

// OPEN: a Peer_Account that is not a string array of 1–10 → 20001.
const UNREAD_NUM: Schema = {
	code: 20001,
	fields: {
		To_Account: str({ required: true, code: 90003 }),
		Peer_Account: { shape: 'stringArray', minItems: 1, maxItems: 10 },
	},
};

/** Nick and FaceUrl of account_import and of multiaccount_import's AccountList. */
const PROFILE = {
	Nick: str({ maxBytes: 500, maxBytesCode: 40601 }),
	FaceUrl: str({ maxBytes: 500, maxBytesCode: 40601 }),
};

const ACCOUNT_IMPORT: Schema = {
	code: 70402,
	fields: {
		UserID: str({
			required: true,
			nonEmpty: 'refuse',
			maxBytes: MAX_USER_ID_BYTES,
			maxBytesCode: 70402,
		}),
		...PROFILE,
	},
};

/**
 * multiaccount_import, in either form: `Accounts` (UserIDs) or the newer `AccountList` (UserID with Nick and FaceUrl).
 * OPEN: more than 100 accounts, or an empty list, → 70402 (the docs name no code).
 */
const MULTIACCOUNT_IMPORT: Schema = {
	code: 70402,
	fields: {
		Accounts: { shape: 'stringArray', minItems: 1, maxItems: 100 },
		AccountList: {
			shape: 'array',
			minItems: 1,
			maxItems: 100,
			fields: { code: 70402, fields: { UserID: str({ required: true }), ...PROFILE } },
		},
	},
};

const ACCOUNT_CHECK: Schema = {
	code: 70402,
	fields: {
		CheckItem: {
			shape: 'array',
			required: true,
			minItems: 1,
			maxItems: 100,
			fields: { code: 70402, fields: { UserID: str({ required: true, nonEmpty: 'refuse' }) } },
		},
	},
};

const SHAPE_TEXT: Record<Shape, string> = {
	string: 'a string',
	int: 'an integer',
	uint32: 'a 32-bit unsigned integer',
	number: 'a number',
	intOrDigits: 'an integer (or a string of digits)',
	stringArray: 'an array of strings',
	object: 'an object',
	array: 'an array',
	msgBody: 'an array of message elements',
};

function hasShape(v: unknown, shape: Shape): boolean {
	switch (shape) {
		case 'string':
			return isStr(v);
		case 'int':
			return isInt(v);
		case 'uint32':
			return isUint32(v);
		case 'number':
			return typeof v === 'number' && Number.isFinite(v);
		case 'intOrDigits':
			return isInt(v) || (isStr(v) && /^\d{1,15}$/.test(v));
		case 'stringArray':
			return Array.isArray(v) && v.every(isStr);
		case 'object':
			return isObj(v);
		case 'array':
		case 'msgBody':
			return Array.isArray(v);
	}
}

/** Unix seconds reach 10^11 only in the year 5138; anything larger is a millisecond timestamp. */
const MS_THRESHOLD = 1e11;

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const cur = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = cur;
		}
	}
	return row[b.length];
}

/** " (did you mean X?)" for a near miss of a known field name. */
function nearest(key: string, known: string[]): string {
	const k = key.toLowerCase();
	const hit =
		known.find((n) => n.toLowerCase() === k) ??
		known.find((n) => editDistance(n.toLowerCase(), k) <= 2);
	return hit ? ` (did you mean ${hit}?)` : '';
}

export class TencentImEmulator extends PlatformEmulator {
	readonly accounts = new Set<string>();
	readonly messages: StoredC2CMessage[] = [];
	/** Requests refused by the emulator's own rate limiters (per-API and batch recipients/min). */
	rateLimited = 0;
	/** Requests answered by injectErrorCode. */
	injectedErrors = 0;
	/** Most accounts the app may hold (admins included); undefined = unlimited. May be changed at any time. */
	accountQuota: number | undefined;

	/** Every callback posted, in the order they were decided (see TencentImCallbackRecord). */
	readonly callbacks: TencentImCallbackRecord[] = [];

	// OPEN: all configured apps share one account set; messages are kept per SDKAppID.
	private readonly apps = new Map<
		number,
		{ secretKey: string; admins: Set<string>; callback?: TencentImCallbackConfig }
	>();
	private readonly rateLimitPerSecond: number;
	private readonly multiaccountImportPerSecond: number;
	private readonly batchRecipientsPerMinute: number;
	private readonly now: () => number;
	private readonly maxBodyBytes: number;
	private readonly roamPageBytes: number;
	private readonly apiHits = new Map<string, number[]>();
	private batchRecipients: Array<{ at: number; n: number }> = [];
	private sends: SendRecord[] = [];
	private injected: Array<{ command?: string; code: number; remaining: number }> = [];
	/** Callback posts not finished yet (settle() waits for them) and the aborts of those in flight. */
	private readonly pendingCallbacks = new Set<Promise<void>>();
	private readonly inFlight = new Set<AbortController>();
	private stopped = false;

	constructor(opts: TencentImEmulatorOptions) {
		super();
		for (const app of opts.apps) {
			const admins = new Set([app.admin ?? 'administrator', ...(app.extraAdmins ?? [])]);
			this.apps.set(app.sdkAppId, { secretKey: app.secretKey, admins });
			// Admins count as imported accounts (reference §5).
			for (const a of admins) this.accounts.add(a);
			if (app.callback) this.setCallback(app.sdkAppId, app.callback);
		}
		this.rateLimitPerSecond = opts.rateLimitPerSecond ?? 200;
		// reference §2.4: multiaccount_import is limited to 100 requests a second
		this.multiaccountImportPerSecond = Math.min(
			this.rateLimitPerSecond,
			opts.multiaccountImportPerSecond ?? 100,
		);
		this.accountQuota = opts.accountQuota;
		this.batchRecipientsPerMinute = opts.batchRecipientsPerMinute ?? 12000;
		this.now = opts.now ?? Date.now;
		this.maxBodyBytes = opts.maxBodyBytes ?? 8192;
		this.roamPageBytes = opts.roamPageBytes ?? 13 * 1024;
	}

	importAccount(id: string): void {
		this.accounts.add(id);
	}

	/** Unread C2C messages for `to` (from `from` only, when given). Recalled messages are not counted. */
	unread(to: string, from?: string): number {
		// OPEN: recalled messages no longer count as unread.
		return this.messages.filter(
			(m) =>
				m.To_Account === to &&
				(from === undefined || m.From_Account === from) &&
				m.countsAsUnread &&
				!m.readByRecipient &&
				!m.recalled,
		).length;
	}

	/**
	 * Answer the next `times` (default 1) requests to `command` (e.g. 'sendmsg' or 'openim/sendmsg'; all APIs when
	 * absent) with ActionStatus FAIL and `code`, after URL and UserSig checks and before the request takes effect.
	 */
	injectErrorCode(opts: { command?: string; code: number; times?: number }): void {
		this.injected.push({ command: opts.command, code: opts.code, remaining: opts.times ?? 1 });
	}

	clearInjectedErrors(): void {
		this.injected = [];
	}

	// ---- third-party callbacks (inbound.md §2) ----

	/**
	 * Set (or, with undefined, remove) the app's callback URL, token and ticked commands. Throws for an unknown app or a
	 * URL that is not http(s):// (the console refuses it). OPEN: takes effect at once (the console says 2 minutes).
	 */
	setCallback(sdkAppId: number, config: TencentImCallbackConfig | undefined): void {
		const app = this.apps.get(sdkAppId);
		if (!app) throw new Error(`setCallback: unknown SDKAppID ${sdkAppId}`);
		if (config && !/^https?:\/\/[^\s]+$/i.test(config.url)) {
			throw new Error(
				`setCallback: the callback URL must start with http:// or https://, got ${config.url}`,
			);
		}
		app.callback = config && { ...config, commands: [...config.commands] };
	}

	/** Wait until every callback post started so far (and any started meanwhile) has finished. */
	async settle(): Promise<void> {
		while (this.pendingCallbacks.size > 0) await Promise.allSettled([...this.pendingCallbacks]);
	}

	/**
	 * Post a callback body of any command to the app's URL now, ticked or not (e.g. a client's message with
	 * OptPlatform 'Android', State.StateChange, Bot.OnC2CMessage); resolves once it is answered. Throws when the app
	 * has no callback URL.
	 */
	async pushCallback(
		sdkAppId: number,
		body: Record<string, unknown> & { CallbackCommand: string },
		opts: { optPlatform?: string; clientIp?: string } = {},
	): Promise<TencentImCallbackRecord> {
		const cfg = this.apps.get(sdkAppId)?.callback;
		if (!cfg) throw new Error(`pushCallback: SDKAppID ${sdkAppId} has no callback URL`);
		const record = this.callbackRecord(
			sdkAppId,
			cfg,
			body,
			opts.optPlatform ?? 'RESTAPI',
			opts.clientIp,
		);
		await this.track(this.deliver(cfg, record, undefined));
		return record;
	}

	override async start(port = 0): Promise<string> {
		this.stopped = false;
		return await super.start(port);
	}

	/** Abandons callbacks still in flight (recorded as 'emulator stopped'), then closes the server. */
	override async stop(): Promise<void> {
		this.stopped = true;
		for (const c of this.inFlight) c.abort('emulator stopped');
		await this.settle();
		await super.stop();
	}

	/** The app's callback config when `command` is ticked. */
	private callbackFor(sdkAppId: number, command: string): TencentImCallbackConfig | undefined {
		const cfg = this.apps.get(sdkAppId)?.callback;
		return cfg?.commands.includes(command) ? cfg : undefined;
	}

	/**
	 * The URL and query of one callback, recorded at once. OPEN: the parameters follow the configured URL's own query
	 * in the documented order, RequestTime and Sign last; RequestTime is the emulator's clock when the event happens.
	 */
	private callbackRecord(
		sdkAppId: number,
		cfg: TencentImCallbackConfig,
		body: Record<string, unknown> & { CallbackCommand: string },
		optPlatform: string,
		clientIp?: string,
	): TencentImCallbackRecord {
		const u = new URL(cfg.url);
		const params: Array<[string, string]> = [
			['SdkAppid', String(sdkAppId)],
			['CallbackCommand', body.CallbackCommand],
			['contenttype', 'json'],
			// OPEN: ClientIP of a REST call is the configured clientIp (the emulator does not see the caller's address).
			['ClientIP', clientIp ?? cfg.clientIp ?? '127.0.0.1'],
			['OptPlatform', optPlatform],
		];
		if (cfg.token) {
			const t = String(this.nowSec());
			params.push(['RequestTime', t], ['Sign', tencentImCallbackSign(cfg.token, t)]);
		}
		for (const [k, v] of params) u.searchParams.append(k, v);
		const record: TencentImCallbackRecord = {
			sdkAppId,
			command: body.CallbackCommand,
			url: u.toString(),
			query: Object.fromEntries(u.searchParams),
			body,
			done: false,
		};
		this.callbacks.push(record);
		return record;
	}

	private track(p: Promise<void>): Promise<void> {
		const settled = p.catch(() => undefined);
		this.pendingCallbacks.add(settled);
		void settled.then(() => this.pendingCallbacks.delete(settled));
		return settled;
	}

	/** An after-callback, when ticked: posted after the REST answer has gone out; its answer is only recorded. */
	private afterCallback(
		sdkAppId: number,
		body: Record<string, unknown> & { CallbackCommand: string },
	): void {
		const cfg = this.callbackFor(sdkAppId, body.CallbackCommand);
		if (!cfg) return;
		const record = this.callbackRecord(sdkAppId, cfg, body, 'RESTAPI');
		this.track(
			new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
				this.deliver(cfg, record, undefined),
			),
		);
	}

	/** POST one callback (no retry) and record the answer; an answer Tencent cannot use is a violation. */
	private async deliver(
		cfg: TencentImCallbackConfig,
		record: TencentImCallbackRecord,
		rec: RecordedRequest | undefined,
	): Promise<void> {
		const ms = cfg.timeoutMs ?? 2000;
		if (this.stopped) {
			record.error = 'emulator stopped';
			record.done = true;
			return;
		}
		const ctl = new AbortController();
		this.inFlight.add(ctl);
		const timer = setTimeout(() => ctl.abort('timeout'), ms);
		try {
			const res = await fetch(record.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(record.body),
				signal: ctl.signal,
			});
			const text = await res.text();
			record.status = res.status;
			try {
				record.answer = JSON.parse(text);
			} catch {
				record.answer = text;
			}
		} catch (e) {
			record.status = undefined;
			// fetch's TypeError ("fetch failed") names the real cause (ECONNREFUSED, …) in `cause`.
			const err = e as Error & { cause?: Error };
			record.error = ctl.signal.aborted
				? String(ctl.signal.reason)
				: (err.cause?.message ?? err.message);
		} finally {
			clearTimeout(timer);
			this.inFlight.delete(ctl);
			record.done = true;
		}
		const problem = this.answerProblem(record, ms);
		if (!problem) return;
		const effect =
			record.command === TENCENT_IM_CALLBACK.beforeSendMsg
				? 'so the message went through as if there were no callback'
				: 'Tencent ignores it';
		this.violation(rec, `${record.command} callback to ${cfg.url}: ${problem}; ${effect}`);
	}

	/**
	 * What is wrong with an answer: Tencent expects HTTP 200 with a JSON ErrorCode within the timeout. A refused
	 * connection is not the receiver's answer and is only recorded.
	 */
	private answerProblem(r: TencentImCallbackRecord, ms: number): string | undefined {
		if (r.error === 'timeout') return `no answer within ${ms} ms`;
		if (r.error !== undefined) return undefined;
		if (r.status !== 200) return `answered HTTP ${r.status}`;
		if (!isObj(r.answer))
			return `the answer is not a JSON object: ${JSON.stringify(r.answer).slice(0, 80)}`;
		if (!isInt(r.answer.ErrorCode)) return 'the answer has no integer ErrorCode';
		return undefined;
	}

	/**
	 * C2C.CallbackBeforeSendMsg's verdict: ErrorCode 0 allows (MsgBody / CloudCustomData in the answer replace the
	 * message's), 1 refuses (20006), 2 drops silently, 120001–130000 refuses with that code and the answer's ErrorInfo.
	 * No usable answer (timeout, network error, not HTTP 200, not JSON, no integer ErrorCode) → allowed unchanged.
	 */
	private async beforeSend(
		rec: RecordedRequest,
		sdkAppId: number,
		cfg: TencentImCallbackConfig,
		body: Record<string, unknown> & { CallbackCommand: string },
	): Promise<
		{ verdict: 'allow'; MsgBody?: unknown[]; CloudCustomData?: string } | { verdict: 'drop' }
	> {
		const record = this.callbackRecord(sdkAppId, cfg, body, 'RESTAPI');
		await this.track(this.deliver(cfg, record, rec));
		const a = record.answer;
		if (record.status !== 200 || !isObj(a) || !isInt(a.ErrorCode)) return { verdict: 'allow' };
		const code = a.ErrorCode;
		if (code === 2) return { verdict: 'drop' };
		if (code >= 120001 && code <= 130000) {
			throw new ApiError(code, isStr(a.ErrorInfo) ? a.ErrorInfo : `refused by ${record.command}`);
		}
		if (code !== 0) {
			// OPEN: an undocumented ErrorCode refuses like 1 (20006) and is recorded.
			const known = 'which is not 0, 1, 2 or 120001–130000';
			if (code !== 1) this.violation(rec, `${record.command} answered ErrorCode ${code}, ${known}`);
			throw new ApiError(20006);
		}
		const out: { verdict: 'allow'; MsgBody?: unknown[]; CloudCustomData?: string } = {
			verdict: 'allow',
		};
		if (a.MsgBody !== undefined) {
			// OPEN: a replacement MsgBody that is not a valid message body is ignored and recorded.
			try {
				if (!Array.isArray(a.MsgBody)) throw new ApiError(90007);
				this.checkMsgBody(rec, `${record.command} answer MsgBody`, a.MsgBody);
				out.MsgBody = a.MsgBody;
			} catch (e) {
				if (!(e instanceof ApiError)) throw e;
				this.violation(rec, `${record.command} answer MsgBody is ignored: ${e.message}`);
			}
		}
		if (a.CloudCustomData !== undefined) {
			if (isStr(a.CloudCustomData)) out.CloudCustomData = a.CloudCustomData;
			else
				this.violation(
					rec,
					`${record.command} answer CloudCustomData is not a string and is ignored`,
				);
		}
		return out;
	}

	private nowSec(): number {
		return Math.floor(this.now() / 1000);
	}

	protected async handle(rec: RecordedRequest): Promise<Reply> {
		try {
			const result = await this.dispatch(rec);
			rec.note ??= 'ok';
			return jsonReply(200, { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, ...result });
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			rec.note = rec.note ? `${rec.note}; ${e.code}` : String(e.code);
			return jsonReply(200, { ActionStatus: 'FAIL', ErrorInfo: e.message, ErrorCode: e.code });
		}
	}

	private dispatch(rec: RecordedRequest): Result | Promise<Result> {
		// ---- routing (OPEN: non-POST and bad query values → 60002, unknown path → 60009) ----
		if (rec.method !== 'POST') throw new ApiError(60002, 'only POST is supported');
		const m = /^\/v4\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/.exec(rec.path);
		const service = m?.[1] ?? '';
		const command = m?.[2] ?? '';
		const known =
			(service === 'openim' && OPENIM.has(command)) ||
			(service === 'im_open_login_svc' && LOGIN_SVC.has(command));
		if (!known) throw new ApiError(60009);
		const api = `${service}/${command}`;

		const q = rec.query;
		const sdkappidRaw = q.get('sdkappid');
		if (!sdkappidRaw) throw new ApiError(60012);
		if (!/^\d{1,10}$/.test(sdkappidRaw))
			throw new ApiError(60002, 'sdkappid must be an unsigned integer');
		const sdkAppId = Number(sdkappidRaw);
		const identifier = q.get('identifier');
		// OPEN: missing identifier → 60004.
		if (!identifier) throw new ApiError(60004, 'identifier is missing from the URL');
		const random = q.get('random');
		if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > UINT32_MAX) {
			throw new ApiError(60002, 'random must be a 32-bit unsigned integer');
		}
		if (q.get('contenttype') !== 'json') throw new ApiError(60002, 'contenttype must be json');

		// ---- per-API rate limit, sliding 1 s window (refused requests are not counted in the window) ----
		this.checkRate(
			`${sdkAppId}:${api}`,
			api === 'im_open_login_svc/multiaccount_import'
				? this.multiaccountImportPerSecond
				: this.rateLimitPerSecond,
		);

		// ---- UserSig (reference §1.8 order) ----
		this.verifyUserSig(q.get('usersig'), sdkAppId, identifier);
		const app = this.apps.get(sdkAppId);
		if (!app?.admins.has(identifier)) throw new ApiError(service === 'openim' ? 90009 : 70403);

		// ---- injected transient / rate-limit errors ----
		const inj = this.injected.find(
			(x) =>
				x.remaining > 0 && (x.command === undefined || x.command === command || x.command === api),
		);
		if (inj) {
			inj.remaining -= 1;
			this.injectedErrors += 1;
			rec.note = 'injected';
			throw new ApiError(inj.code);
		}

		// ---- body ----
		// OPEN: the 8 KB ceiling and 93000 apply to every API, not only the send APIs.
		if (rec.body.length > this.maxBodyBytes) throw new ApiError(93000);
		const parseCode = service === 'openim' ? 90001 : 70402;
		let body: unknown;
		try {
			body = JSON.parse(rec.text);
		} catch {
			throw new ApiError(parseCode);
		}
		if (!isObj(body)) throw new ApiError(parseCode, 'body must be a JSON object');

		const env: Env = { sdkAppId, identifier, service, command, api, body, rec };
		switch (api) {
			case 'openim/sendmsg':
				return this.sendmsg(env);
			case 'openim/batchsendmsg':
				return this.batchsendmsg(env);
			case 'openim/admin_getroammsg':
				return this.getroammsg(env);
			case 'openim/admin_msgwithdraw':
				return this.msgwithdraw(env);
			case 'openim/admin_set_msg_read':
				return this.setMsgRead(env);
			case 'openim/get_c2c_unread_msg_num':
				return this.unreadNum(env);
			case 'im_open_login_svc/account_import':
				return this.accountImport(env);
			case 'im_open_login_svc/multiaccount_import':
				return this.multiaccountImport(env);
			case 'im_open_login_svc/account_check':
				return this.accountCheck(env);
		}
		throw new ApiError(60009);
	}

	private checkRate(key: string, limit: number): void {
		const t = this.now();
		const hits = (this.apiHits.get(key) ?? []).filter((x) => t - x < 1000);
		if (hits.length >= limit) {
			this.apiHits.set(key, hits);
			this.rateLimited += 1;
			throw new ApiError(60007);
		}
		hits.push(t);
		this.apiHits.set(key, hits);
	}

	/** Decode (Tencent base64 → zlib inflate → JSON) and verify; never compares UserSig strings. */
	private verifyUserSig(usersig: string | null, sdkAppId: number, identifier: string): void {
		// OPEN: empty/missing usersig → 70002 (rather than 60004/60005).
		if (!usersig) throw new ApiError(70002);
		let doc: Record<string, unknown>;
		try {
			if (!/^[A-Za-z0-9*-]+_{0,2}$/.test(usersig)) throw new Error('alphabet');
			const raw = Buffer.from(
				usersig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='),
				'base64',
			);
			const parsed: unknown = JSON.parse(inflateSync(raw).toString('utf8'));
			if (!isObj(parsed)) throw new Error('not an object');
			doc = parsed;
		} catch {
			throw new ApiError(70003);
		}
		const ver = doc['TLS.ver'];
		const id = doc['TLS.identifier'];
		const appid = doc['TLS.sdkappid'];
		const time = doc['TLS.time'];
		const expire = doc['TLS.expire'];
		const sig = doc['TLS.sig'];
		const userbuf = doc['TLS.userbuf'];
		if (
			ver !== '2.0' ||
			!isStr(id) ||
			!isInt(appid) ||
			!isInt(time) ||
			!isInt(expire) ||
			!isStr(sig) ||
			(userbuf !== undefined && !isStr(userbuf))
		) {
			throw new ApiError(70003);
		}
		if (appid !== sdkAppId) throw new ApiError(70014);
		const app = this.apps.get(sdkAppId);
		if (!app) throw new ApiError(70020);
		if (id !== identifier) {
			throw new ApiError(
				70013,
				`verify sig failed with info: [The requested UserID(${identifier}) does not match the Usersig(${id}).]`,
			);
		}
		let content = `TLS.identifier:${id}\nTLS.sdkappid:${appid}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
		if (userbuf !== undefined) content += `TLS.userbuf:${userbuf}\n`;
		const expected = createHmac('sha256', Buffer.from(app.secretKey, 'utf8'))
			.update(content, 'utf8')
			.digest();
		const given = Buffer.from(sig, 'base64');
		if (given.length !== expected.length || !timingSafeEqual(given, expected))
			throw new ApiError(70009);
		if (this.nowSec() > time + expire) throw new ApiError(70001);
	}

	private requireImported(id: unknown, code: number): string {
		if (!isNonEmptyStr(id) || !this.accounts.has(id)) throw new ApiError(code);
		return id;
	}

	/** Check an object against its schema: unknown fields are violations, wrong ones Tencent's errors. */
	private checkObject(
		rec: RecordedRequest,
		where: string,
		obj: Record<string, unknown>,
		schema: Schema,
	): void {
		const known = Object.keys(schema.fields);
		for (const key of Object.keys(obj)) {
			if (!Object.hasOwn(schema.fields, key)) {
				this.violation(
					rec,
					`${where}: unknown field ${key}${nearest(key, known)}; Tencent ignores it`,
				);
			}
		}
		for (const [name, spec] of Object.entries(schema.fields)) {
			this.checkField(rec, `${where}.${name}`, obj[name], spec, schema.code);
		}
	}

	private checkField(
		rec: RecordedRequest,
		path: string,
		v: unknown,
		spec: FieldSpec,
		defaultCode: number,
	): void {
		const code = spec.code ?? defaultCode;
		if (v === undefined) {
			if (spec.required) throw new ApiError(code, `${path} is required`);
			return;
		}
		const asNumber = spec.shape === 'intOrDigits' && isStr(v) ? Number(v) : v;
		if (spec.seconds && typeof asNumber === 'number' && asNumber > MS_THRESHOLD) {
			const text = `${path} ${String(v)} looks like milliseconds; Tencent takes Unix seconds`;
			if (spec.msCode !== undefined) throw new ApiError(spec.msCode, text);
			this.violation(rec, text);
			return;
		}
		if (!hasShape(v, spec.shape))
			throw new ApiError(code, `${path} must be ${SHAPE_TEXT[spec.shape]}`);
		if (spec.shape === 'msgBody') {
			this.checkMsgBody(rec, path, v as unknown[]);
			return;
		}
		if (isStr(v)) this.checkString(rec, path, v, spec, code);
		if (spec.values) {
			for (const item of spec.shape === 'stringArray' ? (v as string[]) : [asNumber]) {
				if (spec.values.includes(item as string | number)) continue;
				const text = `${path}: ${JSON.stringify(item)} is not one of ${spec.values.map((x) => JSON.stringify(x)).join(', ')}`;
				if (spec.valueCode !== undefined) throw new ApiError(spec.valueCode, text);
				this.violation(rec, text);
			}
		}
		const low = spec.min !== undefined && typeof asNumber === 'number' && asNumber < spec.min;
		const high = spec.max !== undefined && typeof asNumber === 'number' && asNumber > spec.max;
		if (low || high) {
			const text = `${path} ${asNumber} is outside ${spec.min ?? '-∞'}..${spec.max ?? '∞'}`;
			if (spec.rangeCode !== undefined) throw new ApiError(spec.rangeCode, text);
			this.violation(rec, text);
		}
		if (Array.isArray(v)) {
			const allowed = `${path} has ${v.length} items; ${spec.minItems ?? 0}..${spec.maxItems ?? '∞'} allowed`;
			if (spec.minItems !== undefined && v.length < spec.minItems)
				throw new ApiError(code, allowed);
			if (spec.maxItems !== undefined && v.length > spec.maxItems)
				throw new ApiError(spec.tooManyCode ?? code, allowed);
			if (spec.shape === 'stringArray') {
				for (const [i, item] of v.entries())
					this.checkString(rec, `${path}[${i}]`, item as string, spec, code);
			}
			if (spec.fields) {
				for (const [i, item] of v.entries()) {
					if (!isObj(item)) throw new ApiError(spec.fields.code, `${path}[${i}] must be an object`);
					this.checkObject(rec, `${path}[${i}]`, item, spec.fields);
				}
			}
		} else if (spec.fields && isObj(v)) {
			this.checkObject(rec, path, v, spec.fields);
		}
	}

	private checkString(
		rec: RecordedRequest,
		path: string,
		v: string,
		spec: FieldSpec,
		code: number,
	): void {
		if (v === '' && spec.nonEmpty) {
			if (spec.nonEmpty === 'refuse') throw new ApiError(code, `${path} must not be empty`);
			this.violation(rec, `${path} is empty`);
		}
		if (spec.maxBytes !== undefined && Buffer.byteLength(v) > spec.maxBytes) {
			throw new ApiError(
				spec.maxBytesCode ?? code,
				`${path} is longer than ${spec.maxBytes} bytes`,
			);
		}
		if (spec.url && v !== '') {
			const ok = spec.url === 'https' ? /^https:\/\/\S+$/i.test(v) : /^https?:\/\/\S+$/i.test(v);
			const scheme = spec.url === 'https' ? 'https://' : 'http(s)://';
			if (!ok) this.violation(rec, `${path} ${JSON.stringify(v)} is not an ${scheme} URL`);
		}
	}

	/** MsgBody (reference §3): element shape → 90002, MsgContent → 90010; also inside merged forwards. */
	private checkMsgBody(rec: RecordedRequest, path: string, body: unknown[]): void {
		if (body.length === 0) throw new ApiError(90002, `${path} must contain at least one element`);
		let customCount = 0;
		for (const [i, el] of body.entries()) {
			const at = `${path}[${i}]`;
			if (!isObj(el) || !isStr(el.MsgType))
				throw new ApiError(90002, `${at} needs a MsgType string`);
			const schema = ELEMENTS[el.MsgType];
			if (!schema) throw new ApiError(90002, `${at}: unsupported MsgType ${el.MsgType}`);
			if (el.MsgType === 'TIMCustomElem' && ++customCount > 1) {
				throw new ApiError(90002, `${path}: a message may contain at most one TIMCustomElem`);
			}
			for (const key of Object.keys(el)) {
				if (ELEMENT_KEYS.includes(key)) continue;
				this.violation(
					rec,
					`${at}: unknown field ${key}${nearest(key, ELEMENT_KEYS)}; Tencent ignores it`,
				);
			}
			const c = el.MsgContent;
			if (!isObj(c))
				throw new ApiError(90010, `${at} (${el.MsgType}): MsgContent must be an object`);
			const where = `${at}(${el.MsgType}).MsgContent`;
			this.checkObject(rec, where, c, schema);
			if (el.MsgType === 'TIMRelayElem') this.checkRelay(rec, where, c);
		}
	}

	/** A merged forward carries its messages (MsgList, ≤ 12 KB) or a key to them (JsonMsgKey), never both. */
	private checkRelay(rec: RecordedRequest, path: string, c: Record<string, unknown>): void {
		const list = c.MsgList as Array<Record<string, unknown>> | undefined;
		if (list === undefined && c.JsonMsgKey === undefined)
			throw new ApiError(90010, `${path} needs MsgList or JsonMsgKey`);
		if (list !== undefined && c.JsonMsgKey !== undefined)
			this.violation(rec, `${path} has both MsgList and JsonMsgKey`);
		if (list === undefined) return;
		if (Buffer.byteLength(JSON.stringify(list)) > RELAY_MSGLIST_BYTES) {
			this.violation(rec, `${path}.MsgList is over 12 KB; larger merges are carried by JsonMsgKey`);
		}
		if (c.MsgNum !== undefined && c.MsgNum !== list.length) {
			this.violation(
				rec,
				`${path}.MsgNum is ${String(c.MsgNum)} but MsgList holds ${list.length} messages`,
			);
		}
		for (const [i, m] of list.entries()) {
			if (m.To_Account === undefined && m.GroupId === undefined) {
				this.violation(
					rec,
					`${path}.MsgList[${i}] names neither To_Account (one-to-one) nor GroupId (group)`,
				);
			}
			if (m.To_Account !== undefined && m.GroupId !== undefined) {
				this.violation(rec, `${path}.MsgList[${i}] names both To_Account and GroupId`);
			}
		}
	}

	/** Common sendmsg/batchsendmsg message fields, after the schema has checked them. */
	private parseMessageOptions(b: Record<string, unknown>, identifier: string) {
		const control = (b.SendMsgControl as string[] | undefined) ?? [];
		const lifeTime = b.MsgLifeTime as number | undefined;
		const onlineOnly = lifeTime === 0 || b.OnlineOnlyFlag === 1;
		return {
			From: (b.From_Account as string | undefined) ?? identifier,
			MsgBody: b.MsgBody as unknown[],
			MsgRandom: b.MsgRandom as number,
			givenMsgSeq: b.MsgSeq as number | undefined,
			SyncOtherMachine: b.SyncOtherMachine as number | undefined,
			MsgLifeTime: lifeTime,
			onlineOnly,
			countsAsUnread: !onlineOnly && !control.includes('NoUnread'),
			extra: {
				CloudCustomData: b.CloudCustomData as string | undefined,
				OfflinePushInfo: b.OfflinePushInfo,
				SendMsgControl: b.SendMsgControl as string[] | undefined,
				ForbidCallbackControl: b.ForbidCallbackControl as string[] | undefined,
				IsNeedReadReceipt: b.IsNeedReadReceipt as number | undefined,
				SupportMessageExtension: b.SupportMessageExtension as number | undefined,
				MsgTimeStamp: b.MsgTimeStamp as number | undefined,
			},
		};
	}

	/**
	 * Tencent's duplicate key: sender, MsgSeq, MsgRandom and the CRC32 of the content, for 120 s (sendmsg doc,
	 * 269/2282). The recipients are not part of it. OPEN: an absent MsgSeq matches an absent one.
	 */
	private dedupeKey(
		sdkAppId: number,
		from: string,
		random: number,
		seq: number | undefined,
		body: unknown[],
	): string {
		return `${sdkAppId}\u0000${from}\u0000${seq ?? '-'}\u0000${random}\u0000${crc32(JSON.stringify(body))}`;
	}

	private findSend(key: string): SendRecord | undefined {
		const t = this.now();
		this.sends = this.sends.filter((s) => t - s.atMs < DEDUPE_WINDOW_MS);
		return this.sends.find((s) => s.key === key);
	}

	/** A repeat is dropped; one addressed to recipients the first send did not have loses them silently. */
	private repeat(rec: RecordedRequest, dup: SendRecord, recipients: string[]): void {
		rec.note = rec.note ? `duplicate; ${rec.note}` : 'duplicate';
		const lost = recipients.filter((id) => !dup.recipients.has(id));
		if (lost.length > 0) {
			const why = 'same sender, MsgSeq, MsgRandom and content within 120 s';
			this.violation(
				rec,
				`dropped as a repeat of ${dup.MsgKey} (${why}), so ${lost.join(', ')} never receive it`,
			);
		}
	}

	private store(
		sdkAppId: number,
		to: string,
		o: ReturnType<TencentImEmulator['parseMessageOptions']>,
		seq: number,
		time: number,
		batch: boolean,
		dedupeKey: string,
	): StoredC2CMessage {
		const msg: StoredC2CMessage = {
			From_Account: o.From,
			To_Account: to,
			MsgBody: o.MsgBody,
			MsgSeq: seq,
			MsgRandom: o.MsgRandom,
			MsgTime: time,
			MsgKey: `${seq}_${o.MsgRandom}_${time}`,
			recalled: false,
			...Object.fromEntries(Object.entries(o.extra).filter(([, v]) => v !== undefined)),
			SyncOtherMachine: o.SyncOtherMachine,
			MsgLifeTime: o.MsgLifeTime,
			givenMsgSeq: o.givenMsgSeq,
			onlineOnly: o.onlineOnly,
			countsAsUnread: o.countsAsUnread,
			visibleToSender: o.SyncOtherMachine !== 2,
			readByRecipient: false,
			IsPeerRead: 0,
			batch,
			sdkAppId,
			storedAtMs: this.now(),
			dedupeKey,
		};
		this.messages.push(msg);
		return msg;
	}

	private async sendmsg({ body: b, identifier, sdkAppId, rec }: Env): Promise<Result> {
		this.checkObject(rec, 'sendmsg', b, SENDMSG);
		const to = b.To_Account as string;
		const o = this.parseMessageOptions(b, identifier);
		// Reference §5: unknown To/From in sendmsg → 20003.
		if (!this.accounts.has(to)) throw new ApiError(20003);
		if (!this.accounts.has(o.From)) throw new ApiError(20003);
		const key = this.dedupeKey(sdkAppId, o.From, o.MsgRandom, o.givenMsgSeq, o.MsgBody);
		// OPEN: a repeat answers OK with the first send's MsgTime/MsgKey, stores nothing and calls no callback.
		const dup = this.findSend(key);
		if (dup) {
			this.repeat(rec, dup, [to]);
			return { MsgTime: dup.MsgTime, MsgKey: dup.MsgKey };
		}
		const seq = o.givenMsgSeq ?? randomInt(0, UINT32_MAX + 1);
		const time = this.nowSec();
		const MsgKey = `${seq}_${o.MsgRandom}_${time}`;
		const forbid = o.extra.ForbidCallbackControl ?? [];
		const onlineOnlyFlag = o.onlineOnly ? 1 : 0;

		const before = forbid.includes('ForbidBeforeSendMsgCallback')
			? undefined
			: this.callbackFor(sdkAppId, TENCENT_IM_CALLBACK.beforeSendMsg);
		if (before) {
			// OPEN: no MsgId (the emulator's sendmsg answers none); CloudCustomData only when the message has one.
			const verdict = await this.beforeSend(rec, sdkAppId, before, {
				CallbackCommand: TENCENT_IM_CALLBACK.beforeSendMsg,
				From_Account: o.From,
				To_Account: to,
				MsgSeq: seq,
				MsgRandom: o.MsgRandom,
				MsgTime: time,
				MsgKey,
				OnlineOnlyFlag: onlineOnlyFlag,
				MsgBody: o.MsgBody,
				...(o.extra.CloudCustomData !== undefined
					? { CloudCustomData: o.extra.CloudCustomData }
					: {}),
			});
			// OPEN: a dropped message is not remembered for the duplicate check.
			if (verdict.verdict === 'drop') {
				rec.note = `dropped by ${TENCENT_IM_CALLBACK.beforeSendMsg}`;
				return { MsgTime: time, MsgKey };
			}
			if (verdict.MsgBody) o.MsgBody = verdict.MsgBody;
			if (verdict.CloudCustomData !== undefined) o.extra.CloudCustomData = verdict.CloudCustomData;
			// The same message sent again while the callback was pending went first.
			const raced = this.findSend(key);
			if (raced) {
				this.repeat(rec, raced, [to]);
				return { MsgTime: raced.MsgTime, MsgKey: raced.MsgKey };
			}
		}

		const msg = this.store(sdkAppId, to, o, seq, time, false, key);
		this.sends.push({
			key,
			atMs: this.now(),
			MsgKey: msg.MsgKey,
			MsgTime: msg.MsgTime,
			recipients: new Set([to]),
		});
		// The after-send callback carries the message as stored (a before-send answer's replacement included).
		if (!forbid.includes('ForbidAfterSendMsgCallback')) {
			this.afterCallback(sdkAppId, {
				CallbackCommand: TENCENT_IM_CALLBACK.afterSendMsg,
				From_Account: msg.From_Account,
				To_Account: msg.To_Account,
				MsgSeq: msg.MsgSeq,
				MsgRandom: msg.MsgRandom,
				MsgTime: msg.MsgTime,
				MsgKey: msg.MsgKey,
				OnlineOnlyFlag: onlineOnlyFlag,
				SendMsgResult: 0,
				ErrorInfo: 'send msg succeed',
				// The recipient's unread C2C messages over all conversations, this one included.
				UnreadMsgNum: this.unread(msg.To_Account),
				MsgBody: msg.MsgBody,
				...(msg.CloudCustomData !== undefined ? { CloudCustomData: msg.CloudCustomData } : {}),
			});
		}
		return { MsgTime: msg.MsgTime, MsgKey: msg.MsgKey };
	}

	private batchsendmsg({ body: b, identifier, sdkAppId, rec }: Env): Result {
		this.checkObject(rec, 'batchsendmsg', b, BATCHSENDMSG);
		const to = b.To_Account as string[];
		if (!to.every(isNonEmptyStr))
			throw new ApiError(90003, 'To_Account must hold non-empty UserIDs');
		const o = this.parseMessageOptions(b, identifier);
		if (!this.accounts.has(o.From)) throw new ApiError(20003);
		const recipients = [...new Set(to)];
		if (recipients.length < to.length) {
			const twice = [...new Set(to.filter((id, i) => to.indexOf(id) !== i))];
			this.violation(rec, `batchsendmsg.To_Account lists ${twice.join(', ')} more than once`);
		}

		// 12000 recipients per sliding minute, counted per listed recipient; OPEN: refusal code 60007.
		const t = this.now();
		this.batchRecipients = this.batchRecipients.filter((x) => t - x.at < 60_000);
		const used = this.batchRecipients.reduce((s, x) => s + x.n, 0);
		if (used + to.length > this.batchRecipientsPerMinute) {
			this.rateLimited += 1;
			throw new ApiError(60007, 'batchsendmsg recipients per minute exceed the limit');
		}
		this.batchRecipients.push({ at: t, n: to.length });

		const ErrorList: Array<{ To_Account: string; ErrorCode: number }> = [];
		const ok = recipients.filter((id) => {
			if (this.accounts.has(id)) return true;
			ErrorList.push({ To_Account: id, ErrorCode: 70107 });
			return false;
		});
		if (ok.length === 0) throw new ApiError(90012);
		const reply = (MsgKey: string): Result =>
			ErrorList.length > 0 ? { MsgKey, ErrorList } : { MsgKey };

		// The key has no recipients: a later call reusing MsgRandom/MsgSeq for other recipients is the same message.
		const key = this.dedupeKey(sdkAppId, o.From, o.MsgRandom, o.givenMsgSeq, o.MsgBody);
		const dup = this.findSend(key);
		if (dup) {
			this.repeat(rec, dup, ok);
			return reply(dup.MsgKey);
		}
		const seq = o.givenMsgSeq ?? randomInt(0, UINT32_MAX + 1);
		const time = this.nowSec();
		const MsgKey = `${seq}_${o.MsgRandom}_${time}`;
		for (const id of ok) this.store(sdkAppId, id, o, seq, time, true, key);
		this.sends.push({ key, atMs: t, MsgKey, MsgTime: time, recipients: new Set(ok) });
		return reply(MsgKey);
	}

	private getroammsg({ body: b, sdkAppId, rec }: Env): Result {
		this.checkObject(rec, 'admin_getroammsg', b, GETROAMMSG);
		for (const [now, old] of [
			['Operator_Account', 'From_Account'],
			['Peer_Account', 'To_Account'],
		] as const) {
			if (b[now] !== undefined && b[old] !== undefined)
				this.violation(rec, `admin_getroammsg names both ${now} and ${old}`);
		}
		const op = this.requireImported(b.Operator_Account ?? b.From_Account, 90008);
		const peer = this.requireImported(b.Peer_Account ?? b.To_Account, 90003);
		const MaxCnt = b.MaxCnt as number;
		const MinTime = b.MinTime as number;
		const MaxTime = b.MaxTime as number;
		const LastMsgKey = b.LastMsgKey as string | undefined;
		if (MinTime > MaxTime) {
			this.violation(
				rec,
				`admin_getroammsg: MinTime ${MinTime} is after MaxTime ${MaxTime}, so nothing can match`,
			);
		}

		let list = this.messages
			.map((m, i) => ({ m, i }))
			.filter(
				({ m }) =>
					m.sdkAppId === sdkAppId &&
					!m.onlineOnly &&
					m.MsgTime >= MinTime &&
					m.MsgTime <= MaxTime &&
					((m.From_Account === op && m.To_Account === peer && m.visibleToSender) ||
						(m.From_Account === peer && m.To_Account === op)),
			)
			// Newest first: by time, then MsgSeq within the same second, then arrival order.
			.sort((x, y) => y.m.MsgTime - x.m.MsgTime || y.m.MsgSeq - x.m.MsgSeq || y.i - x.i)
			.map(({ m }) => m);
		if (isNonEmptyStr(LastMsgKey)) {
			const idx = list.findIndex((m) => m.MsgKey === LastMsgKey);
			// OPEN: an unknown LastMsgKey continues strictly before MaxTime.
			list = idx >= 0 ? list.slice(idx + 1) : list.filter((m) => m.MsgTime < MaxTime);
		}
		const page: Array<Record<string, unknown>> = [];
		let bytes = 0;
		for (const m of list) {
			if (page.length >= MaxCnt) break;
			const item: Record<string, unknown> = {
				From_Account: m.From_Account,
				To_Account: m.To_Account,
				MsgSeq: m.MsgSeq,
				MsgRandom: m.MsgRandom,
				MsgTimeStamp: m.MsgTime,
				MsgFlagBits: m.recalled ? 8 : 0,
				IsPeerRead: m.IsPeerRead,
				MsgKey: m.MsgKey,
				// OPEN: a recalled message keeps its place (flag 8) but its body is returned empty.
				MsgBody: m.recalled ? [] : m.MsgBody,
			};
			if (m.CloudCustomData !== undefined) item.CloudCustomData = m.CloudCustomData;
			const size = Buffer.byteLength(JSON.stringify(item));
			if (page.length > 0 && bytes + size > this.roamPageBytes) break;
			bytes += size;
			page.push(item);
		}
		const Complete = page.length === list.length ? 1 : 0;
		page.reverse(); // ascending within the page; the first element is the oldest
		const oldest = page[0];
		return {
			Complete,
			MsgCnt: page.length,
			// OPEN: empty page → LastMsgTime 0, LastMsgKey "".
			LastMsgTime: oldest ? oldest.MsgTimeStamp : 0,
			LastMsgKey: oldest ? oldest.MsgKey : '',
			MsgList: page,
		};
	}

	private msgwithdraw({ body: b, sdkAppId, rec }: Env): Result {
		this.checkObject(rec, 'admin_msgwithdraw', b, MSGWITHDRAW);
		const from = this.requireImported(b.From_Account, 90008);
		const to = this.requireImported(b.To_Account, 90003);
		if (!isStr(b.MsgKey) || !/^\d+_\d+_\d+$/.test(b.MsgKey)) throw new ApiError(90054);
		const msg = this.messages.find(
			(m) =>
				m.sdkAppId === sdkAppId &&
				m.From_Account === from &&
				m.To_Account === to &&
				m.MsgKey === b.MsgKey &&
				!m.onlineOnly,
		);
		if (!msg) throw new ApiError(20022);
		if (msg.recalled) throw new ApiError(20023);
		msg.recalled = true;
		this.afterCallback(sdkAppId, {
			CallbackCommand: TENCENT_IM_CALLBACK.afterMsgWithDraw,
			From_Account: from,
			To_Account: to,
			MsgKey: msg.MsgKey,
			// The recipient's unread C2C messages over all conversations, after the recall.
			UnreadMsgNum: this.unread(to),
		});
		return {};
	}

	private setMsgRead({ body: b, sdkAppId, rec }: Env): Result {
		this.checkObject(rec, 'admin_set_msg_read', b, SET_MSG_READ);
		const reader = this.requireImported(b.Report_Account, 90008);
		const peer = this.requireImported(b.Peer_Account, 90003);
		// Absent: everything up to now is read.
		const readTime = b.MsgReadTime === undefined ? Number.POSITIVE_INFINITY : Number(b.MsgReadTime);
		for (const m of this.messages) {
			if (
				m.sdkAppId === sdkAppId &&
				m.To_Account === reader &&
				m.From_Account === peer &&
				m.MsgTime <= readTime
			) {
				m.readByRecipient = true;
			}
		}
		this.afterCallback(sdkAppId, {
			CallbackCommand: TENCENT_IM_CALLBACK.afterMsgReport,
			Report_Account: reader,
			Peer_Account: peer,
			// OPEN: LastReadTime is MsgReadTime as a number when given, else the current time.
			LastReadTime: b.MsgReadTime === undefined ? this.nowSec() : Number(b.MsgReadTime),
			// The reader's unread C2C messages over all conversations, after the report.
			UnreadMsgNum: this.unread(reader),
		});
		return {};
	}

	private unreadNum({ body: b, rec }: Env): Result {
		this.checkObject(rec, 'get_c2c_unread_msg_num', b, UNREAD_NUM);
		const owner = this.requireImported(b.To_Account, 90003);
		if (b.Peer_Account === undefined) return { AllC2CUnreadMsgNum: this.unread(owner) };
		const peers = b.Peer_Account as string[];
		if (!peers.every(isNonEmptyStr))
			throw new ApiError(20001, 'Peer_Account must hold non-empty UserIDs');
		const C2CUnreadMsgNumList: Array<{ Peer_Account: string; C2CUnreadMsgNum: number }> = [];
		const ErrorList: Array<{ Peer_Account: string; ErrorCode: number }> = [];
		for (const p of peers) {
			if (this.accounts.has(p))
				C2CUnreadMsgNumList.push({ Peer_Account: p, C2CUnreadMsgNum: this.unread(owner, p) });
			else ErrorList.push({ Peer_Account: p, ErrorCode: 70107 });
		}
		return ErrorList.length > 0 ? { C2CUnreadMsgNumList, ErrorList } : { C2CUnreadMsgNumList };
	}

	/** Whether `id` may be imported: it already is (re-import is idempotent), or the quota has room. */
	private roomFor(id: string): boolean {
		return (
			this.accounts.has(id) ||
			this.accountQuota === undefined ||
			this.accounts.size < this.accountQuota
		);
	}

	private accountImport({ body: b, rec }: Env): Result {
		this.checkObject(rec, 'account_import', b, ACCOUNT_IMPORT);
		const id = b.UserID as string;
		if (!this.roomFor(id)) throw new ApiError(70398);
		this.accounts.add(id); // idempotent
		return {};
	}

	private multiaccountImport({ body: b, rec }: Env): Result {
		this.checkObject(rec, 'multiaccount_import', b, MULTIACCOUNT_IMPORT);
		const listed = (b.Accounts as string[] | undefined) ?? [];
		const profiled = ((b.AccountList as Array<{ UserID: string }> | undefined) ?? []).map(
			(a) => a.UserID,
		);
		if (b.Accounts === undefined && b.AccountList === undefined)
			throw new ApiError(70402, 'Accounts (or AccountList) is required');
		// OPEN: a request with both forms imports both lists; the docs give them as alternatives, so it is recorded.
		if (b.Accounts !== undefined && b.AccountList !== undefined) {
			this.violation(
				rec,
				'multiaccount_import has both Accounts and AccountList; send one of the two forms',
			);
		}
		const ids = [...listed, ...profiled];
		const unique = [...new Set(ids)];
		if (unique.length < ids.length) {
			const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
			this.violation(rec, `multiaccount_import lists ${twice.join(', ')} more than once`);
		}
		const FailAccounts: string[] = [];
		for (const id of unique) {
			// OPEN: an empty or over-32-byte UserID, or one past the account quota, is listed in FailAccounts; the call succeeds.
			const valid = id !== '' && Buffer.byteLength(id) <= MAX_USER_ID_BYTES;
			if (valid && this.roomFor(id)) this.accounts.add(id);
			else FailAccounts.push(id);
		}
		// OPEN: FailAccounts is always answered, [] when every account was imported.
		return { FailAccounts };
	}

	private accountCheck({ body: b, rec }: Env): Result {
		this.checkObject(rec, 'account_check', b, ACCOUNT_CHECK);
		const items = b.CheckItem as Array<{ UserID: string }>;
		const ResultItem = items.map((it) => ({
			UserID: it.UserID,
			ResultCode: 0,
			ResultInfo: '',
			AccountStatus: this.accounts.has(it.UserID) ? 'Imported' : 'NotImported',
		}));
		return { ResultItem };
	}
}
