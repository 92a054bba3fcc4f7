/**
 * Yunhu's protobuf messages, encoded and decoded by protobufjs from the descriptor the build generates out of
 * proto/yunhu/*.proto. This module is the package's only import of a runtime dependency (protobufjs; named as the
 * single exception in eslint.config.mjs).
 *
 * 64-bit integers (ids, millisecond times, sequence numbers) are plain numbers when they fit in a JS number exactly,
 * and decimal strings otherwise, so no value is ever rounded. Enums are numbers; names keep the .proto spelling.
 */
import type { IDataObject } from 'n8n-workflow';
import { Root, type Type } from 'protobufjs/light';

import descriptor from './generated/yunhu.json';

const root = Root.fromJSON(descriptor);

export type ProtoObject = IDataObject;

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function type(name: string): Type {
	return root.lookupType(`yh.${name}`);
}

function fromLongStrings(t: Type, value: ProtoObject): ProtoObject {
	const out: ProtoObject = {};
	for (const [key, v] of Object.entries(value)) {
		const field = t.fields[key];
		if (!field) continue;
		field.resolve();
		const convert = (x: unknown): unknown => {
			if (LONG_TYPES.has(field.type) && typeof x === 'string') {
				const n = Number(x);
				return Number.isSafeInteger(n) ? n : x;
			}
			if (field.resolvedType && 'fields' in field.resolvedType && x && typeof x === 'object') {
				return fromLongStrings(field.resolvedType as Type, x as ProtoObject);
			}
			return x;
		};
		out[key] = (Array.isArray(v) ? v.map(convert) : convert(v)) as IDataObject[string];
	}
	return out;
}

/** Every key must be a field of the message (protobufjs would silently drop a misspelt one). */
function checkFields(t: Type, value: ProtoObject, path: string): void {
	for (const [key, v] of Object.entries(value)) {
		const field = t.fields[key];
		if (!field) throw new Error(`${path}: no field "${key}" in yh.${t.name}`);
		field.resolve();
		const nested =
			field.resolvedType && 'fields' in field.resolvedType
				? (field.resolvedType as Type)
				: undefined;
		if (!nested) continue;
		for (const entry of Array.isArray(v) ? v : [v]) {
			if (entry && typeof entry === 'object')
				checkFields(nested, entry as ProtoObject, `${path}.${key}`);
		}
	}
}

/**
 * Encode a plain object (proto field names; 64-bit values as numbers or decimal strings) as the named message.
 * Unknown fields are refused, not dropped.
 */
export function encode(name: string, value: ProtoObject): Uint8Array {
	const t = type(name);
	checkFields(t, value, name);
	return t.encode(t.fromObject(value)).finish();
}

/** Decode bytes as the named message into a plain object (defaults left out, as they were not sent). */
export function decode(name: string, bytes: Uint8Array): ProtoObject {
	const t = type(name);
	const message = t.decode(bytes);
	return fromLongStrings(
		t,
		t.toObject(message, { longs: String, enums: Number, defaults: false }) as ProtoObject,
	);
}
