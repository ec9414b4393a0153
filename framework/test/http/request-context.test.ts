// requestContext on a bare Express app: what of the request headers the context keeps. A traceparent travels into
// every task the request starts, so only a well-formed W3C one is kept.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../src/config/load-config';
import { createAppScope } from '../../src/context/app-scope';
import { currentContext } from '../../src/context/request-context';
import { requestContext } from '../../src/http/request-context.middleware';
import { createLogger } from '../../src/logging/logger';
import { fixture } from '../config/config-test-helpers';

const config = loadConfig({ cwd: fixture('minimal'), environment: {} });

const app = express();
app.use(requestContext(createAppScope(config, createLogger({ level: 'silent' }), () => {
  throw new Error('no task backend in this test');
})));
app.get('/context', (_req, res) => {
  res.json({ traceparent: currentContext()?.traceparent ?? null });
});
const server = app.listen(0, '127.0.0.1');
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function traceparentKept(traceparent: string): Promise<unknown> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/context`, { headers: { traceparent } });
  return ((await response.json()) as { traceparent: unknown }).traceparent;
}

test('a well-formed traceparent is kept', async () => {
  const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  expect(await traceparentKept(valid)).toBe(valid);
});

test.each([
  ['any text', 'not a trace context'],
  ['an oversized value', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01${'-x'.repeat(4000)}`],
  ['an all-zero trace id', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`],
  ['the forbidden version ff', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'.replace(/^00/, 'ff')],
  ['uppercase hex', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
])('%s is dropped (before: kept as is and copied into task envelopes)', async (_name, traceparent) => {
  expect(await traceparentKept(traceparent)).toBeNull();
});
