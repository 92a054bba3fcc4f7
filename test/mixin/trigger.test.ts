/**
 * Mixin Messenger Trigger, end to end: the Blaze emulator (with the Mixin HTTP emulator behind it) pushes what Mixin
 * pushes, the trigger is activated the way n8n activates it (test/harness/trigger.ts), and every emitted item runs a
 * real workflow. Acknowledgements are read from the emulator, which removes a message from the pending ones only
 * when it is acknowledged and pushes the rest again after a reconnect.
 */
import * as crypto from 'node:crypto';
import { gzipSync } from 'node:zlib';

import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getEventListeners } from 'node:events';

import {
	DEFAULT_BLAZE_TIMING,
	pause,
	reconnectDelay,
} from '../../nodes/MixinMessenger/transport/blaze';
import {
	sessionFromKeystore,
	signRequestToken,
} from '../../nodes/MixinMessenger/transport/signing';
import {
	MixinBlazeEmulator,
	SYSTEM_USER_ID,
	type MessageView,
	type MixinBlazeOptions,
} from '../emulators/mixin-blaze';
import type { MixinEmulator } from '../emulators/mixin';
import { registerTestTypes, type WorkflowJson } from '../harness/engine';
import {
	activateTrigger,
	runManualTrigger,
	type ActiveTrigger,
	type TriggerOptions,
} from '../harness/trigger';
import {
	BOT_ID,
	CONVERSATION_ID,
	SEED_HEX,
	SESSION_ID,
	USER_ID,
	fieldCredentials,
	keystoreCredentials,
	startMixin,
} from './fixtures';

if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function') {
	throw new Error(
		'The Mixin trigger tests need the global WebSocket, which Node.js 20 has only with --experimental-websocket: run `npm test`, or `node --experimental-websocket node_modules/jest/bin/jest.js test/mixin/trigger.test.ts`.',
	);
}

const TRIGGER = 'Mixin Trigger';
const OTHER_SEED = 'a'.repeat(64);
const SECOND_USER = '5c7a6b8e-1f2d-4e3a-9b8c-7d6e5f4a3b2c';
const GROUP_ID = '9b1f4c2e-3d5a-4e6b-8c7d-1e2f3a4b5c6d';
const ALL_EVENTS = [
	'text',
	'post',
	'image',
	'file',
	'audio',
	'video',
	'sticker',
	'contact',
	'location',
	'live',
	'card',
	'recall',
	'conversation',
	'transfer',
	'delivered',
	'read',
	'other',
];

// ---- A node after the trigger that the tests hold, release and fail --------------------------------------------------

/** Items the probe node ran with, in the order it saw them. */
const probed: IDataObject[] = [];
const gates = new Map<string, { promise: Promise<void>; open: () => void }>();

function gate(key: string) {
	let entry = gates.get(key);
	if (!entry) {
		let open!: () => void;
		const promise = new Promise<void>((resolve) => (open = resolve));
		entry = { promise, open };
		gates.set(key, entry);
	}
	return entry;
}

/** Texts starting with "hold" wait until the test opens their gate; texts starting with "fail" fail the run. */
class Probe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Records items; holds or fails them on request',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		for (const item of items) {
			probed.push(item.json);
			const text = String(item.json.text ?? '');
			if (text.startsWith('hold')) await gate(text).promise;
			if (text.startsWith('fail'))
				throw new NodeOperationError(this.getNode(), `failed on purpose: ${text}`);
		}
		return [items];
	}
}

registerTestTypes({ nodes: [new Probe()] });

function workflow(parameters: Record<string, unknown> = {}): WorkflowJson {
	return {
		nodes: [
			{
				name: TRIGGER,
				type: 'mixinMessengerTrigger',
				typeVersion: 1,
				parameters: parameters as never,
				credentials: { mixinMessengerApi: { id: '1', name: 'Mixin bot' } },
			},
			{ name: 'Probe', type: 'test.probe', typeVersion: 1, parameters: {} },
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
	};
}

// ---- Fixture ----------------------------------------------------------------------------------------------------------

let mixin: MixinEmulator;
let blaze: MixinBlazeEmulator;
const active: ActiveTrigger[] = [];

async function setup(options: MixinBlazeOptions = {}): Promise<void> {
	mixin = await startMixin();
	blaze = new MixinBlazeEmulator(mixin, options);
	mixin.addUser({ userId: SECOND_USER, hasConversation: true });
}

function credentials(overrides: IDataObject = {}) {
	return {
		mixinMessengerApi: { ...keystoreCredentials(mixin.baseUrl), blazeUrl: blaze.url, ...overrides },
	};
}

async function activate(
	parameters: Record<string, unknown> = {},
	options: TriggerOptions = {},
): Promise<ActiveTrigger> {
	const trigger = await activateTrigger(workflow(parameters), {
		credentials: credentials(),
		...options,
	});
	active.push(trigger);
	return trigger;
}

beforeEach(async () => {
	probed.length = 0;
	gates.clear();
	await setup();
});

afterEach(async () => {
	for (const gateEntry of gates.values()) gateEntry.open();
	for (const trigger of active.splice(0)) await trigger.close();
	await mixin.stop();
});

/** Tests that provoke a protocol violation on purpose take it off the list; all others must leave none. */
afterEach(() => expect(mixin.violations).toEqual([]));

// ---- Helpers ------------------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
	probe: () => T | undefined | false,
	what: string,
	timeoutMs = 5000,
): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

