// Per-operation codec caches: the request body codec and the response codec of each status, compiled once.
import type { BoundOperation } from '../openapi/types';
import { codecGeneration, compileSchema, type MaybeCodec } from './codec';
import { requestBodySchema, responseSchema } from './operation-schemas';

interface Cached {
  generation: number;
  request?: { codec: MaybeCodec };
  responses: Map<number, MaybeCodec>;
}

const cache = new WeakMap<BoundOperation, Cached>();

function cachedFor(operation: BoundOperation): Cached {
  let cached = cache.get(operation);
  if (!cached || cached.generation !== codecGeneration()) {
    cached = { generation: codecGeneration(), responses: new Map() };
    cache.set(operation, cached);
  }
  return cached;
}

/** The codec of an operation's JSON request body (undefined: nothing to convert). */
export function requestCodec(operation: BoundOperation): MaybeCodec {
  const cached = cachedFor(operation);
  if (!cached.request) {
    const schema = requestBodySchema(operation.api.document, operation.operation);
    cached.request = { codec: schema ? compileSchema(operation.api.document, schema) : undefined };
  }
  return cached.request.codec;
}

/** The codec of an operation's JSON response for a status (undefined: nothing to convert). */
export function responseCodec(operation: BoundOperation, status: number): MaybeCodec {
  const cached = cachedFor(operation);
  if (!cached.responses.has(status)) {
    const schema = responseSchema(operation.api.document, operation.operation, status);
    cached.responses.set(status, schema ? compileSchema(operation.api.document, schema) : undefined);
  }
  return cached.responses.get(status);
}
