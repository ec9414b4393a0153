// One client call: build the request with the context's headers, send it, retry what may be retried, read or throw the reply.
import { setTimeout as sleep } from 'node:timers/promises';
import { currentContext } from '../context/request-context';
import { getLogger } from '../logging/logger';
import { displayPath } from '../openapi/spec-error';
import { currentJob } from '../tasks/job-context';
import { buildRequest, type ClientInput } from './build-request';
import { contextHeaders } from './call-headers';
import { publishAttempt, publishCall, type ClientAttemptEvent } from './client-events';
import type { ClientsRuntime, LoadedClient } from './clients-runtime';
import { errorReply, successReply, type ClientReply, type ReplySource } from './read-reply';
import { isPymError } from '../errors/pym-error';
import { RemoteError, UpstreamTimeout, UpstreamUnavailable } from './remote-error';
import { isIdempotent, isRetryable, parseRetryAfter, retryDelay, type AttemptOutcome, type RetrySettings } from './retry-policy';
import { errorCode, sendAttempt, type AttemptResult, type Failure, type PreparedRequest } from './send-attempt';

/** Options of one call, winning over the client's config. */
export interface CallOptions {
  /** Milliseconds one attempt may take. @defaultValue the client's `timeout` */
  timeout?: number;
  /** Milliseconds to open a connection. @defaultValue the client's `connect_timeout` */
  connectTimeout?: number;
  /** Milliseconds the whole call may take, retries included. @defaultValue the client's `deadline` */
  deadline?: number;
  /** Attempts in all (1: no retry). @defaultValue the client's `retry.attempts` */
  attempts?: number;
  /**
   * Sends `Idempotency-Key`, which makes a POST retryable: a key of yours, or `true` for
   * `<key>:<operationId>` where `<key>` is the current request's `Idempotency-Key`, or in a task its task id
   * (a retried task then repeats the same key). `true` with neither sends none.
   */
  idempotencyKey?: string | true;
  /** More headers; they win over every other. */
  headers?: Record<string, string>;
  /** Aborts the call (its reason is thrown). */
  signal?: AbortSignal;
}

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function idempotencyKeyOf(option: string | true | undefined, operationId: string): string | undefined {
  if (option !== true) return option;
  const base = currentContext()?.idempotencyKey ?? currentJob()?.jobId;
  return base ? `${base}:${operationId}` : undefined;
}

function outcomeOf(result: AttemptResult): AttemptOutcome {
  if ('raw' in result) return { kind: 'reply', status: result.raw.status, retryAfterMs: parseRetryAfter(result.raw.headers.get('retry-after')) };
  return { kind: result.failure === 'not-connected' || result.failure === 'connect-timeout' ? 'not-connected' : 'failed' };
}

