// The Model API: constructor, fromJSON/toJSON rules, names and properties, registry lookups, identity, errors.
import { getApiModels, getModel, listModels, Model, ModelError, modelClass, models } from '../../src/models';
import { registryModelCodec } from '../../src/models/task-model-codec';
import { Author, Book, Cat, Counter, Dog, PetBase, Question, Settings } from '../fixtures/models/everything/everything.models';
import { Event } from '../fixtures/models/modern/modern.models';
import { registerFixtures } from './models-test-helpers';

beforeAll(async () => {
  await registerFixtures();
});

describe('construction', () => {
  test('new Model({...}) keeps typed values as they are and builds nested models from plain objects', () => {
    const published = new Date('2020-01-01T00:00:00.000Z');
    const author = new Author({ name: 'Ann' });
    const book = new Book({ title: 'T', isbn: 'I', published, author, coAuthors: [{ name: 'Bob' }] });
    expect(book.published).toBe(published);
    expect(book.author).toBe(author);
    expect(book.coAuthors![0]).toBeInstanceOf(Author);
    expect(book.toJSON()).toEqual({ title: 'T', isbn: 'I', published: '2020-01-01', author: { name: 'Ann' }, coAuthors: [{ name: 'Bob' }] });
  });

  test('a model whose fields are all optional can be built without arguments', () => {
    expect(new Settings().toJSON()).toEqual({});
  });

  test('undeclared keys are dropped (no additionalProperties), undefined fields are left out', () => {
    const book = Book.fromJSON({ title: 'T', isbn: 'I', unknown: 1, tags: undefined });
    expect(Object.keys(book)).toEqual(['title', 'isbn']);
    expect(book.toJSON()).toEqual({ title: 'T', isbn: 'I' });
  });

  test('null is kept for nullable properties only', () => {
    const book = Book.fromJSON({ title: 'T', isbn: 'I', rating: null, tags: null, author: null });
    expect(book.toJSON()).toEqual({ title: 'T', isbn: 'I', rating: null });
    book.title = null as unknown as string;
    expect(book.toJSON()).toEqual({ isbn: 'I', rating: null });
  });

  test('non-canonical date-times are read as the same instant and written in canonical form', () => {
    const question = Question.fromJSON({ text: 'q', askedAt: '2024-03-01T10:00:00+02:00' });
    expect(question.askedAt).toEqual(new Date('2024-03-01T08:00:00.000Z'));
    expect(question.toJSON()).toEqual({ text: 'q', askedAt: '2024-03-01T08:00:00.000Z' });
  });

  test('fromJSON returns an instance of the class as is and rejects non-objects', () => {
    const book = new Book({ title: 'T', isbn: 'I' });
    expect(Book.fromJSON(book)).toBe(book);
    expect(() => Book.fromJSON('nope')).toThrow(new ModelError('Book.fromJSON() expects an object, got string "nope"'));
    expect(() => Book.fromJSON([])).toThrow('Book.fromJSON() expects an object, got an array');
  });
});

describe('conversion errors name the path of the bad value', () => {
  test.each([
    [() => Book.fromJSON({ title: 'T', isbn: 'I', createdAt: 'yesterday' }), 'Book.createdAt: string "yesterday" is not a valid date'],
    [() => Book.fromJSON({ title: 'T', isbn: 'I', published: '2023-02-30' }), 'Book.published: string "2023-02-30" is not a valid date'],
    [() => Book.fromJSON({ title: 'T', isbn: 'I', published: '2023-02-03T00:00:00Z' }), 'Book.published: expected a YYYY-MM-DD date string'],
    [() => Book.fromJSON({ title: 'T', isbn: 'I', coAuthors: [{ name: 'a' }, { name: 'b', born: 'x' }] }), 'Book.coAuthors[1].born: expected a YYYY-MM-DD date string, got string "x"'],
    [() => Book.fromJSON({ title: 'T', isbn: 'I', author: 'Frank' }), 'Book.author: expected an object for model Author, got string "Frank"'],
    [() => Book.fromJSON({ title: 'T', isbn: 'I', reviewsBySite: { 'a b': [{ stars: 1, postedAt: 3 }] } }), 'Book.reviewsBySite["a b"][0].postedAt: expected an ISO date-time string, got number 3'],
    [() => Counter.fromJSON({ count: 2 ** 53 }), 'Counter.count: number 9007199254740992 is not a safe integer'],
    [() => new Counter({ count: -(2 ** 60) }), 'Counter.count: number -1152921504606847000 is not a safe integer'],
  ])('%#', (build, message) => {
    expect(build).toThrow(ModelError);
    expect(build).toThrow(message);
  });

  test('an unsafe int64 set after construction fails toJSON instead of sending a wrong number', () => {
    const counter = new Counter({ count: 1 });
    counter.count = 2 ** 53 + 2;
    expect(() => counter.toJSON()).toThrow('Counter.count: number 9007199254740994 is not a safe integer');
  });

  test('a safe bigint int64 becomes a number', () => {
    expect(new Counter({ count: BigInt(42) as unknown as number }).count).toBe(42);
  });
});

