// The library's lending rules: loan length, closing time, how many books a member may hold, and a loan's status.
import type { LoanRecord } from './store/loan-store';

/** Loan length when the request does not say (the spec's default for `days`). */
export const DEFAULT_LOAN_DAYS = 14;

/** How many books one member may have on loan at once. */
export const MAX_ACTIVE_LOANS = 5;

/** The library closes at 18:00 UTC: a loan is due back by closing time on its last day. */
export const CLOSING_HOUR_UTC = 18;

/** A loan's state at `now`: `returned` once given back, `overdue` past its due date, else `active`. */
export function loanStatus(loan: LoanRecord, now: Date = new Date()): 'active' | 'overdue' | 'returned' {
  if (loan.returnedAt !== undefined) return 'returned';
  return loan.dueAt.getTime() < now.getTime() ? 'overdue' : 'active';
}

/** True while the book of `loan` has not been returned. */
export function isOpen(loan: LoanRecord): boolean {
  return loan.returnedAt === undefined;
}
