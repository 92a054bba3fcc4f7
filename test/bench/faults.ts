/**
 * Faults at scale, as test/faults.test.ts runs them but at full size: 1,000 sends per node with one request in
 * twenty (drawn at random, seeded) misbehaving: a connection dropped after the platform took the message, a gateway
 * error, a rate-limit or busy answer, a stall past the timeout. Items run concurrently, every other request takes
 * 20 ms. Where the platform has an idempotency key every message must arrive exactly once; elsewhere at most once,
 * with every item whose fate is unknown marked `uncertain`.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { FaultKind, LoopbackEmulator, RecordedRequest } from '../emulators/common';
import { MixinEmulator } from '../emulators/mixin';
import { runWorkflow, type RunResult } from '../harness/engine';
import {
	BOT_ID,
	SEED_HEX,
	SESSION_ID,
	fieldCredentials,
	loadWorkflow as loadMixinWorkflow,
	publicKeyOf,
} from '../mixin/fixtures';
import { loadWorkflow as loadTencentWorkflow, tencentCredentials } from '../tencent-im/fixtures';
import { botCredentials, userCredentials, yunhuWorkflow } from '../yunhu/fixtures';
import { storeFor, yunzhenjiWorkflow } from '../yunzhenji/fixtures';
import { account, startTencentBench } from './tencent';
import { addLatency, record, userUuid, thousands } from './support';
import {
	startYunhuBench,
	startYunzhenjiBench,
	yunhuUser,
	yunzhenjiCustomer,
} from './yunhu-yunzhenji';

const PLATFORM = 'Faults at scale';
const N = 1000;
const EVERY = 20;
const QUICK = { retryAttempts: 5, retryDelayMs: 5, timeoutMs: 400, concurrency: 10 };
const DROP: FaultKind = { kind: 'dropAfterHandling' };
const STALL: FaultKind = { kind: 'delay', ms: 600 };
const BAD_GATEWAY: FaultKind = { kind: 'status', status: 502 };
const texts = Array.from({ length: N }, (_, n) => `fault-${n}`);

/** A small seeded generator (mulberry32), so every run of the bench injects the same faults. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * One matching request in EVERY, drawn at random, gets the next fault of `kinds` (round robin); the rest get the
 * fixed latency. Drawn rather than every EVERY-th: with ten items in flight a fixed stride keeps hitting the same
 * slot, and so the same item on every attempt.
 */
function spreadFaults(
	http: LoopbackEmulator,
	applies: (r: RecordedRequest) => boolean,
	kinds: FaultKind[],
	seed = 20,
): () => number {
	http.clearFaults();
	const random = seeded(seed);
	const chosen = new WeakMap<RecordedRequest, number>();
	let faulted = 0;
	const kindOf = (r: RecordedRequest) => {
		if (!chosen.has(r)) {
			const k = applies(r) && random() < 1 / EVERY ? faulted++ % kinds.length : -1;
			chosen.set(r, k);
		}
		return chosen.get(r)!;
	};
	kinds.forEach((fault, k) =>
		http.inject({ match: (r) => kindOf(r) === k, times: Infinity, fault }),
	);
	addLatency(http);
	return () => faulted;
}

/** The verdict of one exactly-once run, from the texts the platform stored. */
function exactlyOnce(
	name: string,
	result: RunResult,
	delivered: string[],
	faults: number,
	extra?: { name: string; value: number; of: number },
) {
	const counts = new Map<string, number>();
	for (const d of delivered) counts.set(d, (counts.get(d) ?? 0) + 1);
	const once = texts.filter((t) => counts.get(t) === 1).length;
	const twice = [...counts.values()].filter((c) => c > 1).length;
	const problem = result.error
		? `; the run failed: ${result.error.message}`
		: result.output().length !== N
			? `; ${result.output().length} outputs`
			: '';
	record(PLATFORM, {
		name: `${name}: delivered exactly once (idempotency key)`,
		value: problem ? 0 : once,
		unit: `of ${N.toLocaleString('en-US')}`,
		target: { equals: N },
		note: `${faults} faults injected, ${twice} delivered twice, ${N - once - twice} lost${problem}`,
	});
	if (extra) {
		record(PLATFORM, {
			name: `${name}: ${extra.name}`,
			value: extra.value,
			unit: `of ${extra.of}`,
			target: { equals: extra.of },
		});
	}
}

