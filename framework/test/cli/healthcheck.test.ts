// `pym healthcheck`: GET /ready (or --path) at --port, $PYM_PORT or the config's port; exit 0 on a 2xx, else 1 with why.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runPym } from '../helpers/spawn-pym';
import { freePort } from '../tasks-integration/tasks-harness';
import { CLEAN_ENV, pym } from './cli-test-helpers';

let server: http.Server;
let port: number;
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    asked.push(req.url!);
    const status = req.url === '/ready' ? 200 : req.url === '/starting' ? 503 : 404;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('by default it asks GET /ready on $PYM_PORT and exits 0 on a 200', async () => {
  const result = await pym('notes', ['healthcheck'], { ...CLEAN_ENV, PYM_PORT: String(port) });
  expect(result).toMatchObject({ code: 0, stdout: `GET http://127.0.0.1:${port}/ready: 200\n` });
  expect(asked.at(-1)).toBe('/ready');
});

test('a non-2xx answer exits 1 with the status and the body; --port and --path win', async () => {
  const result = await pym('notes', ['healthcheck', '--port', String(port), '--path', '/starting'], { ...CLEAN_ENV, PYM_PORT: '1' });
  expect(result).toMatchObject({ code: 1, stderr: `pym healthcheck: GET http://127.0.0.1:${port}/starting answered 503\n  {"status":503}\n` });
});

test('without --port or $PYM_PORT it uses the config\'s port; nothing listening there exits 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-healthcheck-'));
  const closed = await freePort();
  fs.writeFileSync(path.join(dir, 'pym-config.yaml'), `name: probe\nport: ${port}\n`);
  fs.writeFileSync(path.join(dir, 'pym-config.closed.yaml'), `port: ${closed}\n`);
  const [open, shut] = await Promise.all([
    runPym(['healthcheck'], { cwd: dir, env: CLEAN_ENV }),
    runPym(['healthcheck', '--env', 'closed'], { cwd: dir, env: CLEAN_ENV }),
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(open).toMatchObject({ code: 0, stdout: `GET http://127.0.0.1:${port}/ready: 200\n` });
  expect(shut.code).toBe(1);
  expect(shut.stderr).toMatch(new RegExp(`^pym healthcheck: GET http://127\\.0\\.0\\.1:${closed}/ready failed: `));
});
