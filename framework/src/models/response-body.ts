// toResponseBody: a handler's result as wire JSON, following the response schema of its status.
import type { BoundOperation } from '../openapi/types';
import { under } from './model-error';
import { responseCodec } from './operation-codecs';
import { toWire } from './to-wire';

/**
 * Like `toWire`, but following the operation's response schema for `status`, so that a plain object
 * holding a Date for a `format: date` property is sent as `YYYY-MM-DD` (toWire would send a date-time).
 * Model instances serialize themselves; what the schema leaves untyped goes through `toWire`.
 *
 * @example
 * res.json(toResponseBody(operation, 200, result));
 */
export function toResponseBody(operation: BoundOperation, status: number, body: unknown): unknown {
  if (body === undefined || body === null) return body;
  const codec = responseCodec(operation, status);
  try {
    return toWire(codec ? codec.encode(body) : body);
  } catch (error) {
    throw under(error, 'response');
  }
}
