// One HTTP exchange of a client call: undici's fetch with the attempt's timeout, redirects followed without leaking
// credentials to another origin, and a failure without reply classified for the retry rules.
import type { Agent } from 'undici';
import { undici } from './lazy-modules';
import type { RawReply } from './read-reply';

/** Redirect statuses followed (up to MAX_REDIRECTS per attempt). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** How an attempt ended without a reply: no connection made, none within the connect timeout, a connection that failed, the attempt's timeout. */
export type Failure = 'not-connected' | 'connect-timeout' | 'failed' | 'timeout';

/** The callee's reply, or how the attempt failed without one. */
export type AttemptResult = { raw: RawReply } | { failure: Failure; error?: unknown };

/** Error codes of a connection that was never made: the request did not reach the callee. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** What every attempt of a call sends (lower-case header names). */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | FormData;
}

/** The first error code found on an error or its causes (undici wraps socket errors in `fetch failed`). */
export function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const nested = (error as { errors?: unknown[] }).errors;
  return errorCode((error as { cause?: unknown }).cause, depth + 1) ?? (Array.isArray(nested) ? errorCode(nested[0], depth + 1) : undefined);
}

/**
 * Send one attempt within `timeoutMs` (the reply's body read included), following up to MAX_REDIRECTS redirects:
 * to another origin than the request's, without the headers named in `credentials`; a 303, or a 301/302 after a
 * POST, as a GET without body. The caller's `signal` aborting throws its reason.
 */
export async function sendAttempt(agent: Agent, request: PreparedRequest, timeoutMs: number, credentials: ReadonlySet<string>, signal?: AbortSignal): Promise<AttemptResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const origin = new URL(request.url).origin;
  let { method, url, headers, body } = request;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await undici().fetch(url, { method, headers, body, dispatcher: agent, redirect: 'manual', signal: controller.signal });
      const location = response.headers.get('location');
      const next = location && REDIRECTS.has(response.status) && redirects < MAX_REDIRECTS ? new URL(location, url) : undefined;
      if (next && (next.protocol === 'http:' || next.protocol === 'https:')) {
        await response.body?.cancel();
        if (next.origin !== origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !credentials.has(name)));
        if (response.status === 303 || (method === 'POST' && response.status <= 302)) {
          method = 'GET';
          body = undefined;
          const { 'content-type': _type, ...rest } = headers;
          headers = rest;
        }
        url = next.href;
        continue;
      }
      return { raw: { status: response.status, headers: response.headers as unknown as Headers, body: Buffer.from(await response.arrayBuffer()) } };
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) return { failure: 'timeout', error };
    const code = errorCode(error);
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return { failure: 'connect-timeout', error };
    return { failure: code !== undefined && NOT_CONNECTED.has(code) ? 'not-connected' : 'failed', error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
