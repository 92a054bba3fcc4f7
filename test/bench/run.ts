/**
 * `npm run bench`: speed and memory of the pieces that matter, against the local emulators, with targets.
 * Signing throughput, the Mixin transport used on its own (axios as its HTTP function, no n8n), Send Many of
 * 5,000 items through n8n's engine, and Tencent sends held at the platform's rate limit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-chat-platforms-bench-'));
process.env.N8N_LOG_LEVEL ??= 'silent';

import axios from 'axios';

import { MixinMessengerApi } from '../../credentials/MixinMessengerApi.credentials';
import type { HttpFn } from '../../nodes/common/http';
import { MixinClient, type OutgoingMessage } from '../../nodes/MixinMessenger/transport/api';
import { encodeMessageData, signRequestToken, uniqueConversationId } from '../../nodes/MixinMessenger/transport/signing';
import { generateUserSig } from '../../nodes/TencentIm/transport/signing';
import { MixinEmulator } from '../emulators/mixin';
import { TencentImEmulator } from '../emulators/tencent-im';
import { BOT_ID, SEED_HEX, SESSION_ID, publicKeyOf } from '../mixin/fixtures';
import { ADMIN, SDK_APP_ID, SECRET_KEY } from '../tencent-im/fixtures';

interface Result {
	name: string;
	value: number;
	unit: string;
	target: number;
	/** 'min': value must be at least target; 'max': at most. */
	kind: 'min' | 'max';
}

const results: Result[] = [];
const record = (r: Result) => {
	results.push(r);
	const ok = r.kind === 'min' ? r.value >= r.target : r.value <= r.target;
	console.log(`${ok ? 'ok  ' : 'MISS'} ${r.name}: ${r.value.toFixed(1)} ${r.unit} (target ${r.kind === 'min' ? '≥' : '≤'} ${r.target})`);
};

const heapMb = () => process.memoryUsage().heapUsed / 1024 / 1024;

async function signing(): Promise<void> {
	const session = { appId: BOT_ID, sessionId: SESSION_ID, seed: Buffer.from(SEED_HEX, 'hex') };
	const body = JSON.stringify([{ message_id: BOT_ID, data_base64: 'x'.repeat(500) }]);
	let start = performance.now();
	const n = 5000;
	for (let i = 0; i < n; i++) signRequestToken(session, { method: 'POST', uri: '/messages', body });
	record({ name: 'Mixin JWT signing', value: n / ((performance.now() - start) / 1000), unit: 'tokens/s', target: 10000, kind: 'min' });
	start = performance.now();
	const m = 2000;
	for (let i = 0; i < m; i++) await generateUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, identifier: ADMIN, expireSeconds: 3600 });
	record({ name: 'Tencent UserSig generation', value: m / ((performance.now() - start) / 1000), unit: 'sigs/s', target: 1000, kind: 'min' });
}

/** The Mixin transport on its own: the credential's authenticate signs, axios sends. */
async function standaloneTransport(): Promise<void> {
	const emulator = new MixinEmulator();
	await emulator.start();
	emulator.registerSession({ appId: BOT_ID, sessionId: SESSION_ID, publicKey: publicKeyOf(SEED_HEX) });
	const credential = new MixinMessengerApi();
	const credentials = { keyFormat: 'fields', appId: BOT_ID, sessionId: SESSION_ID, sessionPrivateKey: SEED_HEX, baseUrl: emulator.baseUrl };
	const http: HttpFn = async (request) => {
		const signed = await credential.authenticate(credentials, { method: request.method, url: request.url, body: request.body as string, headers: request.headers });
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
		return { statusCode: response.status, headers: response.headers as Record<string, unknown>, body: String(response.data ?? '') };
	};
	const client = new MixinClient({ signed: http, plain: http, botUserId: BOT_ID });
	const messages: OutgoingMessage[] = Array.from({ length: 10_000 }, (_, n) => {
		const user = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
		return {
			conversation_id: uniqueConversationId(BOT_ID, user),
			recipient_id: user,
			message_id: crypto.randomUUID(),
			category: 'PLAIN_TEXT',
			data_base64: encodeMessageData(`benchmark message ${n}`),
		};
	});
	const start = performance.now();
	const outcomes = await client.sendMessages(messages);
	const seconds = (performance.now() - start) / 1000;
	if (!outcomes.every((o) => o.ok) || emulator.messages.length !== 10_000) throw new Error('standalone transport lost messages');
	record({ name: 'Mixin transport alone (axios), 10,000 messages in batches', value: 10_000 / seconds, unit: 'messages/s', target: 2000, kind: 'min' });
	await emulator.stop();
}

async function engineSendMany(): Promise<void> {
	const { runWorkflow } = await import('../harness/engine');
	const emulator = new MixinEmulator();
	await emulator.start();
	emulator.registerSession({ appId: BOT_ID, sessionId: SESSION_ID, publicKey: publicKeyOf(SEED_HEX) });
	const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'mixin', 'workflows', 'send-many.json'), 'utf8'));
	const items = 5000;
	const input = Array.from({ length: items }, (_, n) => ({
		json: { userId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, text: `item ${n}` },
	}));
	global.gc?.();
	const heapBefore = heapMb();
	const start = performance.now();
	const result = await runWorkflow(workflow, {
		input,
		credentials: { mixinMessengerApi: { keyFormat: 'fields', appId: BOT_ID, sessionId: SESSION_ID, sessionPrivateKey: SEED_HEX, baseUrl: emulator.baseUrl } },
	});
	const seconds = (performance.now() - start) / 1000;
	if (result.output().length !== items || emulator.messages.length !== items) throw new Error('engine Send Many lost messages');
	record({ name: `Send Many through n8n's engine, ${items} items`, value: seconds, unit: 's', target: 20, kind: 'max' });
	record({ name: `heap growth for ${items} items`, value: heapMb() - heapBefore, unit: 'MB', target: 400, kind: 'max' });
	await emulator.stop();
}

async function tencentRate(): Promise<void> {
	const { runWorkflow } = await import('../harness/engine');
	const emulator = new TencentImEmulator({ apps: [{ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, admin: ADMIN }] });
	await emulator.start();
	emulator.importAccount('alice');
	const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'tencent-im', 'workflows', 'send.json'), 'utf8'));
	const items = 1000;
	const start = performance.now();
	await runWorkflow(workflow, {
		input: Array.from({ length: items }, (_, n) => ({ json: { to: 'alice', text: `n${n}` } })),
		credentials: { tencentImApi: { sdkAppId: SDK_APP_ID, adminIdentifier: ADMIN, secretKey: SECRET_KEY, region: 'custom', customBaseUrl: emulator.baseUrl } },
	});
	const rate = items / ((performance.now() - start) / 1000);
	if (emulator.messages.length !== items) throw new Error('Tencent sends lost messages');
	record({ name: 'Tencent sends per second (limit 200/s)', value: rate, unit: 'requests/s', target: 150, kind: 'min' });
	record({ name: 'Tencent rate-limit refusals', value: emulator.rateLimited, unit: 'requests', target: 0, kind: 'max' });
	await emulator.stop();
}

async function main(): Promise<void> {
	await signing();
	await standaloneTransport();
	await engineSendMany();
	await tencentRate();
	const missed = results.filter((r) => (r.kind === 'min' ? r.value < r.target : r.value > r.target));
	console.log(missed.length ? `\n${missed.length} target(s) missed` : '\nAll targets met.');
	process.exit(missed.length ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