/** The MessageView fields every message item carries, named one by one. */
function head(view: MessageView, source: string) {
	return {
		message_id: view.message_id,
		conversation_id: view.conversation_id,
		user_id: view.user_id,
		session_id: view.session_id,
		category: view.category,
		representative_id: view.representative_id,
		quote_message_id: view.quote_message_id,
		status: view.status,
		source,
		silent: view.silent,
		expire_in: view.expire_in,
		created_at: view.created_at,
		updated_at: view.updated_at,
	};
}

const LIVE = '';
const PENDING = 'LIST_PENDING_MESSAGES';

function texts(trigger: ActiveTrigger): string[] {
	return trigger.items().map((item) => String(item.text));
}

function acked(): string[] {
	return blaze.acks.map((a) => a.message_id);
}

/** The ACKNOWLEDGE_MESSAGE_RECEIPTS frames the trigger sent, as lists of message ids. */
function ackFrames(): string[][] {
	return blaze.frames
		.filter((f) => f.direction === 'in' && f.frame?.action === 'ACKNOWLEDGE_MESSAGE_RECEIPTS')
		.map((f) =>
			((f.frame!.params as { messages: Array<{ message_id: string }> }).messages ?? []).map(
				(m) => m.message_id,
			),
		);
}

/** A message the bot sends through POST /messages (so the emulator can report receipts for it). */
async function botSends(text: string): Promise<string> {
	const session = sessionFromKeystore(String(keystoreCredentials('').keystoreSecret));
	const messageId = crypto.randomUUID();
	const body = JSON.stringify({
		conversation_id: CONVERSATION_ID,
		recipient_id: USER_ID,
		message_id: messageId,
		category: 'PLAIN_TEXT',
		data_base64: Buffer.from(text).toString('base64url'),
	});
	const { token } = signRequestToken(session, { method: 'POST', uri: '/messages', body });
	const res = await fetch(`${mixin.baseUrl}/messages`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body,
	});
	expect(((await res.json()) as { error?: unknown }).error).toBeUndefined();
	return messageId;
}

/** Everything the trigger exposed: items, errors, failed executions, workflow run data. */
function exposed(trigger: ActiveTrigger): string {
	return JSON.stringify({
		items: trigger.items(),
		errors: trigger.errors.map((e) => ({
			...e,
			message: e.message,
			description: (e as { description?: string }).description,
		})),
		failed: trigger.failedExecutions.map((e) => ({ ...e, message: e.message })),
		runs: trigger.emits.map((e) => e.result?.run.data),
	});
}

function expectNoSecret(text: string): void {
	expect(text).not.toContain(SEED_HEX);
	expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./);
	expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9]/);
}

// ---- Connecting -----------------------------------------------------------------------------------------------------