describe('names, properties and discriminators', () => {
  test('getModelName / getModelProperties / modelName', () => {
    const author = new Author({ name: 'A' });
    expect(author.getModelName()).toBe('Author');
    expect(author.getModelProperties()).toEqual(['name', 'born']);
    expect(Author.getModelProperties()).toEqual(['name', 'born']);
    expect(Author.modelName).toBe('Author');
    expect(Author.name).toBe('Author');
  });

  test('a discriminator on the schema builds the class its mapping names', () => {
    expect(PetBase.fromJSON({ petType: 'dog', name: 'Rex', goodBoy: true })).toBeInstanceOf(Dog);
    expect(PetBase.fromJSON({ petType: 'cat', name: 'Tom' })).toBeInstanceOf(Cat);
    expect(PetBase.fromJSON({ petType: 'fish', name: 'Nemo' })).toBeInstanceOf(PetBase);
    expect(new PetBase({ petType: 'dog', name: 'Rex' })).toBeInstanceOf(PetBase);
  });

  test('3.1 const fields round-trip and stay typed', () => {
    const event = new Event({ kind: 'event', at: new Date(0) });
    expect(event.toJSON()).toEqual({ kind: 'event', at: '1970-01-01T00:00:00.000Z' });
  });
});

describe('registry', () => {
  test('the class of a generated module is the class of the registry, by name and by API', () => {
    expect(getModel('Book')).toBe(Book);
    expect(modelClass('Book')).toBe(Book);
    expect(models.everything.Book).toBe(Book);
    expect(getApiModels('modern').Event).toBe(Event);
    expect(Object.keys(getApiModels('modern'))).toEqual(['Event', 'Venue']);
    expect(listModels()).toContain('Tree');
  });

  test('instanceof holds for values rebuilt by name, as a task worker does', () => {
    const dog = new Dog({ petType: 'dog', name: 'Rex', goodBoy: true, owner: { name: 'Ann' } });
    const name = registryModelCodec.nameOf(dog)!;
    const rebuilt = registryModelCodec.fromJSON(name, JSON.parse(JSON.stringify(registryModelCodec.toJSON(dog))));
    expect(name).toBe('Dog');
    expect(rebuilt).toBeInstanceOf(Dog);
    expect(rebuilt).toEqual(dog);
    expect(registryModelCodec.nameOf(new Date())).toBeUndefined();
  });

  test('a subclass of a model is not taken for the model (a worker would rebuild the base class, without its methods)', () => {
    class LoudBook extends (Book as unknown as new (init: object) => object) {
      shout(): string {
        return 'BOOK!';
      }
    }
    // Before: tagged "Book", rebuilt as a Book in the worker, where shout() does not exist.
    expect(registryModelCodec.nameOf(new LoudBook({ title: 'T', isbn: 'I' }))).toBeUndefined();
    expect(registryModelCodec.nameOf(new Book({ title: 'T', isbn: 'I' }))).toBe('Book');
  });

  test('lookups of unknown names and of non-class schemas fail clearly', () => {
    expect(() => getModel('Bok')).toThrow('No model named "Bok"; did you mean Book?');
    expect(() => getModel('Pet')).toThrow('Schema Pet is a oneOf/anyOf union (its values are instances of its member models), not a model class');
    expect(() => getModel('Labels')).toThrow('Schema Labels is a map');
    expect(() => getApiModels('nope')).toThrow('No API named "nope" is registered (known: everything, modern)');
  });

  test('a class obtained before its schema is registered cannot be instantiated', () => {
    const Later = modelClass('NotInAnySpec');
    expect(Later).toBe(modelClass('NotInAnySpec'));
    expect(() => new Later({})).toThrow(/Model NotInAnySpec has no schema: no spec registered with registerApiModels\(\) defines it/);
  });

  test('x-parent members live on the prototype: an instance is a Model and a Question', () => {
    const question = new Question({ text: 'why' });
    expect(question).toBeInstanceOf(Model);
    expect(Object.keys(question)).toEqual(['text']);
    expect(question.shouted).toBe('WHY!');
    expect(Cat.prototype).not.toHaveProperty('toReply');
  });
});
