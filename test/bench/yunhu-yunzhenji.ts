/**
 * Yunhu and Yunzhenji at 20 ms latency with the node's defaults: Yunhu's client API (no published limit) and bot
 * API (10 requests a second per endpoint, which the emulator enforces), and Yunzhenji's sendMessage, each to 100
 * chats so that the items can run side by side; refusals counted by the emulators, order per chat checked. The
 * emulators run in a process of their own for these figures.
 */
import { YunhuEmulator } from '../emulators/yunhu';
import { YunzhenjiEmulator } from '../emulators/yunzhenji';
import { CredentialStore, runWorkflow } from '../harness/engine';
import { BOT_ID, BOT_TOKEN, USER_ID, USER_TOKEN, yunhuWorkflow } from '../yunhu/fixtures';
import {
	ACCOUNT,
	APP_ID,
	APP_SECRET,
	AES_KEY,
	yunzhenjiCredentials,
	yunzhenjiWorkflow,
} from '../yunzhenji/fixtures';
import { RemoteEmulator, chatsInOrder, expectedOrder } from './remote';
import {
	REPEATS,
	bestOf,
	cpuText,
	memoryText,
	pad,
	record,
	roundsText,
	withMemory,
	thousands,
} from './support';

const CHATS = 100;
const CLIENT_SENDS = 1000;
/** The bot API holds 10 a second: 100 sends keep this part to ten seconds (the faults part sends 1,000). */
const BOT_SENDS = 100;
const YUNZHENJI_SENDS = 1000;

export const yunhuUser = (n: number) => String(9_100_000 + (n % CHATS));
export const yunzhenjiCustomer = (n: number) => `78813000001${pad(n % CHATS)}`;

/** In this process, for the faults part: the fixtures' user and bot, and 100 users who are their contacts. */
export async function startYunhuBench(): Promise<YunhuEmulator> {
	const emulator = new YunhuEmulator();
	await emulator.start();
	emulator.addUser({ token: USER_TOKEN, id: USER_ID, name: 'Ann' });
	const friends = Array.from({ length: CHATS }, (_, n) => yunhuUser(n));
	for (const id of friends) emulator.addUser({ token: `token-${id}`, id, name: `User ${id}` });
	emulator.addBot({
		token: BOT_TOKEN,
		botId: BOT_ID,
		name: 'Helper Bot',
		friends: [USER_ID, ...friends],
	});
	return emulator;
}

/** In this process, for the faults part: one WeCom account and 100 customers who added it. */
export async function startYunzhenjiBench(): Promise<YunzhenjiEmulator> {
	const emulator = new YunzhenjiEmulator({
		apps: [{ appId: APP_ID, appSecret: APP_SECRET, encodingAesKey: AES_KEY }],
	});
	await emulator.start();
	emulator.addAccount({ wxid: ACCOUNT, nickname: 'Sales 1' });
	for (let n = 0; n < CHATS; n++) {
		emulator.addCustomer({
			wxid: yunzhenjiCustomer(n),
			nickname: `Customer ${n}`,
			relWxids: [ACCOUNT],
		});
	}
	return emulator;
}

/** The Yunhu emulator in a process of its own: the fixtures' user and bot, and the 100 users. */
async function startYunhuRemote(): Promise<RemoteEmulator> {
	const friends = Array.from({ length: CHATS }, (_, n) => yunhuUser(n));
	return await RemoteEmulator.start({
		platform: 'yunhu',
		users: [
			{ token: USER_TOKEN, id: USER_ID, name: 'Ann' },
			...friends.map((id) => ({ token: `token-${id}`, id, name: `User ${id}` })),
		],
		bot: { token: BOT_TOKEN, botId: BOT_ID, name: 'Helper Bot', friends: [USER_ID, ...friends] },
	});
}

