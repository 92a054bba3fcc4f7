import { randomUUID } from 'node:crypto';

import { binaryItem } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { runMixin, startMixin } from './fixtures';

const emu = emulatorPerTest(startMixin);

const FILE = Buffer.from('hello attachment bytes \u0000\u0001\u0002');

describe('Attachment', () => {
	test('Upload creates the attachment and PUTs exactly the presigned headers, without Authorization', async () => {
		const result = await runMixin(emu, 'attachment-upload', [binaryItem(FILE, 'a.bin', 'application/x-test')]);
		expect(result.error?.message).toBeUndefined();
		const [create, put] = emu.http.requests;
		expect(create.method).toBe('POST');
		expect(create.path).toBe('/attachments');
		expect(put.method).toBe('PUT');
		expect(put.headers['content-type']).toBe('application/octet-stream');
		expect(put.headers['x-amz-acl']).toBe('public-read');
		expect(put.headers['content-length']).toBe(String(FILE.length));
		expect(put.headers.authorization).toBeUndefined();
		const out = result.output()[0].json;
		expect(emu.attachments.get(out.attachment_id as string)?.uploaded?.equals(FILE)).toBe(true);
		expect(out).toMatchObject({ mime_type: 'application/x-test', size: FILE.length, file_name: 'a.bin' });
		// the presigned URL (and its signature) is not handed on
		expect(out.upload_url).toBeUndefined();
		expect(JSON.stringify(out)).not.toContain('X-Amz-Signature');
	});

	test('Get returns the metadata and downloads the file as binary', async () => {
		const up = await runMixin(emu, 'attachment-upload', [binaryItem(FILE, 'a.bin', 'application/x-test')]);
		const attachmentId = up.output()[0].json.attachment_id as string;
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }]);
		expect(result.error?.message).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toMatchObject({ attachment_id: attachmentId, size: FILE.length });
		expect(item.json.view_url).toEqual(expect.any(String));
		expect(Buffer.from(item.binary!.file.data, 'base64').equals(FILE)).toBe(true);
	});

	test('Get without download returns only the metadata', async () => {
		const up = await runMixin(emu, 'attachment-upload', [binaryItem(FILE, 'a.bin', 'application/x-test')]);
		const attachmentId = up.output()[0].json.attachment_id as string;
		emu.http.clearRecord();
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }], { download: false });
		expect(result.output()[0].binary).toBeUndefined();
		expect(emu.http.requests.map((r) => r.path)).toEqual([`/attachments/${attachmentId}`]);
	});

	test('Get of an unknown attachment fails with Mixin 404', async () => {
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId: randomUUID() } }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Mixin error 404/);
		expect(result.error?.description).toMatch(/expired or does not exist/);
	});

	test('Upload without the binary field names it and sends nothing', async () => {
		const result = await runMixin(emu, 'attachment-upload', [{ json: {} }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/data/);
		expect(emu.http.requests).toHaveLength(0);
	});
});
