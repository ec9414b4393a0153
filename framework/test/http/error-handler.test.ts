// errorHandler on a bare Express app: an error whose extra headers Node refuses still gets pym's JSON body (the
// header is left out and logged), never Express's own HTML page with the stack.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { PymError } from '../../src/errors/pym-error';
import { errorHandler } from '../../src/http/error-handler';
import { createLogger } from '../../src/logging/logger';

test('an error header Node refuses (a line break in its value) is left out; the body is still pym\'s JSON', async () => {
  const app = express();
  app.get('/boom', () => {
    throw new PymError('SLOW_DOWN', 429, 'Rate limited', { headers: { 'Retry-After': '5\r\nX-Injected: yes', 'X-Fine': 'ok' } });
  });
  app.use(errorHandler({ logger: createLogger({ level: 'silent' }), debug: false }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-injected')).toBeNull();
    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('x-fine')).toBe('ok');
    expect(await response.json()).toMatchObject({ status: 429, error: 'SLOW_DOWN' });
  } finally {
    server.close();
  }
});
