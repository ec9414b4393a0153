// The stores the handlers use, created and seeded once, when the service loads its handlers at startup.
import type { BookStore } from './book-store';
import { InMemoryBookStore } from './in-memory-book-store';
import { InMemoryLoanStore } from './in-memory-loan-store';
import { InMemoryMemberStore } from './in-memory-member-store';
import type { LoanStore } from './loan-store';
import type { MemberStore } from './member-store';
import { SEED_BOOKS, SEED_MEMBERS } from './seed-data';

export type { AuthorRecord, BookFilter, BookRecord, BookStore, Genre } from './book-store';
export type { LoanRecord, LoanStore, OpenLoanOutcome } from './loan-store';
export type { MemberRecord, MemberStore } from './member-store';

/** Every store of the library. Handlers depend on these interfaces only, never on an implementation. */
export interface LibraryStores {
  readonly books: BookStore;
  readonly loans: LoanStore;
  readonly members: MemberStore;
}

/** In-memory stores holding the seed books and members (and no loans). */
export function createInMemoryStores(): LibraryStores {
  return {
    books: new InMemoryBookStore(SEED_BOOKS),
    loans: new InMemoryLoanStore(),
    members: new InMemoryMemberStore(SEED_MEMBERS),
  };
}

/**
 * The library's stores. To keep loans elsewhere (e.g. Redis, so a worker process can write them),
 * swap the implementation here: handlers only see the interfaces.
 */
export const stores: LibraryStores = createInMemoryStores();
