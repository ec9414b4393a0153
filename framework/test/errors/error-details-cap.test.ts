// errors[] is capped: an error keeps its first 20 problems and says how many there were (errors_count).
import { formatError, InvalidParameter, MAX_ERROR_DETAILS, ServerError } from '@pym/framework';

const problems = (count: number) => Array.from({ length: count }, (_, index) => ({ path: `/body/k${index}`, message: 'must NOT have additional properties' }));

test('an error with more problems than the cap keeps the first 20 and their count', () => {
  const error = new InvalidParameter('The request has 120000 invalid parameters', { errors: problems(120_000) });
  expect(MAX_ERROR_DETAILS).toBe(20);
  expect(error.errors).toEqual(problems(20));
  expect(error.errorsCount).toBe(120_000);
  const body = formatError(error, { debug: false }) as { errors: unknown[]; errors_count: number };
  expect(body.errors).toHaveLength(20);
  expect(body.errors_count).toBe(120_000);
  expect(JSON.stringify(body).length).toBeLessThan(2_000);
});

test('up to the cap, the body lists every problem and has no errors_count', () => {
  const body = formatError(new InvalidParameter('bad', { errors: problems(20) }), { debug: false });
  expect(body).toEqual({ status: 400, error: 'INVALID_PARAMETER', error_description: 'bad', errors: problems(20) });
});

test('a 5xx shows neither its problems nor their count outside debug mode', () => {
  const body = formatError(new ServerError('reply broke', { errors: problems(50) }), { debug: false, errorId: 'e-1' });
  expect(body).not.toHaveProperty('errors');
  expect(body).not.toHaveProperty('errors_count');
});
