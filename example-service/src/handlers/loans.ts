// Handlers of the lending API (apis/lending.yaml): borrow a book, list and read one's loans, return a book.
import { randomUUID } from 'node:crypto';
import { created, getLogger, type HandlerInput } from '@pym/framework';
import { callerId } from '../auth/caller';
import { BookNotAvailable, BookNotFound, LoanAlreadyReturned, LoanLimitReached, LoanNotFound } from '../errors';
import { DEFAULT_LOAN_DAYS, dueDate, isOpen, loanStatus, MAX_ACTIVE_LOANS } from '../lending-policy';
import { stores, type LoanRecord } from '../store';
import { loanUrl } from '../urls';

/** A loan as the API shows it (schema `Loan`). */
export interface LoanView extends LoanRecord {
  status: 'active' | 'overdue' | 'returned';
}

/** The body of `POST /loans` (schema `LoanRequest`). */
export interface LoanRequestBody {
  bookId: string;
  /** 1 to 60; the spec's default is 14. */
  days?: number;
}

/** Query parameters of `GET /loans`. */
export interface ListLoansParams {
  status?: LoanView['status'];
}

/** Path parameters of `/loans/{loanId}`. */
export interface LoanPathParams {
  loanId: string;
}

function toLoanView(loan: LoanRecord, now: Date = new Date()): LoanView {
  return { ...loan, status: loanStatus(loan, now) };
}

/** `2025-03-14T10:00:00.000Z` → `14 March 2025`, for messages shown to members. */
function humanDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * The caller's loan with this id. Someone else's loan is reported exactly like a missing one, so
 * that loan ids reveal nothing about other members.
 *
 * @throws LOAN_NOT_FOUND (404)
 */
async function findOwnLoan(loanId: string): Promise<LoanRecord> {
  const loan = await stores.loans.get(loanId);
  if (loan === undefined || loan.memberId !== callerId()) throw new LoanNotFound(`You have no loan with id ${loanId}`);
  return loan;
}

/**
 * `POST /loans`: lend a book to the caller for `days` days; 201 with the loan's URL in `Location`.
 *
 * @throws BOOK_NOT_FOUND (404); LOAN_LIMIT_REACHED (409) when the caller already has MAX_ACTIVE_LOANS
 *   books; BOOK_NOT_AVAILABLE (409, with a `user_message`) when the book is on loan.
 */
export async function createLoan({ body }: HandlerInput<LoanRequestBody>) {
  const memberId = callerId();
  const book = await stores.books.get(body.bookId);
  if (book === undefined) throw new BookNotFound(`No book with id ${body.bookId}`);

  const openLoans = (await stores.loans.listByMember(memberId)).filter(isOpen);
  if (openLoans.length >= MAX_ACTIVE_LOANS) {
    throw new LoanLimitReached(`Member ${memberId} already has ${openLoans.length} books on loan`, {
      userMessage: `You can borrow up to ${MAX_ACTIVE_LOANS} books at a time. Please return one first.`,
    });
  }

  const borrowedAt = new Date();
  const outcome = await stores.loans.open({
    id: randomUUID(),
    bookId: book.id,
    memberId,
    borrowedAt,
    dueAt: dueDate(borrowedAt, body.days ?? DEFAULT_LOAN_DAYS),
  });
  if (!outcome.opened) {
    const dueBack = humanDate(outcome.current.dueAt);
    throw new BookNotAvailable(`Book ${book.id} is on loan until ${outcome.current.dueAt.toISOString()}`, {
      userMessage:
        outcome.current.memberId === memberId
          ? `You already have “${book.title}”; it is due back on ${dueBack}.`
          : `“${book.title}” is on loan until ${dueBack}. Please try again after that date.`,
    });
  }

  getLogger().info({ loanId: outcome.loan.id, bookId: book.id, memberId }, 'book lent');
  return created(toLoanView(outcome.loan, borrowedAt), loanUrl(outcome.loan.id));
}

/** `GET /loans`: the caller's loans, most recent first, optionally only those in one `status`. */
export async function listMyLoans({ params }: HandlerInput<undefined, ListLoansParams>) {
  const now = new Date();
  const loans = (await stores.loans.listByMember(callerId())).map((loan) => toLoanView(loan, now));
  return { items: params.status === undefined ? loans : loans.filter((loan) => loan.status === params.status) };
}

/**
 * `GET /loans/{loanId}`: one of the caller's loans.
 *
 * @throws LOAN_NOT_FOUND (404), also for other members' loans.
 */
export async function getLoan({ params }: HandlerInput<undefined, LoanPathParams>) {
  return toLoanView(await findOwnLoan(params.loanId));
}

/**
 * `POST /loans/{loanId}/return`: the caller brings the book back; the book can be lent again.
 *
 * @throws LOAN_NOT_FOUND (404), LOAN_ALREADY_RETURNED (409).
 */
export async function returnLoan({ params }: HandlerInput<undefined, LoanPathParams>) {
  const loan = await findOwnLoan(params.loanId);
  const returned = await stores.loans.close(loan.id, new Date());
  if (returned === undefined) {
    throw new LoanAlreadyReturned(`Loan ${loan.id} was returned on ${loan.returnedAt?.toISOString() ?? 'an earlier call'}`);
  }
  getLogger().info({ loanId: returned.id, bookId: returned.bookId, memberId: returned.memberId }, 'book returned');
  return toLoanView(returned);
}
