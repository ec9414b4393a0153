// The error-code registry: codes are UPPER_SNAKE_CASE, 4xx/5xx, and never reused for another error.
import { defineError, listErrorCodes } from '@pym/framework';
import { registerErrorCode } from '../../src/errors/error-registry';

test('a code defined by a service is listed with its status and description', () => {
  const LedgerLocked = defineError('LedgerLocked', 'LEDGER_LOCKED_REGISTRY_TEST', 423, 'The ledger is locked');
  expect(new LedgerLocked()).toMatchObject({ code: 'LEDGER_LOCKED_REGISTRY_TEST', status: 423, message: 'The ledger is locked' });
  expect(listErrorCodes()).toContainEqual({ code: 'LEDGER_LOCKED_REGISTRY_TEST', status: 423, name: 'LedgerLocked', description: 'The ledger is locked' });
});

test('a code is never reused: the same code with another status or name is refused', () => {
  defineError('QuotaSpent', 'QUOTA_SPENT_REGISTRY_TEST', 429);
  expect(() => defineError('QuotaSpent', 'QUOTA_SPENT_REGISTRY_TEST', 403)).toThrow(
    'Error code QUOTA_SPENT_REGISTRY_TEST is already defined as QuotaSpent (429); codes are never reused',
  );
  expect(() => defineError('QuotaGone', 'QUOTA_SPENT_REGISTRY_TEST', 429)).toThrow(/codes are never reused/);
  // The same definition again (a module loaded twice) is fine.
  expect(() => defineError('QuotaSpent', 'QUOTA_SPENT_REGISTRY_TEST', 429)).not.toThrow();
  expect(listErrorCodes().filter((info) => info.code === 'QUOTA_SPENT_REGISTRY_TEST')).toHaveLength(1);
});

test.each([
  ['a code that is not UPPER_SNAKE_CASE', { code: 'quota-spent', status: 429 }, /must be UPPER_SNAKE_CASE/],
  ['a 2xx status', { code: 'NOT_AN_ERROR', status: 200 }, /is not a 4xx or 5xx HTTP status/],
  ['a status beyond 599', { code: 'TOO_HIGH', status: 600 }, /is not a 4xx or 5xx HTTP status/],
])('refuses %s', (_name, info, message) => {
  expect(() => registerErrorCode({ ...info, name: 'Bad', description: 'bad' })).toThrow(message);
});
