/**
 * `npm run n8n`: this package in a real n8n to click in. Installs n8n once into a cache folder outside the package,
 * starts the four platform emulators, loads the built package as a community package into a fresh n8n user folder,
 * imports credentials pointing at the emulators and the example workflows, and starts the editor.
 *
 *   npm run n8n                                   editor at http://localhost:5678 until Ctrl-C
 *   npm run n8n -- --keep                         keep the n8n user folder (workflows, executions) of the last run
 *   npm run n8n -- --screenshot docs/screenshot.png   save the editor with a node open, then stop
 *
 * Environment: N8N_SANDBOX_DIR (n8n's install, playwright-core and the n8n user folder; default
 * ~/.cache/n8n-chat-platforms/n8n-2.8.4), N8N_SANDBOX_PORT (5678; n8n's task broker takes the next one),
 * N8N_SANDBOX_EMULATOR_PORT (18101: Mixin, Tencent IM, Yunhu and Yunzhenji on it and the three after it),
 * N8N_SANDBOX_EMAIL and N8N_SANDBOX_PASSWORD (the owner's login), CHROMIUM_PATH (/usr/bin/chromium).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';

import { ensureInstalled, type ToolInstall } from './sandbox/install';
import {
	assertPortFree,
	databaseExists,
	ownerSession,
	packageNodeTypes,
	runCli,
	startServer,
	stopServer,
	waitUntilReady,
	type N8nOptions,
	type Owner,
} from './sandbox/n8n';
import { PLAYWRIGHT_SPEC, takeScreenshot } from './sandbox/screenshot';
import { buildImport, PACKAGE_NAME, type SandboxImport } from './sandbox/workflows';

const N8N_VERSION = '2.8.4';
const ROOT = path.resolve(__dirname, '..');
const CACHE =
	process.env.N8N_SANDBOX_DIR ??
	path.join(os.homedir(), '.cache', 'n8n-chat-platforms', `n8n-${N8N_VERSION}`);
const PORT = Number(process.env.N8N_SANDBOX_PORT ?? 5678);
const EMULATOR_PORT = Number(process.env.N8N_SANDBOX_EMULATOR_PORT ?? 18101);
const OWNER: Owner = {
	email: process.env.N8N_SANDBOX_EMAIL ?? 'sandbox@example.com',
	password: process.env.N8N_SANDBOX_PASSWORD ?? 'Sandbox-n8n-1',
	firstName: 'Sandbox',
	lastName: 'Owner',
};
/** The node the screenshot opens, in the workflow imported from this example. */
const SCREENSHOT = { example: 'mixin-messenger.json', node: 'Say hello' };

const N8N_INSTALL: ToolInstall = {
	dir: CACHE,
	spec: `n8n@${N8N_VERSION}`,
	// n8n-nodes-base wants xlsx from a CDN tarball this machine cannot reach; the registry's 0.18.5 stands in
	manifest: { name: 'n8n-sandbox', overrides: { xlsx: 'npm:xlsx@0.18.5' } },
	notice: `First run: installing n8n ${N8N_VERSION} (about 2,100 packages, 2.3 GB; 6–8 minutes). Later runs reuse it.`,
};
const TOOLS_INSTALL: ToolInstall = {
	dir: path.join(CACHE, 'tools'),
	spec: PLAYWRIGHT_SPEC,
	notice: `Installing ${PLAYWRIGHT_SPEC} for the screenshot (about 10 MB; under a minute). It drives Debian's Chromium.`,
};

interface Args {
	screenshot?: string;
	keep: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { keep: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--keep') args.keep = true;
		else if (arg === '--screenshot') {
			const next = argv[i + 1];
			args.screenshot = next && !next.startsWith('--') ? argv[++i] : 'docs/screenshot.png';
		} else if (arg.startsWith('--screenshot=')) args.screenshot = arg.slice('--screenshot='.length);
		else if (arg === '--help' || arg === '-h') {
			console.log(
				fs
					.readFileSync(__filename, 'utf8')
					.split('*/')[0]
					.replace(/^\/\*\*?|^ \* ?/gm, ''),
			);
			process.exit(0);
		} else throw new Error(`unknown argument ${arg} (try --help)`);
	}
	return args;
}

