// createTestApp: the service built in-process with its own test config, listening on a free port, with HTTP helpers.
import { randomUUID } from 'node:crypto';
import type { PymConfig } from '../config/config-schema';
import { loadConfig, type ConfigOverrides } from '../config/load-config';
import type { ErrorFormatter } from '../errors/format-error';
import type { ErrorReporter } from '../errors/report-error';
import { signToken } from '../auth/generate-token';
import { jwtSettingsFrom } from '../auth/jwt-settings';
import { createApp, type PymApp } from '../http/create-app';
import { serve } from '../http/serve';
import { createLogger } from '../logging/logger';
import { isRedisReachable } from '../tasks/check-redis';
import { createInProcessBackend } from '../tasks/in-process-backend';
import { startWorker, type RunningWorker } from '../tasks/start-worker';
import type { TaskStatus } from '../tasks/task-status';
import { withTimeout } from '../tasks/with-timeout';
import { maskUrlPassword } from '../config/mask-config';
import { captureLogs, type LogRecord } from './log-capture';
import { QueueTasks } from './queue-tasks';
import { sendRequest, type TestRequestOptions, type TestResponse } from './test-client';

/** How the tasks a test app's handlers call are run. */
export type TestTaskMode = 'inline' | 'worker';

/** Options of `createTestApp`. */
export interface TestAppOptions {
  /** The service's config file. @defaultValue `PYM_CONFIG`, else the nearest pym-config.yaml upward from `cwd` */
  configPath?: string;
  /** Where the config search starts. @defaultValue `process.cwd()` */
  cwd?: string;
  /** The environment, which selects the `pym-config.<env>.yaml` overlay. @defaultValue `test` */
  env?: string;
  /**
   * Config values over the file's, e.g. `{ debug: true }`; `async` is merged key by key. Always set by the kit: `port`
   * 0 and `host` 127.0.0.1, and an `async.prefix` of its own (`<prefix>-test-<uuid>`).
   */
  config?: ConfigOverrides;
  /** The variables `env_secrets` reads. @defaultValue `process.env` */
  environment?: NodeJS.ProcessEnv;
  /**
   * `inline`: tasks run in this process after the response, through the same sealed envelope as in a worker; no
   * Redis. `worker`: they go to Redis (`async.redis_url`) under the test's own prefix, and a real BullMQ worker
   * started in this process runs them. @defaultValue `inline`
   */
  tasks?: TestTaskMode;
  formatError?: ErrorFormatter;
  reportError?: ErrorReporter;
  /** Log records at this pino level or above are also printed to stderr (all are kept in `logs()`). @defaultValue 50 (error) */
  printLevel?: number;
}

/** Options of `TestApp.tokenFor`. */
export interface TestTokenOptions {
  /** Extra claims, e.g. `{ role: 'admin' }`. */
  claims?: Record<string, unknown>;
  /** Lifetime in seconds. @defaultValue `jwt_token_timeout` */
  expiresIn?: number;
}

/** A task to wait for: its id, a TaskRef, or a status document (the body of a `202` from `accepted(ref)`). */
export type TaskToWait = string | { id: string; name?: string };

