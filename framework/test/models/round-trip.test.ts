// fromJSON(x).toJSON() equals x for every construct of the fixture specs (acceptance 1), with the in-memory form checked.
import { getModel, Model } from '../../src/models';
import {
  Article,
  Author,
  Book,
  Catalog,
  Company,
  Dog,
  Drawing,
  Person,
  Square,
  Tree,
} from '../fixtures/models/everything/everything.models';
import { Event, Venue } from '../fixtures/models/modern/modern.models';
import { registerFixtures } from './models-test-helpers';

const AT = '2024-02-29T23:59:58.123Z';
const LATER = '2025-01-01T00:00:00.000Z';

interface Row {
  name: string;
  model: string;
  json: Record<string, unknown>;
  /** Checks on the instance built from json (its in-memory form). */
  check?: (instance: any) => void;
}

const rows: Row[] = [
  { name: 'minimal book (required + x-mandatory only)', model: 'Book', json: { title: 'Dune', isbn: '978-0' } },
  {
    name: 'book with every kind of field',
    model: 'Book',
    json: {
      id: 9007199254740991,
      title: 'Dune',
      isbn: '978-0',
      status: 'published',
      published: '1965-08-01',
      createdAt: AT,
      tags: ['sf', 'classic'],
      author: { name: 'Frank Herbert', born: '1920-10-08' },
      coAuthors: [{ name: 'Brian' }, { name: 'Kevin', born: null }],
      rating: 4.5,
      subtitle: 'Book one',
      editor: { name: 'Sterling' },
      dimensions: { width: 15.2, height: 22.9, measuredOn: '2020-01-31' },
      metadata: { language: 'en' },
      history: [{ at: AT, event: 'created' }, { event: 'edited' }],
      reviewsBySite: { goodreads: [{ stars: 5, postedAt: LATER }, { stars: 3 }], amazon: [] },
    },
    check: (book: Book) => {
      expect(book.published).toEqual(new Date('1965-08-01T00:00:00.000Z'));
      expect(book.createdAt).toBeInstanceOf(Date);
      expect(book.author).toBeInstanceOf(Author);
      expect(book.author!.born).toEqual(new Date('1920-10-08T00:00:00.000Z'));
      expect(book.coAuthors!.every((author) => author instanceof Author)).toBe(true);
      expect(book.editor).toBeInstanceOf(Author);
      expect(book.dimensions!.measuredOn).toBeInstanceOf(Date);
      expect(book.dimensions).not.toBeInstanceOf(Model);
      expect(book.history![0].at).toEqual(new Date(AT));
      expect(book.reviewsBySite!.goodreads[0]).toBeInstanceOf(getModel('Review'));
      expect(book.reviewsBySite!.goodreads[0].postedAt).toEqual(new Date(LATER));
    },
  },
  {
    name: 'book with null in nullable properties (3.0 nullable, x-nullable, nullable allOf ref)',
    model: 'Book',
    json: { title: 'T', isbn: 'I', rating: null, subtitle: null, editor: null },
    check: (book: Book) => expect([book.rating, book.subtitle, book.editor]).toEqual([null, null, null]),
  },
  { name: 'author with a null date', model: 'Author', json: { name: 'A', born: null } },
  { name: 'author with a date', model: 'Author', json: { name: 'A', born: '2000-02-29' } },
  { name: 'review', model: 'Review', json: { stars: 1, postedAt: '1999-12-31T23:59:59.999Z' } },
  {
    name: 'recursive tree, three levels',
    model: 'Tree',
    json: { label: 'root', plantedOn: '2001-01-01', children: [{ label: 'a', children: [{ label: 'a1' }, { label: 'a2', children: [] }] }, { label: 'b' }] },
    check: (tree: Tree) => {
      expect(tree.children![0].children![1]).toBeInstanceOf(Tree);
      expect(tree.plantedOn).toBeInstanceOf(Date);
    },
  },
  {
    name: 'tree pointing to its parent',
    model: 'Tree',
    json: { label: 'leaf', parent: { label: 'trunk', parent: { label: 'root' } } },
    check: (tree: Tree) => expect(tree.parent!.parent).toBeInstanceOf(Tree),
  },
  {
    name: 'mutually recursive: person → company → person',
    model: 'Person',
    json: { name: 'Ann', hiredAt: AT, employer: { name: 'ACME', ceo: { name: 'Bob', employer: { name: 'ACME' } } } },
    check: (person: Person) => {
      expect(person.employer).toBeInstanceOf(Company);
      expect(person.employer!.ceo).toBeInstanceOf(Person);
      expect(person.employer!.ceo!.employer).toBeInstanceOf(Company);
    },
  },
  {
    name: 'mutually recursive: company → array of persons',
    model: 'Company',
    json: { name: 'ACME', employees: [{ name: 'Ann', hiredAt: AT }, { name: 'Bob', employer: { name: 'Other' } }] },
    check: (company: Company) => expect(company.employees!.map((p) => p instanceof Person)).toEqual([true, true]),
  },
  { name: 'allOf composition (Cat = PetBase + lives)', model: 'Cat', json: { petType: 'cat', name: 'Tom', birthday: '2019-05-05', lives: 9 } },
  {
    name: 'allOf composition with a nested model (Dog)',
    model: 'Dog',
    json: { petType: 'dog', name: 'Rex', goodBoy: true, owner: { name: 'Ann' } },
    check: (dog: Dog) => expect(dog.owner).toBeInstanceOf(Person),
  },
  {
    name: 'anyOf without discriminator: items picked by their required properties',
    model: 'Drawing',
    json: { shapes: [{ radius: 1 }, { side: 2, drawnAt: AT }], main: { side: 3 }, idOrName: 7 },
    check: (drawing: Drawing) => {
      expect(drawing.shapes!.map((shape) => shape.getModelName())).toEqual(['Circle', 'Square']);
      expect((drawing.shapes![1] as Square).drawnAt).toEqual(new Date(AT));
      expect(drawing.main).toBeInstanceOf(Square);
    },
  },
  { name: 'nullable oneOf set to null, union of primitives', model: 'Drawing', json: { main: null, idOrName: 'seven' } },
  {
    name: 'declared properties plus additionalProperties of models',
    model: 'Catalog',
    json: { name: 'Summer', dune: { title: 'Dune', isbn: '1', published: '1965-08-01' }, emma: { title: 'Emma', isbn: '2' } },
    check: (catalog: Catalog) => {
      expect(catalog.dune).toBeInstanceOf(Book);
      expect((catalog.dune as Book).published).toBeInstanceOf(Date);
    },
  },
  {
    name: 'allOf with a ref and own properties (Article = Timestamped + ...)',
    model: 'Article',
    json: { createdAt: AT, updatedAt: null, title: 'News', author: { name: 'Ann' } },
    check: (article: Article) => {
      expect(article.createdAt).toEqual(new Date(AT));
      expect(article.author).toBeInstanceOf(Person);
      expect(article.getModelProperties()).toEqual(['createdAt', 'updatedAt', 'title', 'author']);
    },
  },
  { name: 'int64 at the largest safe integer', model: 'Counter', json: { count: Number.MAX_SAFE_INTEGER, step: -3 } },
  { name: 'int64 at the smallest safe integer', model: 'Counter', json: { count: Number.MIN_SAFE_INTEGER } },
  { name: 'model with an x-parent', model: 'Question', json: { text: 'Why?', askedAt: AT } },
  { name: 'answer', model: 'Answer', json: { text: 'Because', question: 'Why?', answeredAt: LATER } },
  { name: 'every field optional, none given', model: 'Settings', json: {} },
  { name: 'enum fields', model: 'Settings', json: { theme: 'dark', fontSize: 12 } },
  {
    name: '3.1: type [x, null] set to null, const, anyOf with null',
    model: 'Event',
    json: { kind: 'event', at: AT, endsAt: null, sequence: null, note: null, level: null, venue: null },
    check: (event: Event) => expect(event.at).toBeInstanceOf(Date),
  },
  {
    name: '3.1: nullable fields with values, nested model through anyOf',
    model: 'Event',
    json: { kind: 'event', at: AT, endsAt: LATER, sequence: 42, note: 'hi', level: 'high', venue: { name: 'Hall', openedOn: '1990-06-15' }, tags: ['a'] },
    check: (event: Event) => {
      expect(event.endsAt).toEqual(new Date(LATER));
      expect(event.venue).toBeInstanceOf(Venue);
      expect(event.venue!.openedOn).toEqual(new Date('1990-06-15T00:00:00.000Z'));
    },
  },
  { name: '3.1: nested model with a null date', model: 'Venue', json: { name: 'Hall', openedOn: null } },
];

beforeAll(async () => {
  await registerFixtures();
});

test('the table covers at least 20 payloads', () => {
  expect(rows.length).toBeGreaterThanOrEqual(20);
});

test.each(rows.map((row) => [row.name, row] as const))('round trip: %s', (_name, row) => {
  const Class = getModel(row.model);
  const instance = Class.fromJSON(row.json);
  expect(instance).toBeInstanceOf(Class);
  expect(instance.getModelName()).toBe(row.model);
  row.check?.(instance);
  expect(instance.toJSON()).toEqual(row.json);
  expect(JSON.parse(JSON.stringify(instance))).toEqual(row.json);
});
