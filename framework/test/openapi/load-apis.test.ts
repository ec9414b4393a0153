// Tests of loadApis / apiFromDocument: discovery, versions, base paths and startup errors.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { apiFromDocument, basePathOf, loadApis } from '../../src/openapi/load-apis';
import { SpecError } from '../../src/openapi/spec-error';
import { collectRefs, fixture } from './helpers';

const info = { title: 'T', version: '1.0.0' };

describe('loadApis', () => {
  it('loads a 3.0 YAML and a 3.1 JSON spec, sorted by name, skipping fragments in subfolders', async () => {
    const apis = await loadApis(fixture('service'));
    expect(apis.map((api) => [api.name, api.version, api.basePath])).toEqual([
      ['books', '3.0', '/v1'],
      ['library', '3.1', ''],
    ]);
    expect(apis[0].file).toBe(fixture('service', 'books.yaml'));
    expect(apis[1].file).toBe(fixture('service', 'library.json'));
  });

  it('returns plain JSON documents whose refs are all internal', async () => {
    for (const api of await loadApis(fixture('service'))) {
      expect(JSON.parse(JSON.stringify(api.document))).toEqual(api.document);
      const refs = collectRefs(api.document);
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((ref) => !ref.startsWith('#/components/'))).toEqual([]);
    }
  });

  it('rejects a Swagger 2.0 file and suggests converting it', async () => {
    const error = await loadApis(fixture('swagger2')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).file).toBe(fixture('swagger2', 'petstore.yaml'));
    expect((error as SpecError).message).toMatch(/petstore\.yaml: is a Swagger 2\.0 spec; pym needs OpenAPI 3\.0 or 3\.1.*swagger2openapi/);
  });

  it('reports a YAML syntax error with the file and line', async () => {
    const error = await loadApis(fixture('bad-yaml')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).file).toBe(fixture('bad-yaml', 'broken.yaml'));
    expect((error as SpecError).message).toMatch(/broken\.yaml: line \d+, column \d+: YAML syntax error/);
    expect((error as SpecError).detail).toBe('line 8, column 1: YAML syntax error: unexpected end of the stream within a flow collection');
  });

  it('reports a JSON syntax error with the file and line', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pym-openapi-'));
    try {
      await fs.writeFile(path.join(dir, 'api.json'), '{\n  "openapi": "3.0.3",\n  "info": {,\n}\n');
      await expect(loadApis(dir)).rejects.toThrow(/api\.json: line 3, column \d+: JSON syntax error/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fails on an empty folder, a folder of fragments only, and a missing folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pym-openapi-'));
    try {
      await expect(loadApis(dir)).rejects.toThrow(/no OpenAPI spec found/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    await expect(loadApis(fixture('only-fragments'))).rejects.toThrow(/only-fragments: no OpenAPI spec found/);
    await expect(loadApis(fixture('does-not-exist'))).rejects.toThrow(/apis folder not found/);
  });

  it('rejects two API files with the same base name', async () => {
    await expect(loadApis(fixture('dup-names'))).rejects.toThrow(/API name "books" is also used by .*dup-names\/books\.yaml/);
  });
});

describe('apiFromDocument', () => {
  it('processes an in-memory 3.0 document without touching the input', async () => {
    const document = {
      openapi: '3.0.3',
      info,
      servers: [{ url: 'https://example.com/api/' }],
      paths: { '/ping': { get: { responses: { '200': { $ref: '#/components/responses/Ok' } } } } },
      components: { responses: { Ok: { description: 'ok' } } },
    };
    const before = JSON.stringify(document);
    const api = await apiFromDocument(document, { name: 'pym', file: '<builtin>' });
    expect(api).toMatchObject({ name: 'pym', file: '<builtin>', version: '3.0', basePath: '/api' });
    expect(api.document).toEqual(document);
    expect(api.document).not.toBe(document);
    expect(JSON.stringify(document)).toBe(before);
  });

  it('rejects versions other than 3.0.x and 3.1.x', async () => {
    await expect(apiFromDocument({ openapi: '3.2.0', info, paths: {} }, { name: 'x', file: '<builtin>' })).rejects.toThrow(
      /<builtin>: openapi: "3\.2\.0" is not supported; pym reads OpenAPI 3\.0\.x and 3\.1\.x/,
    );
    await expect(apiFromDocument({ openapi: 3.1, info, paths: {} }, { name: 'x', file: '<builtin>' })).rejects.toThrow(/as a string/);
    await expect(apiFromDocument({ swagger: '2.0', info, paths: {} }, { name: 'x', file: '<builtin>' })).rejects.toThrow(/Swagger 2\.0/);
  });

  it('rejects a file ref in a spec that has no file, and a dangling internal ref', async () => {
    const external = { openapi: '3.1.0', info, paths: { '/a': { $ref: './a.yaml' } } };
    await expect(apiFromDocument(external, { name: 'x', file: '<builtin>' })).rejects.toThrow(/an in-memory spec cannot refer to other files/);
    const dangling = {
      openapi: '3.0.3',
      info,
      paths: { '/a': { get: { responses: { '200': { $ref: '#/components/responses/Missing' } } } } },
    };
    await expect(apiFromDocument(dangling, { name: 'x', file: '<builtin>' })).rejects.toThrow(
      /\$ref "#\/components\/responses\/Missing" at \/paths\/~1a\/get\/responses\/200: nothing at that place/,
    );
  });
});

describe('basePathOf', () => {
  it.each([
    [undefined, ''],
    [[], ''],
    [[{ url: '/' }], ''],
    [[{ url: '/v1' }], '/v1'],
    [[{ url: '/v1/' }], '/v1'],
    [[{ url: 'v2' }], '/v2'],
    [[{ url: 'https://api.example.com' }], ''],
    [[{ url: 'https://api.example.com/' }], ''],
    [[{ url: 'http://localhost:8080/api/v1/?x=1' }], '/api/v1'],
    [[{ url: '//cdn.example.com/base' }], '/base'],
    [[{ url: 'https://{host}/{base}', variables: { host: { default: 'a.b' }, base: { default: 'v3' } } }], '/v3'],
  ])('servers %j → %j', (servers, expected) => {
    expect(basePathOf({ servers })).toBe(expected);
  });

  it('requires a default for every server variable', () => {
    expect(() => basePathOf({ servers: [{ url: '/{version}' }] })).toThrow(/servers\[0\]\.variables\.version\.default is not set/);
  });
});
