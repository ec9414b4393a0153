// /metrics of an app in this process: request durations by operation, a registry per app, its own port, off, Redis down.
import { createApp } from '../../src/http/create-app';
import { loadConfig } from '../../src/config/load-config';
import { FIXTURE_SERVICE_ROOT, createTestApp, type TestApp } from '../helpers/create-test-app';
import { scrape, series, total } from '../helpers/prometheus-text';
import { serveMetrics } from '../../src/metrics/metrics-server';
import { expectPymError } from '../http/http-test-helpers';
import path from 'node:path';
import { FIXTURE_DIR as TASKS_FIXTURE_DIR, post, tokenFor } from '../tasks-integration/tasks-harness';

const apps: TestApp[] = [];
afterAll(() => Promise.all(apps.map((app) => app.close())));

async function testApp(config: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const app = await createTestApp(config);
  apps.push(app);
  return app;
}

test('every request is observed under its operationId, method and status; a path no operation serves under one label', async () => {
  const app = await testApp();
  const before = await scrape(`${app.url}/metrics`);
  for (const id of [1, 2, 3]) expect((await fetch(`${app.url}/v1/items/${id}`)).status).toBe(200);
  expect((await fetch(`${app.url}/v1/items/8`, { method: 'PUT' })).status).toBe(405);
  expect((await fetch(`${app.url}/unknown/${'z'.repeat(20)}`, { method: 'PATCH' })).status).toBe(404);
  const after = await scrape(`${app.url}/metrics`);
  const count = (labels: Record<string, string>) =>
    total(after, 'http_request_duration_seconds_count', labels) - total(before, 'http_request_duration_seconds_count', labels);
  expect(count({ operation: 'getItem', method: 'GET', status: '200' })).toBe(3);
  expect(count({ operation: '(unmatched)', method: 'PUT', status: '405' })).toBe(1);
  expect(count({ operation: '(unmatched)', method: 'PATCH', status: '404' })).toBe(1);
  // The scrape before this one is a request too.
  expect(count({ operation: '(metrics)', method: 'GET', status: '200' })).toBe(1);
  const operations = new Set(series(after, 'http_request_duration_seconds_count').map((sample) => sample.labels.operation));
  expect([...operations].sort()).toEqual(['(metrics)', '(unmatched)', 'getItem']);
  expect(series(after, 'http_request_duration_seconds_bucket', { operation: 'getItem', le: '+Inf' })[0]?.value).toBe(3);
  expect(series(after, 'process_cpu_seconds_total')).toHaveLength(1);
  expect(series(after, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
});

test('more requests between two scrapes than pym observes in one batch: every one is counted, none twice', async () => {
  // pym records requests in a buffer and observes them in prom-client in batches of 256, and at every scrape.
  const app = await testApp();
  const before = await scrape(`${app.url}/metrics`);
  for (let index = 0; index < 300; index++) expect((await fetch(`${app.url}/v1/items/${(index % 9) + 1}`)).status).toBe(200);
  const after = await scrape(`${app.url}/metrics`);
  const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
  expect(delta('http_request_duration_seconds_count', { operation: 'getItem' })).toBe(300);
  expect(delta('http_request_duration_seconds_bucket', { operation: 'getItem', le: '+Inf' })).toBe(300);
  expect(delta('http_request_duration_seconds_sum', { operation: 'getItem' })).toBeGreaterThan(0);
  // A scrape right after the next request counts it: the scrape observes what the buffer holds.
  await fetch(`${app.url}/v1/items/1`);
  expect(total(await scrape(`${app.url}/metrics`), 'http_request_duration_seconds_count', { operation: 'getItem' }) - total(after, 'http_request_duration_seconds_count', { operation: 'getItem' })).toBe(1);
});

test('two apps in one process keep their own registries: one app’s requests never show in the other’s scrape', async () => {
  const [first, second] = [await testApp(), await testApp()];
  for (let index = 0; index < 4; index++) await fetch(`${first.url}/v1/items/${index + 1}`);
  const fromSecond = await scrape(`${second.url}/metrics`);
  expect(total(fromSecond, 'http_request_duration_seconds_count', { operation: 'getItem' })).toBe(0);
  expect(total(await scrape(`${first.url}/metrics`), 'http_request_duration_seconds_count', { operation: 'getItem' })).toBe(4);
});

test('metrics.port: scrapes are served on their own port, and the API port does not expose them', async () => {
  const app = await testApp({ config: { metrics: { enabled: true, path: '/internal/metrics', port: 0 } } });
  await expectPymError(fetch(`${app.url}/internal/metrics`), 404, 'NOT_FOUND');
  await fetch(`${app.url}/v1/items/7`);
  // What pym start does with metrics.port: the same app's scrape on a server of its own.
  const server = await serveMetrics({ render: () => app.pym.metrics!.render(), port: 0, host: '127.0.0.1', path: '/internal/metrics', logger: app.pym.logger });
  try {
    expect(total(await scrape(server.url), 'http_request_duration_seconds_count', { operation: 'getItem' })).toBe(1);
    expect((await fetch(server.url.replace('/internal/metrics', '/metrics'))).status).toBe(404);
  } finally {
    await server.close();
  }
});

test('metrics.enabled: false: no /metrics and no registry', async () => {
  const app = await testApp({ config: { metrics: { enabled: false, path: '/metrics' } } });
  await expectPymError(fetch(`${app.url}/metrics`), 404, 'NOT_FOUND');
  expect(app.pym.metrics).toBeUndefined();
});

test('a service using tasks whose Redis is down: the scrape answers at once, without queue depths (never stale ones)', async () => {
  // Nothing listens on 6409 (a port of this test's range that no test of it starts).
  const config = loadConfig({
    configPath: path.join(FIXTURE_SERVICE_ROOT, 'pym-config.yaml'),
    env: 'test',
    environment: {},
    overrides: { with_async: true, async: { redis_url: 'redis://127.0.0.1:6409', enqueue_timeout: 2000 } as never },
  });
  const pymApp = await createApp({ config });
  try {
    const server = pymApp.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const started = Date.now();
    const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(series(samples, 'pym_queue_jobs')).toEqual([]);
    expect(series(samples, 'process_cpu_seconds_total')).toHaveLength(1);
    await new Promise((resolve) => server.close(resolve));
  } finally {
    await pymApp.close();
  }
});

test('an enqueue that fails (Redis down) is counted in pym_task_enqueue_failures_total, not in pym_tasks_enqueued_total', async () => {
  const config = loadConfig({
    configPath: path.join(TASKS_FIXTURE_DIR, 'pym-config.yaml'),
    env: 'test',
    environment: {},
    overrides: { apis: path.join(TASKS_FIXTURE_DIR, 'apis'), src: path.join(TASKS_FIXTURE_DIR, 'src'), async: { redis_url: 'redis://127.0.0.1:6409', enqueue_timeout: 300 } as never },
  });
  const pymApp = await createApp({ config });
  const server = pymApp.app.listen(0, '127.0.0.1');
  try {
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const reply = await post(base, '/v1/observe', { tag: 'never-enqueued' }, { token: tokenFor('metrics-user') });
    expect(reply.status).toBe(503);
    const samples = await scrape(`${base}/metrics`);
    expect(total(samples, 'pym_task_enqueue_failures_total', { task: 'Probe.observe' })).toBe(1);
    expect(total(samples, 'pym_tasks_enqueued_total')).toBe(0);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await pymApp.close();
  }
});
