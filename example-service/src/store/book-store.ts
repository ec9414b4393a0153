// The catalogue's storage contract: what the book handlers need, whatever keeps the books.
import type { Genre } from '../../apis/catalog.models';

/** One author of a book. */
export interface AuthorRecord {
  name: string;
  birthYear?: number;
}

/** A stored book. */
export interface BookRecord {
  id: string;
  title: string;
  authors: AuthorRecord[];
  /** The shelf (the spec's `Genre` enum). */
  genre: Genre;
  publishedYear: number;
  /** ISBN-13, digits only. */
  isbn?: string;
  /** When the book entered the catalogue. */
  addedAt: Date;
}

/** Filters of `BookStore.find`; every given one must match. */
export interface BookFilter {
  /** Words found in the title or in an author's name (case-insensitive). */
  q?: string;
  /** Part of an author's name (case-insensitive). */
  author?: string;
  genre?: Genre;
}

/** Where the catalogue lives. Every method returns copies: changing a returned record changes nothing stored. */
export interface BookStore {
  /** The books matching `filter`, sorted by title. */
  find(filter: BookFilter): Promise<BookRecord[]>;
  /** The book with this id, if any. */
  get(bookId: string): Promise<BookRecord | undefined>;
  /** Add a book; false (and nothing stored) when its id is taken. */
  add(book: BookRecord): Promise<boolean>;
  /** Remove a book; false when there was none. */
  remove(bookId: string): Promise<boolean>;
}
