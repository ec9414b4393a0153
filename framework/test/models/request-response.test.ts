// The seams of the HTTP layer: toRequestModel (body → models), toResponseBody and toWire (result → JSON data).
import { Model, toWire } from '../../src/models';
import { toRequestModel } from '../../src/models/request-body';
import { toResponseBody } from '../../src/models/response-body';
import type { LoadedApi } from '../../src/openapi/types';
import { Author, Book, Catalog, Cat, Dog, Question, Tree } from '../fixtures/models/everything/everything.models';
import { operationOf, registerFixtures } from './models-test-helpers';

let apis: LoadedApi[];

beforeAll(async () => {
  apis = await registerFixtures();
});

describe('toRequestModel', () => {
  test('a body whose schema is a named model arrives as an instance, x-parent methods included', () => {
    const body = toRequestModel(operationOf(apis, 'answerQuestion'), { text: 'Why?', askedAt: '2024-01-01T00:00:00.000Z' });
    expect(body).toBeInstanceOf(Question);
    expect((body as Question).askedAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect((body as Question).shouted).toBe('WHY?!');
  });

  test('an array of refs arrives as an array of instances', () => {
    const body = toRequestModel(operationOf(apis, 'importBooks'), [{ title: 'A', isbn: '1' }, { title: 'B', isbn: '2', author: { name: 'X' } }]) as Book[];
    expect(body.map((book) => book instanceof Book)).toEqual([true, true]);
    expect(body[1].author).toBeInstanceOf(Author);
  });

  test('a union body with a discriminator arrives as the mapped class', () => {
    const operation = operationOf(apis, 'adoptPet');
    expect(toRequestModel(operation, { petType: 'dog', name: 'Rex', goodBoy: true })).toBeInstanceOf(Dog);
    expect(toRequestModel(operation, { petType: 'cat', name: 'Tom' })).toBeInstanceOf(Cat);
  });

  test('a recursive body is built all the way down', () => {
    const tree = toRequestModel(operationOf(apis, 'saveTree'), { label: 'r', children: [{ label: 'c', children: [{ label: 'g' }] }] }) as Tree;
    expect(tree.children![0].children![0]).toBeInstanceOf(Tree);
  });

  test('no body, or a body schema with nothing to convert: the same value comes back', () => {
    const getBook = operationOf(apis, 'getBook');
    const anything = { a: 1 };
    expect(toRequestModel(getBook, anything)).toBe(anything);
    expect(toRequestModel(operationOf(apis, 'createBook'), undefined)).toBeUndefined();
  });

  test('a value that cannot be converted is a 400 INVALID_PARAMETER under /body (a client error, not a 500)', () => {
    expect(() => toRequestModel(operationOf(apis, 'importBooks'), [{ title: 'A', isbn: '1', published: 'soon' }])).toThrow(
      expect.objectContaining({
        code: 'INVALID_PARAMETER',
        status: 400,
        message: 'Invalid parameter: body[0].published: expected a YYYY-MM-DD date string, got string "soon"',
        errors: [{ path: '/body/0/published', message: 'expected a YYYY-MM-DD date string, got string "soon"' }],
      }),
    );
  });

  test('an extra property named like a model method (toJSON, constructor…) is refused: it would hide the method', () => {
    // Before: accepted as an own property, so echoing the model (toJSON no longer a function) answered 500.
    for (const name of ['toJSON', 'constructor', 'getModelName', 'hasOwnProperty']) {
      expect(() => Catalog.fromJSON({ name: 'c', [name]: { title: 'T', isbn: 'I' } })).toThrow(`${name}: is the name of a method of Catalog`);
    }
    const catalog = Catalog.fromJSON({ name: 'c', dune: { title: 'Dune', isbn: '1' } });
    expect(toWire(catalog)).toEqual({ name: 'c', dune: { title: 'Dune', isbn: '1' } });
  });
});

describe('toWire', () => {
  test('models, Dates and bigints become JSON data, deeply', () => {
    const book = new Book({ title: 'T', isbn: 'I', published: new Date('2020-05-06T00:00:00.000Z') });
    expect(toWire({ items: [book], at: new Date(0), n: BigInt(3) })).toEqual({
      items: [{ title: 'T', isbn: 'I', published: '2020-05-06' }],
      at: '1970-01-01T00:00:00.000Z',
      n: 3,
    });
  });

  test('copy on write: data with nothing to convert is returned as the same objects', () => {
    const data = { a: [1, { b: 'c' }], d: null };
    expect(toWire(data)).toBe(data);
    const mixed = { keep: { x: 1 }, change: new Date(0) };
    const wire = toWire(mixed) as typeof mixed;
    expect(wire).not.toBe(mixed);
    expect(wire.keep).toBe(mixed.keep);
    expect(mixed.change).toBeInstanceOf(Date);
  });

  test('an invalid Date or an unsafe bigint is an error, not a silent null', () => {
    expect(() => toWire({ at: new Date('nope') })).toThrow('an invalid Date cannot be sent as JSON');
    expect(() => toWire(BigInt(2) ** BigInt(64))).toThrow('bigint 18446744073709551616 is not a safe integer');
  });
});

describe('toResponseBody', () => {
  test('a plain object follows the response schema: format date is sent as YYYY-MM-DD', () => {
    const operation = operationOf(apis, 'importBooks');
    const result = { imported: 2, firstPublished: new Date('1965-08-01T00:00:00.000Z') };
    expect(toResponseBody(operation, 200, result)).toEqual({ imported: 2, firstPublished: '1965-08-01' });
    expect(toWire(result)).toEqual({ imported: 2, firstPublished: '1965-08-01T00:00:00.000Z' });
  });

  test('a model instance or plain data of a model shape is serialized the same way', () => {
    const operation = operationOf(apis, 'createBook');
    const plain = { title: 'T', isbn: 'I', author: { name: 'A', born: new Date('2000-01-02T00:00:00.000Z') }, rating: null };
    const expected = { title: 'T', isbn: 'I', author: { name: 'A', born: '2000-01-02' }, rating: null };
    expect(toResponseBody(operation, 201, plain)).toEqual(expected);
    expect(toResponseBody(operation, 201, new Book(plain))).toEqual(expected);
  });

  test('plain data under a schema with a discriminator is serialized as the class its mapping names', () => {
    const document = apis[0].document;
    const operation = { ...operationOf(apis, 'saveTree'), operation: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/PetBase' } } } } } } };
    expect(document.components.schemas.PetBase.discriminator.propertyName).toBe('petType');
    const dog = { petType: 'dog', name: 'Rex', goodBoy: true, birthday: new Date('2020-02-02T00:00:00.000Z'), secret: 'dropped' };
    expect(toResponseBody(operation, 200, dog)).toEqual({ petType: 'dog', name: 'Rex', goodBoy: true, birthday: '2020-02-02' });
  });

  test('a status without a JSON schema falls back to toWire', () => {
    const body = toResponseBody(operationOf(apis, 'adoptPet'), 202, { at: new Date(0), pet: new Cat({ petType: 'cat', name: 'Tom' }) });
    expect(body).toEqual({ at: '1970-01-01T00:00:00.000Z', pet: { petType: 'cat', name: 'Tom' } });
    expect(body).not.toBeInstanceOf(Model);
  });
});
