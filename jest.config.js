/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }],
	},
	globalSetup: '<rootDir>/test/setup/global-setup.js',
	setupFiles: ['<rootDir>/test/setup/env.js'],
	forceExit: true,
	cacheDirectory: '<rootDir>/.jest-cache',
	testTimeout: 30000,
};
