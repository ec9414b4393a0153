// Tests of $ref bundling: hoisting external refs into components, recursion, name clashes.
import * as path from 'node:path';
import { bundleRefs } from '../../src/openapi/bundle-refs';
import { loadApis } from '../../src/openapi/load-apis';
import { readSpecFile } from '../../src/openapi/read-spec-file';
import { SpecError } from '../../src/openapi/spec-error';
import type { OpenApiDocument } from '../../src/openapi/types';
import { collectRefs, deref, fixture } from './helpers';

function bundleFile(...parts: string[]): OpenApiDocument {
  const file = fixture(...parts);
  return bundleRefs(readSpecFile(file) as OpenApiDocument, file);
}

function expectAllInternal(document: OpenApiDocument): void {
  const refs = collectRefs(document);
  expect(refs.filter((ref) => !ref.startsWith('#/'))).toEqual([]);
  for (const ref of refs) expect(deref(document, ref)).toBeDefined();
}

describe('bundleRefs', () => {
  const books = () => bundleFile('service', 'books.yaml');

  it('hoists schemas, parameters, request bodies, responses from fragment files into components', () => {
    const document = books();
    expectAllInternal(document);
    const listBooks = document.paths['/books'].get;
    expect(listBooks.parameters).toEqual([{ $ref: '#/components/parameters/Limit' }]);
    expect(listBooks.responses['200'].content['application/json'].schema.items).toEqual({ $ref: '#/components/schemas/Book' });
    expect(document.paths['/books'].post.requestBody).toEqual({ $ref: '#/components/requestBodies/NewBook' });
    expect(document.paths['/books/{id}'].get.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(document.components.parameters.Limit).toMatchObject({ name: 'limit', in: 'query' });
    expect(document.components.responses.NotFound.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(document.components.requestBodies.NewBook.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Book' });
  });

  it('inlines a root component that is only an external ref, under the root name', () => {
    const document = books();
    expect(document.components.schemas.Book).toMatchObject({ type: 'object', required: ['id', 'title'] });
    expect(document.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('names whole-file schemas after their title, else the file name in PascalCase', () => {
    const { schemas } = books().components;
    expect(schemas.Book.properties.author).toEqual({ $ref: '#/components/schemas/Author' });
    expect(schemas.Book.properties.publisher).toEqual({ $ref: '#/components/schemas/PublisherInfo' });
    expect(schemas.PublisherInfo).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
    expect(schemas.Author.title).toBe('Author');
  });

  it('resolves refs inside a hoisted schema relative to its own file, across files and back (Book ↔ Author)', () => {
    const { schemas } = books().components;
    expect(schemas.Book.properties.tags.items).toEqual({ $ref: '#/components/schemas/Tag' });
    expect(schemas.Tag).toEqual({ type: 'string', enum: ['fiction', 'science'] });
    expect(schemas.Author.properties.books.items).toEqual({ $ref: '#/components/schemas/Book' });
    expect(Object.keys(schemas).sort()).toEqual(['Author', 'Book', 'Error', 'PublisherInfo', 'Tag']);
  });

  it('copies example data as is, even when it holds a $ref key', () => {
    expect(books().components.schemas.Book.example).toEqual({ $ref: 'not a ref: example data is copied as is' });
  });

  it('inlines external path items and keeps 3.1 siblings of $ref', async () => {
    const [, library] = await loadApis(fixture('service'));
    expectAllInternal(library.document);
    const items = library.document.paths['/shelves'].get.responses['200'].content['application/json'].schema.items;
    expect(items).toEqual({ $ref: '#/components/schemas/Shelf', description: 'a shelf (3.1 allows siblings of $ref)' });
    expect(library.document.webhooks.shelfFull.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Shelf' });
    expect(library.document.components.schemas.Shelf.properties.label).toEqual({ type: ['string', 'null'] });
    expect(library.document.components.schemas.Book.properties.author).toEqual({ $ref: '#/components/schemas/Author' });
  });

  it('bundles a recursive schema (a tree of trees) without looping', () => {
    const document = bundleFile('refs', 'recursive', 'forest.yaml');
    expectAllInternal(document);
    expect(document.paths['/trees'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Tree' });
    const tree = document.components.schemas.Tree;
    expect(tree.properties.children.items).toEqual({ $ref: '#/components/schemas/Tree' });
    expect(tree.properties.parent).toEqual({ $ref: '#/components/schemas/Tree' });
    expect(() => JSON.stringify(document)).not.toThrow();
  });

  it('bundles mutually recursive schemas in two files of two folders', () => {
    const { schemas } = bundleFile('refs', 'recursive', 'forest.yaml').components;
    expect(schemas.ANode.properties.b).toEqual({ $ref: '#/components/schemas/BNode' });
    expect(schemas.BNode.properties.a).toEqual({ $ref: '#/components/schemas/ANode' });
  });

  it('fails when two different schemas would get the same name, naming both sources', () => {
    let error: unknown;
    try {
      bundleFile('refs', 'clash', 'api.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SpecError);
    const message = (error as SpecError).message;
    expect(message).toContain('two different schemas would both be named "Item"');
    expect(message).toContain(path.join('one', 'schemas.yaml#/components/schemas/Item'));
    expect(message).toContain(path.join('two', 'schemas.yaml#/components/schemas/Item'));
  });

  it('fails when a root schema and a hoisted one share a name', () => {
    const document = {
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      paths: { '/x': { get: { responses: { '200': { description: 'x', content: { 'application/json': { schema: { $ref: './one/schemas.yaml#/components/schemas/Item' } } } } } } } },
      components: { schemas: { Item: { type: 'boolean' } } },
    };
    expect(() => bundleRefs(document, fixture('refs', 'clash', 'in-memory.yaml'))).toThrow(/two different schemas would both be named "Item": .*in-memory\.yaml#\/components\/schemas\/Item and .*one\/schemas\.yaml/);
  });

  it('reports a ref to a missing target with the file and where the ref is', () => {
    expect(() => bundleFile('refs', 'missing', 'api.yaml')).toThrow(/api\.yaml: \$ref at \/paths\/~1things\/get\/responses\/200\/content\/application~1json\/schema: .*schemas\.yaml has nothing at #\/components\/schemas\/Nope/);
  });

  it('reports a ref to a missing file', () => {
    const document = { openapi: '3.0.3', info: { title: 'T', version: '1' }, paths: { '/x': { get: { parameters: [{ $ref: './nope.yaml#/P' }], responses: {} } } } };
    expect(() => bundleRefs(document, fixture('refs', 'api.yaml'))).toThrow(/nope\.yaml: file not found/);
  });

  it('rewrites refs to the root file itself as internal refs', () => {
    const file = fixture('refs', 'self.yaml');
    const document = {
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      paths: { '/x': { get: { responses: { '200': { $ref: './self.yaml#/components/responses/Ok' } } } } },
      components: { responses: { Ok: { description: 'ok' } } },
    };
    expect(bundleRefs(document, file).paths['/x'].get.responses['200']).toEqual({ $ref: '#/components/responses/Ok' });
  });

  it('hoists headers and examples into their own sections, and their schemas into schemas', () => {
    const document = {
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      paths: {
        '/x': {
          get: {
            responses: {
              '200': {
                description: 'ok',
                headers: { 'X-Rate-Limit': { $ref: './headers.yaml#/components/headers/RateLimit' } },
                content: { 'application/json': { examples: { empty: { $ref: './headers.yaml#/components/examples/Empty' } } } },
              },
            },
          },
        },
      },
    };
    const bundled = bundleRefs(document, fixture('refs', 'in-memory.yaml'));
    expectAllInternal(bundled);
    const response = bundled.paths['/x'].get.responses['200'];
    expect(response.headers['X-Rate-Limit']).toEqual({ $ref: '#/components/headers/RateLimit' });
    expect(response.content['application/json'].examples.empty).toEqual({ $ref: '#/components/examples/Empty' });
    expect(bundled.components).toEqual({
      headers: { RateLimit: { description: 'requests left', schema: { $ref: '#/components/schemas/Count' } } },
      schemas: { Count: { type: 'integer', minimum: 0 } },
      examples: { Empty: { value: { items: [] } } },
    });
  });

  it('hoists external discriminator mapping targets', () => {
    const document = {
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      paths: {},
      components: {
        schemas: {
          Pet: {
            oneOf: [{ $ref: './recursive/tree.yaml' }],
            discriminator: { propertyName: 'kind', mapping: { tree: './recursive/tree.yaml', other: 'Other' } },
          },
        },
      },
    };
    const { schemas } = bundleRefs(document, fixture('refs', 'in-memory.yaml')).components;
    expect(schemas.Pet.oneOf).toEqual([{ $ref: '#/components/schemas/Tree' }]);
    expect(schemas.Pet.discriminator.mapping).toEqual({ tree: '#/components/schemas/Tree', other: 'Other' });
  });

  it('rejects remote refs and a YAML alias that contains itself', () => {
    const remote = { openapi: '3.0.3', info: {}, paths: { '/x': { get: { responses: { '200': { $ref: 'https://example.com/r.yaml' } } } } } };
    expect(() => bundleRefs(remote, fixture('refs', 'api.yaml'))).toThrow(/remote refs are not supported/);
    const cyclic: Record<string, any> = { openapi: '3.0.3', info: {}, paths: {} };
    cyclic.info.self = cyclic.info;
    expect(() => bundleRefs(cyclic, '<builtin>')).toThrow(/\/info\/self contains itself/);
  });
});
