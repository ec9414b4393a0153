// Middleware: 406 NOT_ACCEPTABLE when the Accept header excludes every type the operation answers with.
import type { RequestHandler } from 'express';
import { NotAcceptable } from '../errors/builtin-errors';
import type { BoundOperation } from '../openapi/types';
import { getMatchedOperation } from './pym-request';

const typesOf = new WeakMap<BoundOperation, readonly string[]>();

/**
 * The media types of an operation's success replies, as its spec declares them (a `202` without content
 * counts as JSON: `accepted()` answers with pym's task status document).
 */
export function successMediaTypes(bound: BoundOperation): readonly string[] {
  let types = typesOf.get(bound);
  if (!types) {
    const found = new Set<string>();
    const responses = (bound.operation.responses ?? {}) as Record<string, unknown>;
    for (const [status, declared] of Object.entries(responses)) {
      if (!/^2(\d\d|XX)$/i.test(status)) continue;
      const response = resolveResponse(bound, declared);
      const content = Object.keys(response?.content ?? {});
      if (content.length === 0 && status === '202') found.add('application/json');
      for (const type of content) found.add(type);
    }
    types = [...found];
    typesOf.set(bound, types);
  }
  return types;
}

function resolveResponse(bound: BoundOperation, declared: unknown): { content?: Record<string, unknown> } | undefined {
  const ref = (declared as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string') return declared as { content?: Record<string, unknown> } | undefined;
  const name = ref.startsWith('#/components/responses/') ? decodeURIComponent(ref.slice('#/components/responses/'.length)) : undefined;
  return name === undefined ? undefined : (bound.api.document.components?.responses?.[name] as { content?: Record<string, unknown> });
}

/**
 * Refuse a request whose `Accept` header allows none of the operation's success types. Runs after
 * authentication (an unauthenticated caller gets 401 first) and before the body is read. No check when the
 * request sends no Accept, the operation answers without content (204), or declares a wildcard type.
 */
export function negotiate(): RequestHandler {
  return function negotiateMiddleware(req, _res, next) {
    const matched = getMatchedOperation(req);
    if (matched && req.headers.accept !== undefined) {
      const types = successMediaTypes(matched.operation);
      if (types.length > 0 && !types.some((type) => type.includes('*')) && req.accepts([...types]) === false) {
        throw new NotAcceptable(`${req.method} ${req.path} answers with ${types.join(', ')}; the Accept header allows none of them`);
      }
    }
    next();
  };
}
