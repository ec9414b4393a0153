// Many processes under faults: 2 `pym start --no-worker` + 2 `pym worker` on one Redis with AOF (its own redis-server on
// 6390-6399, appendfsync always), clients starting ≥ 500 tasks with Idempotency-Keys (retrying 503s and dropped
// connections with the same key) while workers are SIGKILLed and restarted at random and Redis is killed and
// restarted once. Afterwards every accepted task completed, once per key, and no task body completed twice except
// where a kill landed between its last line and BullMQ recording the completion (at-least-once: counted, explained).
import { Queue } from 'bullmq';
import { freePortsIn, startRedisNode, waitUntil, type RedisNode } from '../helpers/redis-servers';
import type { PymChild, PymProcess } from '../helpers/spawn-pym';
import { createHaFixture, killAll, request, tokenFor, type HaFixture } from './ha-harness';

// Bounded: ~15 s of startup, LOAD_MS of load, a drain of a few seconds; CI allows 3 minutes.
jest.setTimeout(180_000);

/** How long clients start tasks. */
const LOAD_MS = 45_000;
/** Tasks the run must start at least. */
const MIN_TASKS = 500;
/** Concurrent clients; each waits 0-200 ms between its tasks, so the run reaches MIN_TASKS well within LOAD_MS. */
const CLIENTS = 8;
/**
 * Lock of a running task: a killed worker's tasks are taken over within 2 x LOCK_MS (the lock expires, then the next
 * stalled check). Workers are killed at least that long apart (+ slack), so a task taken over is not killed a second
 * time mid-run: BullMQ fails a task that stalls twice (maxStalledCount 1), which the harden work (#12) addresses.
 */
const LOCK_MS = 3000;
const KILL_SPACING_MS = 2 * LOCK_MS + 500;

let redisNode: RedisNode;
let fixture: HaFixture;
let servers: PymProcess[] = [];
let workers: (PymChild & { pid: number })[] = [];
const users = ['fault-ada', 'fault-bob', 'fault-cy'];
const tokens = users.map(tokenFor);

