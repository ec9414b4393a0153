// Acceptance: the lending API (apis/lending.yaml) over HTTP: borrow, list, read, return, and the rules around them.
import { SHUTDOWN_TIMEOUT_MS, STARTUP_TIMEOUT_MS, startLibrary, tokenFor, type Json, type LibraryService } from './helpers/library-service';

/**
 * The library's rule, computed here independently of the service: a loan is due by closing time
 * (18:00 UTC) on its last day, `days` calendar days after it was borrowed.
 */
function closingTimeAfter(borrowedAt: string, days: number): string {
  const due = new Date(borrowedAt);
  due.setUTCDate(due.getUTCDate() + days);
  due.setUTCHours(18, 0, 0, 0);
  return due.toISOString();
}
/** A well-formed loan id that no loan has. */
const SOME_LOAN_ID = '00000000-0000-4000-8000-000000000000';

let library: LibraryService;
/** alice is a librarian (and borrows books too); bob, carol and dave are members. */
let alice: string;
let bob: string;
let carol: string;
let dave: string;

beforeAll(async () => {
  [library, alice, bob, carol, dave] = await Promise.all([
    startLibrary(),
    tokenFor('alice', { role: 'librarian' }),
    tokenFor('bob'),
    tokenFor('carol'),
    tokenFor('dave'),
  ]);
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await library?.stop();
}, SHUTDOWN_TIMEOUT_MS);

/** Borrow `bookId` as `token` and expect success; returns the loan. */
async function borrow(bookId: string, token: string, days?: number): Promise<Json> {
  const response = await library.post('/v1/loans', days === undefined ? { bookId } : { bookId, days }, token);
  expect(response.status).toBe(201);
  return response.body;
}

/** A book added by a librarian for one test, so that tests do not share books. */
async function addBook(title: string): Promise<string> {
  const response = await library.post(
    '/v1/books',
    { title, authors: [{ name: 'Test Author' }], genre: 'fiction', publishedYear: 2001 },
    alice,
  );
  expect(response.status).toBe(201);
  return response.body.id;
}

