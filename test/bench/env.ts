/** Imported first: n8n-core reads these when it loads. A folder made here is removed when the bench exits. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-chat-platforms-bench-'));
	process.env.N8N_USER_FOLDER = folder;
	// the filesystem binary data mode leaves the 100 MB file in it
	process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
}
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
