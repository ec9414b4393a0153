// What pym attaches to an Express request: the matched operation and its path parameters.
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