function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Copies what n8n loads (package.json, dist/, the runtime dependencies), so a later rebuild cannot break n8n. */
function installPackage(userFolder: string): void {
	const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		dependencies?: Record<string, string>;
		n8n: { nodes: string[]; credentials: string[] };
	};
	const modules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	const target = path.join(modules, PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
	if (fs.existsSync(path.join(ROOT, 'dist')))
		fs.cpSync(path.join(ROOT, 'dist'), path.join(target, 'dist'), { recursive: true });
	const missing = [...manifest.n8n.nodes, ...manifest.n8n.credentials].filter(
		(f) => !fs.existsSync(path.join(target, f)),
	);
	if (missing.length > 0) {
		throw new Error(
			`dist/ is not built (missing ${missing.join(', ')}): run \`npm run n8n\`, which builds it first`,
		);
	}
	const copied = new Set<string>();
	const copyDependencies = (deps: Record<string, string> = {}) => {
		for (const name of Object.keys(deps)) {
			if (copied.has(name)) continue;
			copied.add(name);
			const source = path.join(ROOT, 'node_modules', name);
			if (!fs.existsSync(source)) throw new Error(`${name} is not installed: run npm ci first`);
			fs.cpSync(source, path.join(target, 'node_modules', name), {
				recursive: true,
				dereference: true,
			});
			const own = JSON.parse(
				fs.readFileSync(path.join(source, 'package.json'), 'utf8'),
			) as typeof manifest;
			copyDependencies(own.dependencies);
		}
	};
	copyDependencies(manifest.dependencies);
}

/** Imports the credentials and workflows, and publishes the trigger's workflow so n8n registers its webhook. */
async function importInto(n8n: N8nOptions, plan: SandboxImport): Promise<void> {
	const dir = path.join(n8n.userFolder, 'import');
	fs.mkdirSync(dir, { recursive: true });
	const credentialsFile = path.join(dir, 'credentials.json');
	const workflowsFile = path.join(dir, 'workflows.json');
	fs.writeFileSync(credentialsFile, JSON.stringify(plan.credentials, null, '\t'), { mode: 0o600 });
	fs.writeFileSync(workflowsFile, JSON.stringify(plan.workflows, null, '\t'));
	try {
		await runCli(n8n, ['import:credentials', `--input=${credentialsFile}`]);
	} finally {
		// n8n keeps them encrypted in its database; the plain copy is not needed any more
		fs.rmSync(credentialsFile, { force: true });
	}
	await runCli(n8n, ['import:workflow', `--input=${workflowsFile}`]);
	for (const trigger of plan.triggers)
		await runCli(n8n, ['publish:workflow', `--id=${trigger.workflowId}`]);
}

