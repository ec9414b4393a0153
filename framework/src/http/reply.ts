// Reply helpers: let a handler choose the status and headers of its success response.

/** A handler's reply with an explicit status and headers; build it with the helpers below. */
export interface Reply<T = unknown> {
  readonly __pymReply: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: T;
}

/** True for values built by the reply helpers. */
export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && (value as Reply).__pymReply === true;
}

/**
 * Reply with any status, body and headers.
 *
 * @example
 * return reply(200, book, { 'Cache-Control': 'max-age=60' });
 */
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

/** `202 Accepted`, with a `Location` header when the work can be polled. */
export function accepted<T>(body?: T, location?: string, headers: Record<string, string> = {}): Reply<T> {
  return reply(202, body, location === undefined ? headers : { ...headers, Location: location });
}

/** `204 No Content`. */
export function noContent(headers: Record<string, string> = {}): Reply<never> {
  return reply<never>(204, undefined, headers);
}
