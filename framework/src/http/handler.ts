// The handler contract: what a bound handler function receives and may return.
import type { Request, Response } from 'express';
import type { Reply } from './reply';

/** What every handler receives. */
export interface HandlerInput<Body = any, Params = Record<string, any>> {
  /** The validated request body (a model instance when its schema is a named model). */
  body: Body;
  /** Path, query, header and cookie parameters, coerced to their schema types. */
  params: Params;
  /** Escape hatch: the Express request. */
  req: Request;
  /** Escape hatch: the Express response (a handler that sends it itself returns nothing). */
  res: Response;
}

/**
 * A handler bound to an operation with `x-bind-server`. It returns the body of the operation's success
 * status (a model or a plain object), or a `Reply` built with `reply`, `created`, `accepted` or `noContent`.
 */
export type RequestHandlerFunction<Body = any, Params = Record<string, any>, Result = unknown> = (
  input: HandlerInput<Body, Params>,
) => Result | Reply<Result> | Promise<Result | Reply<Result>>;
