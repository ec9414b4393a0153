// Acceptance: the catalogue API (apis/catalog.yaml) over HTTP, against `pym start` of the example service.
import { SHUTDOWN_TIMEOUT_MS, STARTUP_TIMEOUT_MS, startLibrary, tokenFor, type Json, type LibraryService } from './helpers/library-service';

let library: LibraryService;
let librarian: string;
let member: string;

beforeAll(async () => {
  [library, librarian, member] = await Promise.all([startLibrary(), tokenFor('alice', { role: 'librarian' }), tokenFor('bob')]);
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await library?.stop();
}, SHUTDOWN_TIMEOUT_MS);

const titles = (books: Json[]) => books.map((book) => book.title);

const dispossessed = {
  title: 'The Dispossessed',
  authors: [{ name: 'Ursula K. Le Guin', birthYear: 1929 }],
  genre: 'science-fiction',
  publishedYear: 1974,
  isbn: '9780061054884',
};

describe('the service', () => {
  test('GET /ping answers {} (the example serves)', async () => {
    const response = await library.get('/ping');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
  });
});

describe('GET /v1/books (public)', () => {
  test('lists the seeded catalogue sorted by title, with page info', async () => {
    const { status, body } = await library.get('/v1/books');
    expect(status).toBe(200);
    expect(titles(body.items)).toEqual(expect.arrayContaining(['Dune', 'The Hobbit', 'Good Omens']));
    expect(titles(body.items)).toEqual([...titles(body.items)].sort((a, b) => a.localeCompare(b)));
    expect(body.page).toMatchObject({ limit: 20, offset: 0, total: body.items.length });
    expect(body.items.find((book: Json) => book.id === 'dune')).toEqual({
      id: 'dune',
      title: 'Dune',
      authors: [{ name: 'Frank Herbert', birthYear: 1920 }],
      genre: 'science-fiction',
      publishedYear: 1965,
      isbn: '9780441013593',
      available: true,
      addedAt: '2024-01-15T09:00:00.000Z',
    });
  });

  test('pages with limit and offset: pages concatenate to the full list, nextOffset until the last page', async () => {
    const all = (await library.get('/v1/books?limit=50')).body;
    const pages: Json[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const { status, body }: { status: number; body: Json } = await library.get(`/v1/books?limit=4&offset=${offset}`);
      expect(status).toBe(200);
      expect(body.page).toMatchObject({ limit: 4, offset, total: all.page.total });
      expect(body.items.length).toBeLessThanOrEqual(4);
      pages.push(...body.items);
      offset = body.page.nextOffset;
    }
    expect(pages).toEqual(all.items);
    expect(all.page.total).toBeGreaterThan(4);
  });

  test('an offset past the end gives an empty page', async () => {
    const { status, body } = await library.get('/v1/books?offset=1000');
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
    expect(body.page.nextOffset).toBeUndefined();
  });

  test('filters by genre', async () => {
    const { body } = await library.get('/v1/books?genre=fantasy');
    expect(titles(body.items)).toEqual(['A Wizard of Earthsea', 'Good Omens', 'The Hobbit']);
    expect(body.page.total).toBe(3);
  });

  test('filters by author, case- and accent-insensitively, on any of the authors', async () => {
    expect(titles((await library.get('/v1/books?author=LE%20GUIN&genre=fantasy')).body.items)).toEqual(['A Wizard of Earthsea']);
    expect(titles((await library.get('/v1/books?author=ga%C3%AFman')).body.items)).toEqual(['Good Omens']);
  });

  test('q finds every word in the title or the authors', async () => {
    expect(titles((await library.get('/v1/books?q=hobbit')).body.items)).toEqual(['The Hobbit']);
    expect(titles((await library.get('/v1/books?q=christie%20orient')).body.items)).toEqual(['Murder on the Orient Express']);
    expect((await library.get('/v1/books?q=zzz-no-such-word')).body).toEqual({ items: [], page: { limit: 20, offset: 0, total: 0 } });
  });

  test.each([
    ['limit=0', '/query/limit'],
    ['limit=51', '/query/limit'],
    ['offset=-1', '/query/offset'],
    ['limit=ten', '/query/limit'],
    ['genre=poetry', '/query/genre'],
    ['colour=red', '/query/colour'],
  ])('rejects %s with 400 INVALID_PARAMETER at %s', async (query, path) => {
    const { status, body } = await library.get(`/v1/books?${query}`);
    expect(status).toBe(400);
    expect(body.error).toBe('INVALID_PARAMETER');
    expect(body.errors.map((error: Json) => error.path)).toEqual([path]);
  });
});

