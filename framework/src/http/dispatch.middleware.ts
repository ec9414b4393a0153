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

/** Calls the bound handler of the matched operation and sends its result. */
export function dispatch(handlers: ReadonlyMap<BoundOperation, RequestHandlerFunction>): RequestHandler {
  const readers = new Map([...handlers.keys()].map((operation) => [operation, paramsReader(operation)]));
  return async function dispatchMiddleware(req, res) {
    const { operation } = getMatchedOperation(req)!;
    const handler = handlers.get(operation)!;
    const result = await handler({
      body: operation.hasRequestBody ? toRequestModel(operation, req.body) : undefined,
      params: readers.get(operation)!(req),
      req,
      res,
    });
    if (res.headersSent) return;
    if (isReply(result)) send(res, operation, result.status, result.body, result.headers, result.unvalidated === true);
    else send(res, operation, operation.successStatus, result, {});
  };
}
