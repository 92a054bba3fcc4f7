/** The shapes Yunzhenji's secrets take, for the shared redaction: app secret, access token, callback key. */
import { registerSecretShapes } from '../../common/redact';

registerSecretShapes({
	parameters: ['access_token', 'app_secret'],
	jsonFields: [
		'access_token',
		'app_secret',
		'appSecret',
		'encodingAesSecret',
		'encodingAesKey',
		'encoding_aes_key',
		'sessionToken',
	],
});
