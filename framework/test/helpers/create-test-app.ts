// Test helper: the fixture service (framework/test/fixtures/service) served in-process on 127.0.0.1:0, logs captured.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { signToken } from '../../src/auth/generate-token';
import type { GenerateTokenOptions } from '../../src/auth/generate-token';
import { jwtSettingsFrom } from '../../src/auth/jwt-settings';
import type { PymConfig } from '../../src/config/config-schema';
import { loadConfig, type ConfigOverrides } from '../../src/config/load-config';
import type { ErrorFormatter } from '../../src/errors/format-error';
import type { ErrorReporter } from '../../src/errors/report-error';
import { createApp, type PymApp } from '../../src/http/create-app';
import { createLogger } from '../../src/logging/logger';
import { captureLogs } from '../../src/testing/log-capture';

/** The fixture service's root (its pym-config.yaml, apis/ and src/). */
export const FIXTURE_SERVICE_ROOT = path.resolve(__dirname, '../fixtures/service');

/** Options of `createTestApp`. */
export interface TestAppOptions {
  /** Config values that win over the fixture's pym-config.yaml, e.g. `{ debug: true }`. */
  config?: ConfigOverrides;
  /** The environment name. @defaultValue `test` */
  env?: string;
  /** Another service's config file. @defaultValue the fixture service's pym-config.yaml */
  configPath?: string;
  /** Environment variables its env_secrets read. @defaultValue none */
  environment?: NodeJS.ProcessEnv;
  reportError?: ErrorReporter;
  formatError?: ErrorFormatter;
}

/** The fixture service, listening. */
export interface TestApp {
  /** e.g. `http://127.0.0.1:41234`. */
  url: string;
  config: PymConfig;
  /** Every log line written so far (raw JSON text, one per line). */
  logLines(): string[];
  /** Every log line written so far, parsed. */
  logRecords(): Record<string, any>[];
  /** Resolves with the first log record (already written or future) matching `predicate`. */
  waitForLog(predicate: (record: Record<string, any>) => boolean): Promise<Record<string, any>>;
  /** A valid token for `userId`, signed with the fixture's JWT settings. */
  token(userId: string, options?: GenerateTokenOptions): string;
  /** Stop listening, drop every connection and release what the app holds (its task queue connection). */
  close(): Promise<void>;
  /** The app itself (its readiness, its metrics). */
  pym: PymApp;
}

/**
 * Build the fixture service with `createApp` and listen on an ephemeral port of 127.0.0.1.
 * Its logger writes JSON lines into memory (see `logLines()`).
 *
 * @example
 * const app = await createTestApp({ config: { debug: true } });
 * const res = await fetch(`${app.url}/ping`);
 * await app.close();
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    configPath: options.configPath ?? path.join(FIXTURE_SERVICE_ROOT, 'pym-config.yaml'),
    env: options.env ?? 'test',
    overrides: options.config,
    environment: options.environment ?? {},
  });
  const logs = captureLogs();
  const logger = createLogger({
    level: config.log_level,
    secretValues: config.secretValues,
    destination: logs.destination,
    base: { service: config.name },
  });
  const pymApp = await createApp({ config, logger, reportError: options.reportError, formatError: options.formatError });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = pymApp.app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    logLines: () => logs.lines(),
    logRecords: () => logs.records(),
    waitForLog: (predicate) => logs.waitFor(predicate),
    token: (userId, tokenOptions) => signToken(jwtSettingsFrom(config), userId, tokenOptions),
    pym: pymApp,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await pymApp.close();
    },
  };
}
