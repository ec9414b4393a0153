// The tracer of an app or a worker: OpenTelemetry's API only, so spans are recorded once the service registers an SDK.
import { trace, type Tracer } from '@opentelemetry/api';
import type { PymConfig } from '../config/config-schema';

/** The instrumentation scope pym's spans are reported under. */
export const TRACER_NAME = '@pym/framework';

/**
 * The tracer pym makes its spans with, or undefined when `tracing.enabled` is false. It is the global provider's
 * (a proxy that delegates to whatever SDK registers, even later): without one, every span is a no-op.
 */
export function pymTracer(config: PymConfig): Tracer | undefined {
  return config.tracing.enabled ? trace.getTracer(TRACER_NAME) : undefined;
}
