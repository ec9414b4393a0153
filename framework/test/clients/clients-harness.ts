// Harness of the client tests: the callee fixture as a `pym start` process, the caller fixture served in-process, and
// a hand-written HTTP server standing for a third-party API (or for a callee that misbehaves).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { startPym, type PymProcess } from '../helpers/spawn-pym';

export const CLIENTS_FIXTURES = path.resolve(__dirname, '../fixtures/clients');
export const CALLEE_CONFIG = path.join(CLIENTS_FIXTURES, 'callee/pym-config.yaml');
export const CALLER_CONFIG = path.join(CLIENTS_FIXTURES, 'caller/pym-config.yaml');

/** Timeout of a beforeAll that starts the callee (tsx loads its handlers: seconds on a busy machine). */
export const STARTUP_TIMEOUT_MS = 60_000;

/** The callee fixture, started by the real CLI with PYM_ENV=test. */
export function startCallee(): Promise<PymProcess> {
  return startPym({ cwd: path.dirname(CALLEE_CONFIG), args: ['--config', CALLEE_CONFIG, '--port', '0'] });
}

/** A request the raw server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain node:http server: `handle` answers, every request is recorded. */
export interface RawServer {
  url: string;
  requests: ReceivedRequest[];
  handle: (request: ReceivedRequest, response: http.ServerResponse) => void;
  close(): Promise<void>;
}

/** Start a raw server on 127.0.0.1:0 answering with `handle` (replace `server.handle` to change it). */
export async function startRawServer(handle: RawServer['handle'] = (_request, response) => response.end()): Promise<RawServer> {
  const requests: ReceivedRequest[] = [];
  const raw: RawServer = { url: '', requests, handle, close: async () => undefined };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      raw.handle(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  raw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  raw.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return raw;
}

/** Send a JSON reply. */
export function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** The caller fixture served in-process (its logs captured), its clients pointed at `callee` and `thirdParty`. */
export function createCaller(calleeUrl: string, thirdPartyUrl: string): Promise<TestApp> {
  return createTestApp({
    configPath: CALLER_CONFIG,
    environment: { CALLEE_URL: calleeUrl, THIRD_PARTY_URL: thirdPartyUrl, THIRD_PARTY_KEY: 'third-party-key-5b1c' },
  });
}
