// A handler of service A (the caller fixture, in-process) calls service B (the callee fixture, a `pym start` process)
// through its generated client: identity, request id and trace travel; errors, retries and timeouts follow the rules.
import type { TestApp } from '../helpers/create-test-app';
import type { PymProcess } from '../helpers/spawn-pym';
import { expectPymError, read } from '../http/http-test-helpers';
import { createCaller, sendJson, startCallee, startRawServer, STARTUP_TIMEOUT_MS, type RawServer } from './clients-harness';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN}-01`;

let callee: PymProcess;
let thirdParty: RawServer;
let caller: TestApp;

beforeAll(async () => {
  [callee, thirdParty] = await Promise.all([startCallee(), startRawServer()]);
  caller = await createCaller(callee.url, thirdParty.url);
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await caller?.close();
  await thirdParty?.close();
  await callee?.stop();
});

/** How many calls the callee's /flaky/{key} received, asked of the callee itself. */
async function calleeCount(key: string): Promise<number> {
  const response = await read(await fetch(`${callee.url}/v1/calls/${key}`));
  return response.body.count;
}

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${caller.url}${path}`, { headers });
}

function post(path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${caller.url}${path}`, {
    method: 'POST',
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('context travels with every call', () => {
  test("the callee sees the caller's user and claims, its request id, and a child span of its trace", async () => {
    const token = caller.token('alice', { data: { role: 'member' } });
    const response = await read(await get('/v1/relay/whoami', { authorization: `Bearer ${token}`, 'x-request-id': 'req-whoami-1', traceparent: TRACEPARENT }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ userId: 'alice', claims: { role: 'member' }, requestId: 'req-whoami-1', authorized: true });
    const [, traceId, spanId, flags] = response.body.traceparent.split('-');
    expect({ traceId, flags }).toEqual({ traceId: TRACE_ID, flags: '01' });
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(spanId).not.toBe(PARENT_SPAN);
  });

  test('an anonymous request calls without Authorization, and without a trace when it had none', async () => {
    const response = await read(await get('/v1/relay/whoami', { 'x-request-id': 'req-anonymous' }));
    expect(response.body).toEqual({ requestId: 'req-anonymous', authorized: false });
  });

  test("forward_identity: false: the third-party API never gets the caller's token, only its configured key", async () => {
    thirdParty.handle = (_request, reply) => sendJson(reply, 200, { requestId: 'theirs', authorized: false });
    const token = caller.token('alice');
    const response = await read(await get('/v1/relay/whoami?via=thirdparty', { authorization: `Bearer ${token}`, 'x-request-id': 'req-third' }));
    expect(response.status).toBe(200);
    const received = thirdParty.requests.at(-1)!;
    expect(received.url).toBe('/v1/whoami');
    expect(received.headers.authorization).toBeUndefined();
    expect(received.headers['x-api-key']).toBe('third-party-key-5b1c');
    expect(received.headers['x-request-id']).toBe('req-third');
  });
});

describe('models in and out', () => {
  test('the reply is an instance of the registry model class with Dates; the body is sent along its schema', async () => {
    const token = caller.token('bob');
    const response = await read(await post('/v1/relay/items', { name: 'lamp', dueOn: '2031-02-03', tags: ['a', 'b'] }, { authorization: `Bearer ${token}` }));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ isModel: true, datesAreDates: true, item: { name: 'lamp', dueOn: '2031-02-03', tags: ['a', 'b'], createdBy: 'bob' } });
    expect(response.headers.get('location')).toBe(`/v1/items/${response.body.item.id}`);
  });
});

describe('errors are thrown, typed', () => {
  test("the callee's 404 ITEM_NOT_FOUND reaches the caller's client as such", async () => {
    const token = caller.token('alice');
    const response = await expectPymError(get('/v1/relay/items/missing', { authorization: `Bearer ${token}` }), 404, 'ITEM_NOT_FOUND');
    expect(response.body.error_description).toBe('No item missing');
  });

  test("the callee's 500 becomes a 502 UPSTREAM_ERROR; the caller logs the callee's error_id with its own", async () => {
    const response = await expectPymError(get('/v1/relay/boom', { 'x-request-id': 'req-boom' }), 502, 'UPSTREAM_ERROR');
    expect(response.body.error_description).toBe('A service this one depends on failed');
    const failed = await caller.waitForLog((record) => record.msg?.startsWith('client call failed') && record.requestId === 'req-boom');
    expect(failed).toMatchObject({ level: 40, client: 'callee', operation: 'boom', status: 500, code: 'UPSTREAM_ERROR', remoteCode: 'SERVER_ERROR', attempts: 1 });
    expect(failed.remoteErrorId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = await caller.waitForLog((record) => record.errorId === response.body.error_id);
    expect(logged.err.remote).toMatchObject({ status: 500, error: 'SERVER_ERROR', error_id: failed.remoteErrorId });
  });
});

describe('retries', () => {
  test('a GET is retried on 503 and succeeds; the callee counted every attempt, each logged at debug', async () => {
    const response = await read(await get('/v1/relay/flaky/get-503?failures=2&status=503', { 'x-request-id': 'req-retry' }));
    expect(response.body).toEqual({ key: 'get-503', count: 3 });
    expect(await calleeCount('get-503')).toBe(3);
    const attempts = caller.logRecords().filter((record) => record.msg === 'client call attempt' && record.requestId === 'req-retry');
    expect(attempts.map((record) => [record.level, record.attempt, record.status])).toEqual([
      [20, 1, 503],
      [20, 2, 503],
      [20, 3, 200],
    ]);
  });

  test('a POST without an Idempotency-Key is not retried', async () => {
    await expectPymError(post('/v1/relay/flaky/post-plain?failures=1&status=503'), 503, 'UPSTREAM_UNAVAILABLE');
    expect(await calleeCount('post-plain')).toBe(1);
  });

  test("a POST carrying the request's Idempotency-Key is retried", async () => {
    const response = await read(await post('/v1/relay/flaky/post-keyed?failures=1&status=503&keyed=true', undefined, { 'idempotency-key': 'order-7' }));
    expect(response.body).toEqual({ key: 'post-keyed', count: 2 });
    expect(await calleeCount('post-keyed')).toBe(2);
  });

  test('502 and 504 are retried; 500 and a 4xx never', async () => {
    expect((await read(await get('/v1/relay/flaky/get-502?failures=1&status=502'))).body.count).toBe(2);
    expect((await read(await get('/v1/relay/flaky/get-504?failures=1&status=504'))).body.count).toBe(2);
    await expectPymError(get('/v1/relay/flaky/get-500?failures=1&status=500'), 502, 'UPSTREAM_ERROR');
    await expectPymError(get('/v1/relay/flaky/get-409?failures=1&status=409'), 409, 'FLAKY_FAILURE');
    expect([await calleeCount('get-500'), await calleeCount('get-409')]).toEqual([1, 1]);
  });

  test('a 429 is retried after its Retry-After when within max_delay, else passed on', async () => {
    const started = Date.now();
    expect((await read(await get('/v1/relay/flaky/get-429?failures=1&status=429&retryAfter=1'))).body.count).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await expectPymError(get('/v1/relay/flaky/get-429-bare?failures=1&status=429'), 429, 'FLAKY_FAILURE');
    await expectPymError(get('/v1/relay/flaky/get-429-late?failures=1&status=429&retryAfter=5'), 429, 'FLAKY_FAILURE');
    expect([await calleeCount('get-429-bare'), await calleeCount('get-429-late')]).toEqual([1, 1]);
  });

  test('attempts stop at retry.attempts', async () => {
    await expectPymError(get('/v1/relay/flaky/get-always?failures=10&status=503'), 503, 'UPSTREAM_UNAVAILABLE');
    expect(await calleeCount('get-always')).toBe(3);
  });
});

describe('timeouts', () => {
  test("an attempt longer than `timeout` is cut; the GET's retries stop at the deadline: 504 UPSTREAM_TIMEOUT", async () => {
    const started = Date.now();
    await expectPymError(get('/v1/relay/slow?ms=5000', { 'x-request-id': 'req-slow' }), 504, 'UPSTREAM_TIMEOUT');
    const elapsed = Date.now() - started;
    // timeout 1500 ms per attempt, deadline 4000 ms: two full attempts and a last one cut by the deadline.
    expect(elapsed).toBeGreaterThanOrEqual(3900);
    expect(elapsed).toBeLessThan(6000);
    const failed = await caller.waitForLog((record) => record.msg?.startsWith('client call failed') && record.requestId === 'req-slow');
    expect(failed).toMatchObject({ code: 'UPSTREAM_TIMEOUT', attempts: 3 });
  });
});

describe('the callee is down', () => {
  test('503 UPSTREAM_UNAVAILABLE within the deadline, after retrying the refused connections', async () => {
    await callee.stop();
    const token = caller.token('alice');
    const started = Date.now();
    await expectPymError(get('/v1/relay/items/42', { authorization: `Bearer ${token}`, 'x-request-id': 'req-down' }), 503, 'UPSTREAM_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(4000);
    const failed = await caller.waitForLog((record) => record.msg?.startsWith('client call failed') && record.requestId === 'req-down');
    expect(failed).toMatchObject({ level: 40, code: 'UPSTREAM_UNAVAILABLE', attempts: 3 });
    expect(failed.msg).toContain('ECONNREFUSED');
  });
});
