// n8n's community-node lint in its strict (n8n Cloud) form, rebuilt from @n8n/node-cli's configuration because
// node-cli itself does not install on Node 20. test/ and tooling get a plain TypeScript lint.
import eslint from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const community = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.jest-cache/**', 'coverage/**', 'eslint.config.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [eslint.configs.recommended, tseslint.configs.recommended],
		rules: {
			'prefer-spread': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.community.rules,
			// the repository is not public yet, so there is no homepage to name
			'n8n-nodes-base/community-package-json-repository-url-still-default': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		...community,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		rules: {
			...community.rules,
			// the repository is not public yet, so there is no homepage to name
			'@n8n/community-nodes/require-homepage': 'off',
		},
	},
	{
		// The package's one runtime dependency: protobufjs, for Yunhu's protobuf client API (its bodies are protobuf
		// and hand-written wire code is not an option). Only Yunhu's codec module imports it, so the exception is
		// granted there and in package.json, nowhere else. This is why the package targets self-hosted n8n.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		files: ['nodes/Yunhu/transport/codec.ts'],
		rules: { '@n8n/community-nodes/no-restricted-imports': 'off' },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: [
			'test/**/*.ts',
			'scripts/**/*.js',
			'test/**/*.js',
			'jest.config.js',
			'index.js',
			'.prettierrc.js',
		],
		languageOptions: {
			globals: {
				process: 'readonly',
				console: 'readonly',
				require: 'readonly',
				module: 'writable',
				__dirname: 'readonly',
				setTimeout: 'readonly',
				clearTimeout: 'readonly',
				Buffer: 'readonly',
				URL: 'readonly',
				fetch: 'readonly',
			},
		},
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
			// tests read loosely typed JSON replies from the emulators
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
);
