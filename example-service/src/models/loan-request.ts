// x-parent of the LoanRequest model: what a request to borrow a book knows about the loan it asks for.
import type { LoanRequest } from '../../apis/lending.models';
import { CLOSING_HOUR_UTC, DEFAULT_LOAN_DAYS } from '../lending-policy';

/**
 * Methods of every `LoanRequest` instance. The schema names this class with
 * `x-parent: models/loan-request#LoanRequestMethods`, so pym installs its methods on the model class:
 * the body `createLoan` receives has them, and the generated `LoanRequest` type declares them.
 * The constructor never runs; `this` is the request.
 *
 * @example
 * export const createLoan: Handler<'createLoan'> = async ({ body }) => {
 *   const dueAt = body.dueDate(new Date());
 *   // …
 * };
 */
export class LoanRequestMethods {
  /** The loan length asked for, or the library's default (the spec's `default: 14`). */
  loanDays(this: LoanRequest): number {
    return this.days ?? DEFAULT_LOAN_DAYS;
  }

  /**
   * When a loan granted at `from` is due back: closing time (18:00 UTC) on its last day, `loanDays()`
   * calendar days after `from`. A book borrowed on 1 March for 7 days is due on 8 March at 18:00 UTC.
   */
  dueDate(this: LoanRequest, from: Date): Date {
    const due = new Date(from.getTime());
    due.setUTCDate(due.getUTCDate() + this.loanDays());
    due.setUTCHours(CLOSING_HOUR_UTC, 0, 0, 0);
    return due;
  }
}
