import { MixinMessengerApi } from '../../credentials/MixinMessengerApi.credentials';
import {
	parsePrivateKey,
	nameBasedUuid,
	recallMessageId,
	requestHash,
	sessionFromFields,
	sessionFromKeystore,
	signRequestToken,
	uniqueConversationId,
} from '../../nodes/MixinMessenger/transport/signing';
import {
	BOT_ID,
	CONVERSATION_ID,
	LEGACY_PRIVATE_KEY,
	SEED_HEX,
	SESSION_ID,
	USER_ID,
} from './fixtures';

// the reference's worked example (shared/reference/mixin.md §1.4)
const BODY =
	'[{"conversation_id":"dd219235-e83a-3b85-a13f-d0f20fa0e833","recipient_id":"e8e8cd79-cd40-4796-8c54-3a13cfe50115","message_id":"c81e774b-a762-49f8-9114-35900be2c90e","category":"PLAIN_TEXT","data_base64":"aGVsbG8"}]';
const TOKEN =
	'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJ1aWQiOiIxMWVmYmI3NS1lN2ZlLTQ0ZDctYTE0Zi02OTg1MzUyODkzMTAiLCJzaWQiOiJhZmFkNGMzNy1iOTBlLTQzYzItYWRjMi1lNmUxYmQzMWFlOTQiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMCwianRpIjoiNmQ1YzFhNGUtM2IxZi00YzJlLTlhNDktMWYyZjdhMGQ5ZTExIiwic2lnIjoiZjMxNDVhNWQ5ZDZmMTJmYTk0NDdjMjkxYTY1MmFkZjQwMWYxMGEzZmZlOWM1NjQxNzA5ODMxMjVlNzU2YjlhZCIsInNjcCI6IkZVTEwifQ.ddnEF7HnWkks-g2SEuv66yBZn0QoeWHyBfDZgKZfaS7q1GAuShBzQ-N1oKpbZWl5WnZnYdml1zTeQMvzSGXtBA';

const session = { appId: BOT_ID, sessionId: SESSION_ID, seed: Buffer.from(SEED_HEX, 'hex') };

describe('Recall ids', () => {
	test('name-based UUIDs follow RFC 4122 version 5 (the DNS namespace vector)', () => {
		expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
			'2ed6657d-e927-568b-95e1-2665a8aea6a2',
		);
	});

	test('a recall id depends only on the recalled id, whatever its case', () => {
		const id = recallMessageId(USER_ID);
		expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(recallMessageId(USER_ID.toUpperCase())).toBe(id);
		expect(recallMessageId(BOT_ID)).not.toBe(id);
		// the package's namespace is fixed for good: this value must never change
		expect(id).toBe('cd58b727-4eb1-5c22-ae96-799c7d318143');
	});
});

