// Handlers of the catalogue API (apis/catalog.yaml): search and read books; librarians add and remove them.
import { randomBytes } from 'node:crypto';
import { created, getLogger, noContent } from '@pym/framework';
import { Book, type Handler } from '../../apis/catalog.models';
import { callerId, requireLibrarian } from '../auth/caller';
import { BookNotFound, BookOnLoan } from '../errors';
import { stores, type BookRecord } from '../store';
import { bookUrl } from '../urls';

/** The spec's defaults, for when a parameter is absent. */
const DEFAULT_LIMIT = 20;

/** A stored book as the API shows it: a `Book` model instance, with whether it can be borrowed now. */
function toBook(book: BookRecord, available: boolean): Book {
  return new Book({ ...book, available });
}

async function isAvailable(bookId: string): Promise<boolean> {
  return (await stores.loans.openLoanOf(bookId)) === undefined;
}

/**
 * A readable, unique id for a new book: its title in kebab case plus a short random suffix
 * (`The Dispossessed` → `the-dispossessed-4f1c`). Matches the spec's `BookId` pattern.
 */
function newBookId(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return `${slug || 'book'}-${randomBytes(2).toString('hex')}`;
}

/**
 * `GET /books`: the books matching every filter, sorted by title, one page at a time.
 * Availability is checked for every match before paging, so `available=true` pages stay full.
 */
export const listBooks: Handler<'listBooks'> = async ({ params }) => {
  const limit = params.limit ?? DEFAULT_LIMIT;
  const offset = params.offset ?? 0;
  const matches = await stores.books.find({ q: params.q, author: params.author, genre: params.genre });
  const books = await Promise.all(matches.map(async (book) => toBook(book, await isAvailable(book.id))));
  const selected = params.available === undefined ? books : books.filter((book) => book.available === params.available);
  const nextOffset = offset + limit < selected.length ? offset + limit : undefined;
  return {
    items: selected.slice(offset, offset + limit),
    page: { limit, offset, total: selected.length, ...(nextOffset !== undefined && { nextOffset }) },
  };
};

/**
 * `GET /books/{bookId}`: one book.
 *
 * @throws BOOK_NOT_FOUND (404)
 */
export const getBook: Handler<'getBook'> = async ({ params }) => {
  const book = await stores.books.get(params.bookId);
  if (book === undefined) throw new BookNotFound(`No book with id ${params.bookId}`);
  return toBook(book, await isAvailable(book.id));
};

/**
 * `POST /books`: add a book to the catalogue; 201 with its URL in `Location`.
 *
 * @throws LIBRARIAN_ONLY (403) unless the caller's token says `role: librarian`.
 */
export const createBook: Handler<'createBook'> = async ({ body }) => {
  requireLibrarian();
  const book: BookRecord = {
    id: newBookId(body.title),
    title: body.title,
    authors: body.authors.map(({ name, birthYear }) => (birthYear === undefined ? { name } : { name, birthYear })),
    genre: body.genre,
    publishedYear: body.publishedYear,
    ...(body.isbn !== undefined && { isbn: body.isbn }),
    addedAt: new Date(),
  };
  while (!(await stores.books.add(book))) book.id = newBookId(body.title);
  getLogger().info({ bookId: book.id, librarian: callerId() }, 'book added to the catalogue');
  return created(toBook(book, true), bookUrl(book.id));
};

/**
 * `DELETE /books/{bookId}`: remove a book from the catalogue; 204.
 *
 * @throws LIBRARIAN_ONLY (403), BOOK_NOT_FOUND (404), BOOK_ON_LOAN (409) while someone has it.
 */
export const deleteBook: Handler<'deleteBook'> = async ({ params }) => {
  requireLibrarian();
  const book = await stores.books.get(params.bookId);
  if (book === undefined) throw new BookNotFound(`No book with id ${params.bookId}`);
  const loan = await stores.loans.openLoanOf(book.id);
  if (loan !== undefined) {
    throw new BookOnLoan(`Book ${book.id} is on loan until ${loan.dueAt.toISOString()}`, {
      userMessage: `“${book.title}” is on loan; it can be removed once it is returned.`,
    });
  }
  await stores.books.remove(book.id);
  getLogger().info({ bookId: book.id, librarian: callerId() }, 'book removed from the catalogue');
  return noContent();
};
