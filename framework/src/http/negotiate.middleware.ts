// Middleware: 406 NOT_ACCEPTABLE when the Accept header excludes every type the operation answers with.
import type { RequestHandler } from 'express';
import Negotiator from 'negotiator';
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
 * The Accept header with each range's parameters dropped, `q` excepted: negotiator only matches a range with
 * parameters (`application/json; charset=utf-8`, common in Java and .NET clients) against an offered type
 * carrying the same ones, and a spec's content types carry none.
 */
function rangesWithoutParameters(accept: string): string {
  return accept
    .split(',')
    .map((range) => {
      const [type = '', ...parameters] = range.split(';');
      const quality = parameters.find((parameter) => /^\s*q\s*=/i.test(parameter));
      return quality === undefined ? type.trim() : `${type.trim()};${quality.trim()}`;
    })
    .join(', ');
}

/**
 * Refuse a request whose `Accept` header allows none of the operation's success types. Runs after
 * authentication (an unauthenticated caller gets 401 first) and before the body is read. No check when the
 * request sends no (or an empty) Accept, the operation answers without content (204), or declares a wildcard type.
 */
export function negotiate(): RequestHandler {
  return function negotiateMiddleware(req, _res, next) {
    const matched = getMatchedOperation(req);
    const accept = req.headers.accept;
    if (matched && accept) {
      const types = successMediaTypes(matched.operation);
      const negotiator = new Negotiator({ headers: { accept: rangesWithoutParameters(accept) } });
      if (types.length > 0 && !types.some((type) => type.includes('*')) && negotiator.mediaTypes([...types]).length === 0) {
        throw new NotAcceptable(`${req.method} ${req.path} answers with ${types.join(', ')}; the Accept header allows none of them`);
      }
    }
    next();
  };
}
