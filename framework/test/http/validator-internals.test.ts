// pym calls express-openapi-validator's middlewares itself (validator-middlewares.ts): these tests fail when the
// internals it relies on move, and show that its precompiled route lookup finds what the validator's own finds.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request } from 'express';
import { OpenApiContext } from 'express-openapi-validator/dist/framework/openapi.context';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import { applyOpenApiMetadata } from 'express-openapi-validator/dist/middlewares/openapi.metadata';
import { SchemaPreprocessor } from 'express-openapi-validator/dist/middlewares/parsers/schema.preprocessor';
import { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';
import { openApiMetadata } from '../../src/http/validator-middlewares';

const string = { schema: { type: 'string' } };
const ok = { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } };
const document = {
  openapi: '3.0.3',
  info: { title: 'routes', version: '1' },
  servers: [{ url: '/v1' }],
  paths: {
    '/items': { get: ok, post: ok },
    '/items/mine': { get: ok },
    '/items/{id}': { get: { ...ok, parameters: [{ name: 'id', in: 'path', required: true, ...string }] } },
    '/items/{id}/parts/{part}': {
      get: { ...ok, parameters: [{ name: 'id', in: 'path', required: true, ...string }, { name: 'part', in: 'path', required: true, ...string }] },
    },
    '/files/{name}.{ext}': {
      get: { ...ok, parameters: [{ name: 'name', in: 'path', required: true, ...string }, { name: 'ext', in: 'path', required: true, ...string }] },
    },
  },
};

const urls = [
  'GET /v1/items',
  'POST /v1/items',
  'DELETE /v1/items',
  'GET /v1/items/mine',
  'GET /v1/items/abc?x=1&y=2',
  'GET /v1/items/a%20b',
  'GET /v1/items/%E0%A4%A',
  'GET /v1/ITEMS/abc',
  'GET /v1/items/abc/',
  'POST /v1/items/abc',
  'GET /v1/items/abc/parts/p%2F1',
  'GET /v1/files/report.tar.gz',
  'GET /v1/files/report',
  'GET /nothing',
  'GET /v1',
];

let server: Server;
let base: string;

beforeAll(async () => {
  const validator = new OpenApiValidator({ apiSpec: structuredClone(document) as never, validateApiSpec: false, ignoreUndocumented: true, validateSecurity: false, validateResponses: true });
  const spec = await new OpenApiSpecLoader({ apiDoc: structuredClone(document) as never, validateApiSpec: false, $refParser: { mode: 'bundle' } }).load();
  const { apiDocRes } = new SchemaPreprocessor(spec.apiDoc, validator.ajvOpts.preprocessor, validator.options.validateResponses as never).preProcess();
  const context = new OpenApiContext(spec, undefined as never, true, false);
  const theirs = applyOpenApiMetadata(context, apiDocRes as never);
  const ours = openApiMetadata(context, apiDocRes as never);
  // Each lookup runs on the same request; the reply holds what each left on it (req.openapi, req.params) or threw.
  const lookup = (middleware: typeof ours, req: Request) => {
    const target = req as Request & { openapi?: unknown };
    delete target.openapi;
    target.params = {};
    try {
      middleware(req, undefined as never, () => undefined);
      return { openapi: target.openapi, params: { ...target.params } };
    } catch (error) {
      return { thrown: { name: (error as Error).name, status: (error as { status?: number }).status, message: (error as Error).message } };
    }
  };
  const app = express();
  app.use((req, res) => {
    res.json({ theirs: lookup(theirs as never, req), ours: lookup(ours, req) });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

test('the express-openapi-validator internals pym calls are there (5.6.2: update validator-middlewares.ts with it)', () => {
  const proto = OpenApiValidator.prototype as unknown as Record<string, unknown>;
  for (const method of ['installPathParams', 'metadataMiddleware', 'multipartMiddleware', 'requestValidationMiddleware', 'responseValidationMiddleware']) {
    expect(typeof proto[method]).toBe('function');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require('express-openapi-validator/package.json').version).toBe('5.6.2');
});

test.each(urls)('%s: the precompiled route lookup finds what the validator finds', async (line) => {
  const [method, path] = line.split(' ');
  const reply = (await (await fetch(base + path, { method })).json()) as { theirs: unknown; ours: unknown };
  expect(reply.ours).toEqual(reply.theirs);
});

test('the lookup matched the routes the test means to cover', async () => {
  const found = async (path: string) => ((await (await fetch(base + path)).json()) as { ours: { openapi?: { openApiRoute: string }; thrown?: unknown } }).ours;
  expect((await found('/v1/items/a%20b')).openapi).toMatchObject({ openApiRoute: '/v1/items/{id}', pathParams: { id: 'a b' } });
  expect((await found('/v1/files/report.tar.gz')).openapi).toMatchObject({ openApiRoute: '/v1/files/{name}.{ext}' });
  expect((await found('/v1/items/%E0%A4%A')).thrown).toMatchObject({ status: 400 });
  expect((await found('/nothing')).openapi).toBeUndefined();
});
