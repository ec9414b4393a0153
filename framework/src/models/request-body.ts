// toRequestModel: the validated request body as the handler gets it (models as instances, dates as Dates).
import type { BoundOperation } from '../openapi/types';
import { under } from './model-error';
import { requestCodec } from './operation-codecs';

/**
 * Convert a validated JSON request body following the operation's body schema: a `$ref` to a model
 * → an instance of its class (so its x-parent methods work), an array of refs → an array of instances,
 * nested models and `date`/`date-time` strings alike. The codec is compiled once per operation; a body
 * schema with nothing to convert costs one cache lookup and returns the body unchanged.
 *
 * @throws ModelError (path under `body`) for a value that cannot be converted, e.g. an invalid date.
 */
export function toRequestModel(operation: BoundOperation, body: unknown): unknown {
  if (body === undefined || body === null) return body;
  const codec = requestCodec(operation);
  if (!codec) return body;
  try {
    return codec.decode(body);
  } catch (error) {
    throw under(error, 'body');
  }
}
