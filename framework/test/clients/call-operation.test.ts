// callOperation against hand-written servers: connect timeouts, redirects, replies that break the spec, aborts,
// the diagnostics channels, OpenTelemetry propagation, and the token and idempotency key a task sends.
import diagnostics from 'node:diagnostics_channel';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { context, createTraceState, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import jwt from 'jsonwebtoken';
import { mintToken } from '../../src/auth/generate-token';
import { jwtSettingsFrom } from '../../src/auth/jwt-settings';
import { withBackendToken } from '../../src/auth/with-backend-token';
import { ClientInputError } from '../../src/clients/build-request';
import { callOperation } from '../../src/clients/call-operation';
import { CLIENT_ATTEMPT_CHANNEL, CLIENT_CALL_CHANNEL, type ClientAttemptEvent, type ClientCallEvent } from '../../src/clients/client-events';
import { loadClientSpecs } from '../../src/clients/client-specs';
import { ClientsRuntime } from '../../src/clients/clients-runtime';
import { RemoteError } from '../../src/clients/remote-error';
import type { PymConfig } from '../../src/config/config-schema';
import { loadConfig } from '../../src/config/load-config';
import { runWithContext } from '../../src/context/request-context';
import { createLogger } from '../../src/logging/logger';
import { createAppScope } from '../../src/context/app-scope';
import { setScriptScope } from '../../src/context/script-scope';
import { Model } from '../../src/models/model';
import { registerApiModels } from '../../src/models/model-registry';
import { initialProgress } from '../../src/tasks/job-context';
import { CALLER_CONFIG, sendJson, startRawServer, type RawServer } from './clients-harness';

let server: RawServer;
let other: RawServer;
let silent: net.Server;
const silentSockets: net.Socket[] = [];
let config: PymConfig;
let runtime: ClientsRuntime;
const logs: Record<string, any>[] = [];

const client = (overrides: Record<string, unknown>) => ({ spec: '../callee/apis/callee.yaml', retry: { attempts: 2, min_delay: 10, max_delay: 1500 }, ...overrides });

beforeAll(async () => {
  [server, other] = await Promise.all([startRawServer(), startRawServer()]);
  silent = net.createServer((socket) => silentSockets.push(socket)); // accepts TCP, never answers a TLS hello
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  config = loadConfig({
    configPath: CALLER_CONFIG,
    env: 'dev',
    environment: {},
    overrides: {
      clients: {
        raw: client({ base_url: server.url, headers: { 'X-Api-Key': 'raw-key-1' }, timeout: 2000, deadline: 4000 }),
        tls: client({ base_url: `https://127.0.0.1:${(silent.address() as AddressInfo).port}`, connect_timeout: 200, timeout: 20000, deadline: 20000 }),
      },
    },
  });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line));
      callback();
    },
  });
  // Calls made outside any app's request (or in the contexts below, which name no app) use the script scope.
  setScriptScope(
    createAppScope(config, createLogger({ level: 'debug', destination }), () => {
      throw new Error('no task backend in this test');
    }),
  );
  const specs = await loadClientSpecs(config, []);
  registerApiModels([], config.srcDir, specs.map((spec) => spec.api));
  runtime = new ClientsRuntime(config, specs);
});

afterAll(async () => {
  setScriptScope(undefined);
  await runtime?.close();
  for (const socket of silentSockets) socket.destroy();
  await Promise.all([server?.close(), other?.close(), new Promise((resolve) => silent?.close(resolve))]);
});

beforeEach(() => {
  server.requests.length = 0;
  other.requests.length = 0;
});

const item = { id: '1', name: 'one', createdAt: '2030-01-01T00:00:00.000Z', createdBy: 'x' };

async function rejection(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (error) {
    return error as RemoteError;
  }
  throw new Error('the call succeeded');
}