async function main(): Promise<void> {
	const started = Date.now();
	const args = parseArgs(process.argv.slice(2));
	await ensureInstalled(N8N_INSTALL);
	if (args.screenshot) await ensureInstalled(TOOLS_INSTALL);

	// the emulator setups load n8n-core, which keeps its settings under N8N_USER_FOLDER: not the user's ~/.n8n
	process.env.N8N_USER_FOLDER = path.join(CACHE, 'emulator-home');
	const { startEmulators } = await import('./sandbox/emulators');
	const userFolder = path.join(CACHE, 'sandbox-home');
	const n8n: N8nOptions = { installDir: CACHE, userFolder, port: PORT };
	const localUrl = `http://127.0.0.1:${PORT}`;
	const editorUrl = `http://localhost:${PORT}`;

	// the emulators' servers have no error handler for a taken port, and n8n only logs one: check first
	await assertPortFree(PORT, 'N8N_SANDBOX_PORT');
	await assertPortFree(PORT + 1, "N8N_SANDBOX_PORT (n8n's task broker takes the port after it)");
	for (let i = 0; i < 4; i++) await assertPortFree(EMULATOR_PORT + i, 'N8N_SANDBOX_EMULATOR_PORT');
	const emulators = await startEmulators(EMULATOR_PORT);
	let server: ChildProcess | undefined;
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulators…');
		if (server) await stopServer(server);
		await emulators.stop();
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => {
			if (stopping) process.exit(130);
			void shutdown(130);
		});
	}
	// n8n runs in its own process group, so nothing else would end it if this process died
	process.on('exit', () => {
		if (server?.pid && server.exitCode === null) {
			try {
				process.kill(-server.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	});

	try {
		const fresh = !(args.keep && databaseExists(userFolder));
		if (fresh) fs.rmSync(userFolder, { recursive: true, force: true });
		installPackage(userFolder);
		const plan = buildImport(ROOT, emulators.platforms);
		if (fresh) {
			console.log(
				`Importing ${plan.credentials.length} credentials and ${plan.workflows.length} workflows into n8n…`,
			);
			const t = Date.now();
			await importInto(n8n, plan);
			console.log(`  done in ${seconds(t)}`);
		} else {
			console.log(
				`Keeping the n8n user folder ${userFolder} (its workflows and credentials) from the last run.`,
			);
		}
		// the back office's callback URL, set by hand on the real platform, points at the trigger's production webhook
		for (const trigger of plan.triggers)
			emulators.setCallbackUrl(trigger.platform, `${localUrl}/webhook/${trigger.webhookPath}`);

		console.log(`Starting n8n ${N8N_VERSION} (N8N_USER_FOLDER=${userFolder})…`);
		server = startServer(n8n);
		server.on('exit', (code) => {
			if (!stopping) {
				console.error(`n8n exited (code ${code}).`);
				void shutdown(code ?? 1);
			}
		});
		await waitUntilReady(localUrl, server);
		const cookie = await ownerSession(localUrl, OWNER);
		const types = await packageNodeTypes(localUrl, cookie, PACKAGE_NAME);
		if (types.length === 0)
			throw new Error(`n8n started but did not load ${PACKAGE_NAME}: see its log above`);

		// n8n adds a …Tool variant of every node with usableAsTool; the list names the nodes themselves
		const nodes = types
			.map((t) => t.slice(PACKAGE_NAME.length + 1))
			.filter((t) => !/Tool$/.test(t));
		console.log(`\nn8n ${N8N_VERSION} is ready at ${editorUrl} (started in ${seconds(started)})`);
		console.log(`  Sign in as ${OWNER.email} / ${OWNER.password}`);
		console.log(`  Nodes of ${PACKAGE_NAME}: ${nodes.join(', ')}`);
		console.log('  Workflows:');
		for (const w of plan.workflows) console.log(`    ${editorUrl}/workflow/${w.id}  ${w.name}`);
		console.log('  Emulators (credentials "… (emulator)" point at them):');
		for (const p of emulators.platforms)
			console.log(`    ${p.platform.padEnd(11)} ${p.emulator.baseUrl}`);
		for (const trigger of plan.triggers) {
			console.log(
				`  ${trigger.platform} callbacks start the published "${trigger.name}" workflow (see Executions).`,
			);
		}

		if (args.screenshot) {
			const out = path.resolve(args.screenshot);
			const workflowId = plan.exampleIds[SCREENSHOT.example];
			if (!workflowId)
				throw new Error(`no workflow was imported from examples/${SCREENSHOT.example}`);
			console.log(`\nTaking the screenshot (examples/${SCREENSHOT.example} → ${SCREENSHOT.node})…`);
			const t = Date.now();
			await takeScreenshot({
				toolsDir: TOOLS_INSTALL.dir,
				baseUrl: editorUrl,
				owner: OWNER,
				workflowId,
				nodeName: SCREENSHOT.node,
				out,
			});
			console.log(`  saved ${path.relative(process.cwd(), out) || out} in ${seconds(t)}`);
			await shutdown(0);
			return;
		}
		console.log('\nCtrl-C stops n8n and the emulators.');
	} catch (error) {
		console.error(`\nnpm run n8n: ${(error as Error).message}`);
		await shutdown(1);
	}
}

main().catch((error) => {
	console.error(`npm run n8n: ${(error as Error).message}`);
	process.exit(1);
});
