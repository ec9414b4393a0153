// The retry rules of client calls: which outcomes are retried for which methods, the backoff, Retry-After.
import { isIdempotent, isRetryable, parseRetryAfter, retryDelay } from '../../src/clients/retry-policy';

describe('isIdempotent', () => {
  test.each([
    ['GET', false, true],
    ['HEAD', false, true],
    ['PUT', false, true],
    ['DELETE', false, true],
    ['POST', false, false],
    ['POST', true, true],
    ['PATCH', false, false],
    ['PATCH', true, false],
  ])('%s (Idempotency-Key: %s) → %s', (method, keyed, expected) => {
    expect(isIdempotent(method, keyed)).toBe(expected);
  });
});

describe('isRetryable', () => {
  test('nothing reached the callee: any method', () => {
    expect(isRetryable({ kind: 'not-connected' }, false)).toBe(true);
  });

  test('a failed connection or a timeout: idempotent calls only', () => {
    expect([isRetryable({ kind: 'failed' }, true), isRetryable({ kind: 'failed' }, false)]).toEqual([true, false]);
  });

  test('502, 503, 504 for idempotent calls; 429 only with a Retry-After; never another status', () => {
    const retried = (status: number, retryAfterMs?: number, idempotent = true) => isRetryable({ kind: 'reply', status, retryAfterMs }, idempotent);
    expect([502, 503, 504].map((status) => retried(status))).toEqual([true, true, true]);
    expect([502, 503, 504].map((status) => retried(status, undefined, false))).toEqual([false, false, false]);
    expect([retried(429), retried(429, 1000), retried(429, 1000, false)]).toEqual([false, true, false]);
    expect([400, 401, 404, 409, 500, 501].map((status) => retried(status, 1000))).toEqual([false, false, false, false, false, false]);
  });
});

describe('retryDelay', () => {
  const settings = { attempts: 5, minDelayMs: 100, maxDelayMs: 1000 };

  test('full jitter below an exponential ceiling, capped at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, settings, undefined, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(retryDelay(3, settings, undefined, () => 0)).toBe(0);
  });

  test("the callee's Retry-After when within maxDelayMs, else no retry", () => {
    expect(retryDelay(1, settings, 800)).toBe(800);
    expect(retryDelay(1, settings, 1001)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  test('delay-seconds or an HTTP date; anything else is absent', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    expect([parseRetryAfter(null, now), parseRetryAfter('soon', now), parseRetryAfter('-1', now)]).toEqual([undefined, undefined, undefined]);
  });
});
