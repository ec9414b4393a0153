// Shared helpers of the CLI tests: fixture folders, a clean environment, output and JWT assertions.
import path from 'node:path';
import { runPym } from '../helpers/spawn-pym';

/** The folder of a CLI fixture service. */
export function fixture(name: string): string {
  return path.join(__dirname, '../fixtures/cli', name);
}

/** The config file of a CLI fixture service. */
export function fixtureConfig(name: string): string {
  return path.join(fixture(name), 'pym-config.yaml');
}

/**
 * Variables that would change what the CLI loads, unset so a developer's shell cannot skew a test.
 * JEST_WORKER_ID stays: a `pym` spawned from a test inherits it, and must still load TypeScript handlers.
 */
export const CLEAN_ENV: NodeJS.ProcessEnv = {
  PYM_CONFIG: undefined,
  PYM_ENV: undefined,
  PYM_DEBUG: undefined,
  PYM_NO_TS_LOADER: undefined,
  PYM_CLI_FIXTURE_JWT_SECRET: undefined,
};

/** The outcome of one CLI run. */
export type PymResult = Awaited<ReturnType<typeof runPym>>;

/** Run `pym ...args` in the fixture `name`, with a clean environment plus `env`. */
export function pym(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<PymResult> {
  return runPym(args, { cwd: fixture(name), env: { ...CLEAN_ENV, ...env } });
}

/** The lines of stderr, without the trailing newline. */
export function stderrLines(result: PymResult): string[] {
  return result.stderr.replace(/\n$/, '').split('\n');
}

/**
 * Assert the CLI's failure contract: exit 1, nothing on stdout, a first stderr line starting with `prefix`,
 * any further lines indented, and no stack trace. Returns the first line.
 */
export function expectCleanFailure(result: PymResult, prefix: string): string {
  expect(result).toMatchObject({ code: 1, stdout: '' }); // on failure, jest shows stderr too
  const [first, ...details] = stderrLines(result);
  expect(first.slice(0, prefix.length)).toBe(prefix);
  for (const line of details) expect(line).toMatch(/^ {2}\S/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return first;
}

/** The claims of a JWT (decoded, not verified: the server verifies it). */
export function decodeClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
