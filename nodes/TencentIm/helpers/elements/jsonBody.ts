/**
 * A MsgBody given as JSON, checked before sending: every element Tencent documents (merged forwards included) with
 * the fields Tencent requires and the JSON types of the documented ones. Fields it does not know pass unchanged.
 */
import { InputError } from '../../../common/errors';
import type { MsgElement } from '../../transport/api';
import { DOWNLOAD_FROM_URL } from './shared';

export const JSON_BODY_FIELD = 'MsgBody (JSON)';

type Kind = 'string' | 'integer' | 'number' | 'strings' | 'objects' | 'msgBody';

interface Rule {
	kind: Kind;
	required?: boolean;
	/** A URL clients download from. */
	url?: boolean;
	nonEmpty?: boolean;
	values?: readonly number[];
	/** Fewest items of an `objects` array. */
	minItems?: number;
	min?: number;
	max?: number;
	/** Fields of each object of an `objects` array. */
	items?: Rules;
}
type Rules = Record<string, Rule>;

const str = (extra: Partial<Rule> = {}): Rule => ({ kind: 'string', ...extra });
const size = (extra: Partial<Rule> = {}): Rule => ({ kind: 'integer', min: 0, ...extra });
const url: Rule = { kind: 'string', required: true, url: true };
const uuid: Rule = { kind: 'string', required: true, nonEmpty: true };
const downloadFlag: Rule = { kind: 'integer', required: true, values: [DOWNLOAD_FROM_URL] };

/**
 * What the message-format doc requires of a REST send (its SDK schema where the doc names no required field), and
 * the JSON type of every documented field. Values Tencent takes without complaint are not refused.
 */
const ELEMENT_RULES: Record<string, Rules> = {
	TIMTextElem: { Text: str({ required: true }) },
	TIMLocationElem: {
		Desc: str({ required: true }),
		Latitude: { kind: 'number', required: true, min: -90, max: 90 },
		Longitude: { kind: 'number', required: true, min: -180, max: 180 },
	},
	TIMFaceElem: { Index: { kind: 'integer', required: true }, Data: str({ required: true }) },
	TIMCustomElem: { Data: str({ required: true }), Desc: str(), Ext: str(), Sound: str() },
	TIMSoundElem: { Url: url, UUID: uuid, Size: size(), Second: size(), Download_Flag: downloadFlag },
	TIMImageElem: {
		UUID: uuid,
		ImageFormat: { kind: 'integer' },
		ImageInfoArray: {
			kind: 'objects',
			required: true,
			minItems: 1,
			items: {
				Type: { kind: 'integer' },
				Size: size(),
				Width: size({ required: true }),
				Height: size({ required: true }),
				URL: url,
			},
		},
	},
	TIMFileElem: {
		Url: url,
		UUID: uuid,
		FileSize: size(),
		FileName: str(),
		Download_Flag: downloadFlag,
	},
	TIMVideoFileElem: {
		VideoUrl: url,
		VideoUUID: uuid,
		VideoSize: size(),
		VideoSecond: size(),
		VideoFormat: str(),
		VideoDownloadFlag: downloadFlag,
		ThumbUrl: url,
		ThumbUUID: uuid,
		ThumbSize: size(),
		ThumbWidth: size({ required: true }),
		ThumbHeight: size({ required: true }),
		ThumbFormat: str(),
		ThumbDownloadFlag: downloadFlag,
	},
	// merged forward: its messages in MsgList, or a key to them in JsonMsgKey (checked below)
	TIMRelayElem: {
		Title: str(),
		MsgNum: size(),
		CompatibleText: str(),
		AbstractList: { kind: 'strings' },
		MsgList: {
			kind: 'objects',
			items: {
				From_Account: str(),
				To_Account: str(),
				GroupId: str(),
				MsgSeq: size(),
				MsgRandom: size(),
				MsgTimeStamp: size(),
				MsgBody: { kind: 'msgBody', required: true },
				CloudCustomData: str(),
			},
		},
		JsonMsgKey: str(),
	},
};

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

const KIND_TEXT: Record<Kind, string> = {
	string: 'a string',
	integer: 'a whole number',
	number: 'a number',
	strings: 'an array of strings',
	objects: 'an array of objects',
	msgBody: 'a non-empty array of elements',
};

