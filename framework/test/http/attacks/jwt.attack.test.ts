// Attacks on the bearer token: forged algorithms, stripped or tampered signatures, key-selection headers (kid, jku,
// x5u, jwk) that must be neither followed nor fetched, crit, claims of the wrong type, nested tokens, tokens where they
// do not belong (query string, path). Each is a 401 in the JSON shape, the server goes on serving, no token is logged.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import type { TestApp } from '../../helpers/create-test-app';
import { read } from '../http-test-helpers';
import { expectJsonError, expectNothingLeaked, expectStillServing, startAttackService } from './attack-harness';

let app: TestApp;
/** A server the forged headers point at: any request it gets means pym followed a key URL. */
let lure: http.Server;
let lureUrl: string;
const lureHits: string[] = [];
/** Every token sent: none may be logged or echoed. */
const sent = new Set<string>();

beforeAll(async () => {
  app = await startAttackService();
  lure = http.createServer((req, res) => {
    lureHits.push(req.url ?? '');
    res.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => lure.listen(0, '127.0.0.1', resolve));
  lureUrl = `http://127.0.0.1:${(lure.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => lure.close(resolve));
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** The claims of a valid token of the fixture (its issuer and audience). */
const claims = () => ({ sub: 'user-1', iss: app.config.jwt_issuer, aud: app.config.jwt_audience, iat: now(), exp: now() + 600 });
/** A token with any header and payload, HMAC-SHA256-signed with `key` (the service's secret unless said). */
function hs256(header: object | string, payload: unknown, key?: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key ?? app.config.jwt_secret!).update(input).digest('base64url')}`;
}
/** An attacker's RSA key pair, its public key as a JWK. */
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
const rs256 = (header: object) => jwt.sign(claims(), attacker.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', ...header } });
/** A valid token's three parts. */
const validParts = () => app.token('user-1').split('.') as [string, string, string];

interface JwtCase {
  name: string;
  token: () => string;
  code?: 'TOKEN_INVALID' | 'TOKEN_EXPIRED';
}

const cases: Record<string, JwtCase[]> = {
  'alg none': [
    { name: 'alg none, empty signature', token: () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.` },
    { name: "alg 'None'", token: () => `${b64({ alg: 'None' })}.${b64(claims())}.` },
    { name: "alg 'NONE' with a signature", token: () => `${b64({ alg: 'NONE' })}.${b64(claims())}.${validParts()[2]}` },
    { name: 'no alg at all', token: () => hs256({ typ: 'JWT' }, claims()) },
  ],
  'stripped or tampered signatures': [
    { name: 'HS256 with an empty signature', token: () => `${validParts()[0]}.${validParts()[1]}.` },
    {
      name: 'a tampered payload (sub: admin) with the original signature',
      token: () => {
        const [header, payload, signature] = validParts();
        return `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'admin' })}.${signature}`;
      },
    },
    { name: 'HS256 signed with another secret', token: () => hs256({ alg: 'HS256' }, claims(), 'another-secret-of-32-characters!!') },
    { name: 'HS256 signed with an empty secret', token: () => hs256({ alg: 'HS256' }, claims(), '') },
  ],
  'algorithm confusion': [
    { name: 'RS256 signed with an attacker key', token: () => rs256({}) },
    { name: 'HS256 signed with an attacker public key (PEM) as the secret', token: () => hs256({ alg: 'HS256' }, claims(), attacker.publicKey.export({ type: 'spki', format: 'pem' }) as string) },
    { name: 'HS512 when only HS256 is configured', token: () => jwt.sign(claims(), app.config.jwt_secret!, { algorithm: 'HS512' }) },
  ],
  'key selection headers': [
    { name: 'kid with path traversal, signed with the empty key of /dev/null', token: () => hs256({ alg: 'HS256', kid: '../../../../../../dev/null' }, claims(), '') },
    { name: 'kid with SQL injection, signed with the injected key', token: () => hs256({ alg: 'HS256', kid: "x' UNION SELECT 'key' -- " }, claims(), 'key') },
    { name: 'jku pointing at the attacker, HS256 with the attacker secret', token: () => hs256({ alg: 'HS256', jku: `${lureUrl}/jwks.json` }, claims(), 'attacker') },
    { name: 'jku pointing at the attacker, RS256', token: () => rs256({ jku: `${lureUrl}/jwks.json`, kid: 'attacker' }) },
    { name: 'x5u pointing at the attacker, RS256', token: () => rs256({ x5u: `${lureUrl}/cert.pem` }) },
    { name: 'an embedded jwk of the attacker, RS256', token: () => rs256({ jwk: attackerJwk }) },
    { name: 'x5c with the attacker key, RS256', token: () => rs256({ x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }) },
  ],
  'critical headers': [
    { name: 'crit listing exp, validly signed', token: () => hs256({ alg: 'HS256', crit: ['exp'] }, claims()) },
    { name: 'crit naming an unknown extension, validly signed', token: () => hs256({ alg: 'HS256', crit: ['http://example.com/ext'], 'http://example.com/ext': true }, claims()) },
  ],
  'claims of the wrong type or time': [
    { name: 'iat in the future (beyond the leeway)', token: () => hs256({ alg: 'HS256' }, { ...claims(), iat: now() + 3600 }) },
    { name: 'iat as a string', token: () => hs256({ alg: 'HS256' }, { ...claims(), iat: String(now()) }) },
    { name: 'exp as a string', token: () => hs256({ alg: 'HS256' }, { ...claims(), exp: String(now() + 600) }) },
    { name: 'exp missing', token: () => hs256({ alg: 'HS256' }, { ...claims(), exp: undefined }) },
    { name: 'exp passed beyond the leeway', token: () => hs256({ alg: 'HS256' }, { ...claims(), iat: now() - 7200, exp: now() - 3600 }), code: 'TOKEN_EXPIRED' },
    { name: 'nbf as a string', token: () => hs256({ alg: 'HS256' }, { ...claims(), nbf: 'soon' }) },
    { name: 'sub as an object', token: () => hs256({ alg: 'HS256' }, { ...claims(), sub: { id: 'admin' } }) },
    { name: 'iss as an array', token: () => hs256({ alg: 'HS256' }, { ...claims(), iss: [app.config.jwt_issuer] }) },
    { name: 'a payload that is a JSON array', token: () => hs256({ alg: 'HS256' }, [claims()]) },
  ],
  'nested tokens': [
    { name: 'cty JWT around a valid token, signed with the service secret', token: () => hs256({ alg: 'HS256', cty: 'JWT' }, app.token('user-1')) },
    { name: 'cty JWT around a valid token, signed by the attacker', token: () => hs256({ alg: 'HS256', cty: 'JWT' }, app.token('user-1'), 'attacker') },
  ],
  'malformed tokens': [
    { name: 'four parts', token: () => `${app.token('user-1')}.${b64('more')}` },
    { name: 'base64 padding appended', token: () => `${app.token('user-1')}==` },
    { name: 'a header that is not JSON', token: () => hs256('not json', claims()) },
  ],
};

describe.each(Object.keys(cases))('%s', (kind) => {
  test.each(cases[kind]!)('$name → 401', async ({ token: make, code }) => {
    const token = make();
    sent.add(token);
    const reply = await read(await fetch(`${app.url}/a/whoami`, { headers: { authorization: `Bearer ${token}` } }));
    expectJsonError(reply, 401, code ?? 'TOKEN_INVALID');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(reply.text).not.toContain(token);
    await expectStillServing(app);
  });
});

describe('tokens where they do not belong', () => {
  test.each([
    ['?access_token=', (token: string) => `/a/whoami?access_token=${token}`],
    ['?token=', (token: string) => `/a/whoami?token=${token}`],
  ])('a valid token in the query string (%s) authenticates nothing → 401 AUTHORIZATION_HEADER_MISSING', async (_name, url) => {
    const token = app.token('query-user');
    sent.add(token);
    const reply = await read(await fetch(`${app.url}${url(token)}`));
    expectJsonError(reply, 401, 'AUTHORIZATION_HEADER_MISSING');
    await expectStillServing(app);
  });

  // Before: the 404 said "No operation at GET /a/eyJ…", the 400s named the parameter or the key: the token, echoed.
  test.each([
    ['in the path', 404, 'NOT_FOUND', (token: string) => fetch(`${app.url}/a/${token}`)],
    ['as a query parameter name', 400, 'INVALID_PARAMETER', (token: string) => fetch(`${app.url}/a/probe?${token}=1`)],
    [
      'as a body key',
      400,
      'INVALID_PARAMETER',
      (token: string) =>
        fetch(`${app.url}/a/items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${app.token('body-user')}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'hammer', kind: 'tool', [token]: 1 }),
        }),
    ],
  ] as const)('a valid token %s: a %s whose body does not echo it', async (_where, status, code, send) => {
    const token = app.token('echo-user');
    sent.add(token);
    const reply = await read(await send(token));
    expectJsonError(reply, status, code);
    expect(reply.text).toContain('[Redacted JWT]');
    for (const part of token.split('.')) expect(reply.text).not.toContain(part);
  });

  test('a valid token as a cookie without the Bearer scheme → 401', async () => {
    const token = app.token('cookie-user');
    sent.add(token);
    const reply = await read(await fetch(`${app.url}/a/whoami`, { headers: { cookie: `token=${token}` } }));
    expectJsonError(reply, 401, 'TOKEN_INVALID');
    expect(reply.body.error_description).toBe("The token cookie must use the Bearer scheme: 'Bearer <token>'");
  });
});

test('signed with the service secret, the key headers are ignored, not followed: kid, jku, x5u, jwk → 200', async () => {
  const token = hs256({ alg: 'HS256', kid: '../../dev/null', jku: `${lureUrl}/jwks.json`, x5u: `${lureUrl}/cert.pem`, jwk: attackerJwk }, claims());
  sent.add(token);
  const reply = await read(await fetch(`${app.url}/a/whoami`, { headers: { authorization: `Bearer ${token}` } }));
  expect(reply).toMatchObject({ status: 200, body: { sub: 'user-1' } });
});

test('no key URL of any token was fetched', () => {
  expect(lureHits).toEqual([]);
});

test('no 5xx, no error line, and no token nor the secret is logged', () => {
  const refused = app.logRecords().filter((record) => record.msg === 'request' && record.status === 401);
  expect(refused.length).toBeGreaterThanOrEqual(Object.values(cases).flat().length);
  expectNothingLeaked(app, [...sent, app.config.jwt_secret!]);
});
