// n8n-core writes its config and binary data under N8N_USER_FOLDER; keep it out of the user's home.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-chat-platforms-'));
	process.env.N8N_USER_FOLDER = dir;
};
