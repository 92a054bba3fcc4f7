/** The shapes Yunhu's secrets take, for the shared redaction: user and bot tokens, Qiniu upload tokens. */
import { registerSecretShapes } from '../../common/redact';

registerSecretShapes({
	parameters: ['token'],
	jsonFields: ['token', 'uploadToken'],
	// a Qiniu upload token: access key, signature and base64 policy joined by colons
	patterns: [
		{
			pattern: /\b[A-Za-z0-9_-]{20,}:[A-Za-z0-9_=-]{20,}:[A-Za-z0-9_=-]{20,}\b/g,
			replacement: '[redacted-upload-token]',
		},
	],
});