/** The error of a call whose last attempt got no reply. */
function failureError(client: LoadedClient, source: ReplySource, result: { failure: Failure; error?: unknown }, timeoutMs: number, deadlineHit: boolean): RemoteError {
  const where = `${client.name}.${source.operation.operationId} (${source.operation.label})`;
  const options = { service: client.name, operation: source.operation.operationId, attempts: source.attempts, cause: result.error };
  switch (result.failure) {
    case 'timeout':
      return new UpstreamTimeout(`${where}: no reply within ${deadlineHit ? `the call's deadline` : `${timeoutMs} ms`}`, options);
    case 'connect-timeout':
      return new UpstreamTimeout(`${where}: no connection within the connect timeout`, options);
    default:
      return new UpstreamUnavailable(`${where}: ${result.failure === 'not-connected' ? 'could not connect' : 'the connection failed'} (${errorCode(result.error) ?? 'network error'})`, options);
  }
}

/**
 * Call `operationId` of client `name` with `input`, as the current request or task (see `contextHeaders`):
 * attempts retried per the retry policy within the deadline, each attempt logged at debug, a final failure at
 * warn; both published on the `pym:client:*` diagnostics channels.
 *
 * @throws RemoteError (or a subclass) when the call fails; ClientInputError for input the operation cannot take;
 *   the signal's reason when `options.signal` aborts.
 */
export async function callOperation(runtime: ClientsRuntime, name: string, operationId: string, input: ClientInput = {}, options: CallOptions = {}): Promise<ClientReply> {
  const client = runtime.client(name);
  if (!client) throw new Error(`client ${name} is not configured: add clients.${name} to ${runtime.config.file}, or run \`pym gen\` to remove its stale module`);
  const operation = client.operations.get(operationId);
  if (!operation) {
    throw new Error(`client ${name}: operation ${operationId} is not in its spec ${displayPath(client.spec.file)}; the generated client is stale: run \`pym gen\``);
  }
  const config = client.options;
  const timeoutMs = options.timeout ?? config.timeout;
  const deadlineAt = Date.now() + (options.deadline ?? config.deadline);
  const retry: RetrySettings = { attempts: options.attempts ?? config.retry.attempts, minDelayMs: config.retry.min_delay, maxDelayMs: config.retry.max_delay };
  const built = buildRequest(config.base_url, operation, input, name);

  const key = idempotencyKeyOf(options.idempotencyKey, operationId);
  const headers = {
    ...lowerCased(config.headers),
    ...built.headers,
    ...contextHeaders(runtime.config, config.forward_identity),
    ...(key ? { 'idempotency-key': key } : {}),
    ...lowerCased(options.headers),
  };
  const credentials = new Set(['authorization', 'cookie', 'proxy-authorization', ...Object.keys(lowerCased(config.headers)), ...Object.keys(lowerCased(options.headers))]);
  const idempotent = isIdempotent(operation.method, headers['idempotency-key'] !== undefined);
  const request: PreparedRequest = { method: operation.method.toUpperCase(), url: built.url, headers, body: built.body };
  const agent = runtime.agent(name, options.connectTimeout ?? config.connect_timeout);
  const logger = getLogger();
  const base = { client: name, operation: operationId, method: request.method, path: operation.fullPath };
  const started = Date.now();
  const source: ReplySource = { service: name, operation, attempts: 0 };
  const finish = (outcome: string, status?: number) =>
    publishCall(() => ({ service: runtime.config.name, client: name, operation: operationId, method: request.method, attempts: source.attempts, status, outcome, durationMs: Date.now() - started }));

  for (;;) {
    source.attempts++;
    const attemptStarted = Date.now();
    const remaining = deadlineAt - attemptStarted;
    const attemptTimeout = Math.max(1, Math.min(timeoutMs, remaining));
    const result = await sendAttempt(agent, request, attemptTimeout, credentials, options.signal);
    const outcome = outcomeOf(result);
    const retryAfter = outcome.kind === 'reply' ? outcome.retryAfterMs : undefined;
    const succeeded = 'raw' in result && result.raw.status >= 200 && result.raw.status < 300;
    const delay = !succeeded && source.attempts < retry.attempts && isRetryable(outcome, idempotent) ? retryDelay(source.attempts, retry, retryAfter) : undefined;
    const willRetry = delay !== undefined && Date.now() + delay < deadlineAt;
    const event: ClientAttemptEvent = {
      service: runtime.config.name,
      client: name,
      operation: operationId,
      method: request.method,
      attempt: source.attempts,
      ...('raw' in result ? { status: result.raw.status } : { failure: result.failure === 'connect-timeout' ? 'timeout' : result.failure }),
      durationMs: Date.now() - attemptStarted,
      retry: willRetry,
    };
    const errorName = 'raw' in result ? undefined : errorCode(result.error);
    logger.debug({ ...base, attempt: event.attempt, status: event.status, failure: event.failure, error: errorName, ms: event.durationMs, retryInMs: willRetry ? delay : undefined }, 'client call attempt');
    publishAttempt(() => event);
    if (willRetry) {
      try {
        await sleep(delay, undefined, { signal: options.signal });
      } catch (aborted) {
        throw options.signal?.reason ?? aborted;
      }
      continue;
    }
    let error: RemoteError;
    if ('raw' in result) {
      if (succeeded) {
        try {
          const reply = successReply(source, result.raw);
          finish('ok', reply.status);
          return reply;
        } catch (thrown) {
          if (!isPymError(thrown)) throw thrown;
          error = thrown as RemoteError;
        }
      } else error = errorReply(source, result.raw);
    } else error = failureError(client, source, result, attemptTimeout, attemptTimeout < timeoutMs);
    logger.warn(
      { ...base, attempts: source.attempts, status: error.remote?.status, code: error.code, remoteCode: error.remote?.error, remoteErrorId: error.remote?.error_id, ms: Date.now() - started },
      `client call failed: ${error.message}`,
    );
    finish(error.code, error.remote?.status);
    throw error;
  }
}
