import { randomUUID } from 'node:crypto';

import { binaryItem } from '../harness/engine';
import { emulatorPerTest } from '../harness/run';
import { runMixin, startMixin } from './fixtures';

const emu = emulatorPerTest(startMixin);

const FILE = Buffer.from('hello attachment bytes \u0000\u0001\u0002');
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
	'hex',
);

describe('Attachment', () => {
	test('Upload creates the attachment and PUTs exactly the presigned headers, without Authorization', async () => {
		const result = await runMixin(emu, 'attachment-upload', [
			binaryItem(FILE, 'a.bin', 'application/x-test'),
		]);
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
		expect(out).toMatchObject({
			mime_type: 'application/x-test',
			size: FILE.length,
			file_name: 'a.bin',
		});
		// the presigned URL (and its signature) is not handed on
		expect(out.upload_url).toBeUndefined();
		expect(JSON.stringify(out)).not.toContain('X-Amz-Signature');
	});

	test('Get returns the metadata and downloads the file as binary', async () => {
		const up = await runMixin(emu, 'attachment-upload', [
			binaryItem(FILE, 'a.bin', 'application/x-test'),
		]);
		const attachmentId = up.output()[0].json.attachment_id as string;
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }]);
		expect(result.error?.message).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toMatchObject({ attachment_id: attachmentId, size: FILE.length });
		expect(item.json.view_url).toEqual(expect.any(String));
		expect(Buffer.from(item.binary!.file.data, 'base64').equals(FILE)).toBe(true);
	});

	test('Upload keeps the MIME type and name given in its options, and names a nameless file after the attachment', async () => {
		const named = await runMixin(
			emu,
			'attachment-upload',
			[binaryItem(FILE, 'blob', 'application/octet-stream')],
			{
				options: { fileName: 'report.pdf', mimeType: 'application/pdf' },
			},
		);
		expect(named.output()[0].json).toMatchObject({
			mime_type: 'application/pdf',
			file_name: 'report.pdf',
			size: FILE.length,
		});
		// the upload itself stays application/octet-stream: it is the type the URL was presigned for
		expect(emu.http.requests.find((r) => r.method === 'PUT')?.headers['content-type']).toBe(
			'application/octet-stream',
		);
		const nameless = await runMixin(emu, 'attachment-upload', [binaryItem(PNG, '', 'image/png')]);
		const out = nameless.output()[0].json;
		expect(out).toMatchObject({
			mime_type: 'image/png',
			file_name: `${out.attachment_id as string}.png`,
		});
	});

	test('Upload refuses a MIME type that is not type/subtype, before anything is sent', async () => {
		const result = await runMixin(
			emu,
			'attachment-upload',
			[binaryItem(FILE, 'a.bin', 'application/x-test')],
			{ options: { mimeType: 'pdf' } },
		);
		expect(result.error?.message).toBe(
			'Item 0: "MIME Type" must look like type/subtype, got "pdf"',
		);
		expect(emu.http.requests).toHaveLength(0);
	});

	test('Get names the file after the attachment and takes its type from the bytes, so n8n can preview it', async () => {
		const attachmentId = emu.addUploadedAttachment(PNG).attachment_id;
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }]);
		expect(result.error?.message).toBeUndefined();
		const [item] = result.output();
		expect(item.binary!.file).toMatchObject({
			fileName: `${attachmentId}.png`,
			mimeType: 'image/png',
			fileExtension: 'png',
			fileType: 'image',
		});
		expect(item.json).toMatchObject({
			attachment_id: attachmentId,
			size: PNG.length,
			mime_type: 'image/png',
			file_name: `${attachmentId}.png`,
		});
		expect(Buffer.from(item.binary!.file.data, 'base64').equals(PNG)).toBe(true);
	});

	test('Get uses the name and type of the message that carried the file', async () => {
		const attachmentId = emu.addUploadedAttachment(Buffer.from('%PDF-1.4 tiny')).attachment_id;
		const input = [
			{ json: { attachmentId, data: { name: 'Q3 report.pdf', mime_type: 'application/pdf' } } },
		];
		const result = await runMixin(emu, 'attachment-get', input, {
			options: { fileName: '={{ $json.data.name }}', mimeType: '={{ $json.data.mime_type }}' },
		});
		expect(result.output()[0].binary!.file).toMatchObject({
			fileName: 'Q3 report.pdf',
			mimeType: 'application/pdf',
			fileExtension: 'pdf',
		});
		// a name alone gives the type its extension implies
		const byName = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }], {
			options: { fileName: 'notes.txt' },
		});
		expect(byName.output()[0].binary!.file).toMatchObject({
			fileName: 'notes.txt',
			mimeType: 'text/plain',
		});
	});

	test('Get of bytes of no known kind: application/octet-stream, named <attachment id>.bin', async () => {
		const up = await runMixin(emu, 'attachment-upload', [
			binaryItem(FILE, 'a.bin', 'application/x-test'),
		]);
		const attachmentId = up.output()[0].json.attachment_id as string;
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }]);
		expect(result.output()[0].binary!.file).toMatchObject({
			fileName: `${attachmentId}.bin`,
			mimeType: 'application/octet-stream',
		});
	});

	test('Get without download returns only the metadata', async () => {
		const up = await runMixin(emu, 'attachment-upload', [
			binaryItem(FILE, 'a.bin', 'application/x-test'),
		]);
		const attachmentId = up.output()[0].json.attachment_id as string;
		emu.http.clearRecord();
		const result = await runMixin(emu, 'attachment-get', [{ json: { attachmentId } }], {
			download: false,
		});
		expect(result.output()[0].binary).toBeUndefined();
		expect(emu.http.requests.map((r) => r.path)).toEqual([`/attachments/${attachmentId}`]);
	});

	test('Get of an unknown attachment fails with Mixin 404', async () => {
		const result = await runMixin(emu, 'attachment-get', [
			{ json: { attachmentId: randomUUID() } },
		]);
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
