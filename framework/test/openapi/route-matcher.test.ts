// Tests of createRouteMatcher: precedence, parameters, 405 allow lists, no match.
import { listOperations } from '../../src/openapi/list-operations';
import { apiFromDocument } from '../../src/openapi/load-apis';
import { createRouteMatcher, type RouteMatch, type RouteMatcher } from '../../src/openapi/route-matcher';

const ok = { '200': { description: 'ok' } };

async function matcherFor(paths: Record<string, string[]>, basePath = '/v1'): Promise<RouteMatcher> {
  const document = {
    openapi: '3.0.3',
    info: { title: 'T', version: '1' },
    servers: [{ url: basePath }],
    paths: Object.fromEntries(
      Object.entries(paths).map(([path, methods]) => [path, Object.fromEntries(methods.map((method) => [method, { operationId: `${method} ${path}`, responses: ok }]))]),
    ),
  };
  return createRouteMatcher(listOperations([await apiFromDocument(document, { name: 'test', file: '<builtin>' })]));
}

function matched(matcher: RouteMatcher, method: string, path: string): { id: string; params: Record<string, string> } {
  const result = matcher.match(method, path);
  expect(result).toBeDefined();
  expect(result).not.toHaveProperty('allow');
  const { operation, pathParams } = result as RouteMatch;
  return { id: operation.operationId, params: pathParams };
}

