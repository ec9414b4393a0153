// fetchJwks: the key set is read only as configured: no redirect followed, a bounded body, a key set or an error.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJwks, JwksUnavailableError, MAX_JWKS_BYTES } from '../../src/auth/jwks-fetch';

let server: http.Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ kty: 'RSA' }, 'junk', null] }));
    else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/huge') {
      const body = JSON.stringify({ keys: [{ pad: 'x'.repeat(MAX_JWKS_BYTES) }] });
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
    }
    else if (req.url === '/huge-chunked') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[{"pad":"');
      res.end(`${'y'.repeat(MAX_JWKS_BYTES)}"}]}`);
    } else if (req.url === '/html') res.writeHead(200).end('<html>maintenance</html>');
    else if (req.url === '/no-keys') res.writeHead(200).end('{"keys":{}}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failure(path: string): Promise<string> {
  const error = await fetchJwks(`${base}${path}`, 2000).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JwksUnavailableError);
  return (error as Error).message;
}

test('a key set: its keys, anything that is not an object dropped', async () => {
  await expect(fetchJwks(`${base}/ok`, 2000)).resolves.toEqual({ keys: [{ kty: 'RSA' }] });
});

test('a redirect is not followed', async () => {
  seen.length = 0;
  expect(await failure('/redirect')).toBe(`the key set at ${base}/redirect answered HTTP 302 (a redirect, which is not followed: configure the final URL)`);
  expect(seen).toEqual(['/redirect']);
});

test('a body over MAX_JWKS_BYTES, declared or streamed, is refused', async () => {
  expect(await failure('/huge')).toMatch(/sent \d+ bytes, more than 262144$/);
  expect(await failure('/huge-chunked')).toMatch(/sent more than 262144 bytes$/);
});

test('not JSON, not a key set, an error status, nobody listening', async () => {
  expect(await failure('/html')).toMatch(/did not answer JSON$/);
  expect(await failure('/no-keys')).toMatch(/did not answer a key set/);
  expect(await failure('/missing')).toMatch(/answered HTTP 404$/);
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const error = await fetchJwks(`http://127.0.0.1:${port}/jwks`, 2000).catch((caught: Error) => caught);
  expect((error as Error).message).toBe(`the key set at http://127.0.0.1:${port}/jwks is unreachable (ECONNREFUSED)`);
});
