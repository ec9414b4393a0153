// Middleware: call the operation's handler with its input and send what it returns.
import type { RequestHandler, Response } from 'express';
import type { BoundOperation } from '../openapi/types';
import { toRequestModel } from '../models/request-body';
import { toResponseBody } from '../models/response-body';
import type { RequestHandlerFunction } from './handler';
import { paramsReader } from './operation-params';
import { getMatchedOperation } from './pym-request';
import { isReply } from './reply';

const REPLYING = Symbol.for('pym.replying');

/** True while pym is sending a handler's reply (so a validator error then means the reply broke the spec). */
export function isSendingReply(res: Response): boolean {
  return (res.locals as Record<symbol, boolean>)[REPLYING] === true;
}

function send(
  res: Response,
  operation: BoundOperation,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>>,
  unvalidated = false,
): void {
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined || status === 204 || status === 304) {
    res.end();
    return;
  }
  if (unvalidated) {
    // Built by pym (a task status document): send(), not json(), so the response validator does not see it.
    res.type('application/json').send(JSON.stringify(body));
    return;
  }
  (res.locals as Record<symbol, boolean>)[REPLYING] = true;
  res.json(toResponseBody(operation, status, body));
}

/** Send what the handler of `operation` returned (unless it sent the response itself). */
function finish(res: Response, operation: BoundOperation, result: unknown): void {
  if (res.headersSent) return;
  if (isReply(result)) send(res, operation, result.status, result.body, result.headers, result.unvalidated === true);
  else send(res, operation, operation.successStatus, result, {});
}

/**
 * Calls the bound handler of the matched operation and sends its result: at once when the handler returns a value,
 * once it settles when it returns a promise (a sync handler costs no promise and no microtask).
 */
export function dispatch(handlers: ReadonlyMap<BoundOperation, RequestHandlerFunction>): RequestHandler {
  const readers = new Map([...handlers.keys()].map((operation) => [operation, paramsReader(operation)]));
  return function dispatchMiddleware(req, res) {
    const { operation } = getMatchedOperation(req)!;
    const handler = handlers.get(operation)!;
    try {
      const result = handler({
        body: operation.hasRequestBody ? toRequestModel(operation, req.body) : undefined,
        params: readers.get(operation)!(req),
        req,
        res,
      });
      if (isThenable(result)) return Promise.resolve(result).then((settled) => finish(res, operation, settled));
      finish(res, operation, result);
    } catch (error) {
      // As when this was an async function: a throw of nothing (undefined, null) is still an error, never a pass.
      throw error || new Error('Rejected promise');
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
