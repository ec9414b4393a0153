// Handlers of the history API (apis/history.yaml): the catalogue's audit trail, kept by the audit service.
import { created } from '@pym/framework';
import type { Handler } from '../../apis/history.models';
import { audit } from '../../clients/audit.client';
import { requireLibrarian } from '../auth/caller';
import { BookNotFound } from '../errors';
import { stores } from '../store';

/** The audit trail's subject of a book. */
function bookSubject(bookId: string): string {
  return `book:${bookId}`;
}

/** `GET /books/{bookId}/history`: the book's events, as the audit service has them (AuditEvent instances). */
export const getBookHistory: Handler<'getBookHistory'> = async ({ params }) => {
  requireLibrarian('read the history');
  return audit.listEvents({ params: { subject: bookSubject(params.bookId) } });
};

/**
 * `POST /books/{bookId}/history`: record a librarian's note in the audit trail. The client sends the librarian's
 * token, this request's id and its trace; with the request's `Idempotency-Key` the call is retried safely.
 *
 * @throws BOOK_NOT_FOUND (404); UPSTREAM_UNAVAILABLE (503) or UPSTREAM_TIMEOUT (504) from the client.
 */
export const noteBookEvent: Handler<'noteBookEvent'> = async ({ params, body }) => {
  requireLibrarian('note what happened to a book');
  if ((await stores.books.get(params.bookId)) === undefined) throw new BookNotFound(`No book with id ${params.bookId}`);
  const event = await audit.recordEvent({ body: { action: 'book.noted', subject: bookSubject(params.bookId), details: { note: body.note } } }, { idempotencyKey: true });
  return created(event, `/v1/history/${event.id}`);
};

/**
 * `GET /history/{eventId}`: one event. The audit service's 404 is not caught: the caller gets its EVENT_NOT_FOUND.
 */
export const getHistoryEvent: Handler<'getHistoryEvent'> = async ({ params }) => {
  requireLibrarian('read the history');
  return audit.getEvent({ params: { eventId: params.eventId } });
};
