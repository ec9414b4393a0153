// pym start on SIGTERM: /ready turns 503 at once while requests are still served for shutdown_delay, then it stops.
import { createTaskFixture, startService, type TaskFixture } from '../tasks-integration/tasks-harness';
import type { PymProcess } from '../helpers/spawn-pym';
import { scrape, total } from '../helpers/prometheus-text';
import { read } from '../http/http-test-helpers';

jest.setTimeout(60_000);

let fixture: TaskFixture;
let service: PymProcess | undefined;

beforeAll(() => {
  fixture = createTaskFixture({ config: { shutdown_delay: 3, metrics: { port: 0 } } });
});

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
});

test('SIGTERM: /ready answers 503 and requests are still served during shutdown_delay; then the server exits 0', async () => {
  service = await startService(fixture);
  const { url } = service;
  expect((await read(await fetch(`${url}/ready`))).body).toEqual({ status: 'ready' });

  // metrics.port: the scrape is on its own port (named in the listening line), not on the API's.
  const listening = JSON.parse(service.lines.find((line) => line.includes('listening on'))!) as { metrics: string };
  expect(listening.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  expect(total(await scrape(listening.metrics), 'http_request_duration_seconds_count', { operation: 'pymReady' })).toBe(1);
  expect((await fetch(`${url}/metrics`)).status).toBe(404);

  service.child.kill('SIGTERM');
  await service.waitForLine((line) => line.includes('not ready; shutting down in 3 s'), 'the SIGTERM line');
  const ready = await read(await fetch(`${url}/ready`));
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ error: 'SERVICE_NOT_READY', errors: [{ path: 'shutdown', message: 'the service is shutting down' }] });
  // Still accepting new connections and serving them: the load balancer has time to notice.
  expect((await fetch(`${url}/ping`, { headers: { connection: 'close' } })).status).toBe(200);
  expect(service.lines.some((line) => line.includes('"msg":"stopped"'))).toBe(false);

  expect(await service.exited).toBe(0);
  expect(JSON.parse(service.lines.find((line) => line.includes('"msg":"stopped"'))!)).toMatchObject({ clean: true });
  await expect(fetch(`${url}/ping`)).rejects.toThrow();
});