/** At most once: nothing twice, every failed item marked uncertain, and what was retried (503, rate limits) sent. */
function atMostOnce(
	name: string,
	result: RunResult,
	delivered: string[],
	count: number,
	faults: number,
) {
	const out = result.output();
	const counts = new Map<string, number>();
	for (const d of delivered) counts.set(d, (counts.get(d) ?? 0) + 1);
	const twice = [...counts.values()].filter((c) => c > 1).length;
	let unmarked = 0;
	let uncertain = 0;
	let uncertainDelivered = 0;
	let okNotDelivered = 0;
	out.forEach((item: INodeExecutionData, n) => {
		const times = counts.get(texts[n]) ?? 0;
		if (item.json.error === undefined) {
			if (times !== 1) okNotDelivered++;
		} else if (item.json.uncertain === true) {
			uncertain++;
			if (times > 0) uncertainDelivered++;
		} else unmarked++;
	});
	const sent = out.filter((o) => o.json.error === undefined).length;
	const missingOutputs = out.length === count ? 0 : 1;
	record(PLATFORM, {
		name: `${name}: at most once, uncertain items marked: violations`,
		value: twice + unmarked + okNotDelivered + missingOutputs,
		target: { equals: 0 },
		note:
			`${faults} faults injected; ${sent} sent, ${uncertain} marked uncertain ` +
			`(${uncertainDelivered} of them did arrive); ` +
			`${twice} delivered twice, ${unmarked} failed unmarked, ${okNotDelivered} reported sent but missing`,
	});
	record(PLATFORM, {
		name: `${name}: items sent (retried where nothing happened)`,
		value: sent,
		unit: `of ${count.toLocaleString('en-US')}`,
		target: { min: Math.ceil(count * 0.9) },
	});
}

/** Let answers of stalled requests come in, so what the emulator stored is final. */
const settle = () => new Promise((r) => setTimeout(r, 800));

async function mixinFaults(): Promise<void> {
	const emulator = new MixinEmulator();
	await emulator.start();
	emulator.registerSession({
		appId: BOT_ID,
		sessionId: SESSION_ID,
		publicKey: publicKeyOf(SEED_HEX),
	});
	const users = Array.from({ length: 100 }, (_, n) => userUuid(n));
	users.forEach((userId) => emulator.addUser({ userId, hasConversation: true }));
	const faults = spreadFaults(emulator.http, (r) => r.path === '/messages', [
		DROP,
		BAD_GATEWAY,
		{
			kind: 'status',
			status: 429,
			headers: { 'retry-after': '0' },
			body: '{"error":{"status":429,"code":429,"description":"Too Many Requests"}}',
		},
		STALL,
	]);
	try {
		const workflow = loadMixinWorkflow('send');
		workflow.nodes[0].parameters = {
			...workflow.nodes[0].parameters,
			requestOptions: QUICK,
		} as never;
		const input = texts.map((text, n) => ({ json: { userId: users[n % users.length], text } }));
		const result = await runWorkflow(workflow, {
			input,
			credentials: { mixinMessengerApi: fieldCredentials(emulator.baseUrl) },
		});
		await settle();
		const inOrder = users.filter((user) => {
			const got = emulator.messages
				.filter((m) => m.recipient_id === user)
				.map((m) => m.payload.toString());
			return (
				JSON.stringify(got) ===
				JSON.stringify(texts.filter((_, n) => users[n % users.length] === user))
			);
		}).length;
		const delivered = emulator.messages.map((m) => m.payload.toString());
		exactlyOnce('Mixin Send', result, delivered, faults(), {
			name: 'conversations in item order',
			value: inOrder,
			of: users.length,
		});
	} finally {
		await emulator.stop();
	}
}

async function tencentFaults(): Promise<void> {
	const emulator = await startTencentBench();
	// Tencent's busy and rate-limit answers are among the faults: HTTP 200 with a FAIL envelope
	const fail = (code: number, info: string): FaultKind => ({
		kind: 'status',
		status: 200,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info }),
	});
	const faults = spreadFaults(emulator.http, (r) => r.path.endsWith('/sendmsg'), [
		DROP,
		BAD_GATEWAY,
		STALL,
		fail(20004, 'network error, please retry'),
		fail(60007, 'REST API call frequency exceeds the limit'),
	]);
	try {
		const workflow = loadTencentWorkflow('send');
		workflow.nodes[0].parameters = {
			...workflow.nodes[0].parameters,
			requestOptions: QUICK,
		} as never;
		const input = texts.map((text, n) => ({ json: { to: account(n), text } }));
		const result = await runWorkflow(workflow, {
			input,
			credentials: { tencentImApi: tencentCredentials(emulator.baseUrl) },
		});
		await settle();
		const delivered = emulator.messages.map((m) =>
			String((m.MsgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text),
		);
		exactlyOnce('Tencent IM Send', result, delivered, faults());
	} finally {
		await emulator.stop();
	}
}

