import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { readRequestOptions, type RequestSettings } from './options';

const perRun = new WeakMap<IExecuteFunctions, Map<string, Promise<unknown>>>();

/** One instance per node run (the execute context), made on first use; concurrent callers share it. */
export async function oncePerRun<T>(
	ctx: IExecuteFunctions,
	key: string,
	create: () => Promise<T>,
): Promise<T> {
	let cache = perRun.get(ctx);
	if (!cache) {
		cache = new Map();
		perRun.set(ctx, cache);
	}
	let entry = cache.get(key) as Promise<T> | undefined;
	if (!entry) {
		entry = create();
		cache.set(key, entry);
		// a failed creation (an unusable credential) is not cached: the next item reports it again
		entry.catch(() => cache.delete(key));
	}
	return await entry;
}

/** What a platform tells the shared code about its client: which credential it needs and how to build it. */
export interface ClientFactory<Access, Client> {
	credentialType: string;
	/** Read the decrypted credential; throws a CredentialInputError naming the field that cannot be used. */
	readCredential(data: ICredentialDataDecryptedObject): Access;
	create(ctx: IExecuteFunctions, access: Access, settings: RequestSettings): Client;
}

/**
 * The platform client of a node run. The credential is read and checked here, before the first request, so an
 * unusable key is reported as itself (n8n would otherwise wrap whatever `authenticate` throws).
 */
export async function clientPerRun<Access, Client>(
	ctx: IExecuteFunctions,
	factory: ClientFactory<Access, Client>,
): Promise<Client> {
	return await oncePerRun(ctx, `client:${factory.credentialType}`, async () => {
		const access = factory.readCredential(await ctx.getCredentials(factory.credentialType));
		return factory.create(ctx, access, readRequestOptions(ctx));
	});
}
