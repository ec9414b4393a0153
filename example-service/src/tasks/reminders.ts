// Background task: remind a member of a loan's due date, run by a worker process a while after POST /loans.
import { asyncTask, getLogger } from '@pym/framework';
import type { Loan } from '../../apis/lending.models';
import { Notification } from '../../apis/members.models';
import { audit } from '../../clients/audit.client';
import { loanDueMessage } from '../notifications/messages';
import { notificationOrigin } from '../notifications/notification-origin';
import { stores } from '../store';

/**
 * How long after a loan opens its reminder is written. A real library would wait days (and check that the
 * book is still out); the example waits 1.5 seconds, so that one can watch a delayed task happen.
 */
export const LOAN_REMINDER_DELAY_MS = 1500;

/** The reminder task's name: stable, whatever the class and method are renamed to. */
const LOAN_DUE = 'Reminders.loanDue';

/** Reminders the library sends about loans. */
export class Reminders {
  /**
   * Write a `loan-due` reminder for the borrower of `loan`, LOAN_REMINDER_DELAY_MS after the call.
   * The worker gets `loan` back as a `Loan` instance (its dates as Dates) and runs as the borrower.
   * Then records `loan.reminded` in the audit trail, as the borrower, with the loan request's id and trace: the
   * worker's client sends a refreshed token when the borrower's has expired meanwhile. An audit service that cannot
   * take it fails the task, which is retried.
   * Safe to run twice: the notification id is `loan-due:<loanId>`, and the store keeps the first; the audit call's
   * idempotency key is the task's id, so a retried task records one event.
   *
   * @param title - the book's title: the worker's own catalogue may not have the book (it lives in the server).
   */
  @asyncTask({ name: LOAN_DUE, delay: LOAN_REMINDER_DELAY_MS })
  static async loanDue(loan: Loan, title: string): Promise<void> {
    const notification = new Notification({
      id: `loan-due:${loan.id}`,
      kind: 'loan-due',
      message: loanDueMessage(title, loan.dueAt),
      loanId: loan.id,
      createdAt: new Date(),
      origin: notificationOrigin(LOAN_DUE),
    });
    const added = await stores.notifications.add(loan.memberId, notification);
    getLogger().info({ memberId: loan.memberId, loanId: loan.id, notificationId: notification.id, added }, 'loan reminder written');
    await audit.recordEvent({ body: { action: 'loan.reminded', subject: `loan:${loan.id}` } }, { idempotencyKey: true });
  }
}
