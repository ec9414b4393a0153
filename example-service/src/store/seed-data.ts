// The books and members a fresh library starts with, so that the example has something to browse and lend.
import type { BookRecord } from './book-store';
import type { MemberRecord } from './member-store';

const OPENING_DAY = new Date('2024-01-15T09:00:00.000Z');

/** The catalogue on opening day. Ids are readable on purpose: `GET /v1/books/dune`. */
export const SEED_BOOKS: readonly BookRecord[] = [
  {
    id: 'dune',
    title: 'Dune',
    authors: [{ name: 'Frank Herbert', birthYear: 1920 }],
    genre: 'science-fiction',
    publishedYear: 1965,
    isbn: '9780441013593',
    addedAt: OPENING_DAY,
  },
  {
    id: 'the-left-hand-of-darkness',
    title: 'The Left Hand of Darkness',
    authors: [{ name: 'Ursula K. Le Guin', birthYear: 1929 }],
    genre: 'science-fiction',
    publishedYear: 1969,
    isbn: '9780441478125',
    addedAt: OPENING_DAY,
  },
  {
    id: 'a-wizard-of-earthsea',
    title: 'A Wizard of Earthsea',
    authors: [{ name: 'Ursula K. Le Guin', birthYear: 1929 }],
    genre: 'fantasy',
    publishedYear: 1968,
    isbn: '9780547773742',
    addedAt: OPENING_DAY,
  },
  {
    id: 'the-hobbit',
    title: 'The Hobbit',
    authors: [{ name: 'J. R. R. Tolkien', birthYear: 1892 }],
    genre: 'fantasy',
    publishedYear: 1937,
    isbn: '9780547928227',
    addedAt: OPENING_DAY,
  },
  {
    id: 'good-omens',
    title: 'Good Omens',
    authors: [
      { name: 'Terry Pratchett', birthYear: 1948 },
      { name: 'Neil Gaiman', birthYear: 1960 },
    ],
    genre: 'fantasy',
    publishedYear: 1990,
    isbn: '9780060853983',
    addedAt: OPENING_DAY,
  },
  {
    id: 'murder-on-the-orient-express',
    title: 'Murder on the Orient Express',
    authors: [{ name: 'Agatha Christie', birthYear: 1890 }],
    genre: 'mystery',
    publishedYear: 1934,
    isbn: '9780062693662',
    addedAt: OPENING_DAY,
  },
  {
    id: 'the-double-helix',
    title: 'The Double Helix',
    authors: [{ name: 'James D. Watson', birthYear: 1928 }],
    genre: 'science',
    publishedYear: 1968,
    isbn: '9780743216302',
    addedAt: OPENING_DAY,
  },
  {
    id: 'frankenstein',
    title: 'Frankenstein',
    authors: [{ name: 'Mary Shelley', birthYear: 1797 }],
    genre: 'fiction',
    publishedYear: 1818,
    isbn: '9780486282114',
    addedAt: OPENING_DAY,
  },
  {
    id: 'the-very-hungry-caterpillar',
    title: 'The Very Hungry Caterpillar',
    authors: [{ name: 'Eric Carle', birthYear: 1929 }],
    genre: 'children',
    publishedYear: 1969,
    isbn: '9780399226908',
    addedAt: OPENING_DAY,
  },
];

/**
 * Two demo members, so that tokens from `pym token --user alice` (or bob) belong to someone.
 * Give alice `--data '{"role":"librarian"}'` to let her edit the catalogue.
 */
export const SEED_MEMBERS: readonly MemberRecord[] = [
  { id: 'alice', email: 'alice@example.org', name: 'Alice Archer', joinedAt: OPENING_DAY },
  { id: 'bob', email: 'bob@example.org', name: 'Bob Binder', joinedAt: OPENING_DAY },
];
