// Tests of listOperations: operation ids, auth modes, success status, x-bind-server, duplicates.
import { listOperations } from '../../src/openapi/list-operations';
import { apiFromDocument, loadApis } from '../../src/openapi/load-apis';
import { SpecError } from '../../src/openapi/spec-error';
import type { LoadedApi, OpenApiDocument } from '../../src/openapi/types';
import { fixture } from './helpers';

const info = { title: 'T', version: '1.0.0' };
const ok = { '200': { description: 'ok' } };

function api(paths: Record<string, unknown>, extra: OpenApiDocument = {}, name = 'test', file = '/srv/apis/test.yaml'): Promise<LoadedApi> {
  return apiFromDocument({ openapi: '3.0.3', info, paths, ...extra }, { name, file });
}

describe('listOperations', () => {
  it('lists the operations of the service fixture with their bindings and paths', async () => {
    const operations = listOperations(await loadApis(fixture('service')));
    expect(operations.map((op) => [op.api.name, op.method, op.path, op.fullPath, op.operationId, op.bind?.raw])).toEqual([
      ['books', 'get', '/books', '/v1/books', 'listBooks', 'handlers/books#getBooks'],
      ['books', 'post', '/books', '/v1/books', 'createBook', 'handlers/books#createBook'],
      ['books', 'get', '/books/{id}', '/v1/books/{id}', 'getBook', 'handlers/books#getBook'],
      ['library', 'get', '/shelves', '/shelves', 'listShelves', 'handlers/library#listShelves'],
    ]);
    expect(operations[1].bind).toEqual({ module: 'handlers/books', exportName: 'createBook', raw: 'handlers/books#createBook' });
    expect(operations[1].hasRequestBody).toBe(true);
    expect(operations[0].hasRequestBody).toBe(false);
    expect(operations[2].operation).toBe(operations[2].api.document.paths['/books/{id}'].get);
  });

  it('derives the auth mode from operation.security, else the document security', async () => {
    const loaded = await api(
      {
        '/inherit': { get: { responses: ok } },
        '/public': { get: { security: [], responses: ok } },
        '/maybe': { get: { security: [{}, { bearer: [] }], responses: ok } },
        '/either': { get: { security: [{ bearer: [] }, { apiKey: [] }], responses: ok } },
      },
      { security: [{ bearer: [] }] },
    );
    const bare = await api({ '/open': { get: { responses: ok } } }, {}, 'bare', '/srv/apis/bare.yaml');
    const modes = Object.fromEntries(listOperations([loaded, bare]).map((op) => [op.fullPath, op.auth]));
    expect(modes).toEqual({ '/inherit': 'required', '/public': 'none', '/maybe': 'optional', '/either': 'required', '/open': 'none' });
  });

  it('refuses a security scheme pym would take for a bearer JWT without checking it (API key, HTTP Basic), naming it', async () => {
    const components = {
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://idp.example/token', scopes: {} } } },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
    };
    const accepted = await api({ '/a': { get: { security: [{ bearer: [] }, { oauth: [] }, {}], responses: ok } } }, components);
    expect(listOperations([accepted]).map((op) => op.auth)).toEqual(['optional']);
    // Before: both were enforced as bearer JWTs, so a valid API key was refused and its check never ran.
    const withKey = await api({ '/either': { get: { security: [{ bearer: [] }, { apiKey: [] }], responses: ok } } }, components);
    expect(() => listOperations([withKey])).toThrow(SpecError);
    expect(() => listOperations([withKey])).toThrow(
      '/srv/apis/test.yaml: GET /either: security scheme "apiKey" is apiKey, which pym does not enforce (it verifies bearer JWTs only)',
    );
    const withBasic = await api({ '/b': { get: { responses: ok } } }, { ...components, security: [{ basic: [] }] });
    expect(() => listOperations([withBasic])).toThrow('GET /b: security scheme "basic" is HTTP basic');
  });

  it('picks the success status: 200 if declared, else the single or lowest 2xx, else 200', async () => {
    const loaded = await api({
      '/a': { get: { responses: { '201': { description: 'x' }, '200': { description: 'x' }, '400': { description: 'x' } } } },
      '/b': { get: { responses: { '204': { description: 'x' }, default: { description: 'x' } } } },
      '/c': { get: { responses: { '202': { description: 'x' }, '201': { description: 'x' } } } },
      '/d': { get: { responses: { '404': { description: 'x' }, default: { description: 'x' } } } },
      '/e': { get: { responses: { '2XX': { description: 'x' } } } },
    });
    const statuses = Object.fromEntries(listOperations([loaded]).map((op) => [op.fullPath, op.successStatus]));
    expect(statuses).toEqual({ '/a': 200, '/b': 204, '/c': 201, '/d': 200, '/e': 200 });
  });

  it('generates an operationId from method and path when there is none', async () => {
    const loaded = await api({ '/books/{id}/reviews': { get: { responses: ok } }, '/': { get: { responses: ok } }, '/x-y_z': { delete: { responses: ok } } });
    expect(listOperations([loaded]).map((op) => op.operationId)).toEqual(['getBooksIdReviews', 'getRoot', 'deleteXYZ']);
  });

  it('rejects the same method and path in two APIs, naming both files', async () => {
    const one = await api({ '/books/{id}': { get: { operationId: 'a', responses: ok } } }, { servers: [{ url: '/v1' }] }, 'one', '/srv/apis/one.yaml');
    const two = await api({ '/v1/books/{bookId}': { get: { operationId: 'b', responses: ok } } }, {}, 'two', '/srv/apis/two.yaml');
    expect(() => listOperations([one, two])).toThrow(SpecError);
    expect(() => listOperations([one, two])).toThrow(/\/srv\/apis\/two\.yaml: GET \/v1\/books\/\{bookId\} is also declared by \/srv\/apis\/one\.yaml \(GET \/v1\/books\/\{id\}\)/);
  });

  it('rejects a duplicate operationId across APIs, and colliding generated ids with a hint', async () => {
    const one = await api({ '/a': { get: { operationId: 'getThing', responses: ok } } }, {}, 'one', '/srv/apis/one.yaml');
    const two = await api({ '/b': { get: { operationId: 'getThing', responses: ok } } }, {}, 'two', '/srv/apis/two.yaml');
    expect(() => listOperations([one, two])).toThrow(/operationId "getThing" of GET \/b is also the operationId of GET \/a in \/srv\/apis\/one\.yaml$/);
    const v1 = await api({ '/books': { get: { responses: ok } } }, { servers: [{ url: '/v1' }] }, 'v1', '/srv/apis/v1.yaml');
    const v2 = await api({ '/books': { get: { responses: ok } } }, { servers: [{ url: '/v2' }] }, 'v2', '/srv/apis/v2.yaml');
    expect(() => listOperations([v1, v2])).toThrow(/operationId "getBooks" .* set an explicit operationId/);
  });

  it.each([
    ['handlers/books', "has no '#'"],
    ['#getBooks', 'has no module before the #'],
    ['handlers/books#', 'has no export name after the #'],
    ['a#b#c', "has more than one '#'"],
    [42, 'is not a string'],
  ])('rejects x-bind-server %j (%s), naming file, method and path', async (binding, why) => {
    const loaded = await api({ '/books': { post: { 'x-bind-server': binding, responses: ok } } });
    expect(() => listOperations([loaded])).toThrow(`/srv/apis/test.yaml: POST /books: x-bind-server ${JSON.stringify(binding)} ${why}`);
  });
});
