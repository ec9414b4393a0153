// The library's own error codes: each a stable upper-case code with its HTTP status, thrown by the handlers.
import { defineError } from '@pym/framework';

/** 404: no book has the requested id. */
export const BookNotFound = defineError('BookNotFound', 'BOOK_NOT_FOUND', 404, 'No book has this id');

/**
 * 409: the book is lent to someone else (or to the caller already). Thrown with a `userMessage`
 * saying when it is due back, for the app to show as is.
 */
export const BookNotAvailable = defineError('BookNotAvailable', 'BOOK_NOT_AVAILABLE', 409, 'The book is on loan');

/** 409: a librarian tried to remove a book that is on loan. */
export const BookOnLoan = defineError('BookOnLoan', 'BOOK_ON_LOAN', 409, 'A book on loan cannot be removed');

/** 404: the caller has no loan with this id (other members' loans are reported the same way). */
export const LoanNotFound = defineError('LoanNotFound', 'LOAN_NOT_FOUND', 404, 'No loan has this id');

/** 409: the loan was already returned. */
export const LoanAlreadyReturned = defineError('LoanAlreadyReturned', 'LOAN_ALREADY_RETURNED', 409, 'The loan was already returned');

/** 409: the member already has as many books as the lending policy allows. */
export const LoanLimitReached = defineError('LoanLimitReached', 'LOAN_LIMIT_REACHED', 409, 'Too many books on loan');

/** 403: the operation is for librarians (changing the catalogue, reports) and the caller's token has no `role: librarian` claim. */
export const LibrarianOnly = defineError('LibrarianOnly', 'LIBRARIAN_ONLY', 403, 'Only librarians may do this');

/** 404: the token's user never signed up. */
export const MemberNotFound = defineError('MemberNotFound', 'MEMBER_NOT_FOUND', 404, 'No member has this id');

/** 409: a member already signed up with this email. */
export const EmailAlreadyRegistered = defineError(
  'EmailAlreadyRegistered',
  'EMAIL_ALREADY_REGISTERED',
  409,
  'This email is already registered',
);

/** 404: no loan report has this id (or it expired), or the scheduled digest was not written yet. */
export const ReportNotFound = defineError('ReportNotFound', 'REPORT_NOT_FOUND', 404, 'No report has this id');