function hasKind(v: unknown, kind: Kind): boolean {
	switch (kind) {
		case 'string':
			return typeof v === 'string';
		case 'integer':
			return typeof v === 'number' && Number.isSafeInteger(v);
		case 'number':
			return typeof v === 'number' && Number.isFinite(v);
		case 'strings':
			return Array.isArray(v) && v.every((x) => typeof x === 'string');
		case 'objects':
			return Array.isArray(v) && v.every(isObject);
		case 'msgBody':
			return Array.isArray(v) && v.length > 0;
	}
}

/** Where a problem is: the top-level element, then the path inside it. */
class Place {
	constructor(
		readonly element: string,
		readonly path: string[] = [],
	) {}

	at(...parts: string[]): Place {
		return new Place(this.element, [...this.path, ...parts]);
	}

	fail(problem: string): never {
		const inside = this.path.length > 0 ? ` ${this.path.join(' › ')}` : '';
		throw new InputError(JSON_BODY_FIELD, `${this.element}:${inside} ${problem}`);
	}
}

function checkValue(v: unknown, rule: Rule, place: Place): void {
	if (!hasKind(v, rule.kind)) place.fail(`must be ${KIND_TEXT[rule.kind]}`);
	if (typeof v === 'string') {
		if (rule.nonEmpty && v.trim() === '') place.fail('must not be empty');
		if (rule.url && !/^https?:\/\/\S+$/i.test(v)) place.fail('must be an http(s):// URL');
	}
	if (typeof v === 'number') {
		if (rule.values && !rule.values.includes(v)) place.fail(`must be ${rule.values.join(' or ')}`);
		if (rule.min !== undefined && v < rule.min) place.fail(`must be at least ${rule.min}`);
		if (rule.max !== undefined && v > rule.max) place.fail(`must be at most ${rule.max}`);
	}
	if (rule.minItems !== undefined && Array.isArray(v) && v.length < rule.minItems) {
		place.fail(`needs at least ${rule.minItems} item${rule.minItems === 1 ? '' : 's'}`);
	}
	if (rule.kind === 'objects' && rule.items) {
		(v as Array<Record<string, unknown>>).forEach((item, k) =>
			checkFields(item, rule.items!, place.at(String(k + 1))),
		);
	}
	if (rule.kind === 'msgBody') checkElements(v as unknown[], place);
}

function checkFields(obj: Record<string, unknown>, rules: Rules, place: Place): void {
	for (const [name, rule] of Object.entries(rules)) {
		const here = place.at(name);
		if (obj[name] === undefined) {
			if (rule.required) here.fail('is required');
			continue;
		}
		checkValue(obj[name], rule, here);
	}
}

/** The elements of a MsgBody; `inside` is the merged-forward message they belong to, for nested bodies. */
function checkElements(list: unknown[], inside?: Place): void {
	let custom = 0;
	list.forEach((entry, n) => {
		const el = entry as Partial<MsgElement> | undefined;
		const rules =
			typeof el?.MsgType === 'string' && Object.hasOwn(ELEMENT_RULES, el.MsgType)
				? ELEMENT_RULES[el.MsgType]
				: undefined;
		if (!rules || !isObject(el?.MsgContent)) {
			const problem = 'needs a known MsgType and a MsgContent object';
			if (inside) return inside.at(String(n + 1)).fail(problem);
			throw new InputError(JSON_BODY_FIELD, `element ${n + 1} of "${JSON_BODY_FIELD}" ${problem}`);
		}
		const type = el!.MsgType!;
		const place = inside
			? inside.at(`${n + 1} (${type})`)
			: new Place(`element ${n + 1} (${type}) of "${JSON_BODY_FIELD}"`);
		const content = el!.MsgContent as Record<string, unknown>;
		checkFields(content, rules, place);
		if (
			type === 'TIMRelayElem' &&
			content.MsgList === undefined &&
			content.JsonMsgKey === undefined
		) {
			place.fail('needs MsgList (the forwarded messages) or JsonMsgKey');
		}
		// the top-level count is checked for both body inputs by readBody
		if (inside && type === 'TIMCustomElem' && ++custom > 1)
			inside.fail('may contain at most one TIMCustomElem');
	});
}

/** A MsgBody given as JSON (parsed), checked; the top-level custom-element count is left to the caller. */
export function checkJsonBody(parsed: unknown): MsgElement[] {
	if (!Array.isArray(parsed) || parsed.length === 0) {
		throw new InputError(
			JSON_BODY_FIELD,
			`"${JSON_BODY_FIELD}" must be a non-empty array of elements`,
		);
	}
	checkElements(parsed);
	return parsed as MsgElement[];
}
