// Copies what tsc does not: node icons and codex files, into dist/ beside the compiled code.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const copied = [];

function walk(dir, visit) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full, visit);
		else visit(full);
	}
}

for (const folder of ['icons', 'nodes', 'credentials']) {
	const src = path.join(root, folder);
	if (!fs.existsSync(src)) continue;
	walk(src, (file) => {
		if (!/\.(svg|png|node\.json)$/.test(file)) return;
		const target = path.join(root, 'dist', path.relative(root, file));
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.copyFileSync(file, target);
		copied.push(path.relative(root, target));
	});
}
console.log(`copied ${copied.length} assets into dist/`);
