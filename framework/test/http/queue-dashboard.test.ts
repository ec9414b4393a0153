// The queue dashboard (Bull Board) over HTTP: admins only (others, anonymous or not, get the 404 of an unknown path).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import { sealEnvelope } from '../../src/tasks/envelope';
import { envelopeKeysFor } from '../../src/tasks/envelope-keys-from-config';
import { createTestApp, FIXTURE_SERVICE_ROOT, type TestApp } from '../helpers/create-test-app';
import { deleteKeys } from '../tasks-integration/tasks-harness';
import { expectPymError, read } from './http-test-helpers';

const prefix = `test-${randomUUID()}`;
const QUEUE = 'reports-queue';
let app: TestApp;
let queue: Queue;

beforeAll(async () => {
  app = await createTestApp({
    config: {
      async: { prefix, queue: QUEUE, admin_claim: { role: 'admin' }, dashboard: { enabled: true, path: '/ops/queues' } },
    } as never,
  });
  queue = new Queue(QUEUE, { connection: { host: '127.0.0.1', port: 6379 }, prefix });
});

afterAll(async () => {
  await app.close();
  await queue.close();
  const redis = new IORedis('redis://127.0.0.1:6379');
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const admin = () => app.token('admin-1', { data: { role: 'admin' } });

test('an admin (Authorization header) gets the dashboard page', async () => {
  const fetched = await fetch(`${app.url}/ops/queues`, { headers: { authorization: `Bearer ${admin()}` } });
  const response = { status: fetched.status, headers: fetched.headers, text: await fetched.text() };
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.text).toContain('<base href="/ops/queues/" />');
  expect(response.text).toContain('<title>fixture-service</title>');
});

test('an admin’s browser (the token cookie, sent with each of the page’s calls) gets the queues, jobs shown without the caller’s token', async () => {
  const config = loadConfig({ configPath: path.join(FIXTURE_SERVICE_ROOT, 'pym-config.yaml'), env: 'test', environment: {}, overrides: { async: { prefix } as never } });
  const id = randomUUID();
  const caller = app.token('member-7');
  const data = sealEnvelope(
    { v: 2, task: 'Reports.build', job: { id }, args: [2024], context: { token: caller, claims: { sub: 'member-7' }, requestId: 'req-42', enqueuedAt: Date.now() } },
    envelopeKeysFor(config),
    { encrypt: true },
  );
  await queue.add('Reports.build', data, { jobId: id });
  const cookie = `token=${encodeURIComponent(`Bearer ${admin()}`)}`;
  const response = await read(await fetch(`${app.url}/ops/queues/api/queues?activeQueue=${QUEUE}&status=latest&page=1`, { headers: { cookie } }));
  expect(response.status).toBe(200);
  const shown = response.body.queues.find((candidate: { name: string }) => candidate.name === QUEUE);
  expect(shown.jobs).toEqual([expect.objectContaining({ id, name: 'Reports.build' })]);
  expect(shown.jobs[0].data).toEqual({ task: 'Reports.build', args: [2024], caller: { requestId: 'req-42', enqueuedAt: expect.any(Number), userId: 'member-7' } });
  expect(response.text).not.toContain(caller);
});

test.each([
  ['anonymous', {}],
  ['a caller whose claims do not match admin_claim', { authorization: 'Bearer <member>' }],
  ['an invalid token', { authorization: 'Bearer not.a.token' }],
  ['an admin token in a malformed cookie', { cookie: 'token=%E0%A4%A' }],
])('%s: 404 NOT_FOUND, as for a path that does not exist (page and API alike)', async (_who, headers: Record<string, string>) => {
  const sent = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace('<member>', app.token('member-7'))]));
  for (const route of ['/ops/queues', '/ops/queues/api/queues', '/ops/queues/static/js/main.js']) {
    const response = await expectPymError(fetch(`${app.url}${route}`, { headers: sent }), 404, 'NOT_FOUND');
    expect(response.body.error_description).toBe(`No operation at GET ${route}`);
  }
});

test('dashboard enabled without async.admin_claim fails at startup, saying what to set', () => {
  const load = () =>
    loadConfig({
      configPath: path.join(FIXTURE_SERVICE_ROOT, 'pym-config.yaml'),
      env: 'test',
      environment: {},
      overrides: { async: { dashboard: { enabled: true } } as never },
    });
  expect(load).toThrow(/async\.dashboard\.enabled.*set async\.admin_claim/s);
});
