// What pym attaches to an Express request: the matched operation and its path parameters, the size of its body.
import type { Request } from 'express';
import type { BoundOperation } from '../openapi/types';

/** The operation matched for a request (set by the operation matcher). */
export interface MatchedOperation {
  operation: BoundOperation;
  pathParams: Record<string, string>;
}

const MATCHED = Symbol.for('pym.matchedOperation');

/** Attach the matched operation to the request. */
export function setMatchedOperation(req: Request, matched: MatchedOperation): void {
  (req as unknown as Record<symbol, MatchedOperation>)[MATCHED] = matched;
}

/** The operation matched for this request, if any. */
export function getMatchedOperation(req: Request): MatchedOperation | undefined {
  return (req as unknown as Record<symbol, MatchedOperation | undefined>)[MATCHED];
}

const BODY_SIZE = Symbol.for('pym.bodySize');

/** Record the size in bytes of the body as read (decoded: after any Content-Encoding), set by the body readers. */
export function setBodySize(req: Request, bytes: number): void {
  (req as unknown as Record<symbol, number>)[BODY_SIZE] = bytes;
}

/**
 * The size in bytes of the request's body: as read by pym's body readers; for a multipart body (read later, by the
 * validator's multer) its declared Content-Length, or Infinity when it declares none; 0 when there is no body.
 */
export function getBodySize(req: Request): number {
  const read = (req as unknown as Record<symbol, number | undefined>)[BODY_SIZE];
  if (read !== undefined) return read;
  if (!req.is('multipart/form-data')) return 0;
  const declared = req.headers['content-length'];
  return declared === undefined ? Number.POSITIVE_INFINITY : Number(declared);
}