describe('Mixin signing', () => {
	test('sig hashes method, path and the exact body (reference vectors)', () => {
		expect(requestHash('POST', '/messages', BODY)).toBe(
			'f3145a5d9d6f12fa9447c291a652adf401f10a3ffe9c564170983125e756b9ad',
		);
		expect(requestHash('GET', '/me', '')).toBe(
			'5e6b58ffa10b3bc51724ff0bbd2afb91c4771ee340f5d685340dfa4c854bafba',
		);
		expect(requestHash('POST', '/attachments', '')).toBe(
			'c80412e583e2bffa51b464ea3fb47b86c2c0bb2a7e2f35500089a589f430d684',
		);
	});

	test('the reference token is reproduced byte for byte', () => {
		const { token } = signRequestToken(session, {
			method: 'POST',
			uri: '/messages',
			body: BODY,
			now: 1700000000,
			lifetimeSeconds: 3600,
			jti: '6d5c1a4e-3b1f-4c2e-9a49-1f2f7a0d9e11',
		});
		expect(token).toBe(TOKEN);
	});

	test('every token gets a new jti', () => {
		const a = signRequestToken(session, { method: 'GET', uri: '/me', body: '' });
		const b = signRequestToken(session, { method: 'GET', uri: '/me', body: '' });
		expect(a.jti).not.toBe(b.jti);
		expect(a.token).not.toBe(b.token);
	});

	test('1:1 conversation id of the seed document', () => {
		expect(uniqueConversationId(BOT_ID, USER_ID)).toBe(CONVERSATION_ID);
		expect(uniqueConversationId(USER_ID.toUpperCase(), BOT_ID)).toBe(CONVERSATION_ID);
	});

	describe('keys users paste', () => {
		test('current keystore (hex seed) and legacy keystore (64-byte base64url) give the same seed', () => {
			const current = sessionFromKeystore(
				JSON.stringify({ app_id: BOT_ID, session_id: SESSION_ID, session_private_key: SEED_HEX }),
			);
			const legacy = sessionFromKeystore(
				JSON.stringify({
					client_id: BOT_ID,
					session_id: SESSION_ID,
					private_key: LEGACY_PRIVATE_KEY,
					pin_token: 'x',
				}),
			);
			expect(current.seed.toString('hex')).toBe(SEED_HEX);
			expect(legacy.seed.toString('hex')).toBe(SEED_HEX);
			expect(legacy.appId).toBe(BOT_ID);
		});

		test('legacy key in standard base64 with padding is accepted', () => {
			const std = Buffer.from(LEGACY_PRIVATE_KEY, 'base64url').toString('base64');
			expect(parsePrivateKey(std, 'k').toString('hex')).toBe(SEED_HEX);
		});

		test.each([
			['short hex', 'abcd', /"Session Private Key" must be 64 hex characters/],
			['RSA PEM', '-----BEGIN RSA PRIVATE KEY-----\nMIIB', /RSA key/],
			['damaged legacy key', LEGACY_PRIVATE_KEY.slice(0, -4) + 'AAAA', /damaged/],
			['garbage', 'not a key!', /neither hex nor base64/],
		])('%s is refused naming the field', (_name, key, message) => {
			expect(() => sessionFromFields(BOT_ID, SESSION_ID, key)).toThrow(message);
		});

		test('the error never contains the key', () => {
			const key = SEED_HEX.slice(0, 60);
			let message = '';
			try {
				sessionFromFields(BOT_ID, SESSION_ID, key);
			} catch (e) {
				message = (e as Error).message;
			}
			expect(message).toContain('Session Private Key');
			expect(message).not.toContain(key);
		});

		test('malformed keystore JSON and a bad app id name their field', () => {
			expect(() => sessionFromKeystore('{not json')).toThrow(/"Keystore JSON" is not valid JSON/);
			expect(() =>
				sessionFromKeystore(
					JSON.stringify({ app_id: 'bot', session_id: SESSION_ID, session_private_key: SEED_HEX }),
				),
			).toThrow(/"Keystore JSON › app_id" must be a UUID/);
		});
	});

	describe('credential authenticate', () => {
		const credential = new MixinMessengerApi();
		const creds = {
			keyFormat: 'fields',
			appId: BOT_ID,
			sessionId: SESSION_ID,
			sessionPrivateKey: SEED_HEX,
			baseUrl: 'http://127.0.0.1:9/',
		};

		function claims(token: string) {
			return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
				string,
				unknown
			>;
		}

		test('query goes into the URL before signing; the body is signed as sent', async () => {
			const out = await credential.authenticate(creds, {
				method: 'POST',
				url: '/messages',
				qs: { limit: 5, offset: 'a b' },
				body: { a: 1 },
			});
			expect(out.url).toBe('/messages?limit=5&offset=a+b');
			expect(out.qs).toBeUndefined();
			expect(out.body).toBe('{"a":1}');
			expect(out.baseURL).toBe('http://127.0.0.1:9');
			const headers = out.headers as Record<string, string>;
			expect(headers['Content-Type']).toBe('application/json');
			const token = headers.Authorization.replace('Bearer ', '');
			const c = claims(token);
			expect(c.sig).toBe(requestHash('POST', '/messages?limit=5&offset=a+b', '{"a":1}'));
			expect(c.uid).toBe(BOT_ID);
			expect(c.sid).toBe(SESSION_ID);
			expect(c.scp).toBe('FULL');
			expect(headers['X-Request-Id']).toBe(c.jti);
		});

		test('a GET is signed with an empty body', async () => {
			const out = await credential.authenticate(creds, { method: 'GET', url: '/me' });
			const token = (out.headers as Record<string, string>).Authorization.replace('Bearer ', '');
			expect(claims(token).sig).toBe(requestHash('GET', '/me', ''));
		});

		test('a malformed key fails naming the credential field, before any request', async () => {
			await expect(
				credential.authenticate(
					{ ...creds, sessionPrivateKey: 'zz' },
					{ method: 'GET', url: '/me' },
				),
			).rejects.toThrow(/Mixin Messenger API › "Session Private Key"/);
		});

		test('the credential test fails on Mixin error bodies', () => {
			const rule = credential.test.rules?.[0] as {
				type: string;
				properties: { key: string; value: unknown };
			};
			expect(rule.type).toBe('responseSuccessBody');
			expect(rule.properties).toMatchObject({ key: 'error.status', value: 202 });
			expect(credential.test.request.url).toBe('/me');
		});
	});
});