export async function benchYunhu(): Promise<void> {
	console.log(
		`\nYunhu: ${thousands(CLIENT_SENDS)} client API sends and ${BOT_SENDS} bot API sends to ${CHATS} users, ` +
			'20 ms latency',
	);
	const emulator = await startYunhuRemote();
	try {
		const userApi = {
			yunhuUserApi: {
				token: USER_TOKEN,
				baseUrl: emulator.baseUrl,
				uploadUrl: `${emulator.baseUrl}/qiniu/`,
			},
		};
		const botApi = {
			yunhuBotApi: { token: BOT_TOKEN, baseUrl: `${emulator.baseUrl}/open-apis/v1` },
		};
		const send = {
			operation: 'send',
			chatType: 'user',
			chatId: '={{ $json.to }}',
			contentType: 'text',
			text: '={{ $json.text }}',
		};
		const items = (label: string, count: number, chat: (n: number) => string) =>
			Array.from({ length: count }, (_, n) => ({
				to: yunhuUser(n),
				chat: chat(n),
				text: `${label} ${n}`,
			}));
		const input = (list: Array<{ to: string; text: string }>) =>
			list.map(({ to, text }) => ({ json: { to, text } }));
		await runWorkflow(yunhuWorkflow('userApi', send), {
			input: [{ json: { to: yunhuUser(0), text: 'warm-up' } }],
			credentials: userApi,
		});

		let clientInOrder = CHATS;
		const client = await bestOf(async (round) => {
			const clientItems = items(
				`client${round}`,
				CLIENT_SENDS,
				(n) => `user:${[USER_ID, yunhuUser(n)].sort().join('|')}`,
			);
			const run = await withMemory(
				async () =>
					await runWorkflow(yunhuWorkflow('userApi', send), {
						input: input(clientItems),
						credentials: userApi,
					}),
			);
			const delivered = await emulator.messages(`client${round} `);
			if (run.value.status !== 'success' || delivered.length !== CLIENT_SENDS)
				throw new Error(`Yunhu client API sends: ${run.value.error?.message}`);
			clientInOrder = Math.min(clientInOrder, chatsInOrder(delivered, expectedOrder(clientItems)));
			return run;
		});
		record('Yunhu', {
			name: `client API (protobuf), ${thousands(CLIENT_SENDS)} sends, defaults`,
			value: CLIENT_SENDS / client.best.seconds,
			unit: 'messages/s',
			note: [
				roundsText(client.all, CLIENT_SENDS),
				memoryText(client.best.memory),
				cpuText(client.best, CLIENT_SENDS),
			].join('; '),
		});
		record('Yunhu', {
			name: 'client API: refused requests',
			value: await emulator.refused('/v1/msg/send-message'),
			target: { equals: 0 },
			note: 'the emulator has no client API limit',
		});
		record('Yunhu', {
			name: 'client API: chats in item order',
			value: clientInOrder,
			unit: `of ${CHATS}`,
			target: { equals: CHATS },
		});

		const botItems = items('bot', BOT_SENDS, (n) => `bot:${BOT_ID}|${yunhuUser(n)}`);
		const bot = await withMemory(
			async () =>
				await runWorkflow(yunhuWorkflow('botApi', send), {
					input: input(botItems),
					credentials: botApi,
				}),
		);
		const botDelivered = await emulator.messages('bot ');
		if (bot.value.status !== 'success' || botDelivered.length !== BOT_SENDS)
			throw new Error(`Yunhu bot API sends: ${bot.value.error?.message}`);
		record('Yunhu', {
			name: `bot API (JSON), ${BOT_SENDS} sends, defaults (limit 10/s per endpoint)`,
			value: BOT_SENDS / bot.seconds,
			unit: 'messages/s',
			target: { min: 9 },
		});
		record('Yunhu', {
			name: 'bot API: rate-limit refusals (1007)',
			value: await emulator.counter('rateLimited'),
			target: { equals: 0 },
		});
		record('Yunhu', {
			name: 'bot API: chats in item order',
			value: chatsInOrder(botDelivered, expectedOrder(botItems)),
			unit: `of ${CHATS}`,
			target: { equals: CHATS },
		});
	} finally {
		await emulator.stop();
	}
}

export async function benchYunzhenji(): Promise<void> {
	console.log(
		`\nYunzhenji: ${thousands(YUNZHENJI_SENDS)} sends from one WeCom account to ${CHATS} customers, 20 ms latency`,
	);
	const customers = Array.from({ length: CHATS }, (_, n) => yunzhenjiCustomer(n));
	const app = { appId: APP_ID, appSecret: APP_SECRET, encodingAesKey: AES_KEY };
	const emulator = await RemoteEmulator.start({
		platform: 'yunzhenji',
		app,
		account: ACCOUNT,
		customers,
	});
	try {
		const parameters = {
			targetWxid: '={{ $json.to }}',
			messages: { message: [{ type: 'text', text: '={{ $json.text }}' }] },
		};
		// one store for both runs, as n8n keeps a fetched token in its database between executions
		const data = yunzhenjiCredentials({ baseUrl: emulator.baseUrl } as YunzhenjiEmulator);
		const credentials = new CredentialStore({ yunzhenjiApi: data });
		const first = Array.from({ length: 10 }, (_, n) => ({
			json: { to: yunzhenjiCustomer(n), text: `first ${n}` },
		}));
		await runWorkflow(yunzhenjiWorkflow(parameters), { input: first, credentials });
		const tokensFirst = await emulator.counter('tokensIssued');
		let inOrder = CHATS;
		const run = await bestOf(async (round) => {
			const items = Array.from({ length: YUNZHENJI_SENDS }, (_, n) => ({
				chat: yunzhenjiCustomer(n),
				text: `yzj${round} ${n}`,
			}));
			const input = items.map(({ chat, text }) => ({ json: { to: chat, text } }));
			const measured = await withMemory(
				async () => await runWorkflow(yunzhenjiWorkflow(parameters), { input, credentials }),
			);
			const delivered = await emulator.messages(`yzj${round} `);
			if (measured.value.status !== 'success' || delivered.length !== YUNZHENJI_SENDS)
				throw new Error(`Yunzhenji sends: ${measured.value.error?.message}`);
			inOrder = Math.min(inOrder, chatsInOrder(delivered, expectedOrder(items)));
			return measured;
		});
		record('Yunzhenji', {
			name: `${thousands(YUNZHENJI_SENDS)} sends, defaults`,
			value: YUNZHENJI_SENDS / run.best.seconds,
			unit: 'messages/s',
			note: [
				roundsText(run.all, YUNZHENJI_SENDS),
				memoryText(run.best.memory),
				cpuText(run.best, YUNZHENJI_SENDS),
			].join('; '),
		});
		record('Yunzhenji', {
			name: 'refused requests',
			value: await emulator.refused('/wechat/sendMessage', '/oauth/token'),
			target: { equals: 0 },
			note: 'the emulator has no limit',
		});
		record('Yunzhenji', {
			name: `access tokens fetched by the ${REPEATS} × 1,000 sends (token kept from the run before)`,
			value: (await emulator.counter('tokensIssued')) - tokensFirst,
			target: { equals: 0 },
		});
		record('Yunzhenji', {
			name: 'access tokens fetched by a first run of 10 items, no token stored yet',
			value: tokensFirst,
			target: { equals: 1 },
			note: 'the first request fetches it; the items running beside it wait and use it',
		});
		record('Yunzhenji', {
			name: 'chats in item order',
			value: inOrder,
			unit: `of ${CHATS}`,
			target: { equals: CHATS },
		});
	} finally {
		await emulator.stop();
	}
}