describe('borrowing and returning a book', () => {
  test('borrow → read → list mine → the book is unavailable to others → return → it can be borrowed again', async () => {
    // alice borrows Dune for a week.
    const borrowed = await library.post('/v1/loans', { bookId: 'dune', days: 7 }, alice);
    expect(borrowed.status).toBe(201);
    const loan = borrowed.body;
    expect(loan).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bookId: 'dune',
      memberId: 'alice',
      status: 'active',
      borrowedAt: expect.any(String),
      dueAt: expect.any(String),
    });
    expect(loan.dueAt).toBe(closingTimeAfter(loan.borrowedAt, 7));
    expect(borrowed.headers.get('location')).toBe(`/v1/loans/${loan.id}`);

    // The Location is readable, and the loan is in her list.
    expect((await library.get(borrowed.headers.get('location')!, alice)).body).toEqual(loan);
    const mine = await library.get('/v1/loans', alice);
    expect(mine.status).toBe(200);
    expect(mine.body.items[0]).toEqual(loan);

    // The catalogue shows Dune as out.
    expect((await library.get('/v1/books/dune')).body.available).toBe(false);
    expect((await library.get('/v1/books?available=false')).body.items.map((book: Json) => book.id)).toContain('dune');
    expect((await library.get('/v1/books?available=true')).body.items.map((book: Json) => book.id)).not.toContain('dune');

    // Nobody can borrow it now: 409 with a message for the end user.
    const refused = await library.post('/v1/loans', { bookId: 'dune' }, bob);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, error: 'BOOK_NOT_AVAILABLE' });
    expect(refused.body.user_message).toMatch(/^“Dune” is on loan until \d{1,2} \w+ \d{4}\. Please try again after that date\.$/);
    const again = await library.post('/v1/loans', { bookId: 'dune' }, alice);
    expect(again.body.error).toBe('BOOK_NOT_AVAILABLE');
    expect(again.body.user_message).toMatch(/^You already have “Dune”/);

    // alice brings it back.
    const returned = await library.post(`/v1/loans/${loan.id}/return`, undefined, alice);
    expect(returned.status).toBe(200);
    expect(returned.body).toEqual({ ...loan, status: 'returned', returnedAt: expect.any(String) });
    expect(Date.parse(returned.body.returnedAt)).toBeGreaterThanOrEqual(Date.parse(loan.borrowedAt));
    expect((await library.get('/v1/books/dune')).body.available).toBe(true);

    // Now bob can borrow it.
    const bobs = await borrow('dune', bob);
    expect(bobs).toMatchObject({ bookId: 'dune', memberId: 'bob', status: 'active' });
    await library.post(`/v1/loans/${bobs.id}/return`, undefined, bob);
  });

  test('a loan lasts 14 days when the request does not say', async () => {
    const loan = await borrow('the-hobbit', bob);
    expect(loan.dueAt).toBe(closingTimeAfter(loan.borrowedAt, 14));
    await library.post(`/v1/loans/${loan.id}/return`, undefined, bob);
  });

  test.each([1, 30, 60])(
    'a %i-day loan is due by closing time (18:00 UTC) on its last day: LoanRequest.dueDate(), the x-parent method createLoan calls',
    async (days) => {
      const loan = await borrow(await addBook(`Due Date Book ${days}`), dave, days);
      expect(loan.dueAt).toBe(closingTimeAfter(loan.borrowedAt, days));
      expect(loan.dueAt.endsWith('T18:00:00.000Z')).toBe(true);
      // The due date is stored with the loan, not recomputed: reading the loan gives the same one.
      expect((await library.get(`/v1/loans/${loan.id}`, dave)).body.dueAt).toBe(loan.dueAt);
      await library.post(`/v1/loans/${loan.id}/return`, undefined, dave);
    },
  );

  test('returning a loan twice is 409 LOAN_ALREADY_RETURNED', async () => {
    const loan = await borrow(await addBook('Twice Returned'), bob);
    expect((await library.post(`/v1/loans/${loan.id}/return`, undefined, bob)).status).toBe(200);
    const second = await library.post(`/v1/loans/${loan.id}/return`, undefined, bob);
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('LOAN_ALREADY_RETURNED');
  });

  test('GET /v1/loans?status= filters the caller\'s loans by state', async () => {
    const kept = await borrow(await addBook('Kept Book'), carol);
    const given = await borrow(await addBook('Given Back Book'), carol);
    await library.post(`/v1/loans/${given.id}/return`, undefined, carol);

    const ids = async (query: string) => (await library.get(`/v1/loans${query}`, carol)).body.items.map((loan: Json) => loan.id);
    expect(await ids('')).toEqual([given.id, kept.id]);
    expect(await ids('?status=active')).toEqual([kept.id]);
    expect(await ids('?status=returned')).toEqual([given.id]);
    expect((await library.get('/v1/loans?status=lost', carol)).body.errors[0].path).toBe('/query/status');
    await library.post(`/v1/loans/${kept.id}/return`, undefined, carol);
  });
});

describe('members only see their own loans', () => {
  test('another member gets 404 LOAN_NOT_FOUND for alice\'s loan, cannot return it, and does not list it', async () => {
    const loan = await borrow('frankenstein', alice);

    const read = await library.get(`/v1/loans/${loan.id}`, bob);
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ status: 404, error: 'LOAN_NOT_FOUND' });
    const returned = await library.post(`/v1/loans/${loan.id}/return`, undefined, bob);
    expect(returned.status).toBe(404);
    expect(returned.body.error).toBe('LOAN_NOT_FOUND');
    expect((await library.get('/v1/loans', bob)).body.items.map((item: Json) => item.id)).not.toContain(loan.id);

    // Still alice's, still out.
    expect((await library.get(`/v1/loans/${loan.id}`, alice)).body.status).toBe('active');
    await library.post(`/v1/loans/${loan.id}/return`, undefined, alice);
  });

  test('404 LOAN_NOT_FOUND for an id no loan has; 400 for an id that is not a UUID', async () => {
    const missing = await library.get(`/v1/loans/${SOME_LOAN_ID}`, bob);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('LOAN_NOT_FOUND');
    const malformed = await library.get('/v1/loans/42', bob);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('INVALID_PARAMETER');
  });
});

