// The headers a call carries from its context: the caller's token (refreshed in a long task), request id, trace.
import type { PymConfig } from '../config/config-schema';
import { currentContext, type RequestContext } from '../context/request-context';
import { currentJob } from '../tasks/job-context';
import { refreshedIdentity } from '../tasks/task-context';
import { traceHeaders } from './trace-headers';

/** A task's token is replaced when it expires within this many seconds (the call, and its retries, need it valid). */
const REFRESH_MARGIN_SECONDS = 30;

/**
 * The context's token for a call. In a task run by a worker, a token that expired (or is about to) while the
 * task ran is replaced by a fresh one with the same subject and claims (`async.refresh_expired_tokens`), and the
 * task's context keeps it for its next calls. A request's token is sent as it came.
 */
function currentToken(context: RequestContext, config: PymConfig, now: number): string | undefined {
  const exp = context.claims?.exp;
  // Without jwt_secret (a service accepting only its identity providers' tokens) nothing can be minted: sent as it is.
  if (!context.token || !currentJob() || typeof exp !== 'number' || !config.async.refresh_expired_tokens || !config.jwt_secret) return context.token;
  if (exp - REFRESH_MARGIN_SECONDS > now / 1000 || context.claims?.sub === undefined) return context.token;
  const fresh = refreshedIdentity(context.claims!, config);
  context.token = fresh.token;
  context.claims = fresh.claims;
  return fresh.token;
}

/**
 * `Authorization` (when `forwardIdentity` and the current request or task has a token), `X-Request-Id` and the
 * trace headers of the current context. Outside any context: the trace headers of an active OpenTelemetry span,
 * if any, and nothing else (wrap the call in `withBackendToken` to call as the service).
 */
export function contextHeaders(config: PymConfig, forwardIdentity: boolean, now = Date.now()): Record<string, string> {
  const context = currentContext();
  const headers: Record<string, string> = { ...traceHeaders(context?.traceparent) };
  if (!context) return headers;
  if (context.requestId) headers['x-request-id'] = context.requestId;
  const token = forwardIdentity ? currentToken(context, config, now) : undefined;
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}
