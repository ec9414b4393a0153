// What tasks report to an app's or a worker's telemetry: metrics, and OpenTelemetry spans of enqueues and runs.
import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { currentContext } from '../context/request-context';
import type { PymMetrics, TaskOutcome } from '../metrics/pym-metrics';
import { contextFromTraceparent } from '../tracing/traceparent';

/** An app's or a worker's metrics and tracer (each absent when turned off in the config). */
export interface TaskTelemetry {
  readonly metrics?: PymMetrics;
  readonly tracer?: Tracer;
}

/** Messaging semantic conventions shared by the producer and consumer spans. */
function messagingAttributes(task: string, queue: string, jobId: string) {
  return { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.message.id': jobId, 'pym.task': task };
}

/**
 * The producer span of an enqueue (`send <task>`), child of the current request's or task's span (else of the active
 * OpenTelemetry context): its traceparent is what the envelope carries to the worker.
 */
export function startEnqueueSpan(tracer: Tracer, task: string, queue: string, jobId: string): Span {
  const own = currentContext()?.span;
  const parent = own ? trace.setSpan(context.active(), own) : context.active();
  return tracer.startSpan(
    `send ${task}`,
    { kind: SpanKind.PRODUCER, attributes: { ...messagingAttributes(task, queue, jobId), 'messaging.operation.type': 'send' } },
    parent,
  );
}

/** The consumer span of one attempt (`process <task>`), continuing the trace of the envelope's traceparent. */
export function startRunSpan(tracer: Tracer, task: string, queue: string, jobId: string, attempt: number, traceparent: string | undefined): Span {
  return tracer.startSpan(
    `process ${task}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...messagingAttributes(task, queue, jobId), 'messaging.operation.type': 'process', 'pym.task.attempt': attempt },
    },
    contextFromTraceparent(traceparent),
  );
}

/** End a task span with its outcome (`failed`, `retried`, `rejected`: error status, with the error code as `error.type`). */
export function endTaskSpan(span: Span | undefined, outcome: TaskOutcome | 'enqueued' | 'enqueue_failed', errorCode?: string): void {
  if (!span) return;
  span.setAttribute('pym.task.outcome', outcome);
  if (errorCode !== undefined) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute('error.type', errorCode);
  span.end();
}

/** `{ traceId, spanId }` of a span for a log line written after it ended; empty without a valid one. */
export function spanIds(span: Span | undefined): { traceId?: string; spanId?: string } {
  const ids = span?.spanContext();
  return ids && isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : {};
}
