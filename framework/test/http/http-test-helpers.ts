// Helpers of the HTTP tests: read a pym error response and check its shape.
import type { ErrorBody } from '../../src/errors/format-error';

/** The pieces of a response the tests look at. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty. */
  body: any;
}

/** Read the whole response (text and, when present, JSON). */
export async function read(response: Response): Promise<ReadResponse> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * Fetch and expect a pym JSON error with `status` and `code`: checks the content type, the body's
 * `status`/`error`/`error_description`, and that a 4xx has no `error_id` while a 5xx has a UUID one.
 */
export async function expectPymError(request: Promise<Response>, status: number, code: string): Promise<ReadResponse & { body: ErrorBody }> {
  const response = await read(await request);
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error: code });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body.status).toBe(status);
  expect(typeof response.body.error_description).toBe('string');
  if (status >= 500) expect(response.body.error_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  else expect(response.body).not.toHaveProperty('error_id');
  return response;
}

/** The `path`s of an error body's `errors[]`, sorted. */
export function errorPaths(body: ErrorBody): string[] {
  return (body.errors ?? []).map((detail) => detail.path).sort();
}
