// Harness of the task resource tests: a per-file copy of the fixture service (own key prefix), HTTP and Redis helpers.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import yaml from 'js-yaml';
import { startPym, type PymProcess } from '../helpers/spawn-pym';
import { deleteKeys } from '../tasks-integration/tasks-harness';

/** The fixture service: report tasks the tests drive through Redis. */
export const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/task-resources-service');

const BASE_CONFIG = yaml.load(fs.readFileSync(path.join(FIXTURE_DIR, 'pym-config.yaml'), 'utf8')) as Record<string, unknown>;

/** A response as the tests read it. */
export interface HttpReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One test file's running copy of the fixture service. */
export interface ResourcesFixture {
  readonly prefix: string;
  readonly configPath: string;
  readonly service: PymProcess;
  readonly redis: Redis;
  /** The default BullMQ queue of this prefix. */
  readonly queue: Queue;
  /** Call the service. */
  request<T = any>(method: string, urlPath: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<HttpReply<T>>;
  /** The next record a task pushes to `kind`/`tag` (BLPOP, up to 20 s). */
  nextRecord<T = Record<string, any>>(kind: string, tag: string): Promise<T>;
  /** Push a signal a task waits for. */
  signal(kind: string, tag: string): Promise<void>;
  /**
   * GET `urlPath` until `done(reply)` holds, in a bounded loop of awaited requests; resolves with every
   * reply seen. Fails after `maxRequests`.
   */
  pollUntil(urlPath: string, token: string, done: (reply: HttpReply) => boolean, maxRequests?: number): Promise<HttpReply[]>;
  close(): Promise<void>;
}

/** Write a config copy with a fresh `test-<uuid>` prefix, start `pym start` (server + one worker process) on it. */
export async function startResourcesFixture(): Promise<ResourcesFixture> {
  const prefix = `test-${randomUUID()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-task-resources-'));
  const config = {
    ...BASE_CONFIG,
    apis: path.join(FIXTURE_DIR, 'apis'),
    src: path.join(FIXTURE_DIR, 'src'),
    async: { ...(BASE_CONFIG.async as object), prefix },
  };
  const configPath = path.join(dir, 'pym-config.yaml');
  fs.writeFileSync(configPath, yaml.dump(config));
  const service = await startPym({
    cwd: FIXTURE_DIR,
    args: ['--port', '0', '--config', configPath],
    env: { PYM_CONFIG: undefined, PYM_DEBUG: undefined, PYM_ENV: 'test' },
  });
  await service.waitForLine((line) => line.includes('worker ready'), 'worker ready');
  const redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue('tasks', { connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }, prefix });
  const key = (kind: string, tag: string) => `${prefix}:obs:${kind}:${tag}`;

  const request = async <T>(method: string, urlPath: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${service.url}${urlPath}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  };

  return {
    prefix,
    configPath,
    service,
    redis,
    queue,
    request,
    async nextRecord<T>(kind: string, tag: string) {
      const connection = redis.duplicate();
      try {
        const popped = await connection.blpop(key(kind, tag), 20);
        if (!popped) throw new Error(`nothing was recorded at ${key(kind, tag)} within 20 s`);
        return JSON.parse(popped[1]) as T;
      } finally {
        connection.disconnect();
      }
    },
    async signal(kind, tag) {
      await redis.rpush(key(kind, tag), 'go');
    },
    async pollUntil(urlPath, token, done, maxRequests = 5000) {
      const seen: HttpReply[] = [];
      for (let i = 0; i < maxRequests; i++) {
        const reply = await request('GET', urlPath, { token });
        seen.push(reply);
        if (done(reply)) return seen;
      }
      throw new Error(`GET ${urlPath}: condition not met after ${maxRequests} requests; last: ${JSON.stringify(seen.at(-1)?.body)}`);
    },
    async close() {
      await service.stop();
      await queue.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tag unique to one test case. */
export function uniqueTag(label: string): string {
  return `${label}-${randomUUID()}`;
}

/**
 * Check the reply of a DELETE on a running task: the status document as it is when answered, still running
 * (202), or already cancelled (200) when its worker stopped the task before the service read it back.
 */
export function expectCancelOfRunningTask(reply: HttpReply, id: string): void {
  expect([202, 200]).toContain(reply.status);
  expect(reply.body).toMatchObject({ id, status: reply.status === 202 ? 'running' : 'cancelled' });
}
