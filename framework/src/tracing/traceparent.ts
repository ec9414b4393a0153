// W3C traceparent ⇄ OpenTelemetry span context: how a task's envelope carries its trace from the enqueue to the worker.
import { ROOT_CONTEXT, trace, isSpanContextValid, type Context, type SpanContext } from '@opentelemetry/api';

/** W3C trace context: version, trace id, parent id, flags (lowercase hex; an all-zero id is invalid). */
export const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The `traceparent` of a span context, or undefined when it is not valid (no trace). */
export function toTraceparent(spanContext: SpanContext): string | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The (remote) span context `traceparent` names; undefined when it is absent or malformed. */
export function spanContextFromTraceparent(traceparent: string | undefined): SpanContext | undefined {
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return undefined;
  const [, traceId, spanId, flags] = traceparent.split('-');
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
}

/** A context whose (remote) parent is `traceparent`'s span; `base` (root by default) when it is absent or malformed. */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const spanContext = spanContextFromTraceparent(traceparent);
  return spanContext ? trace.setSpanContext(base, spanContext) : base;
}
