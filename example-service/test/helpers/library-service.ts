// Acceptance-test helper: start the library with the real `pym` CLI, mint tokens with `pym token`, call it over HTTP.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { REPO_ROOT, runPym, startPym, type PymProcess } from '../../../framework/test/helpers/spawn-pym';

/** A decoded JSON response body (tests assert on its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** What a test needs of a response. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when there is none (204). */
  body: Json;
}

/** Options of one call. */
export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** More request headers, e.g. `{ 'X-Request-Id': 'signup-1' }`. */
  headers?: Record<string, string>;
}

/** A running library service and a client for it. */
export interface LibraryService {
  /** The process started by `pym start --port 0` (it runs a worker process too: `with_async: true`). */
  process: PymProcess;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Prefix of every Redis key of this run (`async.prefix`), e.g. `library-test-3f2a…`. */
  redisPrefix: string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  get(path: string, token?: string): Promise<ApiResponse>;
  post(path: string, body?: unknown, token?: string): Promise<ApiResponse>;
  delete(path: string, token?: string): Promise<ApiResponse>;
  /** Stop the service and its worker, then delete every Redis key of this run. */
  stop(): Promise<void>;
}

/**
 * Timeout of the `beforeAll` that starts the library: `pym start` plus its worker process load TypeScript
 * through tsx, which takes seconds, more on a busy machine. @example beforeAll(start, STARTUP_TIMEOUT_MS)
 */
export const STARTUP_TIMEOUT_MS = 120_000;

/** Timeout of the `afterAll` that stops it (the server, then the worker, then the Redis keys). */
export const SHUTDOWN_TIMEOUT_MS = 60_000;

/** How long startLibrary waits for the worker process once the server listens. */
const WORKER_READY_TIMEOUT_MS = 60_000;

/** Where the example's tasks and notifications live (pym-config.yaml's `async.redis_url`). */
const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The tsconfig tsx must compile the example with (legacy decorators for @asyncTask). tsx reads the
 * tsconfig.json of the working directory, which at the repo root is the solution file: it applies to no
 * file, so without this the task modules' decorators compile as TC39 ones and fail to load.
 */

/** Delete every key starting with `prefix:` (BullMQ's queues and schedules, the notifications, the reports). */
async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The audit service's URL for a library whose test does not start it: nothing listens on port 9 (discard) here,
 * so its calls fail at once with UPSTREAM_UNAVAILABLE (the loan reminders' audit record is retried, then dropped).
 */
export const NO_AUDIT_URL = 'http://127.0.0.1:9';

/** Options of `startLibrary`. */
export interface StartLibraryOptions {
  /** Where the library's client finds the audit service (see `startAudit`). @defaultValue NO_AUDIT_URL */
  auditUrl?: string;
}

/**
 * Start the example service from the repo root (its service root), as `pym start` would for a user, with
 * PYM_ENV=test: pym-config.test.yaml then takes the Redis key prefix from LIBRARY_REDIS_PREFIX, unique per call,
 * and the audit service's URL from LIBRARY_AUDIT_URL. Resolves once the server listens and its worker process is ready.
 */
export async function startLibrary(options: StartLibraryOptions = {}): Promise<LibraryService> {
  const redisPrefix = `library-test-${randomUUID()}`;
  const pym = await startPym({ cwd: REPO_ROOT, env: { LIBRARY_REDIS_PREFIX: redisPrefix, LIBRARY_AUDIT_URL: options.auditUrl ?? NO_AUDIT_URL } });
  const stop = async () => {
    await pym.stop();
    await deleteRedisKeys(redisPrefix);
  };
  // with_async: the worker process logs (to the same stdout) once it consumes the queue. Tasks enqueued
  // before would wait in Redis anyway; waiting here keeps its start-up time out of the tests' timings.
  // Bounded, and the service is stopped on failure, so that a slow start never leaves processes behind.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pym.waitForLine((line) => line.includes('"msg":"worker ready'), 'the worker process to be ready'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no worker ready after ${WORKER_READY_TIMEOUT_MS} ms:\n${pym.lines.join('\n')}`)), WORKER_READY_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(pym.url + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    process: pym,
    url: pym.url,
    redisPrefix,
    call,
    get: (path, token) => call('GET', path, { token }),
    post: (path, body, token) => call('POST', path, { body, token }),
    delete: (path, token) => call('DELETE', path, { token }),
    stop,
  };
}

/**
 * Call `read` again and again, awaiting each call, until `done` accepts its result or `timeoutMs` has
 * passed; returns the last result (for the test to assert on, so a timeout fails with what was seen).
 *
 * @example
 * const { body } = await pollUntil(() => library.get('/v1/members/me/notifications', token), (r) => r.body.items.length > 0);
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) value = await read();
  return value;
}

/**
 * A token for `user` minted by the real CLI: `pym token --user <user> [--data <claims>]`.
 *
 * @example
 * const librarian = await tokenFor('alice', { role: 'librarian' });
 */
export async function tokenFor(user: string, claims?: Record<string, unknown>): Promise<string> {
  const args = ['token', '--user', user, ...(claims === undefined ? [] : ['--data', JSON.stringify(claims)])];
  const { code, stdout, stderr } = await runPym(args, { cwd: REPO_ROOT });
  if (code !== 0) throw new Error(`pym ${args.join(' ')} failed (${code}): ${stderr}`);
  return stdout.trim();
}

/** Run any `pym` command at the repo root (the example's service root), e.g. `runLibraryPym(['gen', '--check'])`. */
export function runLibraryPym(args: string[]): ReturnType<typeof runPym> {
  return runPym(args, { cwd: REPO_ROOT });
}

/** The audit service's folder (its own pym-config.yaml, apis/ and src/). */
export const AUDIT_ROOT = path.join(REPO_ROOT, 'audit-service');

/** Start the audit service (audit-service/) as its own process: `pym start --config audit-service/pym-config.yaml`, PYM_ENV=test. */
export function startAudit(): Promise<PymProcess> {
  return startPym({ cwd: REPO_ROOT, args: ['--config', path.join(AUDIT_ROOT, 'pym-config.yaml'), '--port', '0'] });
}
