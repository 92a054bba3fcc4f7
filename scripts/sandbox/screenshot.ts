/** A screenshot of the editor with one of the package's nodes open, by headless Debian Chromium and playwright-core. */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Owner } from './n8n';

export const PLAYWRIGHT_SPEC = 'playwright-core@1.65.1';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps dialling Google's hosts, which this machine refuses. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** The small part of playwright-core's API used here; the package lives outside this one, so no types. */
interface Locator {
	first(): Locator;
	waitFor(opts: { state?: 'visible' | 'attached'; timeout?: number }): Promise<void>;
	dblclick(opts?: { timeout?: number }): Promise<void>;
	click(opts?: { timeout?: number }): Promise<void>;
	count(): Promise<number>;
}
interface Page {
	goto(url: string, opts?: { waitUntil?: 'load' | 'networkidle' }): Promise<unknown>;
	locator(selector: string): Locator;
	keyboard: { press(key: string): Promise<void> };
	waitForTimeout(ms: number): Promise<void>;
	screenshot(opts: { path: string }): Promise<Buffer>;
}
interface Context {
	request: {
		post(url: string, opts: { data: unknown }): Promise<{ ok(): boolean; status(): number }>;
	};
	newPage(): Promise<Page>;
	close(): Promise<void>;
}
interface LaunchOptions {
	executablePath: string;
	headless: boolean;
	args: string[];
	viewport: { width: number; height: number };
}
interface Playwright {
	chromium: { launchPersistentContext(userDataDir: string, opts: LaunchOptions): Promise<Context> };
}

export interface ScreenshotRequest {
	/** The folder playwright-core was installed into. */
	toolsDir: string;
	baseUrl: string;
	owner: Owner;
	workflowId: string;
	nodeName: string;
	out: string;
}

export async function takeScreenshot(req: ScreenshotRequest): Promise<void> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(
			`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
		);
	}
	const load = createRequire(path.join(req.toolsDir, 'package.json'));
	const { chromium } = load('playwright-core') as Playwright;
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-sandbox-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
	});
	try {
		// the cookie lands in the browser context, so the editor opens already signed in
		const login = await context.request.post(`${req.baseUrl}/rest/login`, {
			data: { emailOrLdapLoginId: req.owner.email, password: req.owner.password },
		});
		if (!login.ok()) throw new Error(`login for the screenshot failed: ${login.status()}`);
		const page = await context.newPage();
		try {
			await page.goto(`${req.baseUrl}/workflow/${req.workflowId}`, { waitUntil: 'load' });
			const node = page.locator(`.vue-flow__node [data-node-name="${req.nodeName}"]`).first();
			await node.waitFor({ state: 'visible', timeout: 60_000 });
			// run the workflow against the emulators first, so the panel shows real input and output
			const nodes = await page.locator('.vue-flow__node').count();
			await page.locator('[data-test-id="execute-workflow-button"]').first().click();
			const succeeded = page.locator('[data-test-id="canvas-node-status-success"]');
			const deadline = Date.now() + 60_000;
			while ((await succeeded.count()) < nodes && Date.now() < deadline)
				await page.waitForTimeout(250);
			const done = await succeeded.count();
			if (done < nodes)
				console.warn(`  only ${done} of ${nodes} nodes ran successfully; the screenshot shows why`);
			await node.dblclick();
			const panel = page.locator('[data-test-id="node-parameters"]').first();
			await panel.waitFor({ state: 'visible', timeout: 30_000 });
			// icons, credential name and parameter hints arrive a moment after the panel itself
			await page.waitForTimeout(1500);
		} catch (error) {
			// what the browser showed instead is the quickest way to see why
			const seen = path.join(os.tmpdir(), 'n8n-sandbox-screenshot-failed.png');
			await page.screenshot({ path: seen }).catch(() => undefined);
			throw new Error(`${(error as Error).message.split('\n')[0]} (the page as it was: ${seen})`);
		}
		fs.mkdirSync(path.dirname(req.out), { recursive: true });
		await page.screenshot({ path: req.out });
	} finally {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}