describe('createRouteMatcher', () => {
  it('prefers concrete segments over templated ones, whatever the declaration order', async () => {
    for (const order of [['/books/{id}', '/books/search'], ['/books/search', '/books/{id}']]) {
      const matcher = await matcherFor(Object.fromEntries(order.map((path) => [path, ['get']])));
      expect(matched(matcher, 'GET', '/v1/books/search')).toEqual({ id: 'get /books/search', params: {} });
      expect(matched(matcher, 'GET', '/v1/books/42')).toEqual({ id: 'get /books/{id}', params: { id: '42' } });
    }
  });

  it('backtracks when the concrete branch has no route for the rest of the path', async () => {
    const matcher = await matcherFor({ '/books/search': ['get'], '/books/{id}/reviews': ['get'], '/{kind}/search/{q}': ['get'] });
    expect(matched(matcher, 'GET', '/v1/books/search/reviews')).toEqual({ id: 'get /books/{id}/reviews', params: { id: 'search' } });
    expect(matched(matcher, 'GET', '/v1/books/search/dune')).toEqual({ id: 'get /{kind}/search/{q}', params: { kind: 'books', q: 'dune' } });
  });

  it('matches a method on a less specific template when the specific one lacks it', async () => {
    const matcher = await matcherFor({ '/books/search': ['get'], '/books/{id}': ['delete'] });
    expect(matched(matcher, 'DELETE', '/v1/books/search')).toEqual({ id: 'delete /books/{id}', params: { id: 'search' } });
  });

  it('captures parameters with dots and dashes, and URL-decodes them', async () => {
    const matcher = await matcherFor({ '/files/{name}': ['get'], '/users/{userId}/books/{bookId}': ['get'] });
    expect(matched(matcher, 'GET', '/v1/files/report.final-v2.tar.gz').params).toEqual({ name: 'report.final-v2.tar.gz' });
    expect(matched(matcher, 'GET', '/v1/files/a%20b%2Fc%C3%A9').params).toEqual({ name: 'a b/cé' });
    expect(matched(matcher, 'GET', '/v1/files/100%').params).toEqual({ name: '100%' });
    expect(matched(matcher, 'GET', '/v1/users/u-1/books/b.2').params).toEqual({ userId: 'u-1', bookId: 'b.2' });
  });

  it('supports segments mixing text and parameters, which beat a bare parameter', async () => {
    const matcher = await matcherFor({ '/files/{name}.{ext}': ['get'], '/files/{id}': ['get'], '/items/v{version}': ['get'] });
    expect(matched(matcher, 'GET', '/v1/files/archive.tar.gz')).toEqual({ id: 'get /files/{name}.{ext}', params: { name: 'archive.tar', ext: 'gz' } });
    expect(matched(matcher, 'GET', '/v1/files/readme')).toEqual({ id: 'get /files/{id}', params: { id: 'readme' } });
    expect(matched(matcher, 'GET', '/v1/items/v3').params).toEqual({ version: '3' });
    expect(matcher.match('GET', '/v1/items/3')).toBeUndefined();
  });

  it('ignores the query string and the method case', async () => {
    const matcher = await matcherFor({ '/books': ['get'] });
    expect(matched(matcher, 'get', '/v1/books?limit=3&q=a/b').id).toBe('get /books');
  });

  it('returns the allowed methods when the path exists but not the method', async () => {
    const matcher = await matcherFor({ '/books': ['post', 'get'], '/books/{id}': ['put', 'delete', 'get'], '/books/search': ['get'] });
    expect(matcher.match('PATCH', '/v1/books')).toEqual({ allow: ['GET', 'HEAD', 'POST'] });
    expect(matcher.match('PATCH', '/v1/books/42')).toEqual({ allow: ['DELETE', 'GET', 'HEAD', 'PUT'] });
    // /books/search is also /books/{id}: its allow list is what would succeed there
    expect(matcher.match('POST', '/v1/books/search')).toEqual({ allow: ['DELETE', 'GET', 'HEAD', 'PUT'] });
    expect(matcher.match('HEAD', '/v1/nothing-here')).toBeUndefined();
  });

  it('answers HEAD with the GET operation where the spec declares no HEAD (RFC 9110: GET implies HEAD)', async () => {
    const matcher = await matcherFor({ '/books': ['post', 'get'], '/books/{id}': ['get'], '/only-post': ['post'] });
    expect(matched(matcher, 'HEAD', '/v1/books').id).toBe('get /books');
    expect(matched(matcher, 'HEAD', '/v1/books/42')).toMatchObject({ id: 'get /books/{id}', params: { id: '42' } });
    expect(matcher.match('HEAD', '/v1/only-post')).toEqual({ allow: ['POST'] }); // before: HEAD was always a 405
  });

  it('returns undefined when no path matches (including a trailing slash, an empty parameter, or no base path)', async () => {
    const matcher = await matcherFor({ '/books': ['get'], '/books/{id}': ['get'] });
    expect(matcher.match('GET', '/v1/books/')).toBeUndefined();
    expect(matcher.match('GET', '/v1/books/42/')).toBeUndefined();
    expect(matcher.match('GET', '/v1//42')).toBeUndefined();
    expect(matcher.match('GET', '/books')).toBeUndefined();
    expect(matcher.match('GET', '/v1/books/42/reviews')).toBeUndefined();
    expect(matcher.match('GET', '/v1')).toBeUndefined();
    expect(matcher.match('GET', '')).toBeUndefined();
  });

  it('matches the root path of an API without base path', async () => {
    const matcher = await matcherFor({ '/': ['get'], '/ping': ['get'] }, '/');
    expect(matched(matcher, 'GET', '/').id).toBe('get /');
    expect(matched(matcher, 'GET', '/ping').id).toBe('get /ping');
  });

  it('matches among 200 templated paths (speed is measured by bench/http, not asserted here)', async () => {
    const paths: Record<string, string[]> = {};
    for (let index = 0; index < 200; index++) paths[`/r${index}/{id}/items/{item}`] = ['get', 'put'];
    const matcher = await matcherFor(paths);
    expect(matched(matcher, 'GET', '/v1/r0/abc/items/x.y').params).toEqual({ id: 'abc', item: 'x.y' });
    expect(matched(matcher, 'PUT', '/v1/r199/7/items/8').params).toEqual({ id: '7', item: '8' });
  });
});
