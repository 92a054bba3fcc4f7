/**
 * Credentials the way n8n handles them: decrypted data from a store, each credential type's own `authenticate`
 * (function form, or the declarative `generic` form resolved with n8n's expressions), and `preAuthentication` for
 * fetched tokens kept in a hidden expirable field and written back to the store, as n8n writes them to its
 * database. Mirrors n8n's CredentialsHelper (packages/cli/src/credentials-helper.ts).
 */
import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeProperties,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
} from 'n8n-workflow';

/**
 * Decrypted credential data by type. Pass the same store to several runs to see what n8n keeps between
 * executions (a token fetched by preAuthentication, say).
 */
export class CredentialStore {
	private readonly data = new Map<string, ICredentialDataDecryptedObject>();
	/** Each preAuthentication call: the type and whether n8n called it because the credential had expired. */
	readonly preAuthentications: Array<{ type: string; expired: boolean }> = [];
	/** Each write-back of a credential (what n8n saves to its database). */
	readonly updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	constructor(initial: Record<string, ICredentialDataDecryptedObject> = {}) {
		for (const [type, data] of Object.entries(initial)) this.set(type, data);
	}

	set(type: string, data: ICredentialDataDecryptedObject): void {
		this.data.set(type, JSON.parse(JSON.stringify(data)) as ICredentialDataDecryptedObject);
	}

	/** A copy, as n8n decrypts anew for every use. */
	get(type: string): ICredentialDataDecryptedObject | undefined {
		const data = this.data.get(type);
		return data && (JSON.parse(JSON.stringify(data)) as ICredentialDataDecryptedObject);
	}

	types(): string[] {
		return [...this.data.keys()];
	}
}

export type CredentialTypeLookup = (name: string) => ICredentialType;

/** n8n's resolution of one value of a generic `authenticate` block: expressions see `$credentials`. */
function resolveValue(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
	workflow: Workflow,
	node: INode,
) {
	if (typeof value !== 'string' || value.charAt(0) !== '=') return value;
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		{ $credentials: credentials } as IDataObject,
		undefined,
		'',
	);
	return resolved ? resolved.toString() : '';
}

export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly lookup: CredentialTypeLookup,
		readonly store: CredentialStore,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.lookup(typeName).authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate) return requestOptions;
		requestOptions.headers ??= {};
		if (authenticate.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				const target = ((requestOptions as unknown as IDataObject)[outerKey] ??= {}) as IDataObject;
				for (const [key, value] of Object.entries(outerValue as IDataObject)) {
					target[String(resolveValue(key, credentials, workflow, node))] = resolveValue(
						value,
						credentials,
						workflow,
						node,
					) as string;
				}
			}
		}
		return requestOptions;
	}

	/** n8n calls this before every authenticated request, and again with `expired` after an HTTP 401. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.lookup(typeName);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (expirable?.name === undefined || typeof type.preAuthentication !== 'function')
			return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		this.store.preAuthentications.push({ type: typeName, expired: credentialsExpired });
		const output = await type.preAuthentication.call(helpers, credentials);
		// n8n saves only when the expirable field came back
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials) {
			const merged = Object.assign(credentials, output);
			await this.updateCredentials(undefined, typeName, merged);
			return merged;
		}
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('test harness: getCredentials is not used');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.store.get(type);
		if (!data) throw new Error(`test harness: no credentials of type ${type}`);
		return data;
	}

	async updateCredentials(
		_nodeCredentials: unknown,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, data);
		this.store.updates.push({ type, data: this.store.get(type)! });
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.lookup(type).properties;
	}
}
