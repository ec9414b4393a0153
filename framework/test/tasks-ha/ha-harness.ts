// Harness of the Redis topology and fault tests: a per-file copy of the HA fixture service on a given Redis URL, its
// server and worker processes, HTTP helpers, and the observations its tasks write to the main Redis.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import yaml from 'js-yaml';
import jwt from 'jsonwebtoken';
import { spawnPym, startPym, type PymChild, type PymProcess } from '../helpers/spawn-pym';
import { deleteKeys } from '../tasks-integration/tasks-harness';

/** The fixture service: tasks that count their runs. */
export const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/ha-service');

/** Where the fixture's tasks write what they did: the main Redis, which no fault touches. */
export const OBSERVATIONS_URL = 'redis://127.0.0.1:6379';

const BASE_CONFIG = yaml.load(fs.readFileSync(path.join(FIXTURE_DIR, 'pym-config.yaml'), 'utf8')) as Record<string, unknown>;

/** Variables that would change what a spawned pym loads, unset so a developer's shell cannot skew a test. */
const CLEAN_ENV: NodeJS.ProcessEnv = { PYM_CONFIG: undefined, PYM_DEBUG: undefined, PYM_NO_TS_LOADER: undefined, PYM_ENV: 'test', HA_OBSERVATIONS_URL: OBSERVATIONS_URL };

/** A response as the tests read it. */
export interface HttpReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Options of createHaFixture. */
export interface HaFixtureOptions {
  /** `async.redis_url` of the service. */
  redisUrl: string;
  /** Keys of the `async` section (`prefix` is always a fresh `{test-<uuid>}`). */
  async?: Record<string, unknown>;
  /** Top-level keys (e.g. `schedules`). */
  config?: Record<string, unknown>;
}

/** One test file's copy of the fixture service. */
export interface HaFixture {
  /** `{test-<uuid>}`: a hash tag, as a Cluster needs. */
  readonly prefix: string;
  readonly configPath: string;
  /** A connection to the observations' Redis. */
  readonly observations: Redis;
  /** How many times each tag's task did `kind` (`started`, `completed`). */
  counts(kind: string): Promise<Record<string, number>>;
  /** The next record a task pushes to `kind`/`tag` (BLPOP, up to `timeoutSeconds`). */
  nextRecord<T = Record<string, any>>(kind: string, tag: string, timeoutSeconds?: number): Promise<T>;
  /** Push a signal a task waits for. */
  signal(kind: string, tag: string): Promise<void>;
  /** `pym start --no-worker` on the copy. */
  startServer(env?: NodeJS.ProcessEnv): Promise<PymProcess>;
  /** `pym worker` on the copy, resolved once it logs "worker ready". */
  startWorker(env?: NodeJS.ProcessEnv): Promise<PymChild & { pid: number }>;
  /** Delete the observations and the config copy. */
  close(): Promise<void>;
}

/** Write a config copy with a fresh prefix for `redisUrl`, and open the observation helpers. */
export function createHaFixture(options: HaFixtureOptions): HaFixture {
  const prefix = `{test-${randomUUID()}}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-ha-'));
  const config = {
    ...BASE_CONFIG,
    apis: path.join(FIXTURE_DIR, 'apis'),
    src: path.join(FIXTURE_DIR, 'src'),
    ...options.config,
    async: { ...(BASE_CONFIG.async as object), ...options.async, redis_url: options.redisUrl, prefix },
  };
  const configPath = path.join(dir, 'pym-config.yaml');
  fs.writeFileSync(configPath, yaml.dump(config));
  const observations = new IORedis(OBSERVATIONS_URL, { maxRetriesPerRequest: null });
  const key = (kind: string, tag?: string) => `${prefix}:obs:${kind}${tag === undefined ? '' : `:${tag}`}`;
  return {
    prefix,
    configPath,
    observations,
    async counts(kind) {
      const raw = await observations.hgetall(key(kind));
      return Object.fromEntries(Object.entries(raw).map(([tag, count]) => [tag, Number(count)]));
    },
    async nextRecord<T>(kind: string, tag: string, timeoutSeconds = 30) {
      const connection = observations.duplicate();
      try {
        const popped = await connection.blpop(key(kind, tag), timeoutSeconds);
        if (!popped) throw new Error(`nothing was recorded at ${key(kind, tag)} within ${timeoutSeconds} s`);
        return JSON.parse(popped[1]) as T;
      } finally {
        connection.disconnect();
      }
    },
    async signal(kind, tag) {
      await observations.rpush(key(kind, tag), 'go');
    },
    startServer(env = {}) {
      return startPym({ cwd: FIXTURE_DIR, args: ['--port', '0', '--no-worker', '--config', configPath], env: { ...CLEAN_ENV, ...env } });
    },
    async startWorker(env = {}) {
      const worker = spawnPym(['worker', '--config', configPath], { cwd: FIXTURE_DIR, env: { ...CLEAN_ENV, ...env } });
      const ready = await worker.waitForLine((line) => line.includes('worker ready'), 'worker ready');
      return { ...worker, pid: (JSON.parse(ready) as { pid: number }).pid };
    },
    async close() {
      await deleteKeys(observations, prefix);
      observations.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A JWT for `userId` signed like the fixture's own. */
export function tokenFor(userId: string): string {
  return jwt.sign({ sub: userId }, BASE_CONFIG.jwt_secret as string, {
    issuer: BASE_CONFIG.jwt_issuer as string,
    audience: BASE_CONFIG.jwt_audience as string,
    expiresIn: 3600,
    algorithm: 'HS256',
  });
}

/** Call the service at `baseUrl`. */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpReply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${urlPath}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

/**
 * GET `urlPath` until `done(reply)` holds, each request awaited, for at most `timeoutMs`; resolves with the last
 * reply. Fails with the last reply when the time is up.
 */
export async function pollUntil(baseUrl: string, urlPath: string, token: string, done: (reply: HttpReply) => boolean, timeoutMs = 30_000): Promise<HttpReply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await request(baseUrl, 'GET', urlPath, { token });
    if (done(reply)) return reply;
    if (Date.now() > deadline) throw new Error(`GET ${urlPath}: condition not met within ${timeoutMs} ms; last: ${reply.status} ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILL what still runs of `processes` and wait for each to exit. */
export async function killAll(processes: readonly { child: PymChild['child']; exited: Promise<number | null> }[]): Promise<void> {
  await Promise.all(
    processes.map(async ({ child, exited }) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }),
  );
}
