// toRequestModel: the validated request body as the handler gets it (models as instances, dates as Dates).
import type { BoundOperation } from '../openapi/types';
import { InvalidParameter } from '../errors/builtin-errors';
import { ModelValueError } from './model-error';
import { requestCodec } from './operation-codecs';

/**
 * Convert a validated JSON request body following the operation's body schema: a `$ref` to a model
 * → an instance of its class (so its x-parent methods work), an array of refs → an array of instances,
 * nested models and `date`/`date-time` strings alike. The codec is compiled once per operation; a body
 * schema with nothing to convert costs one cache lookup and returns the body unchanged.
 *
 * @throws InvalidParameter (400, path under `/body`) for a value that cannot be converted, e.g. an extra property
 *   named like a model method.
 */
export function toRequestModel(operation: BoundOperation, body: unknown): unknown {
  if (body === undefined || body === null) return body;
  const codec = requestCodec(operation);
  if (!codec) return body;
  try {
    return codec.decode(body);
  } catch (error) {
    if (!(error instanceof ModelValueError)) throw error;
    // The client's value, valid for the spec, that no model field can hold (an extra key named like a method…).
    const located = error.under('body');
    throw new InvalidParameter(`Invalid parameter: ${located.message}`, {
      cause: located,
      errors: [{ path: ['/body', ...located.segments].join('/'), message: located.detail }],
    });
  }
}