describe('connecting', () => {
	test('signed GET / upgrade with subprotocol Mixin-Blaze-1; LIST_PENDING_MESSAGES is the first frame', async () => {
		await activate();
		expect(blaze.handshakes).toHaveLength(1);
		const [connection] = blaze.connections;
		expect(connection).toMatchObject({
			appId: BOT_ID,
			sessionId: SESSION_ID,
			protocol: 'Mixin-Blaze-1',
			listing: true,
		});
		expect(connection.protocols).toEqual(['Mixin-Blaze-1']);
		expect(connection.claims).toMatchObject({ uid: BOT_ID, sid: SESSION_ID, scp: 'FULL' });
		expect(connection.claims?.sig).toBe(crypto.createHash('sha256').update('GET/').digest('hex'));
		const first = blaze.frames.find((f) => f.direction === 'in');
		expect(first).toMatchObject({
			binary: true,
			gzip: true,
			frame: { action: 'LIST_PENDING_MESSAGES' },
		});
	});

	test('every (re)connection signs a fresh token', async () => {
		await activate();
		blaze.dropConnections();
		await blaze.waitForConnections(2, 10_000);
		await blaze.waitForListening();
		const [a, b] = blaze.connections.map((c) => c.claims?.jti);
		expect(a).toEqual(expect.any(String));
		expect(b).toEqual(expect.any(String));
		expect(a).not.toBe(b);
	});

	test("the server's pings are answered", async () => {
		await mixin.stop();
		await setup({ pingIntervalMs: 30 });
		await activate();
		await blaze.waitFor(() => blaze.connections[0].pongs >= 3, 5000, 'three pongs');
		expect(blaze.connectionCount).toBe(1);
	});

	test('a credential whose Blaze URL is not ws(s):// is refused before connecting', async () => {
		const attempt = activateTrigger(workflow(), {
			credentials: credentials({ blazeUrl: 'https://blaze.mixin.one/' }),
		});
		await expect(attempt).rejects.toThrow(/Blaze WebSocket URL.*ws:\/\/ or wss:\/\//);
		expect(blaze.handshakes).toHaveLength(0);
	});

	test('without a global WebSocket (Node 20 without the flag) the trigger says how to turn it on', async () => {
		const globals = globalThis as { WebSocket?: unknown };
		const saved = globals.WebSocket;
		delete globals.WebSocket;
		try {
			const attempt = activateTrigger(workflow(), { credentials: credentials() });
			await expect(attempt).rejects.toThrow(/--experimental-websocket/);
			await expect(attempt).rejects.toMatchObject({
				description: expect.stringContaining('NODE_OPTIONS=--experimental-websocket n8n start'),
			});
		} finally {
			globals.WebSocket = saved;
		}
		expect(blaze.handshakes).toHaveLength(0);
	});
});

// ---- Items ----------------------------------------------------------------------------------------------------------

describe('items', () => {
	test('pending messages are emitted in order, then live ones, one execution each', async () => {
		const pending = ['one', 'two', 'three'].map((t) => blaze.pushText(USER_ID, t));
		const trigger = await activate();
		await trigger.waitForItems(3);
		const live = ['four', 'five'].map((t) => blaze.pushText(SECOND_USER, t));
		await trigger.waitForItems(5);
		expect(texts(trigger)).toEqual(['one', 'two', 'three', 'four', 'five']);
		expect(trigger.emits.map((e) => e.data[0].length)).toEqual([1, 1, 1, 1, 1]);
		expect(trigger.items().map((i) => i.source)).toEqual([PENDING, PENDING, PENDING, LIVE, LIVE]);
		expect(trigger.items()[0]).toEqual({
			event: 'text',
			...head(pending[0], PENDING),
			conversation_type: 'CONTACT',
			text: 'one',
		});
		expect(trigger.items()[4]).toEqual({
			event: 'text',
			...head(live[1], LIVE),
			conversation_type: 'CONTACT',
			text: 'five',
		});
		const runs = await trigger.settled();
		expect(runs.map((r) => r.status)).toEqual([
			'success',
			'success',
			'success',
			'success',
			'success',
		]);
		expect(runs.map((r) => r.output('Probe')[0].json.text)).toEqual([
			'one',
			'two',
			'three',
			'four',
			'five',
		]);
	});

	test('each category is decoded into the whole item', async () => {
		mixin.addGroup({ conversationId: GROUP_ID, participants: [BOT_ID, USER_ID, SECOND_USER] });
		const trigger = await activate({ events: ALL_EVENTS });
		const png = Buffer.from('not really a png');
		const views = {
			text: blaze.pushText(USER_ID, '你好 👋', { quoteMessageId: crypto.randomUUID() }),
			post: blaze.pushPost(USER_ID, '# Title\n\n**bold**'),
			image: blaze.pushImage(USER_ID, { bytes: png, width: 32, height: 16, thumbnail: 'AAAA' }),
			file: blaze.pushFile(USER_ID, {
				bytes: Buffer.from('a,b\n1,2\n'),
				mimeType: 'text/csv',
				name: 'table.csv',
			}),
			audio: blaze.pushAudio(USER_ID, { duration: 2500 }),
			video: blaze.pushVideo(USER_ID, { width: 1280, height: 720, duration: 4000 }),
			contact: blaze.pushContact(USER_ID, SECOND_USER),
			location: blaze.pushLocation(USER_ID, {
				latitude: 31.2304,
				longitude: 121.4737,
				name: 'Bund',
				address: 'Shanghai',
			}),
			sticker: blaze.pushSticker(USER_ID, { name: 'wave' }),
			live: blaze.pushMessage({
				from: USER_ID,
				category: 'PLAIN_LIVE',
				data: {
					width: 640,
					height: 360,
					thumb_url: 'https://example.com/t.jpg',
					url: 'https://example.com/l.m3u8',
				},
			}),
			card: blaze.pushMessage({
				from: SECOND_USER,
				category: 'APP_BUTTON_GROUP',
				data: [{ label: 'Yes', color: '#00AA00', action: 'input:yes' }],
			}),
			group: blaze.pushText(SECOND_USER, 'in the group', { conversationId: GROUP_ID }),
			conversation: blaze.pushSystemConversation({
				conversationId: GROUP_ID,
				action: 'ADD',
				participantId: SECOND_USER,
			}),
			transfer: blaze.pushSnapshot(USER_ID, { amount: '0.01', memo: 'thanks' }),
			other: blaze.pushMessage({
				from: USER_ID,
				category: 'PLAIN_TRANSCRIPT',
				data: Buffer.from([1, 2, 3]),
			}),
		};
		const recall = blaze.pushRecall(USER_ID, views.text.message_id);
		const count = Object.keys(views).length + 1;
		const items = await trigger.waitForItems(count);
		const byId = new Map(items.map((i) => [i.message_id, i]));
		const item = (view: MessageView) => byId.get(view.message_id);
		const json = (view: MessageView) =>
			JSON.parse(Buffer.from(view.data, 'base64').toString('utf8'));
		const viewUrl = (view: MessageView) =>
			mixin.attachments.get(json(view).attachment_id)!.view_url;
		const message = (event: string, view: MessageView, type = 'CONTACT') => ({
			event,
			...head(view, LIVE),
			conversation_type: type,
		});

		expect(item(views.text)).toEqual({ ...message('text', views.text), text: '你好 👋' });
		expect(item(views.text)!.quote_message_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(item(views.post)).toEqual({
			...message('post', views.post),
			text: '# Title\n\n**bold**',
		});
		expect(item(views.image)).toEqual({
			...message('image', views.image),
			content: {
				attachment_id: json(views.image).attachment_id,
				size: png.length,
				created_at: expect.any(String),
				mime_type: 'image/png',
				width: 32,
				height: 16,
				thumbnail: 'AAAA',
			},
			view_url: viewUrl(views.image),
		});
		expect(item(views.file)).toEqual({
			...message('file', views.file),
			content: { ...json(views.file), name: 'table.csv', mime_type: 'text/csv', size: 8 },
			view_url: viewUrl(views.file),
		});
		expect(item(views.audio)).toEqual({
			...message('audio', views.audio),
			content: {
				...json(views.audio),
				mime_type: 'audio/ogg',
				duration: 2500,
				waveform: expect.any(String),
			},
			view_url: viewUrl(views.audio),
		});
		expect(item(views.video)).toEqual({
			...message('video', views.video),
			content: {
				...json(views.video),
				mime_type: 'video/mp4',
				width: 1280,
				height: 720,
				duration: 4000,
			},
			view_url: viewUrl(views.video),
		});
		expect(item(views.contact)).toEqual({
			...message('contact', views.contact),
			content: { user_id: SECOND_USER },
		});
		expect(item(views.location)).toEqual({
			...message('location', views.location),
			content: { latitude: 31.2304, longitude: 121.4737, name: 'Bund', address: 'Shanghai' },
		});
		expect(item(views.sticker)).toEqual({
			...message('sticker', views.sticker),
			content: { sticker_id: json(views.sticker).sticker_id, name: 'wave' },
		});
		expect(item(views.live)).toEqual({ ...message('live', views.live), content: json(views.live) });
		expect(item(views.card)).toEqual({
			...message('card', views.card),
			content: [{ label: 'Yes', color: '#00AA00', action: 'input:yes' }],
		});
		expect(item(views.group)).toEqual({
			...message('text', views.group, 'GROUP'),
			text: 'in the group',
		});
		expect(item(views.conversation)).toEqual({
			...message('conversation', views.conversation, 'GROUP'),
			content: { action: 'ADD', participant_id: SECOND_USER },
		});
		expect(item(views.conversation)!.user_id).toBe(SYSTEM_USER_ID);
		expect(item(views.transfer)).toEqual({
			...message('transfer', views.transfer),
			content: {
				type: 'snapshot',
				snapshot_id: json(views.transfer).snapshot_id,
				user_id: BOT_ID,
				opponent_id: USER_ID,
				transaction_hash: json(views.transfer).transaction_hash,
				asset_id: json(views.transfer).asset_id,
				amount: '0.01',
				memo: 'thanks',
				created_at: json(views.transfer).created_at,
			},
		});
		expect(item(views.other)).toEqual({ ...message('other', views.other), data_base64: 'AQID' });
		expect(item(recall)).toEqual({
			...message('recall', recall),
			content: { message_id: views.text.message_id },
		});
		// nothing else: every push once
		expect(items).toHaveLength(count);
	});

	test('the legacy `data` field (standard base64) is read when data_base64 is absent', async () => {
		const trigger = await activate();
		const view = blaze.pushText(USER_ID, 'placeholder');
		await trigger.waitForItems(1);
		const legacy = {
			...view,
			message_id: crypto.randomUUID(),
			data: Buffer.from('??>> legacy').toString('base64'),
		};
		delete (legacy as Partial<MessageView>).data_base64;
		blaze.sendRaw({ id: crypto.randomUUID(), action: 'CREATE_MESSAGE', data: legacy });
		const items = await trigger.waitForItems(2);
		expect(items[1]).toMatchObject({ message_id: legacy.message_id, text: '??>> legacy' });
		expect(items[1]).not.toHaveProperty('data');
	});

	test('attachments: Download puts the file in binary "data"; IDs Only looks nothing up', async () => {
		const bytes = Buffer.from('%PDF-1.4 pretend');
		const download = await activate({ events: ['file'], options: { attachments: 'download' } });
		const file = blaze.pushFile(USER_ID, {
			bytes,
			mimeType: 'application/pdf',
			name: 'report.pdf',
		});
		await download.waitForItems(1);
		const [run] = await download.settled();
		const out = run.output(TRIGGER)[0];
		expect(out.json.view_url).toEqual(expect.stringContaining('/s3/'));
		expect(out.binary?.data).toMatchObject({ fileName: 'report.pdf', mimeType: 'application/pdf' });
		expect(Buffer.from(out.binary!.data.data, 'base64')).toEqual(bytes);
		await download.close();
		expect(blaze.isPending(file.message_id)).toBe(false);

		const lookups = () =>
			mixin.http.requests.filter((r) => r.path.startsWith('/attachments/')).length;
		const before = lookups();
		const idsOnly = await activate({ events: ['image'], options: { attachments: 'none' } });
		const image = blaze.pushImage(USER_ID);
		const [item] = await idsOnly.waitForItems(1);
		expect(item).toMatchObject({
			message_id: image.message_id,
			content: { attachment_id: expect.any(String) },
		});
		expect(item).not.toHaveProperty('view_url');
		expect(lookups()).toBe(before);
	});

	test('an attachment that cannot be looked up still emits its message, with attachment_error', async () => {
		const trigger = await activate({ events: ['image'] });
		const view = blaze.pushMessage({
			from: USER_ID,
			category: 'PLAIN_IMAGE',
			data: {
				attachment_id: crypto.randomUUID(),
				mime_type: 'image/png',
				width: 1,
				height: 1,
				size: 1,
			},
		});
		const [item] = await trigger.waitForItems(1);
		expect(item).toMatchObject({
			message_id: view.message_id,
			attachment_error: expect.stringMatching(/404/),
		});
		expect(item).not.toHaveProperty('view_url');
		takeViolations();
	});

	test("receipts of the bot's own messages are emitted only when chosen", async () => {
		const quiet = await activate();
		const first = await botSends('hello');
		blaze.markDelivered(first);
		blaze.markRead(first);
		blaze.pushText(USER_ID, 'after the receipts');
		await quiet.waitForItems(1);
		expect(quiet.items().map((i) => i.event)).toEqual(['text']);
		await quiet.close();

		const listening = await activate({ events: ['delivered', 'read'] });
		const second = await botSends('hello again');
		blaze.markDelivered(second);
		blaze.markRead(second);
		const items = await listening.waitForItems(2);
		expect(items).toEqual([
			{
				event: 'delivered',
				message_id: second,
				status: 'DELIVERED',
				source: 'ACKNOWLEDGE_MESSAGE_RECEIPT',
				updated_at: expect.any(String),
			},
			{
				event: 'read',
				message_id: second,
				status: 'READ',
				source: 'ACKNOWLEDGE_MESSAGE_RECEIPT',
				updated_at: expect.any(String),
			},
		]);
		// receipts are not messages: nothing to acknowledge
		await sleep(400);
		expect(acked()).not.toContain(first);
		expect(acked()).not.toContain(second);
	});

	test("messages of kinds not chosen, and the bot's own, are acknowledged and dropped", async () => {
		const trigger = await activate({ events: ['text'] });
		const sticker = blaze.pushSticker(USER_ID);
		const own = {
			...blaze.pushText(USER_ID, 'template'),
			message_id: crypto.randomUUID(),
			user_id: BOT_ID,
		};
		await trigger.waitForItems(1);
		blaze.sendRaw({
			id: crypto.randomUUID(),
			action: 'CREATE_MESSAGE',
			data: { ...own, data_base64: Buffer.from('mine').toString('base64url') },
		});
		blaze.pushText(USER_ID, 'last');
		await trigger.waitForItems(2);
		await trigger.settled();
		await until(() => blaze.acks.length >= 4, 'four acks');
		expect(texts(trigger)).toEqual(['template', 'last']);
		expect(new Set(acked())).toEqual(
			new Set([sticker.message_id, own.message_id, ...trigger.items().map((i) => i.message_id)]),
		);
	});

	test("Ignore Own Messages off: the bot's own messages are emitted too", async () => {
		const trigger = await activate({ options: { ignoreOwn: false } });
		const template = blaze.pushText(USER_ID, 'template');
		await trigger.waitForItems(1);
		const own = {
			...template,
			message_id: crypto.randomUUID(),
			user_id: BOT_ID,
			data_base64: Buffer.from('mine').toString('base64url'),
		};
		blaze.sendRaw({ id: crypto.randomUUID(), action: 'CREATE_MESSAGE', data: own });
		const items = await trigger.waitForItems(2);
		expect(items[1]).toMatchObject({ message_id: own.message_id, user_id: BOT_ID, text: 'mine' });
	});
});

// ---- Acknowledgements ---------------------------------------------------------------------------------------------------

describe('acknowledgements', () => {
	test('sent only after n8n finished the execution, in one batch, as READ', async () => {
		const trigger = await activate();
		const views = ['hold-1', 'hold-2', 'hold-3'].map((t) => blaze.pushText(USER_ID, t));
		await until(() => probed.length === 3, 'three executions running');
		await sleep(400);
		expect(blaze.acks).toEqual([]);
		expect(views.every((v) => blaze.isPending(v.message_id))).toBe(true);
		for (const t of ['hold-1', 'hold-2', 'hold-3']) gate(t).open();
		await trigger.settled();
		await until(() => blaze.acks.length === 3, 'three acks');
		expect(blaze.acks.map((a) => [a.message_id, a.status, a.channel, a.matched])).toEqual(
			views.map((v) => [v.message_id, 'READ', 'socket-batch', true]),
		);
		expect(ackFrames()).toEqual([views.map((v) => v.message_id)]);
		expect(blaze.pending()).toEqual([]);
	});

	test('Acknowledge As Delivered', async () => {
		await activate({ options: { ackStatus: 'DELIVERED' } });
		const view = blaze.pushText(USER_ID, 'grey ticks');
		expect(await blaze.waitForAck(view.message_id)).toMatchObject({
			status: 'DELIVERED',
			matched: true,
		});
	});

	test('at most 100 acknowledgements per frame', async () => {
		for (let i = 0; i < 150; i++) blaze.pushSticker(USER_ID);
		await activate({ events: ['text'] });
		await until(() => blaze.acks.length === 150, '150 acks', 10_000);
		const frames = ackFrames();
		expect(frames.every((f) => f.length <= 100)).toBe(true);
		expect(frames.flat()).toHaveLength(150);
		expect(new Set(frames.flat()).size).toBe(150);
		expect(blaze.pending()).toEqual([]);
	});

	test('When Execution Finishes acknowledges a failed execution too', async () => {
		const trigger = await activate();
		const view = blaze.pushText(USER_ID, 'fail-any');
		await trigger.waitForItems(1);
		const [run] = await trigger.settled();
		expect(run.status).toBe('error');
		await blaze.waitForAck(view.message_id);
	});

	test('When Execution Finishes Successfully leaves a failed one pending, and does not emit it again', async () => {
		const trigger = await activate({ acknowledge: 'executionFinishesSuccessfully' });
		const failed = blaze.pushText(USER_ID, 'fail-once');
		const ok = blaze.pushText(USER_ID, 'fine');
		await trigger.waitForItems(2);
		const runs = await trigger.settled();
		expect(runs.map((r) => r.status)).toEqual(['error', 'success']);
		await blaze.waitForAck(ok.message_id);
		await sleep(400);
		expect(acked()).toEqual([ok.message_id]);
		expect(blaze.isPending(failed.message_id)).toBe(true);
		// Mixin pushes it again after a reconnect: still not emitted twice, still not acknowledged
		blaze.dropConnections();
		await blaze.waitForConnections(2, 10_000);
		await blaze.waitFor(
			() =>
				blaze.frames.some(
					(f) =>
						f.connectionId === 2 &&
						(f.frame?.data as IDataObject)?.message_id === failed.message_id,
				),
			5000,
			'the redelivery',
		);
		await sleep(300);
		expect(texts(trigger)).toEqual(['fail-once', 'fine']);
		expect(acked()).toEqual([ok.message_id]);
	});

	test('Immediately acknowledges before the execution ends', async () => {
		const trigger = await activate({ acknowledge: 'immediately' });
		const view = blaze.pushText(USER_ID, 'hold-long');
		await until(() => probed.length === 1, 'the execution running');
		await blaze.waitForAck(view.message_id);
		expect(trigger.emits[0].result).toBeUndefined();
		gate('hold-long').open();
		await trigger.settled();
	});

	test('Never acknowledges nothing it emitted', async () => {
		const trigger = await activate({ acknowledge: 'never' });
		const view = blaze.pushText(USER_ID, 'left to the workflow');
		await trigger.waitForItems(1);
		await trigger.settled();
		await sleep(400);
		await trigger.close();
		expect(blaze.acks).toEqual([]);
		expect(blaze.isPending(view.message_id)).toBe(true);
	});

	test('over HTTP (POST /acknowledgements) while the socket is down', async () => {
		const trigger = await activate();
		const view = blaze.pushText(USER_ID, 'hold-offline');
		await until(() => probed.length === 1, 'the execution running');
		blaze.refuseHandshakes({ status: 503 });
		blaze.dropConnections();
		await until(() => blaze.openConnections.length === 0, 'the socket closed');
		gate('hold-offline').open();
		await trigger.settled();
		const ack = await blaze.waitForAck(view.message_id);
		expect(ack).toMatchObject({ channel: 'http', status: 'READ', matched: true });
		expect(mixin.acknowledgements).toEqual([{ message_id: view.message_id, status: 'READ' }]);
		// back online: the acknowledged message is not pushed again, so nothing is emitted twice
		blaze.acceptHandshakes();
		await blaze.waitForListening(15_000);
		blaze.pushText(USER_ID, 'after');
		await trigger.waitForItems(2);
		expect(texts(trigger)).toEqual(['hold-offline', 'after']);
	});
});

// ---- Reconnecting ---------------------------------------------------------------------------------------------------

describe('reconnecting', () => {
	test('a dropped connection is replaced; redelivered messages are not emitted twice, none is lost', async () => {
		const trigger = await activate();
		blaze.pushText(USER_ID, 'hold-a');
		blaze.pushText(USER_ID, 'hold-b');
		await until(() => probed.length === 2, 'two executions running');
		blaze.dropConnections();
		const whileAway = blaze.pushText(USER_ID, 'sent while away');
		await blaze.waitForConnections(2, 10_000);
		await trigger.waitForItems(3);
		// the server pushed hold-a and hold-b again on the new connection
		const again = blaze.frames.filter(
			(f) => f.connectionId === 2 && f.frame?.action === 'CREATE_MESSAGE',
		);
		expect(again.length).toBe(3);
		gate('hold-a').open();
		gate('hold-b').open();
		blaze.pushText(USER_ID, 'live again');
		await trigger.waitForItems(4);
		await trigger.settled();
		await until(() => blaze.pending().length === 0, 'everything acknowledged');
		expect(texts(trigger)).toEqual(['hold-a', 'hold-b', 'sent while away', 'live again']);
		expect(trigger.items()[2]).toMatchObject({ message_id: whileAway.message_id, source: PENDING });
		expect(new Set(acked()).size).toBe(4);
		expect(trigger.errors).toEqual([]);
	});

	test('a clean close by the server and refused handshakes (503) are retried with backoff', async () => {
		const trigger = await activate();
		blaze.refuseNext(2, { status: 503 });
		blaze.closeConnections(1001, 'going away');
		const pending = blaze.pushText(USER_ID, 'after the restart');
		await blaze.waitForConnections(2, 15_000);
		await trigger.waitForItems(1, 5000);
		expect(blaze.handshakes.map((h) => h.status)).toEqual([101, 503, 503, 101]);
		expect(trigger.items()[0]).toMatchObject({ message_id: pending.message_id });
		expect(trigger.errors).toEqual([]);
	});

	test('no frame for two keepalive intervals: the trigger closes the socket and connects again', async () => {
		const trigger = await activate({ options: { keepaliveSeconds: 1 } });
		blaze.pauseReplies();
		blaze.pushText(USER_ID, 'hold-quiet');
		await until(() => probed.length === 1, 'the execution running');
		const quiet = blaze.waitFor(
			() => blaze.connections[0].closedAt,
			10_000,
			'the first socket closed',
		);
		await quiet;
		expect(blaze.connections[0]).toMatchObject({ closedBy: 'client', closeCode: 4000 });
		blaze.resumeReplies();
		await blaze.waitForListening(10_000);
		gate('hold-quiet').open();
		await trigger.settled();
		await until(() => blaze.pending().length === 0, 'the ack');
		expect(texts(trigger)).toEqual(['hold-quiet']);
	});
});

// ---- Refusals and errors --------------------------------------------------------------------------------------------

function takeViolations(): string[] {
	return mixin.violations.splice(0);
}

describe('a refused key', () => {
	test('at activation (401 ERROR frame): the trigger refuses to start, clearly, once, with nothing emitted', async () => {
		blaze.pushText(USER_ID, 'never seen');
		const attempt = activateTrigger(workflow(), {
			credentials: {
				mixinMessengerApi: { ...fieldCredentials(mixin.baseUrl, OTHER_SEED), blazeUrl: blaze.url },
			},
		});
		const error = (await attempt.catch((e: Error) => e)) as Error & { description?: string };
		expect(error.message).toBe("Mixin refused the bot's key (401)");
		expect(error.description).toMatch(/app ID, session ID and private key/);
		expect(error.description).toMatch(/clock is more than 5 minutes off/);
		expectNoSecret(JSON.stringify({ ...error, message: error.message, stack: error.stack }));
		await sleep(1500);
		expect(blaze.handshakes).toHaveLength(1);
		expect(blaze.handshakes[0].reason).toMatch(/unauthorized/);
		expect(blaze.acks).toEqual([]);
	});

	test('at activation (HTTP 401 handshake): the API check tells a wrong key from a network problem', async () => {
		await mixin.stop();
		await setup({ authFailure: 'http' });
		const attempt = activateTrigger(workflow(), {
			credentials: {
				mixinMessengerApi: { ...fieldCredentials(mixin.baseUrl, OTHER_SEED), blazeUrl: blaze.url },
			},
		});
		await expect(attempt).rejects.toThrow("Mixin refused the bot's key (401)");
		await sleep(1500);
		// one attempt (Node 24's WebSocket itself repeats a handshake answered 401 once)
		const statuses = blaze.handshakes.map((h) => h.status);
		expect(
			statuses.length === 1 ||
				(statuses.length === 2 && Number(process.versions.node.split('.')[0]) >= 24),
		).toBe(true);
		expect(new Set(statuses)).toEqual(new Set([401]));
		expect(
			mixin.http.requests.map((r) => `${r.method} ${r.path} ${r.status ?? ''}`.trim()),
		).toEqual([expect.stringMatching(/^GET \/me/)]);
	});

	test('on a reconnect: emitError with a clear message, the trigger stops and does not retry', async () => {
		const trigger = await activate();
		blaze.refuseHandshakes('unauthorized');
		blaze.dropConnections();
		const error = (await trigger.waitForError(10_000)) as Error & {
			description?: string;
			httpCode?: string;
		};
		expect(error.message).toBe("Mixin refused the bot's key (401)");
		expect(error.description).toMatch(/does not retry/);
		expect(error.httpCode).toBe('401');
		await until(() => trigger.closed, 'n8n closing the trigger');
		await sleep(2500);
		expect(blaze.handshakes.map((h) => h.status)).toEqual([101, 101]);
		expect(blaze.connections[1].authFailed).toBe(true);
		blaze.pushText(USER_ID, 'nobody listens');
		await sleep(200);
		expect(trigger.items()).toEqual([]);
		expectNoSecret(exposed(trigger));
	});

	test('an unreachable Blaze URL fails activation with a connection error, not a key error', async () => {
		const attempt = activateTrigger(workflow(), {
			credentials: credentials({ blazeUrl: 'ws://127.0.0.1:1/' }),
		});
		await expect(attempt).rejects.toThrow(/Could not connect to Mixin Blaze/);
	});
});

describe('frames that cannot be read', () => {
	test('are recorded as failed executions; the connection stays and other messages still arrive', async () => {
		const trigger = await activate();
		blaze.pushText(USER_ID, 'before');
		await trigger.waitForItems(1);
		blaze.sendRaw(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]));
		blaze.sendRaw(gzipSync(Buffer.from('{"half": ')));
		blaze.sendRaw(gzipSync(Buffer.from(JSON.stringify({ hello: 'world' }))));
		const after = blaze.pushText(USER_ID, 'after');
		await trigger.waitForItems(2);
		await until(() => trigger.failedExecutions.length === 3, 'three failed executions');
		expect(trigger.failedExecutions.map((e) => e.message)).toEqual([
			expect.stringMatching(/^Mixin sent a frame that cannot be read: 6 bytes of broken gzip/),
			expect.stringMatching(
				/^Mixin sent a frame that cannot be read: .*neither gzip JSON nor JSON/,
			),
			expect.stringMatching(
				/^Mixin sent a frame that cannot be read: JSON that is not a Blaze message/,
			),
		]);
		expect(trigger.items()[1]).toMatchObject({ message_id: after.message_id, text: 'after' });
		expect(blaze.connectionCount).toBe(1);
		expect(trigger.errors).toEqual([]);
		await blaze.waitForAck(after.message_id);
	});

	test('a message whose payload is not the JSON its category needs is emitted with decode_error', async () => {
		const trigger = await activate();
		const broken = blaze.pushMessage({
			from: USER_ID,
			category: 'PLAIN_CONTACT',
			data: Buffer.from('not json'),
		});
		const [item] = await trigger.waitForItems(1);
		expect(item).toEqual({
			event: 'contact',
			...head(broken, LIVE),
			conversation_type: 'CONTACT',
			data_base64: Buffer.from('not json').toString('base64url'),
			decode_error: 'the PLAIN_CONTACT payload is not a JSON object or array',
		});
		takeViolations();
	});
});

