// The ETag of a reply: Express's default weak ETag, computed with one hashing call instead of a Hash object per reply.
import crypto from 'node:crypto';

/** Express's weak ETag of an empty body. */
const EMPTY = 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

/** SHA-1 of `data` in base64: `crypto.hash` (Node ≥ 20.12) where there is one. */
const sha1Base64: (data: Buffer) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'base64')
    : (data) => crypto.createHash('sha1').update(data).digest('base64');

/**
 * The ETag Express 5 sets by default (`etag` setting `weak`: the etag package's `W/"<length in hex>-<SHA-1 in
 * base64, 27 characters>"` of the body's bytes), the same string for the same body, without a Hash object and an
 * fs.Stats check per reply. pym installs it as the app's `etag` setting; a service may set its own.
 *
 * @example
 * weakEtag(Buffer.from('{}')) // 'W/"2-vyGp6PvFo4RvsFtPoIWeCReyIC8"'
 */
export function weakEtag(body: Buffer | string, encoding?: BufferEncoding): string {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, encoding);
  if (bytes.length === 0) return EMPTY;
  return `W/"${bytes.length.toString(16)}-${sha1Base64(bytes).substring(0, 27)}"`;
}
