// `pym start` with Redis unreachable: in dev it runs tasks in-process (through seal/open); elsewhere it refuses to start.
import { runPym, type PymProcess } from '../helpers/spawn-pym';
import { FIXTURE_DIR, MAIN_REDIS_URL, createTaskFixture, freePort, post, startService, tokenFor, uniqueTag, type TaskFixture } from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: TaskFixture;
let deadUrl: string;

beforeAll(async () => {
  deadUrl = `redis://127.0.0.1:${await freePort()}`; // nothing listens there
  fixture = createTaskFixture({ config: { with_async: true }, async: { redis_url: deadUrl } });
});

afterAll(async () => {
  await fixture?.close();
});

describe('with Redis unreachable', () => {
  let service: PymProcess | undefined;
  afterAll(async () => {
    await service?.stop();
  });

  test.concurrent('PYM_ENV=dev: pym start warns, and an enqueued task runs in the server process from its sealed envelope', async () => {
    service = await startService(fixture, { PYM_ENV: 'dev', TASKS_FIXTURE_REDIS_URL: MAIN_REDIS_URL });
    const warning = JSON.parse(await service.waitForLine((line) => line.includes('DEV MODE'), 'the dev-mode warning'));
    expect(warning).toMatchObject({ level: 40, redis: deadUrl });

    const tag = uniqueTag('dev');
    const token = tokenFor('user-dev');
    const order = { tag, customer: { name: 'Ada', address: { city: 'Lyon', since: '2021-05-06T07:08:09.000Z' } }, lines: [{ sku: 'x', quantity: 1 }] };
    const response = await post(service.url, '/v1/orders', order, { token, requestId: 'req-dev' });
    expect(response.status).toBe(202);
    const report = await fixture.nextRecord('order', tag);

    expect(report.pid).toBe(service.child.pid);
    expect(report).toMatchObject({ userId: 'user-dev', token, requestId: 'req-dev', url: '/v1/orders', method: 'POST' });
    // Rebuilt from the envelope: the handler changed the order after the call, the task has the call-time copy.
    expect(report.args).toMatchObject({ customerName: 'Ada', addressIsAddress: true, sinceIsDate: true, totalIsBigInt: true, shippingIsAddress: true });
    expect(service.lines.some((line) => line.includes('worker process started'))).toBe(false);
  });

  test.concurrent('PYM_ENV=test with with_async: pym start exits non-zero with one clear line naming the Redis URL', async () => {
    const result = await runPym(['start', '--port', '0', '--config', fixture.configPath], {
      cwd: FIXTURE_DIR,
      env: { PYM_ENV: 'test', PYM_CONFIG: undefined },
    });
    expect(result.code).not.toBe(0);
    const [first] = result.stderr.split('\n');
    expect(first).toMatch(/Redis is unreachable at redis:\/\/127\.0\.0\.1:\d+ \(async\.redis_url in .*pym-config\.yaml\)/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
