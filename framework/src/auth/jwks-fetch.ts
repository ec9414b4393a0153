// fetchJwks: GET an identity provider's JSON Web Key Set, bounded in time and size, no redirects (jwks-rsa's fetcher).

/** The largest key set read, in bytes (a provider's holds a few keys: ~1–10 KB). */
export const MAX_JWKS_BYTES = 256 * 1024;

/** Why a key set could not be had (its message names the URL and the reason, never a token). */
export class JwksUnavailableError extends Error {
  constructor(uri: string, reason: string, options?: { cause?: unknown }) {
    super(`the key set at ${uri} ${reason}`, options);
    this.name = 'JwksUnavailableError';
  }
}

/**
 * The `keys` of the JWKS at `uri`. The whole exchange (connection, status, body) must end within `timeoutMs`; a
 * redirect is refused (it could lead off https, and the configured URL should be the provider's own); the body is
 * cut at MAX_JWKS_BYTES.
 *
 * @throws JwksUnavailableError when the endpoint is unreachable, slow, answers other than 2xx, or not a key set.
 * @example
 * const { keys } = await fetchJwks('https://idp.example.com/.well-known/jwks.json', 5000);
 */
export async function fetchJwks(uri: string, timeoutMs: number): Promise<{ keys: unknown[] }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(uri, { redirect: 'manual', signal, headers: { accept: 'application/json, application/jwk-set+json' } });
  } catch (error) {
    throw new JwksUnavailableError(uri, signal.aborted ? `did not answer within ${timeoutMs} ms` : `is unreachable (${reasonOf(error)})`, { cause: error });
  }
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    const redirect = response.status >= 300 && response.status < 400 ? ' (a redirect, which is not followed: configure the final URL)' : '';
    throw new JwksUnavailableError(uri, `answered HTTP ${response.status}${redirect}`);
  }
  let text: string;
  try {
    text = await readCapped(response, MAX_JWKS_BYTES);
  } catch (error) {
    throw new JwksUnavailableError(uri, signal.aborted ? `did not send its body within ${timeoutMs} ms` : reasonOf(error), { cause: error });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new JwksUnavailableError(uri, 'did not answer JSON');
  }
  const keys = typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new JwksUnavailableError(uri, 'did not answer a key set ({"keys": [...]})');
  // jwks-rsa reads fields of each key: anything but an object is dropped here rather than crash it.
  return { keys: keys.filter((key) => typeof key === 'object' && key !== null && !Array.isArray(key)) };
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new Error(`sent ${declared} bytes, more than ${maxBytes}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`sent more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message; // e.g. fetch's "bad port"
  return error instanceof Error ? error.message : String(error);
}
