// Harness of the task integration tests: a per-file copy of the tasks fixture config, pym processes, Redis and BullMQ helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Job, Queue, QueueEvents } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import yaml from 'js-yaml';
import jwt from 'jsonwebtoken';
import type { PymConfig } from '../../src/config/config-schema';
import { resetConfig, setConfig } from '../../src/config/config-store';
import { loadConfig } from '../../src/config/load-config';
import { deleteKeysUnder } from '../../src/testing/queue-tasks';
import { spawnPym, startPym, type PymProcess } from '../helpers/spawn-pym';

/** The fixture service: its specs, handlers, tasks and hooks. */
export const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/tasks-service');

const BASE_CONFIG = yaml.load(fs.readFileSync(path.join(FIXTURE_DIR, 'pym-config.yaml'), 'utf8')) as Record<string, unknown>;

/** The fixture's JWT settings, to sign and verify tokens as the service does. */
export const FIXTURE_JWT = {
  secret: BASE_CONFIG.jwt_secret as string,
  issuer: BASE_CONFIG.jwt_issuer as string,
  audience: BASE_CONFIG.jwt_audience as string,
};

/** The Redis every test file uses for its observations (and its queue, unless it runs its own redis-server). */
export const MAIN_REDIS_URL = 'redis://127.0.0.1:6379';

/** Variables that would change what a spawned pym loads, unset so a developer's shell cannot skew a test. */
const CLEAN_ENV: NodeJS.ProcessEnv = { PYM_CONFIG: undefined, PYM_DEBUG: undefined, PYM_NO_TS_LOADER: undefined, TASKS_FIXTURE_REDIS_URL: undefined };

/** Options of createTaskFixture: values merged over the fixture's pym-config.yaml. */
export interface TaskFixtureOptions {
  /** Top-level config keys (e.g. `with_async`). */
  config?: Record<string, unknown>;
  /** Keys of the `async` section (`prefix` is always a fresh `test-<uuid>`). */
  async?: Record<string, unknown>;
}

/** How a job ended. */
export interface JobOutcome {
  state: 'completed' | 'failed';
  reason?: string;
}

/** One test file's copy of the fixture service, with its own key prefix, and helpers over its Redis keys. */
export interface TaskFixture {
  /** The unique key prefix (`test-<uuid>`) of this file's queues and observations. */
  readonly prefix: string;
  /** The config file written for this file (apis and src point to the fixture). */
  readonly configPath: string;
  /** A connection to the observations' Redis. */
  readonly redis: Redis;
  /** The key of an observation list or counter (same as the fixture's `observationKey`). */
  key(kind: string, tag: string): string;
  /** The next record a task (or hook) pushes to `kind`/`tag`, waiting for it (BLPOP) up to `timeoutSeconds`. */
  nextRecord<T = Record<string, any>>(kind: string, tag: string, timeoutSeconds?: number): Promise<T>;
  /** The value of a counter (0 when never incremented). */
  counter(kind: string, tag: string): Promise<number>;
  /** Push a signal a task waits for (`waitForSignal`). */
  signal(kind: string, tag: string): Promise<void>;
  /** A BullMQ Queue on this file's prefix (one per name, closed by `close`). */
  queue(name?: string): Queue;
  /** A job by id. */
  job(id: string, queueName?: string): Promise<Job>;
  /** Wait until a job is completed or failed for good (BullMQ queue events, no polling); throws after 20 s. */
  jobOutcome(id: string, queueName?: string): Promise<JobOutcome>;
  /** Delete every key under the prefix and close every connection. */
  close(): Promise<void>;
}

function redisConnectionOptions(url: string) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };
}

/**
 * Write a copy of the fixture's pym-config.yaml with a fresh `test-<uuid>` prefix (and the given values) into a
 * temp folder, and open the helpers over its keys. `observationsUrl` is the Redis the tasks write to.
 */