describe('connect timeout', () => {
  test('a host that never completes the connection fails at connect_timeout, long before timeout; any method is retried', async () => {
    const started = Date.now();
    const error = await rejection(callOperation(runtime, 'tls', 'createItem', { body: { name: 'x' } }));
    // undici checks connect timeouts on a coarse timer (ticks of ~0.5 s): 200 ms fire within ~1.2 s per attempt on a
    // quiet machine; without the connect timeout the call would end at its 20 s deadline, with another message.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(RemoteError);
    expect({ code: error.code, status: error.status, attempts: error.attempts }).toEqual({ code: 'UPSTREAM_TIMEOUT', status: 504, attempts: 2 });
    expect(error.message).toBe('tls.createItem (POST /v1/items): no connection within the connect timeout');
  });
});

describe('redirects', () => {
  test("followed within the origin with every header; to another origin without the token, cookies or the client's headers", async () => {
    server.handle = (request, reply) => {
      if (request.url === '/v1/whoami') reply.writeHead(302, { location: '/v1/whoami-moved' }).end();
      else reply.writeHead(307, { location: `${other.url}/elsewhere` }).end();
    };
    other.handle = (_request, reply) => sendJson(reply, 200, { requestId: 'r', authorized: false });
    const body = await withBackendToken({}, () => callOperation(runtime, 'raw', 'whoami'));
    expect((body.body as Model).getModelName()).toBe('Whoami');
    const [first, second] = server.requests;
    for (const request of [first, second]) {
      expect(request.headers.authorization).toMatch(/^Bearer /);
      expect(request.headers['x-api-key']).toBe('raw-key-1');
    }
    const [moved] = other.requests;
    expect(moved.url).toBe('/elsewhere');
    expect(moved.headers.authorization).toBeUndefined();
    expect(moved.headers['x-api-key']).toBeUndefined();
    expect(moved.headers['x-request-id']).toBe(first.headers['x-request-id']);
  });

  test('a 303 after a POST is followed with a GET and no body', async () => {
    server.handle = (request, reply) => {
      if (request.method === 'POST') reply.writeHead(303, { location: '/v1/items/1' }).end();
      else sendJson(reply, 201, item);
    };
    await callOperation(runtime, 'raw', 'createItem', { body: { name: 'x' } });
    expect(server.requests.map((request) => [request.method, request.url, request.body, request.headers['content-type']])).toEqual([
      ['POST', '/v1/items', '{"name":"x"}', 'application/json'],
      ['GET', '/v1/items/1', '', undefined],
    ]);
  });
});

describe('replies the spec does not declare', () => {
  test.each([
    ['HTML instead of JSON', 200, { 'content-type': 'text/html' }, '<html></html>', 'raw.getItem (GET /v1/items/{itemId}) answered 200: a text/html instead of the JSON its spec declares'],
    ['an undeclared status', 203, { 'content-type': 'application/json' }, JSON.stringify(item), 'raw.getItem (GET /v1/items/{itemId}) answered 203: a status its spec does not declare'],
    ['invalid JSON', 200, { 'content-type': 'application/json' }, '{"id":', 'raw.getItem (GET /v1/items/{itemId}) answered 200: a body that is not valid JSON'],
  ])('%s: UPSTREAM_BAD_RESPONSE naming the operation and the status', async (_case, status, headers, text, message) => {
    server.handle = (_request, reply) => reply.writeHead(status, headers).end(text);
    const error = await rejection(callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }));
    expect({ code: error.code, status: error.status, message: error.message, remoteStatus: error.remote?.status }).toEqual({ code: 'UPSTREAM_BAD_RESPONSE', status: 502, message, remoteStatus: status });
  });

  test('a body its models cannot hold: UPSTREAM_BAD_RESPONSE with the path', async () => {
    server.handle = (_request, reply) => sendJson(reply, 200, { ...item, createdAt: 'yesterday' });
    const error = await rejection(callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.message).toMatch(/answered 200: a body its models cannot hold \(.*createdAt/);
  });

  test("an error that is not pym's shape: UPSTREAM_ERROR with the callee's status and body", async () => {
    server.handle = (_request, reply) => sendJson(reply, 404, { message: 'Not Found' });
    const error = await rejection(callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }));
    expect({ code: error.code, status: error.status, remote: error.remote }).toEqual({ code: 'UPSTREAM_ERROR', status: 502, remote: { status: 404, body: { message: 'Not Found' } } });
  });

  test("a 4xx in pym's shape keeps its code, description, user message and errors[]", async () => {
    server.handle = (_request, reply) =>
      sendJson(reply, 400, { status: 400, error: 'INVALID_PARAMETER', error_description: 'Invalid parameter', user_message: 'Check it', errors: [{ path: '/body/name', message: 'too short' }] });
    const error = await rejection(callOperation(runtime, 'raw', 'createItem', { body: { name: 'x' } }));
    expect({ code: error.code, status: error.status, message: error.message, userMessage: error.userMessage, errors: error.errors, service: error.service, operation: error.operation }).toEqual({
      code: 'INVALID_PARAMETER',
      status: 400,
      message: 'Invalid parameter',
      userMessage: 'Check it',
      errors: [{ path: '/body/name', message: 'too short' }],
      service: 'raw',
      operation: 'createItem',
    });
  });
});

