// Handlers of the reports API (apis/reports.yaml): order a loan report (202 + its task), read it, read the digest.
import { randomUUID } from 'node:crypto';
import { accepted, getLogger, taskRef } from '@pym/framework';
import { Book } from '../../apis/catalog.models';
import { Loan } from '../../apis/lending.models';
import type { Handler } from '../../apis/reports.models';
import { callerId, requireLibrarian } from '../auth/caller';
import { ReportNotFound } from '../errors';
import { isOpen, loanStatus } from '../lending-policy';
import { stores } from '../store';
import { Reports } from '../tasks/reports';

/**
 * `POST /reports/loans`: start building a loan report; 202 with the task in `Location` (`/tasks/{id}`) and
 * its status as body. The catalogue and the loans are read here, in the server, where they are true, and
 * passed to the task as models (src/tasks/reports.ts says why).
 *
 * @throws LIBRARIAN_ONLY (403) unless the caller's token says `role: librarian`; TASK_QUEUE_UNAVAILABLE
 *   (503) when the task cannot be enqueued: unlike a notification, the report is the request's whole point.
 */
export const startLoanReport: Handler<'startLoanReport'> = async () => {
  requireLibrarian('order reports');
  const asOf = new Date();
  const books = await stores.books.find({});
  const loans = await stores.loans.listAll();
  const reportId = randomUUID();
  const ref = await taskRef(
    Reports.loanReport(
      reportId,
      asOf,
      books.map((book) => new Book({ ...book, available: !loans.some((loan) => loan.bookId === book.id && isOpen(loan)) })),
      loans.map((loan) => new Loan({ ...loan, status: loanStatus(loan, asOf) })),
    ),
  );
  getLogger().info({ reportId, taskId: ref.id, librarian: callerId(), books: books.length, loans: loans.length }, 'loan report ordered');
  return accepted(ref);
};

/**
 * `GET /reports/loans/{reportId}`: a finished loan report (the `Location` of its task once complete).
 *
 * @throws LIBRARIAN_ONLY (403); REPORT_NOT_FOUND (404) when there is none with this id, or it expired.
 */
export const getLoanReport: Handler<'getLoanReport'> = async ({ params }) => {
  requireLibrarian('read reports');
  const report = await stores.reports.getLoanReport(params.reportId);
  if (report === undefined) throw new ReportNotFound(`No loan report with id ${params.reportId}`);
  return report;
};

/**
 * `GET /reports/digest`: the latest digest, written by the scheduled task `Reports.digest`.
 *
 * @throws LIBRARIAN_ONLY (403); REPORT_NOT_FOUND (404) before its first run.
 */
export const getDigest: Handler<'getDigest'> = async () => {
  requireLibrarian('read reports');
  const digest = await stores.reports.getDigest();
  if (digest === undefined) throw new ReportNotFound('No digest was written yet');
  return digest;
};
