// chain: run middlewares in sequence as one Express middleware, without the router's per-layer work.
import type { RequestHandler } from 'express';

/**
 * Run `handlers` in sequence, as Express 5 would run them as `app.use()` layers mounted at `/`, but without its
 * router's per-layer work (path match, prefix trimming, debug calls; ~0.5 µs a layer): a thrown error or a rejected
 * promise (a falsy reason becomes `Error('Rejected promise')`, as in Express) goes straight to `done`, and so does
 * `next(error)`; `next('route')` moves on, as it does between `use()` layers; `next('router')` leaves the chain.
 *
 * @example
 * app.use(chain([requestContext(scope), matchOperation(matcher), dispatch(handlers)]));
 */
export function chain(handlers: readonly RequestHandler[]): RequestHandler {
  if (handlers.length === 1) return handlers[0]!;
  return function chainMiddleware(req, res, done) {
    let index = 0;
    const rejected = (reason: unknown) => done(reason || new Error('Rejected promise'));
    const next = (error?: unknown): void => {
      if (error === 'router') return done(error);
      if (error !== undefined && error !== null && error !== 'route') return done(error);
      const handler = handlers[index++];
      if (!handler) return done();
      try {
        const result = handler(req, res, next) as unknown;
        if (result instanceof Promise) result.then(undefined, rejected);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}
