// Middleware: one OpenTelemetry server span per request, named by its route, continuing the caller's trace.
import { context, INVALID_SPAN_CONTEXT, propagation, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { currentContext } from '../context/request-context';
import { getMatchedOperation } from '../http/pym-request';
import { TRACER_NAME } from './pym-tracer';
import { contextFromTraceparent, spanContextFromTraceparent } from './traceparent';

/**
 * Where every copy of OpenTelemetry's API (major version 1) in the process keeps what was registered (tracer provider,
 * propagator, context manager): the API's own cross-copy contract, not a public export. Nothing under `trace` and
 * `propagation` means no SDK, known without the API's calls; `no-sdk.test.ts` registers an SDK after an app is built
 * and fails if this key stops seeing it.
 */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * True while no OpenTelemetry SDK is registered: the global tracer provider is the API's proxy with nothing behind it
 * (every span it starts is a no-op), and the propagator is the no-op one. Checked on every request (an SDK may
 * register after the app is built), so the common case (nothing registered at all) is one property read.
 */
function noSdk(): boolean {
  const registered = (globalThis as { [OTEL_API_GLOBAL]?: { trace?: unknown; propagation?: unknown } })[OTEL_API_GLOBAL];
  if (registered?.trace === undefined && registered?.propagation === undefined) return true;
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegateTracer(TRACER_NAME) === undefined && propagation.fields().length === 0;
}

/** The span of a request without a traceparent when no SDK is registered: no trace, nothing recorded, so one for all. */
const NO_TRACE_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Starts a span per request (HTTP server semantic conventions: `GET /v1/books/{id}`, `http.route`, status; 5xx set
 * the span's status to error). Its parent is the caller's `traceparent` (through the propagator the SDK registered,
 * else pym's own reading of it); when a span is already active (an HTTP instrumentation made one), pym's becomes
 * its child, of kind internal. The span is the request context's (`span`) and the active one while the request is
 * handled, so that spans a handler makes, and tasks it enqueues, belong to the same trace.
 */
export function traceRequest(tracer: Tracer): RequestHandler {
  return function traceRequestMiddleware(req, res, next) {
    const pym = currentContext();
    if (noSdk()) {
      // The span the API's no-op tracer would start, without the work around it: a non-recording span carrying the
      // caller's traceparent (its ids go on log lines), else none; it records nothing, so nothing to do at the end.
      // Not made the active OpenTelemetry context: without an SDK the API's context manager is the no-op one (a
      // context manager registered on its own, with no tracer provider nor propagator, would not see this span).
      if (pym) pym.span = pym.traceparent === undefined ? NO_TRACE_SPAN : trace.wrapSpanContext(spanContextFromTraceparent(pym.traceparent) ?? INVALID_SPAN_CONTEXT);
      return next();
    }
    const active = context.active();
    const instrumented = trace.getSpan(active) !== undefined;
    let parent = active;
    if (!instrumented) {
      parent = propagation.extract(active, req.headers);
      if (trace.getSpanContext(parent) === undefined) parent = contextFromTraceparent(pym?.traceparent, parent);
    }
    const span = tracer.startSpan(
      req.method,
      {
        kind: instrumented ? SpanKind.INTERNAL : SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': req.path, 'url.scheme': req.protocol, 'pym.request_id': pym?.requestId },
      },
      parent,
    );
    if (pym) pym.span = span;
    res.once('close', () => {
      const matched = getMatchedOperation(req)?.operation;
      if (matched) {
        span.updateName(`${req.method} ${matched.fullPath}`);
        span.setAttributes({ 'http.route': matched.fullPath, 'pym.operation_id': matched.operationId });
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute('error.type', String(res.statusCode));
      else if (!res.writableFinished) span.setAttribute('error.type', 'aborted');
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
