import { createHash } from 'node:crypto';

import { binaryItem } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { BOT_ID, FRIEND_ID, GROUP_ID, USER_ID, calls, runYunhu, startYunhu } from './fixtures';

const HEX32 = expect.stringMatching(/^[0-9a-f]{32}$/);
const emu = emulatorPerTest(startYunhu);

/** n messages from `sender` in the group, oldest first. */
function seedGroup(n: number, sender = FRIEND_ID) {
	return Array.from({ length: n }, (_, k) =>
		emu.addMessage({
			senderId: sender,
			chatType: 2,
			chatId: GROUP_ID,
			text: `m${k}`,
			sendTime: 1_700_000_000_000 + k,
		}),
	);
}

describe('Message › Send to Many (bot)', () => {
	test('one message to many users: the batch_send body, and one output item per recipient, unreachable ones not sent', async () => {
		emu.addUser({ token: 't3', id: '9000001', name: 'Stranger' });
		const result = await runYunhu(emu, 'botApi', {
			operation: 'sendToMany',
			recvType: 'user',
			recvIds: `${USER_ID}, 9000001\n${FRIEND_ID}, ${USER_ID}`,
			contentType: 'markdown',
			text: '**news**',
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, '/open-apis/v1/bot/batch_send').map((r) => r.json)).toEqual([
			{
				recvIds: [USER_ID, '9000001', FRIEND_ID],
				recvType: 'user',
				contentType: 'markdown',
				content: { text: '**news**' },
			},
		]);
		expect(result.output().map((o) => o.json)).toEqual([
			{ recvId: USER_ID, recvType: 'user', sent: true, msgId: HEX32 },
			{ recvId: '9000001', recvType: 'user', sent: false },
			{ recvId: FRIEND_ID, recvType: 'user', sent: true, msgId: HEX32 },
		]);
		expect(result.output().every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
	});
});

describe('Message › Edit', () => {
	test('client API: edit-message with the same proto as a send, for the message being changed', async () => {
		const [m] = seedGroup(1, USER_ID);
		const result = await runYunhu(emu, 'userApi', {
			operation: 'edit',
			messageId: m.msgId,
			chatType: 'group',
			chatId: GROUP_ID,
			contentType: 'markdown',
			text: '**fixed**',
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, '/v1/msg/edit-message')[0].decoded).toEqual({
			msg_id: m.msgId,
			chat_id: GROUP_ID,
			chat_type: 2,
			content_type: 3,
			content: { text: '**fixed**' },
		});
		expect(emu.message(m.msgId)).toMatchObject({
			contentType: 3,
			content: { text: '**fixed**' },
			editTime: expect.any(Number),
		});
		expect(result.output()[0].json).toEqual({
			msgId: m.msgId,
			chatId: GROUP_ID,
			chatType: 'group',
			contentType: 'markdown',
			edited: true,
		});
	});

	test('bot API: /bot/edit with msgId, recvId, recvType, contentType and content', async () => {
		const sent = await runYunhu(emu, 'botApi', {
			operation: 'send',
			chatType: 'user',
			chatId: USER_ID,
			contentType: 'text',
			text: 'v1',
		});
		const msgId = sent.output()[0].json.msgId as string;
		await runYunhu(emu, 'botApi', {
			operation: 'edit',
			messageId: msgId,
			chatType: 'user',
			chatId: USER_ID,
			contentType: 'html',
			text: '<b>v2</b>',
		});
		expect(calls(emu, '/open-apis/v1/bot/edit').map((r) => r.json)).toEqual([
			{
				msgId,
				recvId: USER_ID,
				recvType: 'user',
				contentType: 'html',
				content: { text: '<b>v2</b>' },
			},
		]);
		expect(emu.message(msgId)?.content.text).toBe('<b>v2</b>');
	});
});

describe('Message › Recall and Recall Many', () => {
	test('client API: one message by recall-msg, several of a chat by recall-msg-batch in one call', async () => {
		const mine = seedGroup(3, USER_ID);
		await runYunhu(emu, 'userApi', {
			operation: 'recall',
			messageId: mine[0].msgId,
			chatType: 'group',
			chatId: GROUP_ID,
		});
		const many = await runYunhu(emu, 'userApi', {
			operation: 'recallMany',
			messageIds: `${mine[1].msgId},${mine[2].msgId}`,
			chatType: 'group',
			chatId: GROUP_ID,
		});
		expect(calls(emu, '/v1/msg/recall-msg').map((r) => r.decoded)).toEqual([
			{ msg_id: [mine[0].msgId], chat_id: GROUP_ID, chat_type: 2 },
		]);
		expect(calls(emu, '/v1/msg/recall-msg-batch').map((r) => r.decoded)).toEqual([
			{ msg_id: [mine[1].msgId, mine[2].msgId], chat_id: GROUP_ID, chat_type: 2 },
		]);
		expect(mine.map((m) => emu.message(m.msgId)?.recallTime)).toEqual([
			expect.any(Number),
			expect.any(Number),
			expect.any(Number),
		]);
		expect(many.output().map((o) => o.json)).toEqual([
			{ msgId: mine[1].msgId, chatId: GROUP_ID, chatType: 'group', recalled: true },
			{ msgId: mine[2].msgId, chatId: GROUP_ID, chatType: 'group', recalled: true },
		]);
	});

	test('bot API: /bot/recall names the chat chatId/chatType; Recall Many reports each message', async () => {
		const ids: string[] = [];
		for (const text of ['a', 'b']) {
			const r = await runYunhu(emu, 'botApi', {
				operation: 'send',
				chatType: 'group',
				chatId: GROUP_ID,
				contentType: 'text',
				text,
			});
			ids.push(r.output()[0].json.msgId as string);
		}
		const result = await runYunhu(emu, 'botApi', {
			operation: 'recallMany',
			messageIds: [ids[0], 'f'.repeat(32), ids[1]],
			chatType: 'group',
			chatId: GROUP_ID,
		});
		expect(calls(emu, '/open-apis/v1/bot/recall').map((r) => r.json)).toEqual([
			{ msgId: ids[0], chatId: GROUP_ID, chatType: 'group' },
			{ msgId: 'f'.repeat(32), chatId: GROUP_ID, chatType: 'group' },
			{ msgId: ids[1], chatId: GROUP_ID, chatType: 'group' },
		]);
		expect(
			result.output().map((o) => ({ msgId: o.json.msgId, recalled: o.json.recalled })),
		).toEqual([
			{ msgId: ids[0], recalled: true },
			{ msgId: 'f'.repeat(32), recalled: false },
			{ msgId: ids[1], recalled: true },
		]);
		expect(result.output()[1].json.error).toMatch(/^Yunhu error -1: /);
	});
});

describe('Message › List', () => {
	test('client API, latest: pages back with list-message until done; one item per message, newest first, decoded', async () => {
		const seeded = seedGroup(70);
		const result = await runYunhu(emu, 'userApi', {
			operation: 'list',
			chatType: 'group',
			chatId: GROUP_ID,
			window: 'before',
			returnAll: true,
		});
		expect(result.error?.message).toBeUndefined();
		const pages = calls(emu, '/v1/msg/list-message').map((r) => r.decoded);
		expect(pages).toEqual([
			{ msg_count: 30, chat_type: 2, chat_id: GROUP_ID },
			{ msg_count: 30, chat_type: 2, chat_id: GROUP_ID, msg_id: seeded[40].msgId },
			{ msg_count: 30, chat_type: 2, chat_id: GROUP_ID, msg_id: seeded[10].msgId },
		]);
		const out = result.output().map((o) => o.json);
		expect(out.map((m) => m.msgId)).toEqual(seeded.map((m) => m.msgId).reverse());
		// int64 ids and times come out as plain numbers when they fit, exactly
		expect(out[0]).toEqual({
			msgId: seeded[69].msgId,
			msgSeq: 70,
			chatId: GROUP_ID,
			chatType: 'group',
			sender: { id: FRIEND_ID, type: 'user', name: 'Bo Li' },
			direction: 'left',
			contentType: 'text',
			content: { text: 'm69' },
			sendTime: 1_700_000_000_069,
			sendDate: '2023-11-14T22:13:20.069Z',
			recalled: false,
		});
	});

	test('client API, a limit stops paging early and asks only for what is left', async () => {
		seedGroup(40);
		const result = await runYunhu(emu, 'userApi', {
			operation: 'list',
			chatType: 'group',
			chatId: GROUP_ID,
			window: 'before',
			limit: 35,
		});
		expect(result.output()).toHaveLength(35);
		expect(
			calls(emu, '/v1/msg/list-message').map((r) => (r.decoded as { msg_count: number }).msg_count),
		).toEqual([30, 5]);
	});

	test('client API, after a sequence number: list-message-by-seq forward (that message itself excluded)', async () => {
		const seeded = seedGroup(45);
		const result = await runYunhu(emu, 'userApi', {
			operation: 'list',
			chatType: 'group',
			chatId: GROUP_ID,
			window: 'afterSeq',
			afterSeq: 5,
			returnAll: true,
		});
		// from this far back Yunhu answers only the newest 30: the gap before them is filled by paging back
		expect(calls(emu, '/v1/msg/list-message-by-seq').map((r) => r.decoded)).toEqual([
			{ msg_start: 5, chat_type: 2, chat_id: GROUP_ID },
			{ msg_start: 45, chat_type: 2, chat_id: GROUP_ID },
		]);
		expect(calls(emu, '/v1/msg/list-message').map((r) => r.decoded)).toEqual([
			{ msg_count: 30, chat_type: 2, chat_id: GROUP_ID, msg_id: seeded[15].msgId },
		]);
		expect(result.output().map((o) => o.json.msgSeq)).toEqual(seeded.slice(5).map((m) => m.seq));
	});

	test('client API, around a message: list-message-by-mid-seq includes the message itself', async () => {
		const seeded = seedGroup(10);
		const result = await runYunhu(emu, 'userApi', {
			operation: 'list',
			chatType: 'group',
			chatId: GROUP_ID,
			window: 'around',
			aroundMessageId: seeded[6].msgId,
			countBefore: 3,
		});
		expect(calls(emu, '/v1/msg/list-message-by-mid-seq').map((r) => r.decoded)).toEqual([
			{ msg_count: 3, chat_type: 2, chat_id: GROUP_ID, msg_id: seeded[6].msgId },
		]);
		expect(result.output().map((o) => o.json.msgId)).toEqual(
			seeded.slice(3, 7).map((m) => m.msgId),
		);
	});

	test('bot API: /bot/messages pages back with message-id + before, dropping the anchor it repeats', async () => {
		const seeded = seedGroup(45);
		const result = await runYunhu(emu, 'botApi', {
			operation: 'list',
			chatType: 'group',
			chatId: GROUP_ID,
			window: 'before',
			returnAll: true,
		});
		expect(result.error?.message).toBeUndefined();
		const queries = calls(emu, '/open-apis/v1/bot/messages').map((r) =>
			Object.fromEntries([...r.query].filter(([k]) => k !== 'token')),
		);
		expect(queries).toEqual([
			{ 'chat-id': GROUP_ID, 'chat-type': 'group', before: '30' },
			{ 'chat-id': GROUP_ID, 'chat-type': 'group', 'message-id': seeded[15].msgId, before: '30' },
		]);
		const out = result.output().map((o) => o.json);
		expect(out.map((m) => m.msgId)).toEqual(seeded.map((m) => m.msgId).reverse());
		expect(out[0]).toMatchObject({
			msgId: seeded[44].msgId,
			senderId: FRIEND_ID,
			contentType: 'text',
			content: { text: 'm44' },
		});
	});

	test('bot API, around a message: before + the message + after', async () => {
		const seeded = seedGroup(10);
		const result = await runYunhu(emu, 'botApi', {
			operation: 'list',
			chatType: 'group',
			chatId: GROUP_ID,
			window: 'around',
			aroundMessageId: seeded[4].msgId,
			countBefore: 2,
			countAfter: 1,
		});
		expect(result.output().map((o) => o.json.msgId)).toEqual(
			seeded.slice(2, 6).map((m) => m.msgId),
		);
	});
});

describe('Message › edit history, button clicks and downloads (client API)', () => {
	test('Get Edit History pages list-message-edit-record and parses each old content', async () => {
		const [m] = seedGroup(1, USER_ID);
		for (const text of ['v2', 'v3']) {
			await runYunhu(emu, 'userApi', {
				operation: 'edit',
				messageId: m.msgId,
				chatType: 'group',
				chatId: GROUP_ID,
				contentType: 'text',
				text,
			});
		}
		const result = await runYunhu(emu, 'userApi', {
			operation: 'getEditHistory',
			messageId: m.msgId,
			returnAll: true,
		});
		expect(calls(emu, '/v1/msg/list-message-edit-record').map((r) => r.json)).toEqual([
			{ msgId: m.msgId, size: 50, page: 1 },
		]);
		expect(result.output().map((o) => o.json.contentOld)).toEqual(
			// newest first, as Yunhu lists them
			emu
				.editRecordsOf(m.msgId)
				.map((r) => JSON.parse(r.contentOld))
				.reverse(),
		);
		expect(result.output()).toHaveLength(2);
	});

	test('Report Button Click sends button-report as the user', async () => {
		const [m] = seedGroup(1, FRIEND_ID);
		await runYunhu(emu, 'userApi', {
			operation: 'reportButtonClick',
			messageId: m.msgId,
			chatType: 'group',
			chatId: GROUP_ID,
			userId: USER_ID,
			buttonValue: 'approve',
		});
		expect(calls(emu, '/v1/msg/button-report').map((r) => r.decoded)).toEqual([
			{
				msg_id: m.msgId,
				chat_type: 2,
				chat_id: GROUP_ID,
				user_id: USER_ID,
				button_value: 'approve',
			},
		]);
		expect(emu.buttonReports).toEqual([
			expect.objectContaining({ msgId: m.msgId, userId: USER_ID, buttonValue: 'approve' }),
		]);
	});

	test('Record File Download sends the message and the path', async () => {
		emu.uploads.set('doc.pdf', {
			key: 'doc.pdf',
			kind: 'file',
			bytes: Buffer.from('x'),
			fsize: 1,
			hash: 'h',
			mimeType: 'application/pdf',
			via: 'qiniu',
			uploaderId: FRIEND_ID,
			uploadedAt: 0,
		});
		const m = emu.addMessage({
			senderId: FRIEND_ID,
			chatType: 2,
			chatId: GROUP_ID,
			contentType: 4,
			content: { file_url: 'doc.pdf', file_name: 'doc.pdf' },
		});
		const result = await runYunhu(emu, 'userApi', {
			operation: 'recordFileDownload',
			messageId: m.msgId,
			downloadPath: '/sdcard/doc.pdf',
		});
		expect(result.error?.message).toBeUndefined();
		expect(calls(emu, '/v1/msg/file-download-record').map((r) => r.json)).toEqual([
			{ msgId: m.msgId, downloadPath: '/sdcard/doc.pdf' },
		]);
		expect(emu.downloadRecords).toEqual([
			expect.objectContaining({ msgId: m.msgId, downloadPath: '/sdcard/doc.pdf', userId: USER_ID }),
		]);
	});
});

describe('File › Upload', () => {
	const bytes = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
	const md5 = createHash('md5').update(bytes).digest('hex');

	test('client API: the key (MD5 + extension) and the public URL of an image', async () => {
		const result = await runYunhu(
			emu,
			'userApi',
			{ resource: 'file', operation: 'upload', fileKind: 'image' },
			[binaryItem(bytes, 'a.png', 'image/png')],
		);
		expect(result.output()[0].json).toEqual({
			key: `${md5}.png`,
			url: `https://chat-img.jwznb.com/${md5}.png`,
			kind: 'image',
			fileName: 'a.png',
			mimeType: 'image/png',
			size: bytes.length,
			hash: emu.uploads.get(`${md5}.png`)?.hash,
		});
	});

	test('bot API: the Open API upload of the kind chosen; a .jpeg name is sent as .jpg', async () => {
		const result = await runYunhu(
			emu,
			'botApi',
			{ resource: 'file', operation: 'upload', fileKind: 'image' },
			[binaryItem(bytes, 'photo.jpeg', 'image/jpeg')],
		);
		expect(result.error?.message).toBeUndefined();
		expect(result.output()[0].json).toMatchObject({
			key: `${md5}.jpg`,
			kind: 'image',
			size: bytes.length,
		});
		expect(emu.uploads.get(`${md5}.jpg`)).toMatchObject({
			fileName: 'photo.jpg',
			via: 'bot',
			uploaderId: BOT_ID,
		});
	});
});