describe('lending rules', () => {
  test('404 BOOK_NOT_FOUND when borrowing a book the catalogue does not have', async () => {
    const { status, body } = await library.post('/v1/loans', { bookId: 'no-such-book' }, bob);
    expect(status).toBe(404);
    expect(body.error).toBe('BOOK_NOT_FOUND');
  });

  test('a member may hold 5 books; the 6th is 409 LOAN_LIMIT_REACHED until one is returned', async () => {
    const books = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => addBook(`Limit Book ${n}`)));
    const loans: Json[] = [];
    for (const bookId of books.slice(0, 5)) loans.push(await borrow(bookId, carol));

    const sixth = await library.post('/v1/loans', { bookId: books[5] }, carol);
    expect(sixth.status).toBe(409);
    expect(sixth.body.error).toBe('LOAN_LIMIT_REACHED');
    expect(sixth.body.user_message).toBe('You can borrow up to 5 books at a time. Please return one first.');

    await library.post(`/v1/loans/${loans[0].id}/return`, undefined, carol);
    const retried = await borrow(books[5], carol);
    for (const loan of [...loans.slice(1), retried]) await library.post(`/v1/loans/${loan.id}/return`, undefined, carol);
  });

  test('a librarian cannot remove a book while it is on loan (409 BOOK_ON_LOAN), and can once it is back', async () => {
    const bookId = await addBook('Popular Book');
    const loan = await borrow(bookId, bob);
    const refused = await library.delete(`/v1/books/${bookId}`, alice);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('BOOK_ON_LOAN');
    await library.post(`/v1/loans/${loan.id}/return`, undefined, bob);
    expect((await library.delete(`/v1/books/${bookId}`, alice)).status).toBe(204);
  });
});

describe('authentication and validation', () => {
  test.each([
    ['POST', '/v1/loans', { bookId: 'dune' }],
    ['GET', '/v1/loans', undefined],
    ['GET', `/v1/loans/${SOME_LOAN_ID}`, undefined],
    ['POST', `/v1/loans/${SOME_LOAN_ID}/return`, undefined],
  ])('%s %s without a token is 401 AUTHORIZATION_HEADER_MISSING', async (method, path, body) => {
    const response = await library.call(method, path, { body });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('AUTHORIZATION_HEADER_MISSING');
  });

  test('a token not signed by the service is 401 TOKEN_INVALID', async () => {
    const forged = `${bob.split('.').slice(0, 2).join('.')}.c2lnbmF0dXJl`;
    const response = await library.get('/v1/loans', forged);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('TOKEN_INVALID');
  });

  test.each([
    ['a bad id, a loan too long and an unknown field', { bookId: 'Dune!', days: 61, renew: true }, ['/body/bookId', '/body/days', '/body/renew']],
    ['no bookId', { days: 7 }, ['/body/bookId']],
    ['days as a string (bodies are not coerced)', { bookId: 'dune', days: '7' }, ['/body/days']],
    ['zero days', { bookId: 'dune', days: 0 }, ['/body/days']],
  ])('400 INVALID_PARAMETER for %s, each problem in errors[]', async (_what, body, paths) => {
    const response = await library.post('/v1/loans', body, bob);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('INVALID_PARAMETER');
    expect(response.body.errors.map((error: Json) => error.path).sort()).toEqual([...paths].sort());
  });
});