/** A test app: the service, listening on 127.0.0.1 on a free port. */
export interface TestApp {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The config the app was built with (its own: no other app sees it). */
  readonly config: PymConfig;
  /** What `createApp` returned (the Express app, the operations…). */
  readonly app: PymApp;
  /** How tasks run. */
  readonly tasks: TestTaskMode;
  request<T = any>(method: string, path: string, options?: TestRequestOptions & { body?: unknown }): Promise<TestResponse<T>>;
  get<T = any>(path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
  delete<T = any>(path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
  /** `body` is sent as JSON: plain data or a model instance. */
  post<T = any>(path: string, body?: unknown, options?: TestRequestOptions): Promise<TestResponse<T>>;
  put<T = any>(path: string, body?: unknown, options?: TestRequestOptions): Promise<TestResponse<T>>;
  patch<T = any>(path: string, body?: unknown, options?: TestRequestOptions): Promise<TestResponse<T>>;
  /** A JWT for `userId`, signed with this app's config (secret, issuer, audience, algorithm). */
  tokenFor(userId: string, options?: TestTokenOptions): string;
  /**
   * Resolves with the final status document (`completed`, `failed` or `cancelled`) of a task the app enqueued.
   * @param options.timeout milliseconds before it rejects. @defaultValue 10000
   */
  waitForTask(task: TaskToWait, options?: { timeout?: number }): Promise<TaskStatus>;
  /** Every log line of the app (and its worker) so far, parsed. */
  logs(): LogRecord[];
  /** Resolves with the first log record (already written or future) matching `predicate`. */
  waitForLog(predicate: (record: LogRecord) => boolean): Promise<LogRecord>;
  /** Stop listening, stop the worker, release the queue connections and delete the test's Redis keys. */
  close(): Promise<void>;
}

/** The config of a test app: the service's file and overlay, the caller's values, a fresh prefix, port 0. */
function testConfig(options: TestAppOptions): PymConfig {
  const { async: asyncOverrides, ...overrides } = options.config ?? {};
  const load = (extra: ConfigOverrides) =>
    loadConfig({ configPath: options.configPath, cwd: options.cwd, env: options.env ?? 'test', environment: options.environment, overrides: { ...overrides, ...extra } });
  const file = load({});
  const async = { ...file.async, ...(asyncOverrides as Record<string, unknown> | undefined) };
  return load({ port: 0, host: '127.0.0.1', async: { ...async, prefix: `${String(async.prefix)}-test-${randomUUID()}` } });
}

/**
 * Build the service in this process (its config, specs, handlers and tasks, as `pym start` does) with a config of its
 * own, and listen on a free port of 127.0.0.1. Works with any test runner (jest, `node:test`…).
 *
 * @example
 * const app = await createTestApp();
 * const res = await app.get('/v1/me', { token: app.tokenFor('ada') });
 * assert.equal(res.status, 200);
 * await app.close();
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(options);
  const mode = options.tasks ?? 'inline';
  const printLevel = options.printLevel ?? 50;
  const logs = captureLogs({ onRecord: (record, line) => void (record.level >= printLevel && process.stderr.write(`${line}\n`)) });
  const logger = createLogger({ level: config.log_level, secretValues: config.secretValues, destination: logs.destination, base: { service: config.name } });
  if (mode === 'worker' && !(await isRedisReachable(config.async.redis_url))) {
    throw new Error(`createTestApp({ tasks: 'worker' }) needs Redis at ${maskUrlPassword(config.async.redis_url)} (async.redis_url of ${config.file}): start it, or use tasks: 'inline'`);
  }
  const pymApp = await createApp({ config, logger, formatError: options.formatError, reportError: options.reportError });
  // Inline: the app's tasks run in this process, in the app's scope (its config, logger, request context).
  const inline = mode === 'inline' ? createInProcessBackend(pymApp.scope, options.reportError) : undefined;
  if (inline) pymApp.scope.useTaskBackend(inline);
  let worker: RunningWorker | undefined;
  let queueTasks: QueueTasks | undefined;
  if (mode === 'worker') {
    worker = await startWorker({ config, logger: logger.child({ role: 'worker' }), reportError: options.reportError });
    queueTasks = new QueueTasks(config, logger);
  }
  const server = await serve(pymApp.app, { port: 0, host: '127.0.0.1', logger, shutdownTimeout: config.shutdown_timeout });
  const settings = config.jwt_secret === undefined ? undefined : jwtSettingsFrom(config);
  const request = <T>(method: string, path: string, requestOptions: TestRequestOptions & { body?: unknown } = {}) => {
    const { body, ...rest } = requestOptions;
    return sendRequest<T>(server.url, method, path, body, rest);
  };
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    config,
    app: pymApp,
    tasks: mode,
    request,
    get: (path, requestOptions) => request('GET', path, requestOptions),
    delete: (path, requestOptions) => request('DELETE', path, requestOptions),
    post: (path, body, requestOptions) => request('POST', path, { ...requestOptions, body }),
    put: (path, body, requestOptions) => request('PUT', path, { ...requestOptions, body }),
    patch: (path, body, requestOptions) => request('PATCH', path, { ...requestOptions, body }),
    tokenFor(userId, tokenOptions = {}) {
      if (!settings) throw new Error(`tokenFor: the config (${config.file}) has no jwt_secret`);
      return signToken(settings, userId, { data: tokenOptions.claims, expiresIn: tokenOptions.expiresIn });
    },
    waitForTask(task, waitOptions = {}) {
      const { id, name } = typeof task === 'string' ? { id: task, name: undefined } : task;
      const timeout = waitOptions.timeout ?? 10_000;
      if (queueTasks) return queueTasks.settled(id, name, timeout);
      return withTimeout(inline!.settled(id), timeout, () => new Error(`Task ${id} did not finish within ${timeout} ms: it is ${inline!.status(id)?.status ?? 'unknown'}`));
    },
    logs: () => logs.records(),
    waitForLog: (predicate) => logs.waitFor(predicate),
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await worker?.close();
        await pymApp.close();
        await queueTasks?.close();
      })()),
  };
}