describe('input', () => {
  test('a path parameter is percent-encoded; `.` and `..`, which would climb the path, are refused', async () => {
    server.handle = (_request, reply) => sendJson(reply, 200, item);
    await callOperation(runtime, 'raw', 'getItem', { params: { itemId: 'a/b?c#d' } });
    expect(server.requests.map((request) => request.url)).toEqual(['/v1/items/a%2Fb%3Fc%23d']);
    await expect(callOperation(runtime, 'raw', 'getItem', { params: { itemId: '..' } })).rejects.toThrow(new ClientInputError('raw.getItem: path parameter itemId cannot be ".."'));
    await expect(callOperation(runtime, 'raw', 'getItem', { params: { itemId: '.' } })).rejects.toThrow(ClientInputError);
    expect(server.requests).toHaveLength(1);
  });

  test('a missing path parameter or body is a ClientInputError, nothing sent', async () => {
    await expect(callOperation(runtime, 'raw', 'getItem', {})).rejects.toThrow(new ClientInputError('raw.getItem: path parameter itemId is required'));
    await expect(callOperation(runtime, 'raw', 'createItem', {})).rejects.toThrow(new ClientInputError('raw.createItem: the request body is required'));
    expect(server.requests).toEqual([]);
  });
});

describe('abort', () => {
  test("the caller's signal ends the call with its reason, not retried", async () => {
    const arrived = new Promise<void>((resolve) => (server.handle = () => resolve())); // never answers
    const controller = new AbortController();
    const reason = new Error('the user went away');
    const call = callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }, { signal: controller.signal });
    await arrived;
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});

describe('diagnostics channels (the metrics seam)', () => {
  test('every attempt and the finished call are published', async () => {
    let calls = 0;
    server.handle = (_request, reply) => (++calls === 1 ? sendJson(reply, 503, { status: 503, error: 'BUSY', error_description: 'busy' }) : sendJson(reply, 200, item));
    const attempts: ClientAttemptEvent[] = [];
    const finished: ClientCallEvent[] = [];
    const onAttempt = (event: unknown) => attempts.push(event as ClientAttemptEvent);
    const onCall = (event: unknown) => finished.push(event as ClientCallEvent);
    diagnostics.subscribe(CLIENT_ATTEMPT_CHANNEL, onAttempt);
    diagnostics.subscribe(CLIENT_CALL_CHANNEL, onCall);
    try {
      await callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } });
    } finally {
      diagnostics.unsubscribe(CLIENT_ATTEMPT_CHANNEL, onAttempt);
      diagnostics.unsubscribe(CLIENT_CALL_CHANNEL, onCall);
    }
    const base = { service: 'caller', client: 'raw', operation: 'getItem', method: 'GET' };
    expect(attempts).toEqual([
      { ...base, attempt: 1, status: 503, retry: true, durationMs: expect.any(Number) },
      { ...base, attempt: 2, status: 200, retry: false, durationMs: expect.any(Number) },
    ]);
    expect(finished).toEqual([{ ...base, attempts: 2, status: 200, outcome: 'ok', durationMs: expect.any(Number) }]);
  });
});

