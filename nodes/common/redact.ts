/**
 * Secrets travel in headers, query strings and bodies. Anything that may reach an error message, a log line or an
 * output item goes through `redact` first. The shared part knows only generic shapes (bearer tokens, compact JWTs);
 * each platform's transport registers the names and shapes of its own secrets when it is loaded.
 */
export interface SecretShapes {
	/** Names of query or form parameters that carry a secret (`name=value`), matched case-insensitively. */
	parameters?: string[];
	/** Names of JSON fields whose string value is a secret (`"name": "value"`), matched case-insensitively. */
	jsonFields?: string[];
	/** Secrets recognisable by their own shape, whatever carries them. */
	patterns?: Array<{ pattern: RegExp; replacement: string }>;
}

const GENERIC: Required<SecretShapes> = {
	parameters: ['token', 'access_token', 'secret', 'signature', 'sig', 'key', 'password'],
	jsonFields: ['token', 'access_token', 'secret', 'password', 'authorization'],
	patterns: [
		{ pattern: /Bearer\s+[A-Za-z0-9._~+/=-]+/gi, replacement: 'Bearer [redacted]' },
		// compact JWS / JWT: three base64url segments, the first a JSON object
		{
			pattern: /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
			replacement: '[redacted-jwt]',
		},
	],
};

const parameters = new Set<string>();
const jsonFields = new Set<string>();
const patterns: Array<{ pattern: RegExp; replacement: string }> = [];
let compiled: Array<[RegExp, string]> | undefined;

function escape(name: string): string {
	return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Add a platform's secret shapes; registering the same names twice is harmless. */
export function registerSecretShapes(shapes: SecretShapes): void {
	for (const name of shapes.parameters ?? []) parameters.add(name.toLowerCase());
	for (const name of shapes.jsonFields ?? []) jsonFields.add(name.toLowerCase());
	for (const entry of shapes.patterns ?? []) {
		if (!patterns.some((p) => p.pattern.source === entry.pattern.source)) patterns.push(entry);
	}
	compiled = undefined;
}

registerSecretShapes(GENERIC);

function rules(): Array<[RegExp, string]> {
	if (compiled) return compiled;
	const list: Array<[RegExp, string]> = patterns.map((p) => [p.pattern, p.replacement]);
	const params = [...parameters].map(escape).join('|');
	list.push([new RegExp(`\\b(${params})=([^&\\s"']+)`, 'gi'), '$1=[redacted]']);
	const fields = [...jsonFields].map(escape).join('|');
	list.push([new RegExp(`"(${fields})"\\s*:\\s*"[^"]*"`, 'gi'), '"$1":"[redacted]"']);
	compiled = list;
	return list;
}

/** Remove every registered secret shape from a piece of text. */
export function redact(text: string): string {
	let out = text;
	for (const [pattern, replacement] of rules()) out = out.replace(pattern, replacement);
	return out;
}