describe('GET /v1/books/{bookId} (public)', () => {
  test('returns the book', async () => {
    const { status, body } = await library.get('/v1/books/the-hobbit');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'the-hobbit', title: 'The Hobbit', genre: 'fantasy', available: true });
  });

  test('404 BOOK_NOT_FOUND for an unknown id', async () => {
    const { status, body } = await library.get('/v1/books/no-such-book');
    expect(status).toBe(404);
    expect(body).toEqual({ status: 404, error: 'BOOK_NOT_FOUND', error_description: 'No book with id no-such-book' });
  });

  test('400 for an id that cannot be a book id', async () => {
    const { status, body } = await library.get('/v1/books/Not%20An%20Id');
    expect(status).toBe(400);
    expect(body.error).toBe('INVALID_PARAMETER');
    // pym currently reports path parameters under /params (reported to the framework; /path would match `in: path`).
    expect(body.errors[0].path).toMatch(/^\/(path|params)\/bookId$/);
  });
});

describe('POST /v1/books (librarians)', () => {
  test('401 AUTHORIZATION_HEADER_MISSING without a token', async () => {
    const { status, body, headers } = await library.post('/v1/books', dispossessed);
    expect(status).toBe(401);
    expect(body.error).toBe('AUTHORIZATION_HEADER_MISSING');
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('403 LIBRARIAN_ONLY for a member', async () => {
    const { status, body } = await library.post('/v1/books', dispossessed, member);
    expect(status).toBe(403);
    expect(body.error).toBe('LIBRARIAN_ONLY');
    expect((await library.get('/v1/books?q=dispossessed')).body.items).toEqual([]);
  });

  test('201 with Location for a librarian; the book is then in the catalogue', async () => {
    const { status, body, headers } = await library.post('/v1/books', dispossessed, librarian);
    expect(status).toBe(201);
    expect(body).toMatchObject({ ...dispossessed, available: true });
    expect(body.id).toMatch(/^the-dispossessed-[0-9a-f]{4}$/);
    expect(Date.parse(body.addedAt)).toBeGreaterThan(Date.parse('2024-01-15T09:00:00.000Z'));
    expect(headers.get('location')).toBe(`/v1/books/${body.id}`);

    expect((await library.get(headers.get('location')!)).body).toEqual(body);
    expect(titles((await library.get('/v1/books?author=le%20guin&genre=science-fiction')).body.items)).toEqual([
      'The Dispossessed',
      'The Left Hand of Darkness',
    ]);
  });

  // Every problem of a body of at most 16 KB (a larger one gets its first: CPU and reply size stay bounded).
  test('400 with every problem of an invalid book listed in errors[]', async () => {
    const { status, body } = await library.post(
      '/v1/books',
      { title: '', authors: [], genre: 'poetry', publishedYear: 1974, isbn: '12', shelf: 'B2' },
      librarian,
    );
    expect(status).toBe(400);
    expect(body.error).toBe('INVALID_PARAMETER');
    expect(body.errors.map((error: Json) => error.path).sort()).toEqual(
      ['/body/authors', '/body/genre', '/body/isbn', '/body/shelf', '/body/title'].sort(),
    );
  });
});

describe('DELETE /v1/books/{bookId} (librarians)', () => {
  test('403 LIBRARIAN_ONLY for a member, and the book stays', async () => {
    const { status, body } = await library.delete('/v1/books/frankenstein', member);
    expect(status).toBe(403);
    expect(body.error).toBe('LIBRARIAN_ONLY');
    expect((await library.get('/v1/books/frankenstein')).status).toBe(200);
  });

  test('204 for a librarian; the book is then gone', async () => {
    const added = await library.post('/v1/books', { ...dispossessed, title: 'Withdrawn Title' }, librarian);
    const { status, body } = await library.delete(`/v1/books/${added.body.id}`, librarian);
    expect(status).toBe(204);
    expect(body).toBeUndefined();
    expect((await library.get(`/v1/books/${added.body.id}`)).body.error).toBe('BOOK_NOT_FOUND');
    expect((await library.delete(`/v1/books/${added.body.id}`, librarian)).body.error).toBe('BOOK_NOT_FOUND');
  });
});
