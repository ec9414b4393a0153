// An operation whose request body is optional (`required` left out, OpenAPI's default): a request without a body
// reaches the handler. Before: 415 UNSUPPORTED_MEDIA_TYPE ("media type not specified") from the validator.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp, type PymApp } from '../../src/http/create-app';

let pym: PymApp;
let server: http.Server;
let url: string;

beforeAll(async () => {
  pym = await createApp({ configPath: path.resolve(__dirname, '../fixtures/upload-service/pym-config.yaml') });
  server = pym.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/notes`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await pym.close();
});

async function post(init: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', ...init });
  return { status: response.status, body: await response.json() };
}

test('no body at all (Content-Length: 0, no Content-Type) reaches the handler without one', async () => {
  expect(await post({})).toEqual({ status: 200, body: { received: false } });
});

test('a JSON body is still read and validated', async () => {
  expect(await post({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) })).toEqual({ status: 200, body: { received: true } });
  expect(await post({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(21) }) })).toMatchObject({ status: 400, body: { error: 'INVALID_PARAMETER' } });
  expect(await post({ headers: { 'content-type': 'text/csv' }, body: 'a,b' })).toMatchObject({ status: 415, body: { error: 'UNSUPPORTED_MEDIA_TYPE' } });
});
