// Middleware: read JSON, form and text bodies (bounded by body_limit) only for operations that declare a request body.
import express, { type Request, type RequestHandler } from 'express';
import { InvalidParameter, PayloadTooLarge } from '../errors/builtin-errors';
import { requestBodyOf } from '../models/operation-schemas';
import type { BoundOperation } from '../openapi/types';
import { getMatchedOperation } from './pym-request';

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
 * Parses `application/json` (and `+json`), urlencoded and `text/*` bodies of operations with a requestBody
 * (multipart ones are read by the validator).
 * A missing body where the spec requires one is a 400 (not the validator's 415 for the absent content type).
 */
export function parseBody(options: ParseBodyOptions): RequestHandler {
  const json = express.json({ limit: options.limit, strict: false, type: ['application/json', 'application/*+json'] });
  const form = express.urlencoded({ limit: options.limit, extended: false });
  const text = express.text({ limit: options.limit, type: 'text/*' });
  return function parseBodyMiddleware(req, res, next) {
    const operation = getMatchedOperation(req)?.operation;
    if (!operation?.hasRequestBody) return next();
    if (hasNoBody(req) && isBodyRequired(operation)) {
      throw new InvalidParameter('The request body is required', { errors: [{ path: '/body', message: 'is required' }] });
    }
    // Multipart bodies are read by the validator's multer (each file and field bounded by the limit): a declared
    // length over the limit is refused before anything is read.
    if (typeof options.limit === 'number' && Number(req.headers['content-length']) > options.limit && req.is('multipart/form-data')) {
      throw new PayloadTooLarge(`The request body is larger than the ${options.limit} bytes allowed`);
    }
    json(req, res, (err?: unknown) => (err ? next(err) : form(req, res, (formErr?: unknown) => (formErr ? next(formErr) : text(req, res, next)))));
  };
}
