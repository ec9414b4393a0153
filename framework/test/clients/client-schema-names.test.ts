// separateClientSchemas: a client's schema that differs from the service's one of the same name gets the client's prefix.
import { knownSchemas, separateClientSchemas } from '../../src/clients/client-schema-names';

const own = {
  components: {
    schemas: {
      ApiError: { type: 'object', properties: { error: { type: 'string' } } },
      Author: { type: 'object', properties: { name: { type: 'string' } }, 'x-parent': 'models/author#AuthorMethods' },
      Book: { type: 'object', properties: { author: { $ref: '#/components/schemas/Author' } } },
      Cat: { type: 'object', properties: { kind: { type: 'string' } } },
    },
  },
};

test('equal schemas keep their name (x-parent aside); different ones, and those referring to them, get the prefix', () => {
  const client = {
    paths: { '/books': { get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Book' } } } } } } } },
    components: {
      schemas: {
        ApiError: { type: 'object', properties: { error: { type: 'string' }, error_id: { type: 'string' } } },
        Author: { type: 'object', properties: { name: { type: 'string' }, born: { type: 'integer' } } },
        Book: { type: 'object', properties: { author: { $ref: '#/components/schemas/Author' } } },
        Shelf: { type: 'object', properties: { books: { type: 'array', items: { $ref: '#/components/schemas/Book' } } } },
      },
    },
  };
  const known = knownSchemas([own]);
  const separated = separateClientSchemas('audit-service', client, known);
  expect(Object.keys(separated.components.schemas)).toEqual(['AuditServiceApiError', 'AuditServiceAuthor', 'AuditServiceBook', 'Shelf']);
  expect(separated.components.schemas.AuditServiceBook.properties.author.$ref).toBe('#/components/schemas/AuditServiceAuthor');
  expect(separated.components.schemas.Shelf.properties.books.items.$ref).toBe('#/components/schemas/AuditServiceBook');
  expect(separated.paths['/books'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/AuditServiceBook');
  expect(known.has('Shelf') && known.has('AuditServiceBook')).toBe(true);

  const same = { components: { schemas: { Author: { type: 'object', properties: { name: { type: 'string' } } } } } };
  expect(Object.keys(separateClientSchemas('other', same, knownSchemas([own])).components.schemas)).toEqual(['Author']);
});

test('a discriminator that named a renamed schema implicitly gets an explicit mapping', () => {
  const client = {
    components: {
      schemas: {
        Cat: { type: 'object', properties: { kind: { type: 'string' }, lives: { type: 'integer' } } },
        Pet: { oneOf: [{ $ref: '#/components/schemas/Cat' }], discriminator: { propertyName: 'kind' } },
      },
    },
  };
  const separated = separateClientSchemas('shop', client, knownSchemas([own]));
  expect(separated.components.schemas.Pet).toEqual({
    oneOf: [{ $ref: '#/components/schemas/ShopCat' }],
    discriminator: { propertyName: 'kind', mapping: { Cat: '#/components/schemas/ShopCat' } },
  });
});
