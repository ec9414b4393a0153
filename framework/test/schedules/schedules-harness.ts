// Harness of the schedule tests: per-file copies of the schedules fixture config, `pym worker` processes, Redis helpers.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import yaml from 'js-yaml';
import { spawnPym } from '../helpers/spawn-pym';
import { deleteKeys, type WorkerProcess } from '../tasks-integration/tasks-harness';

/** The fixture service: a spec, a scheduled @asyncTask (tasks/) and a @cron task (cron/). */
export const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/schedules-service');

/** The fixture's own config, as written. */
export const BASE_CONFIG = yaml.load(fs.readFileSync(path.join(FIXTURE_DIR, 'pym-config.yaml'), 'utf8')) as Record<string, any>;

const REDIS_URL = 'redis://127.0.0.1:6379';

/** Variables that would change what a spawned pym loads, unset so a developer's shell cannot skew a test. */
const CLEAN_ENV: NodeJS.ProcessEnv = { PYM_CONFIG: undefined, PYM_DEBUG: undefined, PYM_NO_TS_LOADER: undefined };

/** One run, as the fixture's tasks record it. */
export interface RecordedRun {
  pid: number;
  at: number;
  userId: string | null;
  token: string | null;
  requestId: string | null;
}

/** Values merged over the fixture's pym-config.yaml (`async` merged key by key; the prefix is the fixture's). */
export interface ConfigOverrides {
  [key: string]: unknown;
  async?: Record<string, unknown>;
}

/** One test file's key prefix, config copies and helpers over its Redis keys. */
export interface ScheduleFixture {
  readonly prefix: string;
  readonly redis: Redis;
  /** Write a config copy (apis and src pointing to the fixture) and return its path. */
  writeConfig(overrides?: ConfigOverrides): string;
  /** The key of an observation list (same as the fixture's `observationKey`). */
  key(kind: string): string;
  /** The next run recorded in `kind` (BLPOP), waiting up to `timeoutSeconds`. */
  nextRun(kind: string, timeoutSeconds?: number): Promise<RecordedRun>;
  /** A BullMQ Queue on this prefix (closed by `close`). */
  queue(name?: string): Queue;
  /** Delete every key under the prefix, close connections, remove the config copies. */
  close(): Promise<void>;
}

/** A fresh `test-<uuid>` prefix and its helpers. */
export function createScheduleFixture(): ScheduleFixture {
  const prefix = `test-${randomUUID()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-schedules-'));
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const blocking = new Set<Redis>();
  const queues = new Map<string, Queue>();
  let written = 0;
  const key = (kind: string) => `${prefix}:obs:${kind}`;
  return {
    prefix,
    redis,
    key,
    writeConfig(overrides = {}) {
      const config = {
        ...BASE_CONFIG,
        apis: path.join(FIXTURE_DIR, 'apis'),
        src: path.join(FIXTURE_DIR, 'src'),
        ...overrides,
        async: { ...BASE_CONFIG.async, ...overrides.async, prefix },
      };
      const file = path.join(dir, `pym-config-${++written}.yaml`);
      fs.writeFileSync(file, yaml.dump(config));
      return file;
    },
    async nextRun(kind, timeoutSeconds = 20) {
      const connection = redis.duplicate();
      blocking.add(connection);
      try {
        const popped = await connection.blpop(key(kind), timeoutSeconds);
        if (!popped) throw new Error(`no run was recorded at ${key(kind)} within ${timeoutSeconds} s`);
        return JSON.parse(popped[1]) as RecordedRun;
      } finally {
        blocking.delete(connection);
        connection.disconnect();
      }
    },
    queue(name = 'tasks') {
      let found = queues.get(name);
      if (!found) {
        found = new Queue(name, { connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }, prefix });
        queues.set(name, found);
      }
      return found;
    },
    async close() {
      for (const connection of blocking) connection.disconnect();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await deleteKeys(redis, prefix);
      redis.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawn `pym worker` on a config copy and resolve once it logs "worker ready" (its schedules are synced by then). */
export async function startScheduleWorker(configPath: string): Promise<WorkerProcess> {
  const { child, lines, waitForLine, exited } = spawnPym(['worker', '--config', configPath], {
    cwd: FIXTURE_DIR,
    env: { ...CLEAN_ENV, PYM_ENV: 'test' },
  });
  const ready = await waitForLine((line) => line.includes('worker ready'), 'worker ready');
  return { child, pid: (JSON.parse(ready) as { pid: number }).pid, lines, waitForLine, exited };
}
