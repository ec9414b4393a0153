// Over HTTP: the served specs (/openapi/<api>.json|yaml) and the Swagger UI page (/docs) of the fixture service.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import yaml from 'js-yaml';
import { SWAGGER_UI_FILES } from '../../src/docs/swagger-ui';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { expectPymError, read } from '../http/http-test-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const SWAGGER_UI_DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

describe('served specs', () => {
  test('GET /openapi/<api>.json: the bundled spec, public (no token), revalidated with its ETag', async () => {
    const response = await read(await fetch(`${app.url}/openapi/items.json`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.body).toMatchObject({ openapi: '3.0.3', servers: [{ url: 'https://items.example.com/v1/' }] });
    expect(Object.keys(response.body.paths)).toContain('/items/{id}');
    // node:http, not fetch: fetch adds `Cache-Control: no-cache` to a request with If-None-Match, which forbids a 304.
    const etag = response.headers.get('etag')!;
    const revalidated = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${app.url}/openapi/items.json`, { headers: { 'If-None-Match': etag } }, (reply) => resolve(reply.resume().statusCode)).on('error', reject);
    });
    expect(revalidated).toBe(304);
    const head = await fetch(`${app.url}/openapi/items.json`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  test('GET /openapi/<api>.yaml: the same document as YAML', async () => {
    const [json, text] = await Promise.all([
      fetch(`${app.url}/openapi/ops.json`).then((response) => response.json()),
      fetch(`${app.url}/openapi/ops.yaml`).then(async (response) => {
        expect(response.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
        return response.text();
      }),
    ]);
    expect(yaml.load(text)).toEqual(json);
  });

  test('GET /openapi/pym.json: the built-in API, every error of its operations declared with PymErrorBody', async () => {
    const { body } = await read(await fetch(`${app.url}/openapi/pym.json`));
    expect(Object.keys(body.paths)).toEqual(['/ping', '/version', '/ready', '/auth/version', '/tasks', '/tasks/{id}']);
    expect(Object.keys(body.paths['/ready'].get.responses)).toEqual(['200', '400', '406', '503']);
    expect(Object.keys(body.paths['/tasks/{id}'].delete.responses)).toEqual(['200', '202', '400', '401', '404', '406', '409', '503']);
    expect(body.components.responses.PymTaskNotFound.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PymErrorBody' });
  });

  test('an API that does not exist, or another method, goes on to the operations: 404 NOT_FOUND', async () => {
    await expectPymError(fetch(`${app.url}/openapi/nope.json`), 404, 'NOT_FOUND');
    await expectPymError(fetch(`${app.url}/openapi/items.xml`), 404, 'NOT_FOUND');
    await expectPymError(fetch(`${app.url}/openapi/items.json`, { method: 'POST' }), 404, 'NOT_FOUND');
  });
});

describe('the docs page', () => {
  test('GET /docs: pym\'s page, under a CSP allowing no inline or remote script, the specs\' server origins callable', async () => {
    const response = await fetch(`${app.url}/docs`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' https://items.example.com; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
    );
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(text).toContain('<title>fixture-service API docs</title>');
    expect(text).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
    const sources = [...text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.sort()).toEqual([...SWAGGER_UI_FILES.map((name) => `/docs/${name}`), '/docs/swagger-initializer.js'].sort());
    expect((await fetch(`${app.url}/docs/`)).status).toBe(200);
  });

  test.each(SWAGGER_UI_FILES)('GET /docs/%s: the file of the installed swagger-ui-dist', async (name) => {
    const response = await fetch(`${app.url}/docs/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^(text\/css|text\/javascript|image\/png)/);
    expect(Buffer.from(await response.arrayBuffer()).equals(fs.readFileSync(path.join(SWAGGER_UI_DIST, name)))).toBe(true);
  });

  test('GET /docs/swagger-initializer.js: every API in the selector, the built-in one last, no query-string config', async () => {
    const response = await fetch(`${app.url}/docs/swagger-initializer.js`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const text = await response.text();
    const options = JSON.parse(/var options = (\{.*\});/.exec(text)![1]!);
    expect(options).toMatchObject({
      urls: [
        { url: '/openapi/items.json', name: 'items' },
        { url: '/openapi/ops.json', name: 'ops' },
        { url: '/openapi/pym.json', name: 'pym' },
      ],
      'urls.primaryName': 'items',
      queryConfigEnabled: false,
      validatorUrl: null,
    });
    expect(text).not.toContain('petstore');
  });

  test('the other files of swagger-ui-dist are not served (its own index.html loads the Petstore)', async () => {
    for (const name of ['index.html', 'swagger-ui-bundle.js.map', 'oauth2-redirect.html', '../package.json']) {
      expect((await fetch(`${app.url}/docs/${name}`)).status).toBe(404);
    }
  });
});