describe('trace context', () => {
  afterEach(() => {
    propagation.disable();
    context.disable();
  });

  test("with an OpenTelemetry SDK active, the active span's context is sent (traceparent and tracestate)", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    server.handle = (_request, reply) => sendJson(reply, 200, item);
    const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: false, traceState: createTraceState('vendor=value') };
    const request = { requestId: 'r-otel', method: 'GET', url: '/', traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` };
    await runWithContext(request, () =>
      context.with(trace.setSpanContext(context.active(), spanContext), () => callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } })),
    );
    expect(server.requests[0].headers.traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
    expect(server.requests[0].headers.tracestate).toBe('vendor=value');
  });

  test("without one, a child of the request's traceparent", async () => {
    server.handle = (_request, reply) => sendJson(reply, 200, item);
    await runWithContext({ requestId: 'r-plain', method: 'GET', url: '/', traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-00` }, () =>
      callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }),
    );
    expect(server.requests[0].headers.traceparent).toMatch(new RegExp(`^00-${'c'.repeat(32)}-(?!${'d'.repeat(16)})[0-9a-f]{16}-00$`));
  });
});

describe('in a task', () => {
  const job = { jobId: 'job-77', state: initialProgress(), signal: new AbortController().signal };
  const expired = () => mintToken(jwtSettingsFrom(config), 'carol', { expiresIn: 1, data: { role: 'member' } });
  const past = (minted: ReturnType<typeof expired>) => ({ ...minted, claims: { ...minted.claims, exp: Math.floor(Date.now() / 1000) - 5 } });

  test('an expired token is replaced by a fresh one with the same subject and claims, kept for the next calls', async () => {
    server.handle = (_request, reply) => sendJson(reply, 200, item);
    const context = { requestId: 'r-task', method: 'POST', url: '/v1/x', ...past(expired()), job };
    await runWithContext(context, () => callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }));
    const sent = jwt.decode(server.requests[0].headers.authorization!.slice('Bearer '.length)) as Record<string, unknown>;
    expect(sent).toMatchObject({ sub: 'carol', role: 'member' });
    expect(sent.exp as number).toBeGreaterThan(Date.now() / 1000 + config.async.refreshed_token_lifetime - 10);
    expect(context.token).toBe(server.requests[0].headers.authorization!.slice('Bearer '.length));
  });

  test("outside a task, a request's token is sent as it came", async () => {
    server.handle = (_request, reply) => sendJson(reply, 200, item);
    const context = { requestId: 'r-request', method: 'GET', url: '/', ...past(expired()) };
    const token = context.token;
    await runWithContext(context, () => callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } }));
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${token}`);
  });

  test("idempotencyKey: true is the task's id (or the request's key) with the operationId", async () => {
    server.handle = (_request, reply) => sendJson(reply, 201, item);
    const call = () => callOperation(runtime, 'raw', 'createItem', { body: { name: 'x' } }, { idempotencyKey: true });
    await runWithContext({ requestId: 'r1', method: 'POST', url: '/', job }, call);
    await runWithContext({ requestId: 'r2', method: 'POST', url: '/', idempotencyKey: 'client-key' }, call);
    await runWithContext({ requestId: 'r3', method: 'POST', url: '/' }, call);
    expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual(['job-77:createItem', 'client-key:createItem', undefined]);
  });
});

describe('logging', () => {
  test('each attempt at debug, the final failure at warn, without the token', async () => {
    server.handle = (_request, reply) => sendJson(reply, 502, { status: 502, error: 'UPSTREAM_ERROR', error_description: 'x', error_id: 'e-1' });
    logs.length = 0;
    await withBackendToken({}, () => rejection(callOperation(runtime, 'raw', 'getItem', { params: { itemId: '1' } })));
    expect(logs.map((record) => [record.level, record.msg.split(':')[0], record.attempt ?? record.attempts])).toEqual([
      [20, 'client call attempt', 1],
      [20, 'client call attempt', 2],
      [40, 'client call failed', 2],
    ]);
    expect(logs[2]).toMatchObject({ client: 'raw', operation: 'getItem', method: 'GET', path: '/v1/items/{itemId}', status: 502, code: 'UPSTREAM_ERROR', remoteErrorId: 'e-1' });
    expect(JSON.stringify(logs)).not.toMatch(/eyJ/);
  });
});
