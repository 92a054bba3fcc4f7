/** The four platform emulators, set up as `npm run demo` sets them up, on fixed loopback ports. */
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { PlatformEmulator } from '../../test/emulators/common';
import { demos, type DemoEmulator } from '../../test/demo/platforms';
import type { TencentImEmulator } from '../../test/emulators/tencent-im';
import type { YunhuEmulator } from '../../test/emulators/yunhu';
import type { YunzhenjiEmulator } from '../../test/emulators/yunzhenji';
import { SDK_APP_ID } from '../../test/tencent-im/fixtures';
import { BOT_ID } from '../../test/yunhu/fixtures';
import { SANDBOX_CALLBACK_TOKEN, SANDBOX_YUNHU_SECRET } from './workflows';

export interface SandboxPlatform {
	platform: string;
	/** The example workflow in examples/ this platform's setup was made for. */
	file: string;
	port: number;
	emulator: DemoEmulator;
	/** Decrypted credential data by credential type, pointing at the emulator. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The items the example's first node expects, as the demo feeds them. */
	input: INodeExecutionData[];
}

export interface SandboxEmulators {
	platforms: SandboxPlatform[];
	/** Where each webhook platform's emulator posts its callbacks (the trigger's production URL in n8n). */
	setCallbackUrl(platform: 'Tencent IM' | 'Yunhu' | 'Yunzhenji', url: string): void;
	stop(): Promise<void>;
}

type CredentialSource =
	| Record<string, ICredentialDataDecryptedObject>
	| { types(): string[]; get(type: string): unknown };

function credentialData(source: CredentialSource): Record<string, ICredentialDataDecryptedObject> {
	if (typeof source.types !== 'function')
		return source as Record<string, ICredentialDataDecryptedObject>;
	const store = source as { types(): string[]; get(type: string): unknown };
	return Object.fromEntries(
		store.types().map((type) => [type, store.get(type) as ICredentialDataDecryptedObject]),
	);
}

/** Runs a demo setup with its emulator listening on `port` instead of a free one. */
async function withPort<T>(port: number, start: () => Promise<T>): Promise<T> {
	const original = PlatformEmulator.prototype.start;
	// the demo setups listen on a free port; the sandbox's saved credentials need the same one every run
	PlatformEmulator.prototype.start = async function (this: PlatformEmulator, asked = 0) {
		return await original.call(this, asked || port);
	};
	try {
		return await start();
	} finally {
		PlatformEmulator.prototype.start = original;
	}
}

/** Starts the emulators on `firstPort`, `firstPort + 1`, … in the demo's order. */
export async function startEmulators(firstPort: number): Promise<SandboxEmulators> {
	const platforms: SandboxPlatform[] = [];
	const byFile = new Map<string, DemoEmulator>();
	const stopAll = async () => {
		await Promise.allSettled(platforms.map(async (p) => await p.emulator.stop()));
	};
	try {
		for (const [index, demo] of demos.entries()) {
			const port = firstPort + index;
			const setup = await withPort(port, demo.start);
			// the demo's own callback receivers are replaced by n8n workflows with the triggers
			await setup.stop?.();
			byFile.set(demo.file, setup.emulator);
			platforms.push({
				platform: demo.platform,
				file: demo.file,
				port,
				emulator: setup.emulator,
				credentials: credentialData(setup.credentials as CredentialSource),
				input: setup.input,
			});
		}
	} catch (error) {
		await stopAll();
		throw error;
	}
	return {
		platforms,
		setCallbackUrl: (platform, url) => {
			if (platform === 'Yunzhenji')
				(byFile.get('yunzhenji.json') as YunzhenjiEmulator | undefined)?.setCallbackUrl(url);
			if (platform === 'Tencent IM') {
				(byFile.get('tencent-im.json') as TencentImEmulator | undefined)?.setCallback(SDK_APP_ID, {
					url,
					token: SANDBOX_CALLBACK_TOKEN,
					commands: [
						'C2C.CallbackAfterSendMsg',
						'C2C.CallbackAfterMsgWithDraw',
						'C2C.CallbackAfterMsgReport',
					],
				});
			}
			if (platform === 'Yunhu') {
				(byFile.get('yunhu.json') as YunhuEmulator | undefined)?.setBotWebhookUrl(
					BOT_ID,
					`${url}?secret=${SANDBOX_YUNHU_SECRET}`,
				);
			}
		},
		stop: stopAll,
	};
}
