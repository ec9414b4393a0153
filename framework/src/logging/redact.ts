// Scrubbing of secrets from log lines: by key path (pino redact) and by value (tokens, configured secrets).

/** Key paths pino removes from every log object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
  'jwt_secret',
  '*.jwt_secret',
  'password',
  '*.password',
];

const BEARER = /(bearer)(\s+|%20)[A-Za-z0-9\-_.~+/=]+/gi;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** `text` with its JWT-looking strings replaced (what an error body may echo of a request: a path, a key…). */
export function scrubJwts(text: string): string {
  return text.replace(JWT, '[Redacted JWT]');
}

/** Escape a string for use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Build a function that replaces bearer tokens, JWT-looking strings and every given secret value
 * (also JSON-escaped) in a serialized log line.
 */
export function createLineScrubber(secretValues: readonly string[]): (line: string) => string {
  const literals = secretValues
    .filter((value) => value.length >= 4)
    .flatMap((value) => [value, JSON.stringify(value).slice(1, -1)])
    .map(escapeRegExp);
  const secrets = literals.length > 0 ? new RegExp([...new Set(literals)].join('|'), 'g') : undefined;
  return (line) => {
    let scrubbed = scrubJwts(line.replace(BEARER, '$1 [Redacted]'));
    if (secrets) scrubbed = scrubbed.replace(secrets, '[Redacted]');
    return scrubbed;
  };
}
