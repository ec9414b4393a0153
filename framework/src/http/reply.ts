// Reply helpers: let a handler choose the status and headers of its success response.
import { isTaskRef, type TaskRef } from '../tasks/task-ref';
import { statusOfRef, type TaskStatus } from '../tasks/task-status';

/** A handler's reply with an explicit status and headers; build it with the helpers below. */
export interface Reply<T = unknown> {
  readonly __pymReply: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: T;
  /**
   * Sent without response validation: pym built the body (the task status document of `accepted(ref)`,
   * whose schema is the built-in `PymTaskStatus`), not the handler.
   */
  readonly unvalidated?: true;
}

/** True for values built by the reply helpers. */
export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && (value as Reply).__pymReply === true;
}

/**
 * Reply with any status, body and headers. Without a body (`reply(404)`), it fits any handler's return type.
 *
 * @example
 * return reply(200, book, { 'Cache-Control': 'max-age=60' });
 */
export function reply(status: number, body?: undefined, headers?: Record<string, string>): Reply<never>;
export function reply<T>(status: number, body: T, headers?: Record<string, string>): Reply<T>;
export function reply<T>(status: number, body?: T, headers: Record<string, string> = {}): Reply<T> {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`reply(): ${status} is not an HTTP status`);
  }
  return { __pymReply: true, status, headers, body };
}

/**
 * `201 Created` with a `Location` header.
 *
 * @example
 * return created(book, `/v1/books/${book.id}`);
 */
export function created<T>(body: T, location: string, headers: Record<string, string> = {}): Reply<T> {
  return reply(201, body, { ...headers, Location: location });
}

/**
 * `202 Accepted`. Given a TaskRef (what calling an @asyncTask method resolves to): `Location` is the
 * task resource and the body its status document (not validated against the operation's spec: pym
 * built it; its schema is the built-in `PymTaskStatus`). Otherwise: any body, `Location` when given.
 *
 * @example
 * return accepted(await taskRef(Reports.build(params.year))); // 202, Location: /tasks/<id>
 */
export function accepted(ref: TaskRef, headers?: Record<string, string>): Reply<TaskStatus>;
export function accepted<T>(body?: T, location?: string, headers?: Record<string, string>): Reply<T>;
export function accepted<T>(
  body?: T | TaskRef,
  location?: string | Record<string, string>,
  headers: Record<string, string> = {},
): Reply<T | TaskStatus> {
  if (isTaskRef(body) && (location === undefined || typeof location === 'object')) {
    const extra = (location as Record<string, string> | undefined) ?? {};
    return { ...reply(202, statusOfRef(body), { ...extra, Location: body.statusUrl }), unvalidated: true };
  }
  const where = location as string | undefined;
  return reply(202, body as T, where === undefined ? headers : { ...headers, Location: where });
}

/** `204 No Content`. */
export function noContent(headers: Record<string, string> = {}): Reply<never> {
  return reply(204, undefined, headers);
}
