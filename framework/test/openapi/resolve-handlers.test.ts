// Tests of resolveHandlers: binding operations to exported functions, and one error listing every problem.
import { BindingError } from '../../src/openapi/binding-error';
import { listOperations } from '../../src/openapi/list-operations';
import { apiFromDocument } from '../../src/openapi/load-apis';
import { resolveHandlers } from '../../src/openapi/resolve-handlers';
import type { BoundOperation } from '../../src/openapi/types';
import { fixture } from './helpers';

const srcDir = fixture();
const ok = { '200': { description: 'ok' } };

async function operations(paths: Record<string, Record<string, string | undefined>>): Promise<BoundOperation[]> {
  const document = {
    openapi: '3.0.3',
    info: { title: 'T', version: '1' },
    servers: [{ url: '/v1' }],
    paths: Object.fromEntries(
      Object.entries(paths).map(([path, methods]) => [
        path,
        Object.fromEntries(Object.entries(methods).map(([method, bind]) => [method, { ...(bind ? { 'x-bind-server': bind } : {}), responses: ok }])),
      ]),
    ),
  };
  return listOperations([await apiFromDocument(document, { name: 'books', file: '<builtin>' })]);
}

describe('resolveHandlers', () => {
  it('binds each operation to its exported function (.ts modules and folder index files)', async () => {
    const ops = await operations({ '/books': { get: 'handlers/books#getBooks', post: 'handlers/books#createBook' }, '/pets': { get: 'handlers/pets#listPets' } });
    const handlers = resolveHandlers(ops, srcDir);
    expect(handlers.size).toBe(3);
    expect(handlers.get(ops[0])?.()).toEqual([]);
    expect(handlers.get(ops[1])?.({ title: 'Dune' })).toEqual({ title: 'Dune' });
    expect(handlers.get(ops[2])?.()).toEqual([{ name: 'Rex' }]);
    expect(handlers.get(ops[0])).toBe(require('../fixtures/openapi/handlers/books').getBooks);
  });

  it('collects every problem into one BindingError, one line per problem', async () => {
    const ops = await operations({
      '/books': { get: 'handlers/books#getBooks', put: undefined },
      '/books/{id}': { get: 'handlers/books#getBook', patch: 'handlers/books#notAFunction', delete: 'handlers/books#zzzUnrelated' },
      '/authors': { get: 'handlers/authors#listAuthors' },
      '/broken': { get: 'handlers/throws-on-load#neverReached', post: 'handlers/throws-on-load#value' },
    });
    let error: unknown;
    try {
      resolveHandlers(ops, srcDir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BindingError);
    const binding = error as BindingError;
    expect(binding.message.split('\n')).toEqual([
      'PUT /v1/books: no x-bind-server; add one, e.g. "x-bind-server: handlers/books#getBook"',
      'GET /v1/books/{id} → handlers/books#getBook: export "getBook" not found (exports: getBooks, createBook; did you mean getBooks?)',
      'DELETE /v1/books/{id} → handlers/books#zzzUnrelated: export "zzzUnrelated" not found (exports: getBooks, createBook)',
      'PATCH /v1/books/{id} → handlers/books#notAFunction: export "notAFunction" is a number, not a function',
      expect.stringMatching(/^GET \/v1\/authors → handlers\/authors#listAuthors: module not found \(looked for .*handlers\/authors\.ts, .*handlers\/authors\.js and .*handlers\/authors\/index\)$/),
      expect.stringMatching(/^GET \/v1\/broken → handlers\/throws-on-load#neverReached: module .*throws-on-load\.ts throws when loaded: database url is not set$/),
      expect.stringMatching(/^POST \/v1\/broken → handlers\/throws-on-load#value: module .* throws when loaded: database url is not set$/),
    ]);
    expect(binding.problems).toHaveLength(7);
    expect(binding.problems[1]).toEqual({
      method: 'GET',
      path: '/v1/books/{id}',
      module: 'handlers/books',
      exportName: 'getBook',
      hint: 'export "getBook" not found (exports: getBooks, createBook; did you mean getBooks?)',
      file: '<builtin>', // the spec the operation comes from (these operations are built in memory)
    });
    expect(binding.problems[0]).toMatchObject({ method: 'PUT', path: '/v1/books', module: '', exportName: '' });
  });

  it('returns an empty map for no operations', () => {
    expect(resolveHandlers([], srcDir).size).toBe(0);
  });
});
