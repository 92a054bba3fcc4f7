/** The shapes Mixin's secrets take, for the shared redaction: keystore keys, and presigned storage signatures. */
import { registerSecretShapes } from '../../common/redact';

registerSecretShapes({
	parameters: ['X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'],
	jsonFields: [
		'session_private_key',
		'private_key',
		'privateKey',
		'sessionPrivateKey',
		'pin_token',
		'keystoreSecret',
	],
});
