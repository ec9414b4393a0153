// The stores the handlers and tasks use, created once, when the service loads its handler and task modules.
import { getConfig } from '@pym/framework';
import type { BookStore } from './book-store';
import { InMemoryBookStore } from './in-memory-book-store';
import { InMemoryLoanStore } from './in-memory-loan-store';
import { InMemoryMemberStore } from './in-memory-member-store';
import type { LoanStore } from './loan-store';
import type { MemberStore } from './member-store';
import type { NotificationStore } from './notification-store';
import { lazyRedis } from './redis-connection';
import { RedisNotificationStore } from './redis-notification-store';
import { RedisReportStore } from './redis-report-store';
import type { ReportStore } from './report-store';
import { SEED_BOOKS, SEED_MEMBERS } from './seed-data';

export type { AuthorRecord, BookFilter, BookRecord, BookStore } from './book-store';
export type { LoanRecord, LoanStore, OpenLoanOutcome } from './loan-store';
export type { MemberRecord, MemberStore } from './member-store';
export type { NotificationStore } from './notification-store';
export type { ReportIndex, ReportStore } from './report-store';

/** Every store of the library. Handlers and tasks depend on these interfaces only, never on an implementation. */
export interface LibraryStores {
  readonly books: BookStore;
  readonly loans: LoanStore;
  readonly members: MemberStore;
  /** Shared by every process (tasks write it in worker processes), hence in Redis. */
  readonly notifications: NotificationStore;
  /** Loan reports and the digest, written by tasks in worker processes: in Redis too. */
  readonly reports: ReportStore;
}

/** The Redis connection of the shared stores, opened on first use (the config is loaded by then). */
const redis = lazyRedis(() => ({ redisUrl: getConfig().async.redis_url, prefix: getConfig().async.prefix }));

/**
 * The library's stores: books, loans and members in memory (seeded; each process has its own, so only
 * the server's are the real ones); notifications, reports and the digest in Redis under the service's
 * `async.prefix`, through one connection opened on first use.
 * To keep loans elsewhere (e.g. Redis too), swap the implementation here: handlers only see the interfaces.
 */
export const stores: LibraryStores = {
  books: new InMemoryBookStore(SEED_BOOKS),
  loans: new InMemoryLoanStore(),
  members: new InMemoryMemberStore(SEED_MEMBERS),
  notifications: new RedisNotificationStore(redis),
  reports: new RedisReportStore(redis),
};
