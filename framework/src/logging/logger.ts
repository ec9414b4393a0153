// The pino logger: JSON in production, readable in a dev terminal, request and trace ids on every line, secrets scrubbed.
import { isSpanContextValid } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { currentAppScope, currentContext } from '../context/request-context';
import { getScriptScope } from '../context/script-scope';
import { forgetRedisCommandArgs } from '../errors/forget-redis-command-args';
import { REDACTED_PATHS, createLineScrubber } from './redact';

export type { Logger } from 'pino';

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Minimum level. @defaultValue `info` */
  level?: string;
  /** Human-readable lines instead of JSON, when the service installed pino-pretty. @defaultValue false */
  pretty?: boolean;
  /** Values never to print (configured secrets). @defaultValue [] */
  secretValues?: readonly string[];
  /** Where lines go. @defaultValue stdout */
  destination?: NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ service: 'books' }`. */
  base?: Record<string, unknown>;
}

/**
 * Create a logger whose lines carry the current request id and never a token or a configured secret.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = createLineScrubber(options.secretValues ?? []);
  const pretty = options.pretty ? loadPinoPretty() : undefined;
  const stream = pretty
    ? pretty({ sync: true, destination: options.destination ?? process.stdout, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    : (options.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? {},
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      serializers: { err: serializeError },
      mixin() {
        const context = currentContext();
        if (!context) return {};
        const span = context.span?.spanContext();
        // The ids of pym's open span (request or task run); without an OpenTelemetry SDK, the caller's traceparent's.
        return span && isSpanContextValid(span) ? { requestId: context.requestId, traceId: span.traceId, spanId: span.spanId } : { requestId: context.requestId };
      },
      hooks: {
        streamWrite: scrub,
      },
    },
    stream,
  );
}

/**
 * pino-pretty when the service installed it (a dev dependency: readable lines are a convenience of a developer's
 * terminal), else undefined and the lines stay JSON. Not a dependency or peer of the framework: npm would then keep it
 * in a service's `--omit=dev` install.
 */
function loadPinoPretty(): typeof import('pino-pretty') | undefined {
  let resolved: string;
  try {
    resolved = require.resolve('pino-pretty', { paths: [process.cwd(), __dirname] });
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolved) as typeof import('pino-pretty');
}

/** pino's error serializer, after dropping the arguments of any Redis command attached to the error (or its causes). */
function serializeError(error: unknown): unknown {
  forgetRedisCommandArgs(error);
  return pino.stdSerializers.err(error as Error);
}

let fallbackLogger: Logger | undefined;

/**
 * The logger of the app whose request or task is running; outside any, the script config's (see `setConfig`), else
 * a default JSON logger to stdout.
 */
export function getLogger(): Logger {
  const scope = currentAppScope() ?? getScriptScope();
  if (scope) return scope.logger;
  fallbackLogger ??= createLogger();
  return fallbackLogger;
}
