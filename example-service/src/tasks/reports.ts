// Background tasks of the reports: a loan report built book by book (a task resource), and a scheduled digest.
import { setTimeout as sleep } from 'node:timers/promises';
import { asyncTask, cron, failOnError, getLogger, getTaskSignal, getUserId, progressItems, setResourceUrl } from '@pym/framework';
import type { Book } from '../../apis/catalog.models';
import type { Loan } from '../../apis/lending.models';
import { BookLoans, Digest, LoanReport, LoanReportSummary, LoanTotals } from '../../apis/reports.models';
import { stores } from '../store';
import { loanReportUrl } from '../urls';

/** The report task's name: stable, whatever the class and method are renamed to (it is stored in queued jobs). */
const LOAN_REPORT = 'Reports.loanReport';

/** The digest's task name (`<Class>.<method>`, what @cron registers it as). */
const DIGEST = 'Reports.digest';

/**
 * Time spent on each book of a loan report. It stands for the per-book work of a real report (reading a
 * loan history from a database, rendering a page) and makes the progress of `GET /tasks/{id}` observable.
 */
export const REPORT_STEP_MS = 100;

/**
 * How often the digest is written. An `every` schedule also runs once as soon as it is first declared,
 * i.e. when the first worker of a fresh Redis starts: the digest is there a moment after `pym start`.
 */
export const DIGEST_EVERY_MS = 15 * 60_000;

/** One report line: a book and what its loans were at the order. */
function bookLine(book: Book, loans: readonly Loan[]): BookLoans {
  const own = loans.filter((loan) => loan.bookId === book.id);
  return new BookLoans({
    bookId: book.id,
    title: book.title,
    loans: own.length,
    onLoan: own.some((loan) => loan.status !== 'returned'),
    overdue: own.some((loan) => loan.status === 'overdue'),
  });
}

/** Reports of the library, built by worker processes. */
export class Reports {
  /**
   * Build the loan report `reportId`: one line per book, with how many times it was lent and whether it is
   * out (or overdue). Started by `POST /v1/reports/loans`, followed at `/tasks/{id}`: progress goes up book by
   * book (progressItems), and once the report is stored the task points at it (setResourceUrl: 201 + Location).
   * Runs as the librarian who ordered it (`orderedBy` is `getUserId()`). Safe to run twice: same id, same report.
   *
   * Why the catalogue and the loans are arguments: the books, loans and members live in the server's memory
   * (src/store/index.ts). A worker process has its own copy: the seeded books only, no loan at all, nothing
   * added since it started. So the handler reads them where they are true and passes them along, as models
   * (the worker gets `Book` and `Loan` instances back, dates as Dates). A service whose loans live in a
   * shared database would pass only the report's parameters and let the task read them.
   *
   * @param asOf - when the handler read `books` and `loans`.
   * @returns the summary, shown as `result` by `GET /tasks/{id}`.
   */
  @asyncTask({ name: LOAN_REPORT })
  static async loanReport(reportId: string, asOf: Date, books: Book[], loans: Loan[]): Promise<LoanReportSummary> {
    const lines: BookLoans[] = [];
    for await (const book of progressItems(books, books.length)) {
      // Cancelled (DELETE /tasks/{id}): stop here; the task ends `cancelled` whatever it returns.
      if (getTaskSignal().aborted) break;
      await sleep(REPORT_STEP_MS);
      lines.push(bookLine(book, loans));
    }
    const totals = new LoanTotals({
      books: lines.length,
      loans: lines.reduce((sum, line) => sum + line.loans, 0),
      onLoan: lines.filter((line) => line.onLoan).length,
      overdue: lines.filter((line) => line.overdue).length,
    });
    const summary = new LoanReportSummary({ reportId, totals });
    if (getTaskSignal().aborted) return summary;

    const report = new LoanReport({ id: reportId, orderedBy: getUserId() ?? '', asOf, createdAt: new Date(), books: lines, totals });
    // Redis down: fail now with a message for the librarian (no retry, no internals shown); the cause is logged.
    await failOnError('The report could not be saved; please order it again later', () => stores.reports.saveLoanReport(report));
    await setResourceUrl(loanReportUrl(reportId));
    getLogger().info({ reportId, totals: totals.toJSON() }, 'loan report written');
    return summary;
  }

  /**
   * Write the digest: how many loan reports are kept and the latest one. A scheduled task (no arguments),
   * run by one worker per tick as the service itself: `getUserId()` is `default_user_id`, recorded as `runAs`.
   * It reads only what every process shares (the reports in Redis), for the reason given on loanReport.
   */
  @cron({ every: DIGEST_EVERY_MS })
  static async digest(): Promise<void> {
    const { count, latestId } = await stores.reports.loanReportIndex();
    const digest = new Digest({
      task: DIGEST,
      runAs: getUserId() ?? '',
      writtenAt: new Date(),
      reports: count,
      ...(latestId !== undefined && { latestReportId: latestId }),
    });
    await stores.reports.saveDigest(digest);
    getLogger().info({ runAs: digest.runAs, reports: count }, 'digest written');
  }
}
