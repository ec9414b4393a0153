// Tracing without an OpenTelemetry SDK: pym skips the span work, and the request's span is still the one the API's
// no-op tracer would give (the caller's trace ids, on every log line); an SDK registered later is used at once.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../src/config/load-config';
import { createAppScope } from '../../src/context/app-scope';
import { currentContext } from '../../src/context/request-context';
import { requestContext } from '../../src/http/request-context.middleware';
import { createLogger } from '../../src/logging/logger';
import { TRACER_NAME } from '../../src/tracing/pym-tracer';
import { traceRequest } from '../../src/tracing/trace-request.middleware';
import { contextFromTraceparent } from '../../src/tracing/traceparent';
import { fixture } from '../config/config-test-helpers';

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const config = loadConfig({ cwd: fixture('minimal'), environment: {} });
const app = express();
app.use(requestContext(createAppScope(config, createLogger({ level: 'silent' }), () => {
  throw new Error('no task backend in this test');
})));
app.use(traceRequest(trace.getTracer(TRACER_NAME)));
app.get('/span', (_req, res) => {
  const span = currentContext()?.span;
  res.json({ recording: span?.isRecording(), spanContext: span?.spanContext() });
});
let server: Server;

beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

async function spanOf(headers: Record<string, string> = {}): Promise<{ recording: boolean; spanContext: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/span`, { headers });
  return (await response.json()) as { recording: boolean; spanContext: Record<string, unknown> };
}

/** What the API's no-op tracer starts for a request with this traceparent (what pym gave before it skipped the work). */
function noopTracerSpan(traceparent?: string) {
  const span = trace.getTracer(TRACER_NAME).startSpan('GET', {}, contextFromTraceparent(traceparent, ROOT_CONTEXT));
  return { recording: span.isRecording(), spanContext: span.spanContext() };
}

test('with a traceparent: a non-recording span carrying the caller’s ids, as the no-op tracer gives', async () => {
  const expected = noopTracerSpan(CALLER);
  expect(expected.spanContext).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
  expect(await spanOf({ traceparent: CALLER })).toEqual(expected);
});

test('without one: a non-recording span with no trace', async () => {
  expect(noopTracerSpan()).toEqual({ recording: false, spanContext: INVALID_SPAN_CONTEXT });
  expect(await spanOf()).toEqual({ recording: false, spanContext: INVALID_SPAN_CONTEXT });
});

test('an SDK registered after the app was built records the next request', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  try {
    const span = await spanOf({ traceparent: CALLER });
    expect(span.recording).toBe(true);
    expect(span.spanContext.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.spanContext.spanId).not.toBe('b7ad6b7169203331');
  } finally {
    trace.disable();
    await provider.shutdown();
  }
});
