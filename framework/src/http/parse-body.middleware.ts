// Middleware: read JSON, form and text bodies (bounded by body_limit) only for operations that declare a request body.
import express, { type NextFunction, type Request, type RequestHandler } from 'express';
import { InvalidParameter, PayloadTooLarge } from '../errors/builtin-errors';
import { requestBodyOf } from '../models/operation-schemas';
import type { BoundOperation } from '../openapi/types';
import { MAX_JSON_DEPTH, tooDeepError } from './json-depth';
import { getMatchedOperation, setBodySize } from './pym-request';

/** Options of `parseBody`. */
export interface ParseBodyOptions {
  /** Largest accepted body (bytes or a size like `1mb`). */
  limit: number | string;
}

const bodyRequired = new WeakMap<BoundOperation, boolean>();

/** Whether the operation's requestBody says `required: true` (computed once per operation). */
function isBodyRequired(operation: BoundOperation): boolean {
  let required = bodyRequired.get(operation);
  if (required === undefined) {
    required = requestBodyOf(operation.api.document, operation.operation)?.required === true;
    bodyRequired.set(operation, required);
  }
  return required;
}

/** True when the request carries no body at all (no Transfer-Encoding, no or zero Content-Length). */
function hasNoBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || Number(length) === 0);
}

/**
 * Refuses a declared Content-Length over the limit (413), then parses `application/json` (and `+json`), urlencoded
 * and `text/*` bodies of operations with a requestBody (multipart ones are read by the validator's multer, each
 * file and field bounded by the limit); a parsed body nested deeper than {@link MAX_JSON_DEPTH} levels is a 400.
 * A missing body where the spec requires one is a 400 (not the validator's 415 for the absent content type).
 */
export function parseBody(options: ParseBodyOptions): RequestHandler {
  // verify (body-parser's public hook) sees the body as read, after any Content-Encoding: its size decides how
  // thoroughly the validator reports problems (see api-validator.ts).
  const verify = (req: Request, _res: unknown, body: Buffer) => setBodySize(req, body.length);
  const json = express.json({ limit: options.limit, strict: false, type: ['application/json', 'application/*+json'], verify });
  const form = express.urlencoded({ limit: options.limit, extended: false, verify });
  const text = express.text({ limit: options.limit, type: 'text/*', verify });
  return function parseBodyMiddleware(req, res, next) {
    // A declared length over the limit is refused before anything is read, whatever the operation and the type
    // (before: the body-parser refused it, but the connection then read, and threw away, every byte declared).
    if (typeof options.limit === 'number' && Number(req.headers['content-length']) > options.limit) {
      throw new PayloadTooLarge(`The request body is larger than the ${options.limit} bytes allowed`);
    }
    const operation = getMatchedOperation(req)?.operation;
    if (!operation?.hasRequestBody) {
      // Nobody reads it: close the connection after the reply rather than have Node read and drop what follows.
      if (!hasNoBody(req) && !req.complete) res.setHeader('Connection', 'close');
      return next();
    }
    if (hasNoBody(req) && isBodyRequired(operation)) {
      throw new InvalidParameter('The request body is required', { errors: [{ path: '/body', message: 'is required' }] });
    }
    if (req.is('multipart/form-data')) return next();
    // A declared Content-Length is at most the limit here (checked above) and Node's parser stops the body at it:
    // only a chunked body needs counting as it streams.
    const read = typeof options.limit === 'number' && req.headers['content-length'] === undefined ? cutAtLimit(req, options.limit, next) : next;
    const done = ((error?: unknown) => read(error ?? tooDeepError(req.body))) as NextFunction;
    json(req, res, (err?: unknown) => (err ? done(err) : form(req, res, (formErr?: unknown) => (formErr ? done(formErr) : text(req, res, done)))));
  };
}

/**
 * Fail with 413 as soon as a body without a declared length (chunked) streams past `limit`. The body-parser notices
 * too, but reads the rest of the request before it says so (it "dumps" it): a body that never ends was read forever.
 * Returns the `next` to give the readers: called once, by the first of them or of this check.
 */
function cutAtLimit(req: Request, limit: number, next: NextFunction): NextFunction {
  let called = false;
  let received = 0;
  const once = ((error?: unknown) => {
    if (called) return;
    called = true;
    req.off('data', count);
    next(error);
  }) as NextFunction;
  const count = (chunk: Buffer | string) => {
    received += chunk.length;
    if (received > limit) once(new PayloadTooLarge(`The request body is larger than the ${limit} bytes allowed`));
  };
  req.on('data', count);
  return once;
}
