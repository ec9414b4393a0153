// jest: unit + integration tests of the framework, acceptance tests of the example service.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/framework/test', '<rootDir>/example-service/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking happens once in `pretest` (tsc -p tsconfig.test.json); ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] },
  moduleNameMapper: {
    '^@pym/framework$': '<rootDir>/framework/src/index.ts',
    '^@pym/framework/testing$': '<rootDir>/framework/src/testing/index.ts',
  },
  maxWorkers: 2,
  // Every test file loads its own copy of the framework and its dependencies, so a worker's heap grows to
  // ~550 MB by the end of the run, and a process that large takes ~0.5 s to tear down: past jest's 500 ms
  // allowance, hence "A worker process has failed to exit gracefully" without any open handle (measured:
  // the exit event fires at once, with no handle left). Restarting a worker whose heap passed 250 MB after
  // a file keeps its exit near 0.2 s and costs no measurable time.
  workerIdleMemoryLimit: '250MB',
  testTimeout: 30000,
};
