/** Installs tools (n8n, playwright-core) into folders of their own, outside the package, once. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ToolInstall {
	/** Folder that gets its own package.json and node_modules. */
	dir: string;
	/** What `npm install` is given, e.g. `n8n@2.8.4`. */
	spec: string;
	/** Extra package.json fields, e.g. overrides. */
	manifest?: Record<string, unknown>;
	/** Said before the install starts: what it is and roughly how long it takes. */
	notice: string;
}

const MARKER = '.sandbox-installed';

/** An environment for a child npm or n8n: without the npm_* variables `npm run` sets for this package. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		// npm_config_local_prefix and friends would point a child npm back at this package
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	return { ...env, ...extra };
}

export function isInstalled(tool: ToolInstall): boolean {
	const marker = path.join(tool.dir, MARKER);
	const name = tool.spec.slice(0, tool.spec.lastIndexOf('@'));
	const manifest = path.join(tool.dir, 'node_modules', name, 'package.json');
	return (
		fs.existsSync(marker) &&
		fs.readFileSync(marker, 'utf8').trim() === tool.spec &&
		fs.existsSync(manifest)
	);
}

function minutes(ms: number): string {
	const s = Math.round(ms / 1000);
	return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Runs `npm install <spec>` in the tool's folder unless an earlier run finished it; npm's output is streamed. */
export async function ensureInstalled(tool: ToolInstall): Promise<void> {
	if (isInstalled(tool)) return;
	fs.mkdirSync(tool.dir, { recursive: true });
	const name = path
		.basename(tool.dir)
		.replace(/[^a-z0-9-]/gi, '-')
		.toLowerCase();
	const manifest = { name: `sandbox-${name}`, version: '1.0.0', private: true, ...tool.manifest };
	fs.writeFileSync(
		path.join(tool.dir, 'package.json'),
		`${JSON.stringify(manifest, null, '\t')}\n`,
	);
	console.log(`\n${tool.notice}`);
	console.log(
		`  npm install ${tool.spec} in ${tool.dir} (an interrupted install resumes on the next run)\n`,
	);
	const started = Date.now();
	const heartbeat = setInterval(() => {
		console.log(`  … still installing ${tool.spec}: ${minutes(Date.now() - started)} so far`);
	}, 60_000);
	try {
		const code = await new Promise<number | null>((resolve, reject) => {
			const child = spawn(
				'npm',
				['install', '--no-audit', '--no-fund', '--prefix', tool.dir, tool.spec],
				{
					cwd: tool.dir,
					stdio: 'inherit',
					// the user's ~/.npmrc may say yes=false, which stops the lifecycle scripts that run npx
					env: cleanEnv({ npm_config_yes: 'true' }),
				},
			);
			child.on('error', reject);
			child.on('exit', resolve);
		});
		if (code !== 0)
			throw new Error(`npm install ${tool.spec} failed (exit ${code}); run again to resume`);
	} finally {
		clearInterval(heartbeat);
	}
	fs.writeFileSync(path.join(tool.dir, MARKER), `${tool.spec}\n`);
	console.log(`\nInstalled ${tool.spec} in ${minutes(Date.now() - started)}.\n`);
}
