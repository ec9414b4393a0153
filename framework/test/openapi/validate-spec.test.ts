// Specs that parse but break the OpenAPI rules: one readable problem per mistake (file, JSON pointer, message),
// not the validator's raw output with every oneOf branch it tried.
import { loadApis } from '../../src/openapi/load-apis';
import { SpecError } from '../../src/openapi/spec-error';
import { specProblems } from '../../src/openapi/validate-spec';
import { fixture } from './helpers';

const info = { title: 'T', version: '1.0.0' };

describe('specProblems', () => {
  it('finds nothing in a valid 3.0 or 3.1 document', () => {
    const doc = { info, paths: { '/a': { get: { responses: { '200': { description: 'ok' } } } } } };
    expect(specProblems({ openapi: '3.0.3', ...doc }, '3.0')).toEqual([]);
    expect(specProblems({ openapi: '3.1.0', ...doc }, '3.1')).toEqual([]);
  });

  it('reports the mistake of the branch the author meant, not every oneOf branch (3.0)', () => {
    const doc = {
      openapi: '3.0.3',
      info,
      paths: {
        '/items/{id}': {
          get: {
            parameters: [{ name: 'id', in: 'path', schema: { type: 'strin' } }],
            responses: { '200': { content: { 'application/json': { schema: { type: 'object' } } } } },
          },
        },
      },
    };
    expect(specProblems(doc, '3.0')).toEqual([
      { pointer: '/paths/~1items~1{id}/get/parameters/0', message: "must have required property 'required'" },
      { pointer: '/paths/~1items~1{id}/get/parameters/0/schema/type', message: 'must be one of "array", "boolean", "integer", "number", "object", "string"' },
      { pointer: '/paths/~1items~1{id}/get/responses/200', message: "must have required property 'description'" },
    ]);
  });

  it('a path parameter without required: true is that, not also "in must be query, header or cookie"', () => {
    const doc = {
      openapi: '3.0.3',
      info,
      paths: { '/a/{id}': { get: { parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } } },
    };
    expect(specProblems(doc, '3.0')).toEqual([{ pointer: '/paths/~1a~1{id}/get/parameters/0', message: "must have required property 'required'" }]);
  });

  it('a value no branch takes lists every allowed value at once; an unknown key is named (3.1)', () => {
    const doc = {
      openapi: '3.1.0',
      info,
      paths: { '/tags': { get: { parameters: [{ name: 'limit', in: 'qurey', schema: {} }], summry: 'x', responses: { '200': { description: 'ok' } } } } },
    };
    expect(specProblems(doc, '3.1')).toEqual([
      { pointer: '/paths/~1tags/get', message: 'has an unknown property "summry"' },
      { pointer: '/paths/~1tags/get/parameters/0/in', message: 'must be one of "query", "header", "path", "cookie"' },
    ]);
  });

  it('a relative server URL is fine in 3.1 (the 2021 schema refused it)', () => {
    expect(specProblems({ openapi: '3.1.0', info, servers: [{ url: '/v1' }], paths: {} }, '3.1')).toEqual([]);
  });
});

describe('loadApis with specs that break the OpenAPI rules', () => {
  it('throws one SpecError listing every problem of every file as file#pointer: message', async () => {
    const error = (await loadApis(fixture('breaks-rules')).catch((caught: unknown) => caught)) as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    const [summary, ...lines] = error.message.split('\n');
    expect(summary).toBe('5 problems in the OpenAPI specs (file#JSON pointer: what breaks the OpenAPI schema)');
    expect(lines).toEqual([
      expect.stringMatching(/breaks-rules\/items\.yaml#\/paths\/~1items~1\{id\}\/get\/parameters\/0: must have required property 'required'$/),
      expect.stringMatching(/items\.yaml#\/paths\/~1items~1\{id\}\/get\/parameters\/0\/schema\/type: must be one of "array", /),
      expect.stringMatching(/items\.yaml#\/paths\/~1items~1\{id\}\/get\/responses\/200: must have required property 'description'$/),
      expect.stringMatching(/breaks-rules\/tags\.json#\/paths\/~1tags\/get: has an unknown property "summry"$/),
      expect.stringMatching(/tags\.json#\/paths\/~1tags\/get\/parameters\/0\/in: must be one of "query", "header", "path", "cookie"$/),
    ]);
    expect(error.message).not.toMatch(/instancePath|schemaPath|oneOf/);
  });
});
