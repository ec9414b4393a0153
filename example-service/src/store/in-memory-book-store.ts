// BookStore kept in a Map: the catalogue of a single process (development, tests, the example).
import type { BookFilter, BookRecord, BookStore } from './book-store';

/** Case- and accent-insensitive form of a text, for matching search words. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function matches(book: BookRecord, filter: BookFilter): boolean {
  if (filter.genre !== undefined && book.genre !== filter.genre) return false;
  const authors = book.authors.map((author) => fold(author.name));
  if (filter.author !== undefined && !authors.some((name) => name.includes(fold(filter.author!)))) return false;
  if (filter.q !== undefined) {
    const haystack = [fold(book.title), ...authors].join(' ');
    if (!fold(filter.q).split(/\s+/).filter(Boolean).every((word) => haystack.includes(word))) return false;
  }
  return true;
}

/** An in-process BookStore. Its contents are lost when the process exits. */
export class InMemoryBookStore implements BookStore {
  private readonly books = new Map<string, BookRecord>();

  /** @param seed - books to start with (copied). */
  constructor(seed: Iterable<BookRecord> = []) {
    for (const book of seed) this.books.set(book.id, structuredClone(book));
  }

  async find(filter: BookFilter): Promise<BookRecord[]> {
    return [...this.books.values()]
      .filter((book) => matches(book, filter))
      .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
      .map((book) => structuredClone(book));
  }

  async get(bookId: string): Promise<BookRecord | undefined> {
    const book = this.books.get(bookId);
    return book && structuredClone(book);
  }

  async add(book: BookRecord): Promise<boolean> {
    if (this.books.has(book.id)) return false;
    this.books.set(book.id, structuredClone(book));
    return true;
  }

  async remove(bookId: string): Promise<boolean> {
    return this.books.delete(bookId);
  }
}
