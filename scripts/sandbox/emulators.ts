/** The four platform emulators, set up as `npm run demo` sets them up, on fixed loopback ports. */
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { PlatformEmulator } from '../../test/emulators/common';
import { demos, type DemoEmulator } from '../../test/demo/platforms';
import type { YunzhenjiEmulator } from '../../test/emulators/yunzhenji';

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
	/** Where the Yunzhenji emulator posts its encrypted callbacks. */
	setYunzhenjiCallbackUrl(url: string): void;
	stop(): Promise<void>;
}

type CredentialSource =
	Record<string, ICredentialDataDecryptedObject> | { types(): string[]; get(type: string): unknown };

function credentialData(source: CredentialSource): Record<string, ICredentialDataDecryptedObject> {
	if (typeof source.types !== 'function') return source as Record<string, ICredentialDataDecryptedObject>;
	const store = source as { types(): string[]; get(type: string): unknown };
	return Object.fromEntries(store.types().map((type) => [type, store.get(type) as ICredentialDataDecryptedObject]));
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
	let yunzhenji: YunzhenjiEmulator | undefined;
	const stopAll = async () => {
		await Promise.allSettled(platforms.map(async (p) => await p.emulator.stop()));
	};
	try {
		for (const [index, demo] of demos.entries()) {
			const port = firstPort + index;
			const setup = await withPort(port, demo.start);
			// the demo's own callback receiver is replaced by the n8n workflow with the Yunzhenji Trigger
			await setup.stop?.();
			if (demo.file === 'yunzhenji.json') yunzhenji = setup.emulator as YunzhenjiEmulator;
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
		setYunzhenjiCallbackUrl: (url) => yunzhenji?.setCallbackUrl(url),
		stop: stopAll,
	};
}