// ---- Manual mode and closing ----------------------------------------------------------------------------------------

describe('listening for a test event', () => {
	test('emits the first message, runs the workflow with it, closes, and acknowledges only that one', async () => {
		const first = blaze.pushText(USER_ID, 'first');
		const second = blaze.pushText(USER_ID, 'second');
		const run = await runManualTrigger(workflow(), { credentials: credentials() });
		expect(run.status).toBe('success');
		expect(run.output(TRIGGER).map((i) => i.json.text)).toEqual(['first']);
		expect(run.output('Probe').map((i) => i.json.text)).toEqual(['first']);
		await until(() => blaze.openConnections.length === 0, 'the socket closed');
		expect(blaze.connections[0]).toMatchObject({ closedBy: 'client', closeCode: 1000 });
		// the execution finished after the socket closed: its acknowledgement goes over HTTP
		expect(await blaze.waitForAck(first.message_id)).toMatchObject({
			channel: 'http',
			matched: true,
		});
		await sleep(300);
		expect(acked()).toEqual([first.message_id]);
		expect(blaze.isPending(second.message_id)).toBe(true);
	});

	test('waits for a live message when none is pending; Immediately acknowledges it over the socket', async () => {
		const running = runManualTrigger(workflow({ acknowledge: 'immediately' }), {
			credentials: credentials(),
		});
		await blaze.waitForListening();
		const view = blaze.pushText(USER_ID, 'live test');
		const run = await running;
		expect(run.output(TRIGGER)[0].json).toMatchObject({
			message_id: view.message_id,
			text: 'live test',
			source: LIVE,
		});
		expect(await blaze.waitForAck(view.message_id)).toMatchObject({ channel: 'socket-batch' });
	});

	test('through the trigger response: manualTriggerFunction then manualTriggerResponse, then closeFunction', async () => {
		blaze.pushSticker(USER_ID);
		const text = blaze.pushText(USER_ID, 'wanted');
		const trigger = await activate({ events: ['text'] }, { mode: 'manual' });
		expect(blaze.handshakes).toHaveLength(0);
		await trigger.response.manualTriggerFunction!();
		const data = await trigger.response.manualTriggerResponse!;
		expect(data[0].map((i) => i.json.text)).toEqual(['wanted']);
		expect(trigger.emits[0].withDonePromise).toBe(true);
		// later messages are not emitted while the editor is still to close the trigger
		blaze.pushText(USER_ID, 'not wanted any more');
		await sleep(300);
		expect(trigger.emits).toHaveLength(1);
		await trigger.close();
		await blaze.waitFor(() => blaze.connections[0].closedAt, 5000, 'the socket closed');
		expect(blaze.connections[0].closedBy).toBe('client');
		// a test listen leaves everything else to the active workflow: the sticker is still pending
		expect(blaze.pending().map((m) => m.category)).toEqual([
			'PLAIN_STICKER',
			'PLAIN_TEXT',
			'PLAIN_TEXT',
		]);
		expect(blaze.isPending(text.message_id)).toBe(true);
	});

	test('with a refused key the test run fails with the same clear error', async () => {
		const run = await runManualTrigger(workflow(), {
			credentials: {
				mixinMessengerApi: { ...fieldCredentials(mixin.baseUrl, OTHER_SEED), blazeUrl: blaze.url },
			},
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe("Mixin refused the bot's key (401)");
		expect(blaze.handshakes).toHaveLength(1);
	});
});

describe('closing', () => {
	test('closeFunction sends queued acknowledgements and closes the socket', async () => {
		const trigger = await activate({ acknowledge: 'immediately' });
		const view = blaze.pushText(USER_ID, 'hold-close');
		await until(() => probed.length === 1, 'the execution running');
		await trigger.close();
		await until(() => blaze.openConnections.length === 0, 'the socket closed');
		expect(blaze.connections[0]).toMatchObject({ closedBy: 'client', closeCode: 1000 });
		expect(await blaze.waitForAck(view.message_id)).toMatchObject({ channel: 'socket-batch' });
		await sleep(1500);
		expect(blaze.connectionCount).toBe(1);
		gate('hold-close').open();
	});

	test('an execution that finishes after closing is still acknowledged, over HTTP', async () => {
		const trigger = await activate();
		const view = blaze.pushText(USER_ID, 'hold-late');
		await until(() => probed.length === 1, 'the execution running');
		await trigger.close();
		gate('hold-late').open();
		await trigger.settled();
		expect(await blaze.waitForAck(view.message_id)).toMatchObject({ channel: 'http' });
		expect(blaze.connectionCount).toBe(1);
	});
});

describe('transport', () => {
	test('reconnect delays double from 1 s to at most 30 s, half of each random', () => {
		const low = (attempt: number) => reconnectDelay(DEFAULT_BLAZE_TIMING, attempt, () => 0);
		const high = (attempt: number) => reconnectDelay(DEFAULT_BLAZE_TIMING, attempt, () => 1);
		expect([0, 1, 2, 3, 4, 5, 6, 20].map(high)).toEqual([
			1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
		]);
		expect([0, 1, 5, 20].map(low)).toEqual([500, 1000, 15000, 15000]);
		expect(reconnectDelay(DEFAULT_BLAZE_TIMING, 3, () => 0.5)).toBe(6000);
	});

	test('waiting leaves no listener on the long-lived signals it watches', async () => {
		const life = new AbortController();
		const other = new AbortController();
		for (let i = 0; i < 20; i++) expect(await pause(1, life.signal, other.signal)).toBe(true);
		expect(getEventListeners(life.signal, 'abort')).toHaveLength(0);
		expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
		const waiting = pause(60_000, life.signal);
		life.abort();
		expect(await waiting).toBe(false);
	});
});
