// Who is calling: the user id and role carried by the request's verified token.
import { getUserId, getUserTokenData, ServerError } from '@pym/framework';
import { LibrarianOnly } from '../errors';

/** The roles a token may carry in its `role` claim; a token without one is a plain member's. */
export type Role = 'member' | 'librarian';

/**
 * The caller's user id (their token's `sub`). Only for operations whose spec requires a bearer
 * token: pym has then already answered 401 to any request without a valid one.
 *
 * @throws ServerError when called outside an authenticated request (a spec/handler mismatch).
 */
export function callerId(): string {
  const userId = getUserId();
  if (userId === undefined) throw new ServerError('callerId() called in an operation without bearer auth');
  return userId;
}

/** The caller's role, from the `role` claim of their token (`member` when absent or unknown). */
export function callerRole(): Role {
  return getUserTokenData()?.role === 'librarian' ? 'librarian' : 'member';
}

/**
 * Refuse the request unless the caller is a librarian.
 *
 * @param action - what only librarians may do, for the error's description.
 * @throws LIBRARIAN_ONLY (403)
 * @example
 * export const deleteBook: Handler<'deleteBook'> = async ({ params }) => {
 *   requireLibrarian();
 *   // …
 * };
 */
export function requireLibrarian(action = 'change the catalogue'): void {
  if (callerRole() !== 'librarian') {
    throw new LibrarianOnly(`Only librarians may ${action} (token has no role: librarian claim)`);
  }
}
