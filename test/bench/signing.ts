/**
 * The figures the bench had before: signing throughput of both signers, and the Mixin transport used on its own
 * (the credential's authenticate signs, axios sends; no n8n), 10,000 messages in batches of 100.
 */
import axios from 'axios';

import { MixinMessengerApi } from '../../credentials/MixinMessengerApi.credentials';
import type { HttpFn } from '../../nodes/common/http';
import { MixinClient, type OutgoingMessage } from '../../nodes/MixinMessenger/transport/api';
import {
	encodeMessageData,
	signRequestToken,
	uniqueConversationId,
} from '../../nodes/MixinMessenger/transport/signing';
import { generateUserSig } from '../../nodes/TencentIm/transport/signing';
import { MixinEmulator } from '../emulators/mixin';
import { BOT_ID, SEED_HEX, SESSION_ID, publicKeyOf } from '../mixin/fixtures';
import { ADMIN, SDK_APP_ID, SECRET_KEY } from '../tencent-im/fixtures';
import { record, userUuid } from './support';

export async function benchSigning(): Promise<void> {
	console.log('\nSigning');
	const session = { appId: BOT_ID, sessionId: SESSION_ID, seed: Buffer.from(SEED_HEX, 'hex') };
	const body = JSON.stringify([{ message_id: BOT_ID, data_base64: 'x'.repeat(500) }]);
	// a short warm-up, so the JIT's first compilations do not count
	for (let i = 0; i < 500; i++)
		signRequestToken(session, { method: 'POST', uri: '/messages', body });
	let start = performance.now();
	const n = 5000;
	for (let i = 0; i < n; i++) signRequestToken(session, { method: 'POST', uri: '/messages', body });
	record('Signing', {
		name: 'Mixin JWT signing (Ed25519)',
		value: n / ((performance.now() - start) / 1000),
		unit: 'tokens/s',
		target: { min: 10000 },
	});
	const sig = {
		sdkAppId: SDK_APP_ID,
		secretKey: SECRET_KEY,
		identifier: ADMIN,
		expireSeconds: 3600,
	};
	for (let i = 0; i < 200; i++) await generateUserSig(sig);
	start = performance.now();
	const m = 2000;
	for (let i = 0; i < m; i++) await generateUserSig(sig);
	record('Signing', {
		name: 'Tencent UserSig generation (HMAC-SHA256, deflate)',
		value: m / ((performance.now() - start) / 1000),
		unit: 'sigs/s',
		target: { min: 1000 },
	});
}

/** The Mixin transport on its own, no injected latency: what the client code costs without n8n around it. */
export async function benchStandaloneTransport(): Promise<void> {
	const emulator = new MixinEmulator({ unknownUsers: 'allow' });
	await emulator.start();
	emulator.registerSession({
		appId: BOT_ID,
		sessionId: SESSION_ID,
		publicKey: publicKeyOf(SEED_HEX),
	});
	try {
		const credential = new MixinMessengerApi();
		const credentials = {
			keyFormat: 'fields',
			appId: BOT_ID,
			sessionId: SESSION_ID,
			sessionPrivateKey: SEED_HEX,
			baseUrl: emulator.baseUrl,
		};
		const http: HttpFn = async (request) => {
			const signed = await credential.authenticate(credentials, {
				method: request.method,
				url: request.url,
				body: request.body as string,
				headers: request.headers,
			});
			const response = await axios.request({
				baseURL: signed.baseURL,
				url: signed.url,
				method: request.method,
				data: signed.body,
				headers: signed.headers as Record<string, string>,
				validateStatus: () => true,
				responseType: 'text',
				transformResponse: (x: unknown) => x,
			});
			return {
				statusCode: response.status,
				headers: response.headers as Record<string, unknown>,
				body: String(response.data ?? ''),
			};
		};
		const client = new MixinClient({ signed: http, plain: http, botUserId: BOT_ID });
		const count = 10_000;
		const messages: OutgoingMessage[] = Array.from({ length: count }, (_, n) => ({
			conversation_id: uniqueConversationId(BOT_ID, userUuid(n)),
			recipient_id: userUuid(n),
			message_id: crypto.randomUUID(),
			category: 'PLAIN_TEXT',
			data_base64: encodeMessageData(`benchmark message ${n}`),
		}));
		const start = performance.now();
		const outcomes = await client.sendMessages(messages);
		const seconds = (performance.now() - start) / 1000;
		if (!outcomes.every((o) => o.ok) || emulator.messages.length !== count) {
			throw new Error(
				`standalone transport: ${outcomes.filter((o) => !o.ok).length} failed, ${emulator.messages.length} stored`,
			);
		}
		record('Mixin', {
			name: 'transport alone (axios, no n8n), 10,000 messages in batches of 100, no added latency',
			value: count / seconds,
			unit: 'messages/s',
			target: { min: 2000 },
		});
	} finally {
		await emulator.stop();
	}
}
