// The Redis side of a test app whose tasks run in a real worker: wait for a task's end, delete the test's keys.
import { Job, Queue, QueueEvents } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import type { RedisClient } from '../tasks/redis-client';
import { openRedis } from '../tasks/redis-connection';
import { findTask, listTasks } from '../tasks/task-registry';
import { snapshotOfJob, statusOfJob, type TaskStatus } from '../tasks/task-status';

const FINISHED = new Set(['completed', 'failed']);

/** SCAN + DEL every key under `prefix:` (a test's own prefix, so nothing else is touched), on every master of a Cluster. */
export async function deleteKeysUnder(redis: RedisClient, prefix: string): Promise<void> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      // One by one: on a Cluster, a multi-key DEL must stay in one slot.
      for (const key of keys) await node.del(key);
      cursor = next;
    } while (cursor !== '0');
  }
}

/** Waits for tasks on the test app's queues (BullMQ queue events, no polling) and cleans its prefix. */
export class QueueTasks {
  private readonly redis: RedisClient;
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, Promise<QueueEvents>>();
  /** Connections given to BullMQ, which does not close what it was given. */
  private readonly connections: RedisClient[] = [];

  constructor(
    private readonly config: PymConfig,
    private readonly logger: Logger,
  ) {
    this.redis = openRedis(config.async.redis_url, 'worker', logger, `${config.async.prefix}:test-kit`);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.config.async.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private queueEvents(name: string): Promise<QueueEvents> {
    let events = this.events.get(name);
    if (!events) {
      // From the start of the stream, not '$': an event written between the state check below and the first read
      // would be missed otherwise. The prefix is the test app's own, so the stream holds only its events.
      const connection = openRedis(this.config.async.redis_url, 'worker', this.logger, `${this.config.async.prefix}:test-kit`);
      this.connections.push(connection);
      const created = new QueueEvents(name, { connection, prefix: this.config.async.prefix, lastEventId: '0-0' });
      events = created.waitUntilReady().then(() => created);
      this.events.set(name, events);
    }
    return events;
  }

  /** The queue holding job `id`: its task's queue when the name is known, else the first queue that has it. */
  private async queueOf(id: string, name: string | undefined): Promise<string> {
    const task = name === undefined ? undefined : findTask(name);
    if (task) return task.options.queue ?? this.config.async.queue;
    const names = new Set([this.config.async.queue, ...Object.keys(this.config.async.queues), ...listTasks().map((t) => t.options.queue ?? this.config.async.queue)]);
    for (const queue of names) if ((await this.queue(queue).getJobState(id)) !== 'unknown') return queue;
    throw new Error(`No task ${id} in the queues of this test app (${[...names].join(', ')})`);
  }

  /** Resolves with the final status document of task `id` once it completed, failed for good or was cancelled. */
  async settled(id: string, name: string | undefined, timeoutMs: number): Promise<TaskStatus> {
    const queue = this.queue(await this.queueOf(id, name));
    const events = await this.queueEvents(queue.name);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(id);
      const job = await Job.fromId(queue, id);
      if (!job) throw new Error(`Task ${id} is no longer in queue ${queue.name}`);
      if (FINISHED.has(state)) return statusOfJob(snapshotOfJob(id, job, state));
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Task ${id} (${job.name}) did not finish within ${timeoutMs} ms: it is ${statusOfJob(snapshotOfJob(id, job, state)).status}`);
      // Settles on the job's completed or (final) failed event; a failed attempt that will be retried comes round again.
      await job.waitUntilFinished(events, left).catch(() => undefined);
    }
  }

  /** Close the queues and delete every key of the test app's prefix. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await Promise.all([...this.events.values()].map(async (events) => (await events).close()));
    for (const connection of this.connections) connection.disconnect();
    await deleteKeysUnder(this.redis, this.config.async.prefix);
    this.redis.disconnect();
  }
}