beforeAll(async () => {
  const [port] = await freePortsIn(6390, 6399, 1);
  redisNode = await startRedisNode({ port: port!, args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
  fixture = createHaFixture({ redisUrl: `redis://127.0.0.1:${port}`, async: { lock_duration: LOCK_MS, concurrency: 5 } });
  const started = await Promise.all([fixture.startServer(), fixture.startServer(), fixture.startWorker(), fixture.startWorker()]);
  servers = started.slice(0, 2) as PymProcess[];
  workers = started.slice(2) as (PymChild & { pid: number })[];
});

afterAll(async () => {
  await killAll([...workers, ...servers]);
  await fixture?.close();
  await redisNode?.stop('SIGKILL');
});

/** The value at quantile `q` (0-1) of sorted `values`. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

test(`≥ ${MIN_TASKS} tasks with Idempotency-Keys, workers SIGKILLed at random and Redis restarted: none lost, none failed, one task per key`, async () => {
  const runStart = Date.now();
  const ids = new Map<string, Set<string>>(); // key → every id a 202 gave for it (one, or a key started two tasks)
  const latencies: number[] = [];
  const counters = { unavailable: 0, connectionErrors: 0, gaveUp: 0 };
  const unexpected: string[] = [];
  const kills: { pid: number; at: number }[] = [];
  let redisDown: { from: number; to: number } | undefined;
  let next = 0;
  let loadOver = false;

  /** Start the task of `key`, retrying a 503 or a dropped connection with the same key (on the other server) for up to 60 s. */
  const startTask = async (key: string, index: number) => {
    const deadline = Date.now() + 60_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const server = servers[(index + attempt) % servers.length]!;
      const sentAt = Date.now();
      try {
        const body = { tag: key, kind: 'timed', ms: 20 + (index % 7) * 20 };
        const reply = await request(server.url, 'POST', '/v1/work', { token: tokens[index % tokens.length], body, headers: { 'idempotency-key': key } });
        if (reply.status === 202) {
          latencies.push(Date.now() - sentAt);
          ids.set(key, (ids.get(key) ?? new Set()).add(reply.body.id));
          return;
        }
        if (reply.status !== 503 || reply.body?.error !== 'TASK_QUEUE_UNAVAILABLE') {
          unexpected.push(`${key}: ${reply.status} ${JSON.stringify(reply.body)}`);
          return;
        }
        counters.unavailable++;
      } catch {
        counters.connectionErrors++;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
    counters.gaveUp++;
  };
  const client = async () => {
    while (!loadOver || next < MIN_TASKS) {
      const index = next++;
      await startTask(`fault-${index}`, index);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
    }
  };

  /**
   * Faults: every KILL_SPACING_MS to +2 s, a running worker is SIGKILLed and a new one started 0-1 s later (in the
   * background, as a supervisor would); once, 40 % in, Redis is SIGKILLed and restarted on its AOF instead.
   */
  const restarts: Promise<void>[] = [];
  const chaos = async () => {
    let redisRestarted = false;
    while (!loadOver) {
      await new Promise((resolve) => setTimeout(resolve, KILL_SPACING_MS + Math.random() * 2000));
      if (loadOver) break;
      if (!redisRestarted && Date.now() - runStart > LOAD_MS * 0.4) {
        redisRestarted = true;
        const from = Date.now();
        await redisNode.stop('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 300));
        redisNode = await startRedisNode({ port: redisNode.port, dir: redisNode.dir, args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
        redisDown = { from, to: Date.now() };
        continue;
      }
      if (workers.length === 0) continue; // both being restarted
      const victim = workers[Math.floor(Math.random() * workers.length)]!;
      workers = workers.filter((worker) => worker !== victim);
      kills.push({ pid: victim.pid, at: Date.now() });
      victim.child.kill('SIGKILL');
      restarts.push(
        (async () => {
          await victim.exited;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
          workers.push(await fixture.startWorker());
        })(),
      );
    }
    await Promise.all(restarts);
  };

  const loadTimer = setTimeout(() => (loadOver = true), LOAD_MS);
  await Promise.all([chaos(), ...Array.from({ length: CLIENTS }, client)]);
  clearTimeout(loadTimer);

  // Drain: every accepted task completes (its body counted once at least), bounded.
  const keys = [...ids.keys()];
  await waitUntil(async () => {
    const completed = await fixture.counts('completed');
    return keys.every((key) => (completed[key] ?? 0) >= 1);
  }, 'every accepted task to complete', 60_000).catch(() => undefined); // what is missing is counted below

  const statuses: Record<string, number> = {};
  for (const [index, key] of keys.entries()) {
    const id = [...ids.get(key)!][0]!;
    const reply = await request(servers[0]!.url, 'GET', `/tasks/${id}`, { token: tokens[Number(key.slice('fault-'.length)) % tokens.length] });
    const status = reply.status === 404 ? 'lost' : (reply.body.status as string);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const started = await fixture.counts('started');
  const completions = (await fixture.observations.lrange(`${fixture.prefix}:obs:completions`, 0, -1)).map(
    (line) => JSON.parse(line) as { tag: string; pid: number; at: number },
  );
  const firstCompletion = new Map<string, { pid: number; at: number }>();
  const completedTwice: string[] = [];
  for (const entry of completions) {
    if (firstCompletion.has(entry.tag)) completedTwice.push(entry.tag);
    else firstCompletion.set(entry.tag, entry);
  }
  // A second completion is explained when the first one's worker was SIGKILLed around it (before BullMQ recorded it:
  // on this loaded machine the kill, timed by the test, may even be timed before the completion the worker logged), or
  // when Redis went down right after it (its completion command was lost with the connection).
  const explained = (tag: string) => {
    const first = firstCompletion.get(tag)!;
    const byKill = kills.some((kill) => kill.pid === first.pid && Math.abs(kill.at - first.at) < 2000);
    const byRedis = redisDown !== undefined && first.at >= redisDown.from - 1000 && first.at <= redisDown.to;
    return byKill || byRedis;
  };
  const queue = new Queue('tasks', { connection: { host: '127.0.0.1', port: redisNode.port, maxRetriesPerRequest: null }, prefix: fixture.prefix });
  const jobCounts = await queue.getJobCounts();
  const failedReasons = (await queue.getFailed()).map((job) => `${job.data ? job.id : ''}: ${job.failedReason} (attempts ${job.attemptsMade}, started ${job.attemptsStarted}, stalled ${job.stalledCounter})`);
  await queue.close();
  const jobsInRedis = Object.values(jobCounts).reduce((sum, count) => sum + count, 0);

  const figures = {
    seconds: Math.round((Date.now() - runStart) / 1000),
    accepted: keys.length,
    completed: statuses.completed ?? 0,
    failed: statuses.failed ?? 0,
    lost: (statuses.lost ?? 0) + (statuses.queued ?? 0) + (statuses.running ?? 0) + (statuses.delayed ?? 0),
    keysWithTwoTasks: keys.filter((key) => ids.get(key)!.size > 1).length,
    jobsInRedis,
    duplicateRuns: keys.filter((key) => (started[key] ?? 0) > 1).length,
    completedTwice: completedTwice.length,
    completedTwiceExplained: completedTwice.filter(explained).length,
    workerKills: kills.length,
    killsAtS: kills.map((kill) => Math.round((kill.at - runStart) / 100) / 10),
    redisDownMs: redisDown ? redisDown.to - redisDown.from : null,
    unavailable503: counters.unavailable,
    connectionErrors: counters.connectionErrors,
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP99Ms: quantile(latencies, 0.99),
  };
  process.stdout.write(`fault run: ${JSON.stringify(figures)}\n`);
  for (const reason of failedReasons) process.stdout.write(`failed: ${reason}\n`);
  for (const tag of completedTwice.filter((candidate) => !explained(candidate))) {
    process.stdout.write(`unexplained second completion of ${tag}: ${JSON.stringify(completions.filter((entry) => entry.tag === tag).map((entry) => ({ ...entry, at: entry.at - runStart })))}\n`);
  }

  expect(unexpected).toEqual([]);
  expect(counters.gaveUp).toBe(0);
  expect(keys.length).toBeGreaterThanOrEqual(MIN_TASKS);
  expect(redisDown).toBeDefined();
  expect(kills.length).toBeGreaterThanOrEqual(2);
  expect(figures).toMatchObject({ completed: keys.length, failed: 0, lost: 0, keysWithTwoTasks: 0, jobsInRedis: keys.length });
  expect(completedTwice.filter((tag) => !explained(tag))).toEqual([]);
});
