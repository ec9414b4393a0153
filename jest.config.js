// jest: unit + integration tests of the framework, acceptance tests of the example service.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/framework/test', '<rootDir>/example-service/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking happens once in `pretest` (tsc -p tsconfig.test.json); ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true, diagnostics: false }] },
  moduleNameMapper: { '^@pym/framework$': '<rootDir>/framework/src/index.ts' },
  maxWorkers: 2,
  testTimeout: 30000,
};
