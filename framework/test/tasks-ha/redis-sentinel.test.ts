// Tasks on a real Redis Sentinel group (a master and a replica on ports 6380-6389, three sentinels on 26379-26399, all
// started here): enqueued over HTTP, run by worker processes, listed, cancelled; a failover in the middle of a run
// loses no accepted task.
import { freePortsIn, startSentinelGroup, waitUntil, type SentinelGroupHandle } from '../helpers/redis-servers';
import type { PymChild, PymProcess } from '../helpers/spawn-pym';
import { createHaFixture, killAll, pollUntil, request, tokenFor, type HaFixture } from './ha-harness';

// A Sentinel group, a server and two workers take seconds to start, more on a loaded machine.
jest.setTimeout(150_000);

let group: SentinelGroupHandle;
let fixture: HaFixture;
let server: PymProcess;
let workers: PymChild[] = [];
const token = tokenFor('sentinel-user');

beforeAll(async () => {
  group = await startSentinelGroup({ dataPorts: await freePortsIn(6380, 6389, 2), sentinelPorts: await freePortsIn(26379, 26399, 3) });
  // A task whose worker lost its connection in the failover is taken over once its lock expires: 5 s, not 30.
  fixture = createHaFixture({ redisUrl: group.url, async: { lock_duration: 5000 } });
  [server, ...workers] = await Promise.all([fixture.startServer(), fixture.startWorker(), fixture.startWorker()]);
});

afterAll(async () => {
  await killAll([...workers, ...(server ? [server] : [])]);
  await fixture?.close();
  await group?.stop();
});

const statusOf = (reply: { body: { status?: string } }) => reply.body.status;

test('tasks started over HTTP run in the worker processes, are listed by GET /tasks, and a running one is cancelled', async () => {
  const tags = Array.from({ length: 6 }, (_, index) => `timed-${index}`);
  const ids: string[] = [];
  for (const tag of tags) {
    const reply = await request(server.url, 'POST', '/v1/work', { token, body: { tag, kind: 'timed', ms: 10 }, headers: { 'idempotency-key': tag } });
    expect(reply.status).toBe(202);
    ids.push(reply.body.id);
  }
  for (const id of ids) await pollUntil(server.url, `/tasks/${id}`, token, (reply) => statusOf(reply) === 'completed');
  const listed = await request(server.url, 'GET', '/tasks?status=completed&limit=100', { token });
  expect(new Set(listed.body.tasks.map((task: { id: string }) => task.id))).toEqual(new Set(ids));

  const held = await request(server.url, 'POST', '/v1/work', { token, body: { tag: 'held', kind: 'held' } });
  await fixture.nextRecord('started', 'held');
  expect([200, 202]).toContain((await request(server.url, 'DELETE', `/tasks/${held.body.id}`, { token })).status);
  expect(await fixture.nextRecord('stopped', 'held')).toMatchObject({ released: false, cancelled: true });
  await pollUntil(server.url, `/tasks/${held.body.id}`, token, (reply) => statusOf(reply) === 'cancelled');
});

test('a failover (SENTINEL FAILOVER) while clients start tasks and workers run them: every accepted task completes', async () => {
  const accepted = new Map<string, string>(); // Idempotency-Key → task id
  let unavailable = 0;
  let refusedForGood = 0;
  const startWithRetries = async (key: string) => {
    // A client that retries a 503 or a dropped connection with the same key, as the README tells clients to.
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const reply = await request(server.url, 'POST', '/v1/work', { token, body: { tag: key, kind: 'timed', ms: 20 + (attempt % 5) * 40 }, headers: { 'idempotency-key': key } });
        if (reply.status === 202) {
          const known = accepted.get(key);
          if (known !== undefined) expect(reply.body.id).toBe(known);
          accepted.set(key, reply.body.id);
          return;
        }
        expect(reply.status).toBe(503);
        unavailable++;
      } catch {
        unavailable++; // connection refused or reset
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    refusedForGood++;
  };
  let failedOver = false;
  let next = 0;
  const client = async () => {
    // Start tasks until the failover is over and a few more went through the new master.
    let afterFailover = 0;
    while (afterFailover < 10) {
      await startWithRetries(`failover-${next++}`);
      if (failedOver) afterFailover++;
    }
  };
  const clients = Array.from({ length: 4 }, client);
  await waitUntil(() => accepted.size >= 40, '40 accepted tasks before the failover', 30_000);
  const before = await group.masterPort();
  const after = await group.failover();
  failedOver = true;
  expect(after).not.toBe(before);
  await Promise.all(clients);

  const outcomes: Record<string, number> = {};
  for (const id of accepted.values()) {
    const reply = await pollUntil(server.url, `/tasks/${id}`, token, (found) => found.status === 404 || ['completed', 'failed'].includes(statusOf(found) ?? ''), 60_000);
    const outcome = reply.status === 404 ? 'lost' : statusOf(reply)!;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const started = await fixture.counts('started');
  const completed = await fixture.counts('completed');
  const keys = [...accepted.keys()];
  const figures = {
    accepted: accepted.size,
    completed: outcomes.completed ?? 0,
    failed: outcomes.failed ?? 0,
    lost: outcomes.lost ?? 0,
    duplicateRuns: keys.filter((key) => (started[key] ?? 0) > 1).length,
    completedTwice: keys.filter((key) => (completed[key] ?? 0) > 1).length,
    unavailable,
  };
  process.stdout.write(`sentinel failover ${before} → ${after}: ${JSON.stringify(figures)}\n`);
  expect({ ...figures, refusedForGood }).toMatchObject({ completed: accepted.size, failed: 0, lost: 0, refusedForGood: 0 });
  expect(keys.every((key) => (completed[key] ?? 0) >= 1)).toBe(true);
});