export function createTaskFixture(options: TaskFixtureOptions = {}, observationsUrl = MAIN_REDIS_URL): TaskFixture {
  const prefix = `test-${randomUUID()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-tasks-'));
  const config = {
    ...BASE_CONFIG,
    apis: path.join(FIXTURE_DIR, 'apis'),
    src: path.join(FIXTURE_DIR, 'src'),
    ...options.config,
    async: { ...(BASE_CONFIG.async as object), ...options.async, prefix },
  };
  const configPath = path.join(dir, 'pym-config.yaml');
  fs.writeFileSync(configPath, yaml.dump(config));
  const queueUrl = String((config.async as { redis_url?: string }).redis_url ?? MAIN_REDIS_URL);

  const redis = new IORedis(observationsUrl, { maxRetriesPerRequest: null });
  const blocking = new Set<Redis>();
  const queues = new Map<string, Queue>();
  const events = new Map<string, Promise<QueueEvents>>();
  const key = (kind: string, tag: string) => `${prefix}:obs:${kind}:${tag}`;
  const queue = (name = 'tasks') => {
    let found = queues.get(name);
    if (!found) {
      found = new Queue(name, { connection: redisConnectionOptions(queueUrl), prefix });
      queues.set(name, found);
    }
    return found;
  };
  const queueEvents = (name: string) => {
    let found = events.get(name);
    if (!found) {
      // From the start of the stream, not '$': BullMQ's first read of a QueueEvents would otherwise miss an event
      // added between `waitUntilFinished`'s check of the job and that first read (a job that finished a few
      // milliseconds after being added then looked unfinished until the wait timed out). The prefix is this
      // file's own, so the stream holds only its events.
      const created = new QueueEvents(name, { connection: redisConnectionOptions(queueUrl), prefix, lastEventId: '0-0' });
      found = created.waitUntilReady().then(() => created);
      events.set(name, found);
    }
    return found;
  };
  const job = async (id: string, queueName = 'tasks') => {
    const found = await Job.fromId(queue(queueName), id);
    if (!found) throw new Error(`job ${id} is not in queue ${queueName}`);
    return found;
  };

  return {
    prefix,
    configPath,
    redis,
    key,
    async nextRecord<T>(kind: string, tag: string, timeoutSeconds = 20) {
      const connection = redis.duplicate();
      blocking.add(connection);
      try {
        const popped = await connection.blpop(key(kind, tag), timeoutSeconds);
        if (!popped) throw new Error(`nothing was recorded at ${key(kind, tag)} within ${timeoutSeconds} s`);
        return JSON.parse(popped[1]) as T;
      } finally {
        blocking.delete(connection);
        connection.disconnect();
      }
    },
    async counter(kind, tag) {
      return Number((await redis.get(key(kind, tag))) ?? 0);
    },
    async signal(kind, tag) {
      await redis.rpush(key(kind, tag), 'go');
    },
    queue,
    job,
    async jobOutcome(id, queueName = 'tasks') {
      const found = await job(id, queueName);
      try {
        await found.waitUntilFinished(await queueEvents(queueName), 20_000);
        return { state: 'completed' };
      } catch (error) {
        const state = await found.getState();
        if (state !== 'failed') throw new Error(`job ${id} did not finish within 20 s (it is ${state}): ${(error as Error).message}`);
        return { state: 'failed', reason: (error as Error).message };
      }
    },
    async close() {
      for (const connection of blocking) connection.disconnect();
      await Promise.all([...queues.values()].map((q) => q.close()));
      await Promise.all([...events.values()].map(async (pending) => (await pending).close()));
      await deleteKeys(redis, prefix);
      redis.disconnect();
      if (queueUrl !== observationsUrl && queues.size > 0) {
        // A queue Redis of its own (a test's private redis-server, maybe stopped by then): cleaned when this file used it.
        const cleaner = new IORedis(queueUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
        cleaner.on('error', () => undefined);
        await deleteKeys(cleaner, prefix).catch(() => undefined);
        cleaner.disconnect();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SCAN + DEL every key under `prefix:` (the test kit's own clean-up). */
export const deleteKeys = deleteKeysUnder;

/** A JWT for `userId` signed like the service's own (the fixture's secret, issuer and audience). */
export function tokenFor(userId: string, options: { expiresIn?: number; data?: Record<string, unknown> } = {}): string {
  return jwt.sign({ ...options.data, sub: userId }, FIXTURE_JWT.secret, {
    issuer: FIXTURE_JWT.issuer,
    audience: FIXTURE_JWT.audience,
    expiresIn: options.expiresIn ?? 600,
    algorithm: 'HS256',
  });
}

/** The claims of a token (decoded; the tests verify with jsonwebtoken where it matters). */
export function claimsOf(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

/** A response as the tests read it. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** POST JSON to the service, optionally with a bearer token and a request id. */
export async function post<T = any>(
  baseUrl: string,
  urlPath: string,
  body: unknown,
  options: { token?: string; requestId?: string; traceparent?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.requestId) headers['x-request-id'] = options.requestId;
  if (options.traceparent) headers.traceparent = options.traceparent;
  const response = await fetch(`${baseUrl}${urlPath}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

/** `pym start` on the fixture copy (cwd: the fixture, so tsx reads its tsconfig), with any extra arguments. */
export function startService(fixture: TaskFixture, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<PymProcess> {
  return startPym({
    cwd: FIXTURE_DIR,
    args: ['--port', '0', '--config', fixture.configPath, ...args],
    env: { ...CLEAN_ENV, PYM_ENV: 'test', ...env },
  });
}

/** A running `pym worker`. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Its pid, from its "worker ready" line. */
  pid: number;
  lines: string[];
  waitForLine(predicate: (line: string) => boolean, what?: string): Promise<string>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Spawn `pym worker [args]` on the fixture copy and resolve once it logs "worker ready". */
export async function startWorkerProcess(fixture: TaskFixture, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<WorkerProcess> {
  const { child, lines, waitForLine, exited } = spawnPym(['worker', ...args, '--config', fixture.configPath], {
    cwd: FIXTURE_DIR,
    env: { ...CLEAN_ENV, PYM_ENV: 'test', ...env },
  });
  const ready = await waitForLine((line) => line.includes('worker ready'), 'worker ready');
  return { child, pid: (JSON.parse(ready) as { pid: number }).pid, lines, waitForLine, exited };
}

/** SIGKILL what is still running of `processes` and wait for each to exit. */
export async function killAll(processes: readonly { child: ChildProcess; exited: Promise<number | null> }[]): Promise<void> {
  await Promise.all(
    processes.map(async ({ child, exited }) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }),
  );
}

/** A private redis-server (no persistence), resolved once it accepts connections. */
export interface RedisServer {
  child: ChildProcess;
  exited: Promise<unknown>;
}

/** Start a private redis-server on `port` (for a test that stops, pauses or breaks its Redis). */
export function startRedisServer(port: number): Promise<RedisServer> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes('Ready to accept connections')) resolve({ child, exited });
    });
    void exited.then((code) => reject(new Error(`redis-server on port ${port} exited (${String(code)}) before it was ready`)));
  });
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A tag unique to one test case (observation keys and task arguments carry it). */
export function uniqueTag(label: string): string {
  return `${label}-${randomUUID()}`;
}

/**
 * Let this test process call tasks as a script of the fixture service does: the fixture's config becomes the
 * process-wide one (no request context). Undo with `stopEnqueuingAsScript` in afterAll.
 */
export function enqueueAsScript(fixture: TaskFixture): PymConfig {
  const config = loadConfig({ configPath: fixture.configPath, environment: {} });
  setConfig(config);
  return config;
}

/** Close the task queue connection `enqueueAsScript` led to, and forget the config. */
export async function stopEnqueuingAsScript(): Promise<void> {
  await resetConfig();
}