const yunhuSend = {
	operation: 'send',
	chatType: 'user',
	chatId: '={{ $json.to }}',
	contentType: 'text',
	text: '={{ $json.text }}',
	requestOptions: QUICK,
};

async function yunhuClientFaults(): Promise<void> {
	const emulator = await startYunhuBench();
	const faults = spreadFaults(emulator.http, (r) => r.path === '/v1/msg/send-message', [
		DROP,
		BAD_GATEWAY,
		STALL,
	]);
	try {
		const input = texts.map((text, n) => ({ json: { to: yunhuUser(n), text } }));
		const result = await runWorkflow(yunhuWorkflow('userApi', yunhuSend), {
			input,
			credentials: { yunhuUserApi: userCredentials(emulator) },
		});
		await settle();
		exactlyOnce(
			'Yunhu client API Send',
			result,
			emulator.messages.map((m) => String(m.content.text)),
			faults(),
		);
	} finally {
		await emulator.stop();
	}
}

/** The bot API holds 10 requests a second, so these 1,000 sends take about two minutes: the bench starts it first. */
export async function yunhuBotFaults(): Promise<void> {
	const emulator = await startYunhuBench();
	const faults = spreadFaults(emulator.http, (r) => r.path.endsWith('/bot/send'), [
		DROP,
		{ kind: 'status', status: 503 },
		{
			kind: 'status',
			status: 200,
			headers: { 'content-type': 'application/json' },
			body: '{"code":1007,"msg":"请求过于频繁"}',
		},
		STALL,
	]);
	try {
		const input = texts.map((text, n) => ({ json: { to: yunhuUser(n), text } }));
		const workflow = yunhuWorkflow('botApi', yunhuSend);
		workflow.nodes[0].continueOnFail = true;
		const result = await runWorkflow(workflow, {
			input,
			credentials: { yunhuBotApi: botCredentials(emulator) },
		});
		await settle();
		atMostOnce(
			'Yunhu bot API Send',
			result,
			emulator.messages.map((m) => String(m.content.text)),
			N,
			faults(),
		);
		record(PLATFORM, {
			name: 'Yunhu bot API Send: rate-limit refusals by the emulator (retried)',
			value: emulator.rateLimited,
			note: 'a stalled request reaches the emulator 600 ms late, after the node gave up on it at 400 ms',
		});
	} finally {
		await emulator.stop();
	}
}

async function yunzhenjiFaults(): Promise<void> {
	const emulator = await startYunzhenjiBench();
	const faults = spreadFaults(emulator.http, (r) => r.path === '/wechat/sendMessage', [
		DROP,
		{ kind: 'status', status: 503 },
		STALL,
	]);
	try {
		const input = texts.map((text, n) => ({ json: { to: yunzhenjiCustomer(n), text } }));
		const workflow = yunzhenjiWorkflow({
			targetWxid: '={{ $json.to }}',
			messages: { message: [{ type: 'text', text: '={{ $json.text }}' }] },
			requestOptions: QUICK,
		});
		workflow.nodes[0].continueOnFail = true;
		const result = await runWorkflow(workflow, { input, credentials: storeFor(emulator) });
		await settle();
		const delivered = emulator.sends.map((s) =>
			String((s.content.items as Array<{ text: string }>)[0].text),
		);
		atMostOnce('Yunzhenji Send', result, delivered, N, faults());
	} finally {
		await emulator.stop();
	}
}

/** The faults runs besides Yunhu's bot API, one after another. */
export async function benchFaults(): Promise<void> {
	console.log(
		`\n${PLATFORM}: ${thousands(N)} sends per node, one request in ${EVERY} misbehaving, ` +
			`concurrency ${QUICK.concurrency}`,
	);
	await mixinFaults();
	await tencentFaults();
	await yunhuClientFaults();
	await yunzhenjiFaults();
}
