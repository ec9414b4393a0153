// Two apps (each with a server and a worker) in one process, with different configs: each request and each task
// sees its own app's config, writes to its own app's logger and enqueues to its own app's queue. Fails as soon as
// config, logger or task backend become process-wide again.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { createApp, createLogger, getConfig, hasConfig, loadConfig, startWorker, type PymApp, type RunningWorker } from '@pym/framework';

const FIXTURE = path.resolve(__dirname, '../fixtures/two-apps-service/pym-config.yaml');
const REDIS_URL = 'redis://127.0.0.1:6379';

interface Side {
  name: string;
  prefix: string;
  lines: Record<string, unknown>[];
  app: PymApp;
  server: Server;
  worker: RunningWorker;
  url: string;
  /** The app's task queue, read directly with BullMQ, and its events. */
  queue: Queue;
  events: QueueEvents;
}

function capture(lines: Record<string, unknown>[]) {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
}

async function startSide(label: string): Promise<Side> {
  const name = `two-apps-${label}`;
  const prefix = `test-${randomUUID()}`;
  const config = loadConfig({ configPath: FIXTURE, env: 'test', environment: {}, overrides: { name, async: { prefix } } as never });
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: capture(lines), base: { app: label } });
  const app = await createApp({ config, logger });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const worker = await startWorker({ config, logger });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const queue = new Queue('tasks', { connection: { url: REDIS_URL }, prefix });
  const events = new QueueEvents('tasks', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  return { name, prefix, lines, app, server, worker, url, queue, events };
}

let sides: Side[] = [];
const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });

beforeAll(async () => {
  sides = [await startSide('a'), await startSide('b')];
});

afterAll(async () => {
  for (const side of sides) {
    await new Promise((resolve) => side.server.close(resolve));
    await side.worker.close();
    await side.app.close();
    await side.queue.close();
    await side.events.close();
    const keys = await redis.keys(`${side.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

test("each app's requests and tasks see its own config, logger and queue", async () => {
  for (const side of sides) {
    const response = await fetch(`${side.url}/whoami`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { service: string; prefix: string; task_id: string };
    expect(body).toMatchObject({ service: side.name, prefix: side.prefix });

    // The task was enqueued under this app's prefix and run by this app's worker, with this app's config.
    const job = await side.queue.getJob(body.task_id);
    expect(job).toBeDefined();
    expect(await job!.waitUntilFinished(side.events)).toEqual({ caller: side.name, service: side.name, prefix: side.prefix });
  }
  // Every line of each app went to its own logger, none to the other's.
  for (const side of sides) {
    const marked = side.lines.filter((line) => line.marker === 'whoami' || line.marker === 'identify');
    expect(marked.map((line) => line.marker).sort()).toEqual(['identify', 'whoami']);
    expect(marked.every((line) => line.service === side.name && line.app === side.name.slice(-1))).toBe(true);
  }
});

test('outside any request or task, nothing of either app leaks into getConfig()', async () => {
  expect(hasConfig()).toBe(false);
  expect(() => getConfig()).toThrow(/outside any request or task/);
  // app.run / worker.run give code outside a request the app's own scope.
  expect(sides[0]!.app.run(() => getConfig().name)).toBe(sides[0]!.name);
  expect(sides[1]!.worker.run(() => getConfig().name)).toBe(sides[1]!.name);
});
