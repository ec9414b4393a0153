// Handlers of the catalogue API (apis/catalog.yaml): search and read books; librarians add and remove them.
import { randomBytes } from 'node:crypto';
import { created, getLogger, noContent, type HandlerInput } from '@pym/framework';
import { callerId, requireLibrarian } from '../auth/caller';
import { BookNotFound, BookOnLoan } from '../errors';
import { stores, type AuthorRecord, type BookRecord, type Genre } from '../store';
import { bookUrl } from '../urls';

/** A book as the API shows it (schema `Book`). */
export interface BookView extends BookRecord {
  /** False while the book is on loan. */
  available: boolean;
}

/** Query parameters of `GET /books` (validated and coerced by pym: `limit` is a number, `available` a boolean). */
export interface ListBooksParams {
  q?: string;
  author?: string;
  genre?: Genre;
  available?: boolean;
  limit?: number;
  offset?: number;
}

/** The body of `POST /books` (schema `NewBook`). */
export interface NewBookBody {
  title: string;
  authors: AuthorRecord[];
  genre: Genre;
  publishedYear: number;
  isbn?: string;
}

/** Path parameters of `/books/{bookId}`. */
export interface BookPathParams {
  bookId: string;
}

/** The spec's defaults, for when a parameter is absent. */
const DEFAULT_LIMIT = 20;

function toBookView(book: BookRecord, available: boolean): BookView {
  return { ...book, available };
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
export async function listBooks({ params }: HandlerInput<undefined, ListBooksParams>) {
  const limit = params.limit ?? DEFAULT_LIMIT;
  const offset = params.offset ?? 0;
  const matches = await stores.books.find({ q: params.q, author: params.author, genre: params.genre });
  const books = await Promise.all(matches.map(async (book) => toBookView(book, await isAvailable(book.id))));
  const selected = params.available === undefined ? books : books.filter((book) => book.available === params.available);
  const nextOffset = offset + limit < selected.length ? offset + limit : undefined;
  return {
    items: selected.slice(offset, offset + limit),
    page: { limit, offset, total: selected.length, ...(nextOffset !== undefined && { nextOffset }) },
  };
}

/**
 * `GET /books/{bookId}`: one book.
 *
 * @throws BOOK_NOT_FOUND (404)
 */
export async function getBook({ params }: HandlerInput<undefined, BookPathParams>) {
  const book = await stores.books.get(params.bookId);
  if (book === undefined) throw new BookNotFound(`No book with id ${params.bookId}`);
  return toBookView(book, await isAvailable(book.id));
}

/**
 * `POST /books`: add a book to the catalogue; 201 with its URL in `Location`.
 *
 * @throws LIBRARIAN_ONLY (403) unless the caller's token says `role: librarian`.
 */
export async function createBook({ body }: HandlerInput<NewBookBody>) {
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
  return created(toBookView(book, true), bookUrl(book.id));
}

/**
 * `DELETE /books/{bookId}`: remove a book from the catalogue; 204.
 *
 * @throws LIBRARIAN_ONLY (403), BOOK_NOT_FOUND (404), BOOK_ON_LOAN (409) while someone has it.
 */
export async function deleteBook({ params }: HandlerInput<undefined, BookPathParams>) {
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
}
