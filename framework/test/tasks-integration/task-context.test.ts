// A task runs in a worker process with its caller's context and arguments: user, claims, request, models, delays, tokens.
import jwt from 'jsonwebtoken';
import type { PymProcess } from '../helpers/spawn-pym';
import { ORDER_EXTRAS } from '../fixtures/tasks-service/src/lib/order-extras';
import {
  FIXTURE_JWT,
  claimsOf,
  createTaskFixture,
  post,
  startService,
  tokenFor,
  uniqueTag,
  type TaskFixture,
} from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: TaskFixture;
let service: PymProcess;
let workerPid: number;

beforeAll(async () => {
  // with_async: `pym start` spawns and supervises the worker process itself.
  fixture = createTaskFixture({ config: { with_async: true } });
  service = await startService(fixture);
  const ready = await service.waitForLine((line) => line.includes('worker ready'), 'worker ready');
  workerPid = (JSON.parse(ready) as { pid: number }).pid;
});

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
});

describe('a task enqueued by an endpoint', () => {
  test.concurrent('runs in the worker process as the caller, with the endpoint request and its arguments rebuilt', async () => {
    const tag = uniqueTag('order');
    const token = tokenFor('user-a', { data: { role: 'editor', tenant: 'acme' } });
    const requestId = uniqueTag('req');
    const order = {
      tag,
      customer: { name: 'Ada', address: { city: 'Paris', since: '2020-01-02T03:04:05.000Z' } },
      lines: [{ sku: 'book-1', quantity: 2 }],
    };

    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await post(service.url, '/v1/orders?source=web', order, { token, requestId, traceparent });
    expect(response.status).toBe(202);
    const seen = response.body.seen;
    const report = await fixture.nextRecord('order', tag);

    expect(seen.pid).toBe(service.child.pid);
    expect(report.pid).toBe(workerPid);
    expect(report.pid).not.toBe(seen.pid);
    const expectedContext = {
      userId: 'user-a',
      claims: claimsOf(token),
      token,
      requestId,
      url: '/v1/orders?source=web',
      method: 'POST',
      traceparent, // the W3C trace context travels too
    };
    expect({ ...seen, pid: undefined }).toEqual({ ...expectedContext, pid: undefined });
    expect(report).toMatchObject(expectedContext);
    expect(report.claims).toEqual(expect.objectContaining({ role: 'editor', tenant: 'acme' }));
    expect(report.args).toEqual({
      orderIsOrder: true,
      customerIsCustomer: true,
      addressIsAddress: true, // Order → Customer → Address: depth 2
      lineIsLineItem: true,
      sinceIsDate: true, // a Date inside the depth-2 model
      since: '2020-01-02T03:04:05.000Z',
      customerName: 'Ada', // the handler changed it after the call: the task got a copy made at call time
      placedAtIsDate: true,
      placedAt: ORDER_EXTRAS.placedAt,
      totalIsBigInt: true,
      total: ORDER_EXTRAS.total, // beyond Number.MAX_SAFE_INTEGER
      indexIsMap: true,
      indexKeys: ['shipping', 'lines'],
      shippingIsAddress: true, // a model inside a Map
      shippingCity: 'Paris',
    });
  });

  test.concurrent('50 concurrent requests of 50 users: every task sees its own caller, never another', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => ({
      user: `user-${i}`,
      tag: uniqueTag(`crowd-${i}`),
      requestId: uniqueTag(`crowd-req-${i}`),
      token: tokenFor(`user-${i}`, { data: { seat: i } }),
    }));
    const responses = await Promise.all(
      calls.map((call) => post(service.url, '/v1/observe', { tag: call.tag }, { token: call.token, requestId: call.requestId })),
    );
    expect(responses.map((response) => response.status)).toEqual(calls.map(() => 202));
    const reports = await Promise.all(calls.map((call) => fixture.nextRecord('observe', call.tag)));
    reports.forEach((report, i) => {
      const expected = { userId: calls[i].user, token: calls[i].token, requestId: calls[i].requestId, url: '/v1/observe', method: 'POST' };
      expect(report).toMatchObject(expected);
      expect(report.claims.seat).toBe(i);
      // The context read before an await (other tasks ran meanwhile) was the same caller too.
      expect(report.before).toMatchObject(expected);
      expect(report.pid).toBe(workerPid);
    });
  });

  test.concurrent('a task enqueued from inside a task carries the same context (user, claims, request)', async () => {
    const tag = uniqueTag('chain');
    const token = tokenFor('user-chain', { data: { tenant: 'chained' } });
    const requestId = uniqueTag('chain-req');
    const response = await post(service.url, '/v1/chain', { tag }, { token, requestId });
    expect(response.status).toBe(202);
    const parent = await fixture.nextRecord('chain', tag);
    const child = await fixture.nextRecord('observe', `${tag}-child`);
    const expected = { userId: 'user-chain', claims: claimsOf(token), token, requestId, url: '/v1/chain', method: 'POST' };
    expect(parent).toMatchObject(expected);
    expect(child).toMatchObject(expected);
    expect(child.pid).toBe(workerPid);
  });

  test.concurrent('with delay: 1000, the job is not processed before 1 s after it was added', async () => {
    const tag = uniqueTag('delayed');
    const calledAt = Date.now();
    const response = await post(service.url, '/v1/delayed', { tag }, { token: tokenFor('user-delay') });
    expect(response.status).toBe(202);
    const report = await fixture.nextRecord('delayed', tag);
    const job = await fixture.job(response.body.task.id);
    expect(job.name).toBe('Probe.delayed');
    expect(job.processedOn! - job.timestamp).toBeGreaterThanOrEqual(1000);
    expect(report.ranAt - calledAt).toBeGreaterThanOrEqual(1000);
    expect(report.userId).toBe('user-delay');
  });

  test.concurrent('an argument that cannot travel fails the call with TASK_ARGUMENT_INVALID and enqueues nothing', async () => {
    const response = await post(service.url, '/v1/bad-argument', { tag: uniqueTag('bad') }, { token: tokenFor('user-bad') });
    expect(response.status).toBe(500);
    expect(response.body.error).toBe('TASK_ARGUMENT_INVALID');
    // observeAnything has a queue of its own: nothing of this file but that call could have gone there.
    const counts = await fixture.queue('rejects').getJobCounts();
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(0);
  });

  test.concurrent("a caller token that expired before the task ran is replaced by a fresh one of the same user", async () => {
    const tag = uniqueTag('token');
    const token = tokenFor('user-short', { expiresIn: 2, data: { tenant: 'brief' } });
    const response = await post(service.url, '/v1/after-token-expiry', { tag }, { token });
    expect(response.status).toBe(202);
    const report = await fixture.nextRecord('token', tag);

    // The scenario is real: the caller's token was expired when the task ran (3 s delay, 2 s token).
    expect((claimsOf(token).exp as number) * 1000).toBeLessThanOrEqual(report.ranAt);
    expect(report.userId).toBe('user-short');
    expect(report.token).not.toBe(token);
    const verified = jwt.verify(report.token, FIXTURE_JWT.secret, {
      issuer: FIXTURE_JWT.issuer,
      audience: FIXTURE_JWT.audience,
      algorithms: ['HS256'],
      clockTimestamp: Math.floor(report.ranAt / 1000),
    }) as jwt.JwtPayload;
    expect(verified.sub).toBe('user-short');
    expect(verified.tenant).toBe('brief');
    expect(verified.exp! * 1000).toBeGreaterThan(report.ranAt);
    expect(verified.exp! - verified.iat!).toBe(300); // async.refreshed_token_lifetime (default): short-lived
    expect(report.claims).toEqual(verified);
  });
});
