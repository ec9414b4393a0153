// Graceful shutdown of the real `pym start`: on SIGTERM it stops accepting connections, finishes in-flight requests, exits 0.
import { FIXTURE_SERVICE_ROOT } from '../helpers/create-test-app';
import { startPym, type PymProcess } from '../helpers/spawn-pym';

let pym: PymProcess | undefined;
afterEach(async () => {
  await pym?.stop();
  pym = undefined;
});

/** The `code` of the error behind a rejected fetch (undici wraps it in `cause`). */
async function connectionError(url: string): Promise<string | undefined> {
  try {
    await fetch(url);
  } catch (error) {
    return ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
  }
  return undefined;
}

test('SIGTERM: new connections are refused, the in-flight request completes with 200, the process exits 0', async () => {
  pym = await startPym({ cwd: FIXTURE_SERVICE_ROOT });
  const { child, url } = pym;
  // The slow handler returns only once the process has received SIGTERM and then SIGUSR2.
  const slow = fetch(`${url}/ops/slow`, { headers: { 'x-request-id': 'slow-request-1' } });
  slow.catch(() => undefined); // awaited below; this only keeps an early failure from leaving it unhandled
  await pym.waitForLine((line) => line.includes('slow operation started'), 'the slow operation to start');

  child.kill('SIGTERM');
  await pym.waitForLine((line) => line.includes('shutting down'), 'the shutdown line');
  // The handler's own SIGTERM listener runs after pym's (registered at startup), which closes the listener
  // synchronously: once this line is out, the port is closed for sure (no race with a loaded machine).
  await pym.waitForLine((line) => line.includes('slow operation: got SIGTERM'), 'the handler to see SIGTERM');
  expect(await connectionError(`${url}/ping`)).toBe('ECONNREFUSED');
  expect(child.exitCode).toBeNull();

  child.kill('SIGUSR2');
  const response = await slow;
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ done: true });
  expect(response.headers.get('x-request-id')).toBe('slow-request-1');

  expect(await pym.exited).toBe(0);
  const served = pym.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(served.find((record) => record.msg === 'request' && record.requestId === 'slow-request-1')).toMatchObject({ status: 200 });
  expect(served.find((record) => record.msg === 'stopped')).toMatchObject({ clean: true });
});

test('SIGTERM with a request outlasting shutdown_timeout: its connection is closed at the deadline and the process exits', async () => {
  pym = await startPym({ cwd: FIXTURE_SERVICE_ROOT, env: { PYM_ENV: 'impatient' } }); // shutdown_timeout: 1
  const { child, url } = pym;
  const slow = fetch(`${url}/ops/slow`, { headers: { 'x-request-id': 'slow-request-2' } }).then(
    (response) => `status ${response.status}`,
    (error: Error) => (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message,
  );
  await pym.waitForLine((line) => line.includes('slow operation started'), 'the slow operation to start');

  child.kill('SIGTERM'); // and never SIGUSR2: the handler would wait forever
  expect(await pym.exited).toBe(0);
  expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(await slow); // the connection was closed under it, not answered
  const records = pym.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(records.find((record) => record.msg === 'shutdown timeout: closing remaining connections')).toMatchObject({ timeoutSeconds: 1 });
  expect(records.find((record) => record.msg === 'stopped')).toMatchObject({ clean: false });
});
