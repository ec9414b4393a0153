// successMediaTypes: what an operation's success replies can be, for the Accept check (406).
import { successMediaTypes } from '../../src/http/negotiate.middleware';
import type { BoundOperation } from '../../src/openapi/types';

function bound(responses: Record<string, unknown>, components: Record<string, unknown> = {}): BoundOperation {
  return { operation: { responses }, api: { document: { components: { responses: components } } } } as unknown as BoundOperation;
}

const json = (schema: unknown = {}) => ({ content: { 'application/json': { schema } } });

test('collects the content types of every 2xx response, not of error responses', () => {
  const types = successMediaTypes(
    bound({
      '200': json(),
      '206': { content: { 'text/csv': {} } },
      '400': { content: { 'application/problem+json': {} } },
      default: { content: { 'text/plain': {} } },
    }),
  );
  expect(types).toEqual(['application/json', 'text/csv']);
});

test('follows a $ref to components.responses', () => {
  expect(successMediaTypes(bound({ '200': { $ref: '#/components/responses/Report' } }, { Report: { content: { 'application/pdf': {} } } }))).toEqual([
    'application/pdf',
  ]);
});

test('a 202 without content is JSON (the task status of accepted()); a 204 has no type', () => {
  expect(successMediaTypes(bound({ '202': { description: 'started' } }))).toEqual(['application/json']);
  expect(successMediaTypes(bound({ '204': { description: 'gone' } }))).toEqual([]);
});
