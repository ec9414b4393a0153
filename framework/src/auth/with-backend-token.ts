// withBackendToken: run code as the service itself, with a freshly minted token in the context.
import { getConfig } from '../config/config-store';
import { currentContext, runWithContext, type ContextState } from '../context/request-context';
import { requestIdFrom } from '../context/request-id';
import { mintToken } from './generate-token';
import { jwtSettingsFrom } from './jwt-settings';

/** Options of withBackendToken. */
export interface BackendTokenOptions {
  /** The token's `sub`. @defaultValue `default_user_id` of the config */
  userId?: string;
  /** Extra claims of the token (see GenerateTokenOptions.data). */
  data?: Record<string, unknown>;
}

/**
 * Run `fn` with a freshly minted service token: inside, getUserId(), getUserToken() and
 * getUserTokenData() describe that token, and tasks enqueued carry it. The rest of the current
 * context (request id, method, url, traceparent) is kept; outside any context a new request id
 * is minted. The previous context is back once `fn` returns (or its promise settles).
 *
 * @throws Error when neither `options.userId` nor `default_user_id` is set, or `jwt_secret` is missing.
 * @example
 * await withBackendToken({ data: { role: 'service' } }, () => Tasks.rebuildIndex());
 */
export function withBackendToken<T>(options: BackendTokenOptions, fn: () => T): T {
  const config = getConfig();
  const userId = options.userId ?? config.default_user_id;
  if (userId === undefined || userId === '') {
    throw new Error(
      `withBackendToken needs a user id: pass { userId } or set default_user_id in ${config.file}`,
    );
  }
  const { token, claims } = mintToken(jwtSettingsFrom(config), userId, { data: options.data });
  const base: ContextState = currentContext() ?? { requestId: requestIdFrom(undefined), method: '', url: '' };
  return runWithContext({ ...base, token, claims }, fn);
}
