// Generates Yunhu's protobuf descriptor from proto/yunhu/*.proto with protobufjs's own tool (pbjs), for the
// Yunhu transport's codec. The output is a build product: never edited, not committed.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const protoDir = path.join(root, 'proto', 'yunhu');
const outDir = path.join(root, 'nodes', 'Yunhu', 'transport', 'generated');
const files = fs
	.readdirSync(protoDir)
	.filter((f) => f.endsWith('.proto'))
	.sort();
fs.mkdirSync(outDir, { recursive: true });
execFileSync(
	process.execPath,
	[
		require.resolve('protobufjs-cli/bin/pbjs'),
		'-t',
		'json',
		'--keep-case',
		'-p',
		protoDir,
		'-o',
		path.join(outDir, 'yunhu.json'),
		...files.map((f) => path.join(protoDir, f)),
	],
	{ stdio: 'inherit' },
);
console.log(
	`generated nodes/Yunhu/transport/generated/yunhu.json from ${files.length} .proto files`,
);
