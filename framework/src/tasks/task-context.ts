// Re-create, in the worker, the request context a task was enqueued from (refreshing an expired token).
import { mintToken } from '../auth/generate-token';
import { jwtSettingsFrom } from '../auth/jwt-settings';
import type { PymConfig } from '../config/config-schema';
import type { RequestContext, TokenClaims } from '../context/request-context';
import { TokenExpired } from '../errors/builtin-errors';
import type { TaskContext } from './envelope';

const REGISTERED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti']);

function isExpired(claims: TokenClaims | undefined, now: number): boolean {
  return typeof claims?.exp === 'number' && claims.exp * 1000 <= now;
}

/**
 * The context a task runs in: the caller's request id, method, URL, token and claims. The envelope's seal
 * proves they came from this service, which verified the token when the request came: the worker does not verify it
 * again (so it needs no identity provider's keys). A token that expired while the task waited is not a reason to
 * drop the work: it is replaced by a fresh short-lived token with the same subject and claims
 * (`async.refresh_expired_tokens`, on by default). That token is pym's own, HMAC with `jwt_secret`, whoever issued
 * the caller's: an identity provider's token becomes one with the service's `jwt_issuer`/`jwt_audience` and the
 * provider's non-registered claims. When refreshing is off, or the service has no `jwt_secret`, the task fails with
 * TOKEN_EXPIRED.
 */
export function taskRequestContext(captured: TaskContext, config: PymConfig, now = Date.now()): RequestContext {
  const context: RequestContext = {
    requestId: captured.requestId ?? '',
    method: captured.method ?? '',
    url: captured.url ?? '',
    traceparent: captured.traceparent,
    token: captured.token,
    claims: captured.claims as TokenClaims | undefined,
  };
  if (captured.service) {
    // A scheduled run (see schedules.ts): the service itself, with a token minted now (a stored one would expire).
    if (!config.default_user_id) throw new Error(`A scheduled task runs as the service: set default_user_id in ${config.file}`);
    return { ...context, ...mintToken(jwtSettingsFrom(config), config.default_user_id) };
  }
  if (!captured.token || !isExpired(context.claims, now)) return context;
  if (!config.async.refresh_expired_tokens) {
    throw new TokenExpired("The caller's token expired before the task ran (async.refresh_expired_tokens is off)");
  }
  if (!config.jwt_secret) {
    // An identity provider's token, in a service that accepts only those: there is no key to mint a refreshed one.
    throw new TokenExpired("The caller's token expired before the task ran, and without jwt_secret no refreshed token can be minted");
  }
  return { ...context, ...refreshedIdentity(context.claims ?? {}, config) };
}

/**
 * A fresh token with the subject and the service's claims of `claims`, living `async.refreshed_token_lifetime`
 * seconds: what a task gets for its caller's expired token (also used by clients called from a long task).
 */
export function refreshedIdentity(claims: TokenClaims, config: PymConfig): { token: string; claims: TokenClaims } {
  const data = Object.fromEntries(Object.entries(claims).filter(([name]) => !REGISTERED_CLAIMS.has(name)));
  return mintToken(jwtSettingsFrom(config), String(claims.sub), { expiresIn: config.async.refreshed_token_lifetime, data });
}
