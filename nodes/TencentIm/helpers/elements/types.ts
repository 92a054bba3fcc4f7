import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { MsgElement } from '../../transport/api';

/** One choice of an element's Type: its fields inside the Elements collection and the code that builds it. */
export interface ElementKind {
	value: string;
	name: string;
	/** Fields only this type shows (shared ones live in shared.ts). */
	fields: INodeProperties[];
	/** Build the element; `field` names a field of this element for error messages. */
	build(values: IDataObject, field: (name: string) => string): MsgElement;
}

/** displayOptions that show a field of the Elements collection for some element types. */
export const forType = (types: string[]) => ({ show: { type: types } });
