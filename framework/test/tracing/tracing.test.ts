// OpenTelemetry: with an SDK registered, a request, the enqueue it makes and the task run in a worker process form one trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { loadConfig } from '../../src/config/load-config';
import { createApp, type PymApp } from '../../src/http/create-app';
import { createLogger } from '../../src/logging/logger';
import { createTaskFixture, killAll, post, startWorkerProcess, tokenFor, uniqueTag, type TaskFixture, type WorkerProcess } from '../tasks-integration/tasks-harness';

// A worker process is spawned.
jest.setTimeout(90_000);

const PRELOAD = path.resolve(__dirname, '../fixtures/tracing/register-file-exporter.js');
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const spansFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pym-spans-')), 'worker-spans.jsonl');
const logLines: Record<string, any>[] = [];

let fixture: TaskFixture;
let worker: WorkerProcess;
let pymApp: PymApp;
let server: Server;
let url: string;

/** Serve the tasks fixture in this process (whose SDK records into `exporter`), with `overrides` over its config. */
async function serveFixture(overrides: Record<string, unknown> = {}) {
  const config = loadConfig({ configPath: fixture.configPath, env: 'test', environment: {}, overrides: { log_level: 'debug', ...overrides } });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line));
      callback();
    },
  });
  const app = await createApp({ config, logger: createLogger({ level: 'debug', destination }) });
  const listening = await new Promise<Server>((resolve) => {
    const created = app.app.listen(0, '127.0.0.1', () => resolve(created));
  });
  return { app, server: listening, url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  provider.register();
  fixture = createTaskFixture();
  worker = await startWorkerProcess(fixture, { NODE_OPTIONS: `--require ${PRELOAD}`, PYM_TEST_SPANS_FILE: spansFile });
  ({ app: pymApp, server, url } = await serveFixture());
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await pymApp?.close();
  await killAll(worker ? [worker] : []);
  await fixture?.close();
  await provider.shutdown();
  trace.disable();
  fs.rmSync(path.dirname(spansFile), { recursive: true, force: true });
});

beforeEach(() => exporter.reset());

interface FileSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: SpanStatusCode };
}

function workerSpans(): FileSpan[] {
  if (!fs.existsSync(spansFile)) return [];
  return fs.readFileSync(spansFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as FileSpan);
}

const only = (spans: ReadableSpan[], name: string) => {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0];
};

test('request → enqueue → worker run: one trace across two processes, continuing the caller’s traceparent', async () => {
  const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpanId = '00f067aa0ba902b7';
  const tag = uniqueTag('traced');
  const reply = await post(url, '/v1/observe', { tag }, { token: tokenFor('tracer'), traceparent: `00-${callerTraceId}-${callerSpanId}-01` });
  expect(reply.status).toBe(202);
  expect(reply.headers.get('traceparent')).toBeNull(); // not echoed: the trace id is on the log lines
  expect(await fixture.jobOutcome(reply.body.task.id)).toEqual({ state: 'completed' });

  const spans = exporter.getFinishedSpans();
  const request = only(spans, 'POST /v1/observe');
  expect(request.kind).toBe(SpanKind.SERVER);
  expect(request.spanContext().traceId).toBe(callerTraceId);
  expect(request.parentSpanContext?.spanId).toBe(callerSpanId);
  expect(request.attributes).toMatchObject({
    'http.request.method': 'POST',
    'http.route': '/v1/observe',
    'http.response.status_code': 202,
    'url.path': '/v1/observe',
    'pym.operation_id': 'enqueueObserve',
  });
  const send = only(spans, 'send Probe.observe');
  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(send.spanContext().traceId).toBe(callerTraceId);
  expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  expect(send.attributes).toMatchObject({ 'messaging.destination.name': 'tasks', 'messaging.message.id': reply.body.task.id, 'pym.task': 'Probe.observe' });

  const run = workerSpans().filter((span) => span.name === 'process Probe.observe' && span.attributes['messaging.message.id'] === reply.body.task.id);
  expect(run).toEqual([
    expect.objectContaining({ kind: SpanKind.CONSUMER, traceId: callerTraceId, parentSpanId: send.spanContext().spanId, status: { code: SpanStatusCode.UNSET } }),
  ]);
  expect(run[0].attributes).toMatchObject({ 'pym.task.outcome': 'completed', 'pym.task.attempt': 1 });

  // Log lines written while the request's span is open carry its ids; so does the worker's line of the job.
  const enqueuedLine = logLines.find((line) => line.msg === 'task enqueued' && line.jobId === reply.body.task.id);
  expect(enqueuedLine).toMatchObject({ traceId: callerTraceId, spanId: request.spanContext().spanId });
  const jobLine = JSON.parse(await worker.waitForLine((line) => line.includes(reply.body.task.id) && line.includes('"outcome":"completed"')));
  expect(jobLine).toMatchObject({ traceId: callerTraceId, spanId: run[0].spanId });
});

test('without a traceparent the request starts a trace; a 404 is a span named by its method alone', async () => {
  expect((await fetch(`${url}/nowhere/1`)).status).toBe(404);
  const [notFound] = exporter.getFinishedSpans();
  expect(notFound.name).toBe('GET');
  expect(notFound.parentSpanContext).toBeUndefined();
  expect(notFound.attributes['http.route']).toBeUndefined();
  expect(notFound.attributes['http.response.status_code']).toBe(404);
  expect(notFound.status.code).toBe(SpanStatusCode.UNSET);
});

test('tracing.enabled: false: no span at all, even with an SDK registered', async () => {
  const off = await serveFixture({ tracing: { enabled: false } });
  try {
    expect((await fetch(`${off.url}/ping`)).status).toBe(200);
    expect(exporter.getFinishedSpans()).toEqual([]);
  } finally {
    off.server.closeAllConnections();
    await new Promise((resolve) => off.server.close(resolve));
  }
});
