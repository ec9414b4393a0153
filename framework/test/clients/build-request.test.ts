// buildRequest: parameters by OpenAPI style, headers, cookies, bodies encoded along their schemas.
import { buildRequest, ClientInputError } from '../../src/clients/build-request';
import { listClientOperations, type ClientOperation } from '../../src/clients/client-operations';
import { apiFromDocument } from '../../src/openapi/load-apis';

let operations: Map<string, ClientOperation>;

beforeAll(async () => {
  const api = await apiFromDocument(
    {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      servers: [{ url: '/api/v2' }],
      paths: {
        '/things/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          get: {
            operationId: 'getThing',
            parameters: [
              { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
              { name: 'ids', in: 'query', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
              { name: 'filter', in: 'query', style: 'deepObject', schema: { type: 'object' } },
              { name: 'since', in: 'query', schema: { type: 'string', format: 'date' } },
              { name: 'X-Tenant', in: 'header', schema: { type: 'string' } },
              { name: 'session', in: 'cookie', schema: { type: 'string' } },
            ],
            responses: { '200': { description: 'ok', content: { 'text/plain': { schema: { type: 'string' } } } } },
          },
        },
        '/forms': {
          post: {
            operationId: 'postForm',
            requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
            responses: { '204': { description: 'ok' } },
          },
        },
      },
    },
    { name: 't', file: '<test>' },
  );
  operations = new Map(listClientOperations(api).map((operation) => [operation.operationId, operation]));
});

test('path, query (form exploded, comma, deepObject, date), header and cookie parameters', () => {
  const request = buildRequest('http://host:1/prefix/', operations.get('getThing')!, {
    params: {
      id: 'a b',
      tags: ['x', 'y z'],
      ids: [1, 2],
      filter: { kind: 'red', size: 2 },
      since: new Date('2030-04-05T06:07:08Z'),
      'X-Tenant': 't1',
      session: 's=1',
    },
  }, 'c');
  expect(request.url).toBe('http://host:1/prefix/api/v2/things/a%20b?tags=x&tags=y%20z&ids=1,2&filter%5Bkind%5D=red&filter%5Bsize%5D=2&since=2030-04-05');
  expect(request.headers).toEqual({ accept: 'application/json, text/plain', 'x-tenant': 't1', cookie: 'session=s%3D1' });
  expect(request.body).toBeUndefined();
});

test('optional parameters left out are not sent; a header holding a line break is refused', () => {
  expect(buildRequest('http://h', operations.get('getThing')!, { params: { id: '1' } }, 'c').url).toBe('http://h/api/v2/things/1');
  expect(() => buildRequest('http://h', operations.get('getThing')!, { params: { id: '1', 'X-Tenant': 'a\r\nb: c' } }, 'c')).toThrow(
    new ClientInputError('c.getThing: header parameter X-Tenant holds a line break'),
  );
});

test('a form body is url-encoded; a body the operation does not take is refused', () => {
  const request = buildRequest('http://h', operations.get('postForm')!, { body: { a: 'x y', list: [1, 2], when: new Date(0) } }, 'c');
  expect(request.body).toBe('a=x%20y&list=1&list=2&when=1970-01-01T00%3A00%3A00.000Z');
  expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(() => buildRequest('http://h', operations.get('getThing')!, { params: { id: '1' }, body: {} }, 'c')).toThrow('c.getThing: GET /api/v2/things/{id} takes no request body');
});
