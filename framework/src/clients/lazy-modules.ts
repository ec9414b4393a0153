// undici and @opentelemetry/api, loaded on a service's first call to another: a process that makes none (a CLI
// command, a service without clients) does not pay their load time (~0.1–0.3 s of CPU) at startup.
import type * as Undici from 'undici';
import type * as OpenTelemetry from '@opentelemetry/api';

/** The undici module (required once; Node caches it). */
export function undici(): typeof Undici {
  return require('undici') as typeof Undici;
}

/** The @opentelemetry/api module (required once; Node caches it). */
export function openTelemetry(): typeof OpenTelemetry {
  return require('@opentelemetry/api') as typeof OpenTelemetry;
}
