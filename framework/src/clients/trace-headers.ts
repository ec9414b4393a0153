// The W3C trace context a call carries: OpenTelemetry's when an SDK is active, else a child of the request's traceparent.
import { randomBytes } from 'node:crypto';
import { openTelemetry } from './lazy-modules';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * `traceparent` (and `tracestate`) for an outgoing call. With an OpenTelemetry SDK registered, its propagator
 * writes the active span's context (the API is a no-op without one). Otherwise the call is a child of `parent`
 * (the request's, or the enqueuing request's, `traceparent`): same trace id and flags, a new span id. Neither:
 * no trace headers.
 *
 * @example
 * traceHeaders('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
 * // { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-<16 new hex digits>-01' }
 */
export function traceHeaders(parent: string | undefined): Record<string, string> {
  const carrier: Record<string, string> = {};
  const { context, propagation } = openTelemetry();
  propagation.inject(context.active(), carrier);
  if (typeof carrier.traceparent === 'string' && TRACEPARENT.test(carrier.traceparent)) {
    return carrier.tracestate ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : { traceparent: carrier.traceparent };
  }
  const child = parent === undefined ? undefined : childTraceparent(parent);
  return child ? { traceparent: child } : {};
}

/** A traceparent in the same trace as `parent`, with a new span id; undefined for a malformed one. */
export function childTraceparent(parent: string): string | undefined {
  const match = TRACEPARENT.exec(parent);
  if (!match) return undefined;
  let spanId: string;
  do spanId = randomBytes(8).toString('hex');
  while (spanId === '0000000000000000');
  return `00-${match[2]}-${spanId}-${match[4]}`;
}
