/**
 * Secrets travel in headers (Mixin's JWT), query strings (Tencent's UserSig) and bodies. Anything that may reach
 * an error message, a log line or an output item goes through `redact` first.
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
	// Bearer tokens in any header dump
	[/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
	// compact JWS / JWT (three base64url segments, the first starting with a JSON object)
	[/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
	// secrets carried as query or form parameters
	[
		/\b(usersig|user_sig|token|access_token|secret|secret_key|key|signature|X-Amz-Signature|sig)=([^&\s"']+)/gi,
		'$1=[redacted]',
	],
	// secrets carried as JSON fields
	[
		/"(usersig|token|access_token|secret|secretKey|secret_key|private_key|session_private_key|privateKey|authorization)"\s*:\s*"[^"]*"/gi,
		'"$1":"[redacted]"',
	],
];

/** Remove known secret shapes from a piece of text. */
export function redact(text: string): string {
	let out = text;
	for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
	return out;
}
