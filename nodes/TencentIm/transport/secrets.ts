/** The shapes Tencent IM's secrets take, for the shared redaction: the UserSig and the app's secret key. */
import { registerSecretShapes } from '../../common/redact';

registerSecretShapes({
	parameters: ['usersig', 'user_sig'],
	jsonFields: ['usersig', 'UserSig', 'secretKey', 'secret_key', 'key'],
});
