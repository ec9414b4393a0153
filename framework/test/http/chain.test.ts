// chain(): pym's middlewares run as one Express layer and must behave as they did as separate app.use() layers.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { chain } from '../../src/http/chain';

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Serve `middlewares` both as separate layers and as one chain; the body says what ran and what reached the error handler. */
async function bothWays(middlewares: (steps: string[]) => RequestHandler[]): Promise<{ layers: unknown; chained: unknown }> {
  const app = express();
  for (const mode of ['layers', 'chained'] as const) {
    const router = express.Router();
    router.use((req, _res, next) => {
      (req as unknown as { steps: string[] }).steps = [];
      next();
    });
    const handlers = (req: unknown) => middlewares((req as { steps: string[] }).steps);
    // Each request builds its middlewares around its own steps array.
    const run: RequestHandler = (req, res, next) => {
      const built = handlers(req);
      if (mode === 'chained') return chain(built)(req, res, next);
      const inner = express.Router();
      for (const handler of built) inner.use(handler);
      return inner(req, res, next);
    };
    router.use(run);
    router.use((req, res) => {
      res.json({ steps: (req as unknown as { steps: string[] }).steps, end: 'fell through' });
    });
    const onError: ErrorRequestHandler = (err, req, res, _next) => {
      res.json({ steps: (req as unknown as { steps: string[] }).steps, error: err instanceof Error ? err.message : String(err) });
    };
    router.use(onError);
    app.use(`/${mode}`, router);
  }
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (mode: string) => (await fetch(`${base}/${mode}`)).json();
  return { layers: await get('layers'), chained: await get('chained') };
}

const step = (steps: string[], name: string): RequestHandler => (_req, _res, next) => {
  steps.push(name);
  next();
};

test('every middleware runs in order, then the request goes on past the chain', async () => {
  const { layers, chained } = await bothWays((steps) => [step(steps, 'a'), step(steps, 'b'), step(steps, 'c')]);
  expect(chained).toEqual({ steps: ['a', 'b', 'c'], end: 'fell through' });
  expect(chained).toEqual(layers);
});

test('a thrown error, next(error) and a rejected promise skip the rest and reach the error handler', async () => {
  const throwing: RequestHandler = () => {
    throw new Error('thrown');
  };
  const passing: RequestHandler = (_req, _res, next) => next(new Error('passed'));
  const rejecting: RequestHandler = async () => {
    throw new Error('rejected');
  };
  for (const failing of [throwing, passing, rejecting]) {
    const { layers, chained } = await bothWays((steps) => [step(steps, 'a'), failing, step(steps, 'never')]);
    expect((chained as { steps: string[] }).steps).toEqual(['a']);
    expect(chained).toEqual(layers);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  }
});

test('a promise rejected with nothing is an error, as in Express 5', async () => {
  // eslint-disable-next-line prefer-promise-reject-errors
  const { layers, chained } = await bothWays((steps) => [step(steps, 'a'), () => Promise.reject(undefined), step(steps, 'never')]);
  expect(chained).toEqual({ steps: ['a'], error: 'Rejected promise' });
  expect(chained).toEqual(layers);
});

test("next('route') moves on to the next middleware, as between use() layers", async () => {
  const { layers, chained } = await bothWays((steps) => [(_req, _res, next) => next('route'), step(steps, 'b')]);
  expect(chained).toEqual({ steps: ['b'], end: 'fell through' });
  expect(chained).toEqual(layers);
});
