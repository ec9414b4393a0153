// HTTP calls of the test kit: a request to a listening test app, its answer as status, headers and parsed body.

/** Options of one request. */
export interface TestRequestOptions {
  /** Sent as `Authorization: Bearer <token>` (see `TestApp.tokenFor`). */
  token?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Query parameters, URL-encoded and appended to the path (`undefined` ones left out). */
  query?: Record<string, string | number | boolean | undefined>;
}

/** A response, read whole. */
export interface TestResponse<T = any> {
  status: number;
  /** The response headers (`headers.get('location')`). */
  headers: Headers;
  /** The body: parsed JSON for a JSON response, else its text; `undefined` when empty. */
  body: T;
  /** The raw body text. */
  text: string;
}

/**
 * Send one request to `baseUrl` + `path`. A `body` is sent as JSON (a model instance through its `toJSON`), with
 * `Content-Type: application/json` unless `headers` says otherwise.
 */
export async function sendRequest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  options: TestRequestOptions = {},
): Promise<TestResponse<T>> {
  const url = new URL(path, baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.append(name, String(value));
  }
  const headers = new Headers(options.headers);
  if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`);
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = /\bjson\b/i.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, body: (text === '' ? undefined : json ? JSON.parse(text) : text) as T, text };
}
