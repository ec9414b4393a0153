// expectError: assert that a response is pym's JSON error with a given status and code (any test runner).
import { AssertionError } from 'node:assert';
import type { ErrorBody } from '../errors/format-error';
import type { TestResponse } from './test-client';

/**
 * Check that `response` is an error of `status` with the code `code` (`body.error`), and return its body. Throws
 * an `AssertionError` (jest and `node:test` both report it) quoting what came back otherwise.
 *
 * @example
 * expectError(await app.get('/v1/me'), 401, 'AUTHORIZATION_HEADER_MISSING');
 * const { errors } = expectError(await app.post('/v1/items', {}), 400, 'INVALID_PARAMETER');
 */
export function expectError(response: TestResponse, status: number, code: string): ErrorBody {
  const body = response.body as Partial<ErrorBody> | undefined;
  const actual = { status: response.status, error: typeof body === 'object' && body !== null ? body.error : undefined };
  if (actual.status !== status || actual.error !== code) {
    throw new AssertionError({
      message: `expected a ${status} ${code} error, got ${response.status}: ${response.text.slice(0, 1000) || '(empty body)'}`,
      actual,
      expected: { status, error: code },
      operator: 'expectError',
      stackStartFn: expectError,
    });
  }
  return body as ErrorBody;
}
