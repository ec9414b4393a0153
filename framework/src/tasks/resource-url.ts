// Where a task may point its client (setResourceUrl → Location): a path on this service, or a URL on live_url's origin.

/**
 * Why `url` may not be a task's resource URL, or undefined when it may: a path on this service (`/v1/reports/2024`,
 * never `//host` or `/\host`, which browsers read as another host), or an absolute http(s) URL on the origin of
 * `liveUrl` (the config's `live_url`). No control characters (a Location header carries it).
 */
export function resourceUrlProblem(url: unknown, liveUrl: string | undefined): string | undefined {
  if (typeof url !== 'string' || url === '') return 'it is not a non-empty string';
  if (url.length > 2048) return 'it is longer than 2048 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url)) return 'it holds control characters';
  if (url.startsWith('/')) {
    if (url.startsWith('//') || url.startsWith('/\\')) return 'it names another host (a path must not start with // or /\\)';
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is neither a path starting with / nor an absolute URL';
  }
  if (!liveUrl) return 'it is an absolute URL, and the config has no live_url whose origin it could be on';
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== new URL(liveUrl).origin || parsed.username || parsed.password) {
    return `it is not on this service's origin (live_url ${new URL(liveUrl).origin})`;
  }
  return undefined;
}
