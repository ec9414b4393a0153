// Handlers of the lending API (apis/lending.yaml): borrow a book, list and read one's loans, return a book.
import { randomUUID } from 'node:crypto';
import { created, getLogger } from '@pym/framework';
import { Loan, type Handler } from '../../apis/lending.models';
import { callerId } from '../auth/caller';
import { BookNotAvailable, BookNotFound, LoanAlreadyReturned, LoanLimitReached, LoanNotFound } from '../errors';
import { humanDate } from '../human-date';
import { isOpen, loanStatus, MAX_ACTIVE_LOANS } from '../lending-policy';
import { enqueueNotification } from '../notifications/enqueue-notification';
import { stores, type LoanRecord } from '../store';
import { Reminders } from '../tasks/reminders';
import { loanUrl } from '../urls';

/** A stored loan as the API shows it: a `Loan` model instance with its status at `now`. */
function toLoan(loan: LoanRecord, now: Date = new Date()): Loan {
  return new Loan({ ...loan, status: loanStatus(loan, now) });
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
 * `POST /loans`: lend a book to the caller; 201 with the loan's URL in `Location`. The body is a
 * `LoanRequest` instance: its `dueDate()` (from its x-parent, src/models/loan-request.ts) says when the
 * book is due back. Then enqueues the loan's reminder (`Reminders.loanDue`, delayed), run as the caller.
 *
 * @throws BOOK_NOT_FOUND (404); LOAN_LIMIT_REACHED (409) when the caller already has MAX_ACTIVE_LOANS
 *   books; BOOK_NOT_AVAILABLE (409, with a `user_message`) when the book is on loan.
 */
export const createLoan: Handler<'createLoan'> = async ({ body }) => {
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
  const outcome = await stores.loans.open({ id: randomUUID(), bookId: book.id, memberId, borrowedAt, dueAt: body.dueDate(borrowedAt) });
  if (!outcome.opened) {
    const dueBack = humanDate(outcome.current.dueAt);
    throw new BookNotAvailable(`Book ${book.id} is on loan until ${outcome.current.dueAt.toISOString()}`, {
      userMessage:
        outcome.current.memberId === memberId
          ? `You already have “${book.title}”; it is due back on ${dueBack}.`
          : `“${book.title}” is on loan until ${dueBack}. Please try again after that date.`,
    });
  }

  const loan = toLoan(outcome.loan, borrowedAt);
  getLogger().info({ loanId: loan.id, bookId: book.id, memberId }, 'book lent');
  await enqueueNotification(Reminders.loanDue(loan, book.title));
  return created(loan, loanUrl(loan.id));
};

/** `GET /loans`: the caller's loans, most recent first, optionally only those in one `status`. */
export const listMyLoans: Handler<'listMyLoans'> = async ({ params }) => {
  const now = new Date();
  const loans = (await stores.loans.listByMember(callerId())).map((loan) => toLoan(loan, now));
  return { items: params.status === undefined ? loans : loans.filter((loan) => loan.status === params.status) };
};

/**
 * `GET /loans/{loanId}`: one of the caller's loans.
 *
 * @throws LOAN_NOT_FOUND (404), also for other members' loans.
 */
export const getLoan: Handler<'getLoan'> = async ({ params }) => {
  return toLoan(await findOwnLoan(params.loanId));
};

/**
 * `POST /loans/{loanId}/return`: the caller brings the book back; the book can be lent again.
 *
 * @throws LOAN_NOT_FOUND (404), LOAN_ALREADY_RETURNED (409).
 */
export const returnLoan: Handler<'returnLoan'> = async ({ params }) => {
  const loan = await findOwnLoan(params.loanId);
  const returned = await stores.loans.close(loan.id, new Date());
  if (returned === undefined) {
    throw new LoanAlreadyReturned(`Loan ${loan.id} was returned on ${loan.returnedAt?.toISOString() ?? 'an earlier call'}`);
  }
  getLogger().info({ loanId: returned.id, bookId: returned.bookId, memberId: returned.memberId }, 'book returned');
  return toLoan(returned);
};
