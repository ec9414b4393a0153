// Tokens of identity providers (RS/PS/ES, keys from a JWKS the test serves or a PEM) over HTTP, next to pym's HMAC tokens:
// accepted ones, key rotation, unknown kids, a JWKS that is down, and the algorithm-confusion attacks.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { createTestApp, FIXTURE_SERVICE_ROOT, type TestApp } from '../helpers/create-test-app';
import { providerKey, providerToken, startJwksServer, type JwksServer, type ProviderKey } from '../helpers/jwks-server';
import { expectPymError, read } from './http-test-helpers';

const AUDIENCE = 'pym-fixture-api';
const MAIN = 'https://main.idp.test/';
const SINGLE = 'https://single.idp.test/';
const PEM = 'https://pem.idp.test/';
const LIMITED = 'https://limited.idp.test/';
const DOWN = 'https://down.idp.test/';
const DOWN_LIMITED = 'https://down-limited.idp.test/';
const SLOW = 'https://slow.idp.test/';
const WEAK = 'https://weak.idp.test/';

const rsa1 = providerKey('RS256');
const ec1 = providerKey('ES256', { publishAlg: false }); // a JWK without alg: its type and curve decide
const ps1 = providerKey('PS256');
const singleKey = providerKey('ES256');
const pemKey = providerKey('ES384');
const limitedKey = providerKey('RS256');
const downKey = providerKey('RS256');
const weakKey = providerKey('RS256-1024');
const attacker = providerKey('RS256', { kid: 'attacker-kid' });

let main: JwksServer;
let single: JwksServer;
let limited: JwksServer;
let down: JwksServer;
let downLimited: JwksServer;
let slow: JwksServer;
let weak: JwksServer;
let app: TestApp;
/** Every token sent: none may appear in a log line or a body. */
const sent = new Set<string>();

function issuer(iss: string, server: JwksServer | undefined, algorithms: string[], extra: Record<string, unknown> = {}) {
  return { issuer: iss, audience: AUDIENCE, ...(server ? { jwks_uri: server.jwksUri } : {}), algorithms, ...extra };
}

beforeAll(async () => {
  [main, single, limited, down, downLimited, slow, weak] = await Promise.all([
    startJwksServer([rsa1, ec1, ps1]),
    startJwksServer([singleKey]),
    startJwksServer([limitedKey]),
    startJwksServer([downKey]),
    startJwksServer([downKey]),
    startJwksServer([downKey]),
    startJwksServer([weakKey]),
  ]);
  app = await createTestApp({
    config: {
      log_level: 'debug',
      jwt_issuers: [
        issuer(MAIN, main, ['RS256', 'PS256', 'ES256'], { jwks_requests_per_minute: 60 }),
        issuer(SINGLE, single, ['ES256']),
        issuer(PEM, undefined, ['ES384'], { public_key: pemKey.publicPem }),
        issuer(LIMITED, limited, ['RS256'], { jwks_requests_per_minute: 2 }),
        issuer(DOWN, down, ['RS256'], { jwks_requests_per_minute: 60 }),
        issuer(DOWN_LIMITED, downLimited, ['RS256'], { jwks_requests_per_minute: 1 }),
        issuer(SLOW, slow, ['RS256'], { jwks_timeout: 0.5 }),
        issuer(WEAK, weak, ['RS256']),
      ],
    },
  });
});

afterAll(async () => {
  await app?.close();
  await Promise.all([main, single, limited, down, downLimited, slow, weak].map((server) => server?.close()));
});

function token(key: ProviderKey, iss: string, options: Parameters<typeof providerToken>[2] & { claims?: Record<string, unknown> } = {}): string {
  const value = providerToken(key, { iss, aud: AUDIENCE, ...options.claims }, options);
  sent.add(value);
  return value;
}

/** A token built by hand: any header, signed with HMAC-SHA256 over `secret` (or unsigned with null). */
function crafted(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | null): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part(payload)}`;
  const value = `${input}.${secret === null ? '' : createHmac('sha256', secret).update(input).digest('base64url')}`;
  sent.add(value);
  return value;
}

function claims(iss: string) {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'mallory', iss, aud: AUDIENCE, iat: now, exp: now + 600 };
}

function whoami(bearer: string) {
  return fetch(`${app.url}/ops/whoami`, { headers: { authorization: `Bearer ${bearer}` } });
}

async function accepted(bearer: string) {
  const response = await read(await whoami(bearer));
  expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
  return response.body as { user_id: string; claims: Record<string, unknown> };
}

async function refused(bearer: string, code = 'TOKEN_INVALID') {
  const response = await expectPymError(whoami(bearer), 401, code);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  return response.body.error_description;
}

describe('accepted', () => {
  test('RS256, PS256 and ES256 (a JWK without alg) of one provider, chosen by kid; its claims are the context', async () => {
    const rs = await accepted(token(rsa1, MAIN, { claims: { sub: 'alice', scope: 'read:books', email: 'alice@example.com' } }));
    expect(rs.user_id).toBe('alice');
    expect(rs.claims).toMatchObject({ iss: MAIN, aud: AUDIENCE, scope: 'read:books', email: 'alice@example.com' });
    expect((await accepted(token(ps1, MAIN, { claims: { sub: 'bob' } }))).user_id).toBe('bob');
    expect((await accepted(token(ec1, MAIN, { alg: 'ES256', claims: { sub: 'carol' } }))).user_id).toBe('carol');
  });

  test('a token without kid, when its provider publishes one key; a PEM provider whatever the kid', async () => {
    expect((await accepted(token(singleKey, SINGLE, { kid: null }))).user_id).toBe('idp-user-1');
    expect((await accepted(token(pemKey, PEM, { kid: 'anything' }))).claims.iss).toBe(PEM);
  });

  test("pym's own HMAC tokens still work next to them (a token whose iss is no provider's goes to jwt_secret)", async () => {
    const own = app.token('service-user');
    sent.add(own);
    expect((await accepted(own)).user_id).toBe('service-user');
  });
});

describe('the JWKS', () => {
  test('is fetched once, then a key is served from the cache', async () => {
    const before = main.jwksRequests();
    await accepted(token(rsa1, MAIN));
    await accepted(token(rsa1, MAIN));
    expect(main.jwksRequests()).toBe(before);
    expect(before).toBeGreaterThanOrEqual(1);
  });

  test('rotation: a token signed with a newly published key is accepted after one refresh', async () => {
    await accepted(token(rsa1, MAIN)); // rsa1 cached
    const rsa2 = providerKey('RS256');
    main.publish([rsa2, ec1, ps1]);
    const before = main.jwksRequests();
    expect((await accepted(token(rsa2, MAIN, { claims: { sub: 'rotated' } }))).user_id).toBe('rotated');
    expect(main.jwksRequests()).toBe(before + 1);
    // The key it replaced stays trusted until jwks_cache_max_age has passed (then the set is fetched again without it).
    await accepted(token(rsa1, MAIN));
    expect(main.jwksRequests()).toBe(before + 1);
  });

  test('an unknown kid: one refresh, then 401 TOKEN_INVALID', async () => {
    const before = main.jwksRequests();
    expect(await refused(token(rsa1, MAIN, { kid: 'no-such-kid' }))).toBe("The token's key id (kid) is not one of its issuer's keys");
    expect(main.jwksRequests()).toBe(before + 1);
  });

  test('unknown kids fetch the set at most jwks_requests_per_minute times; known keys keep working meanwhile', async () => {
    await accepted(token(limitedKey, LIMITED)); // fetch 1 of 2
    for (let i = 0; i < 5; i++) await refused(token(limitedKey, LIMITED, { kid: `forged-${i}` }));
    expect(limited.jwksRequests()).toBe(2);
    await accepted(token(limitedKey, LIMITED));
  });

  test('a provider that publishes several keys: a token without kid is refused', async () => {
    expect(await refused(token(rsa1, MAIN, { kid: null }))).toBe('The token has no key id (kid), and its issuer publishes several keys');
    expect(await refused(crafted({ alg: 'RS256', kid: 42 }, claims(MAIN), 'x'))).toBe("The token's key id (kid) is not a string");
  });

  test('down (503): 503 TOKEN_KEYS_UNAVAILABLE with Retry-After, not a 401 (the token may be fine); back up: accepted', async () => {
    down.setMode({ status: 503 });
    const bearer = token(downKey, DOWN);
    const response = await expectPymError(whoami(bearer), 503, 'TOKEN_KEYS_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('1'); // 60 s / jwks_requests_per_minute
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(response.body.error_description).toBe("The signing keys of the token's identity provider cannot be fetched now; retry later");
    expect(response.text).not.toContain(down.jwksUri);
    const logged = await app.waitForLog((record) => record.errorId === response.body.error_id);
    expect(JSON.stringify(logged)).toContain(`the key set at ${down.jwksUri} answered HTTP 503`);
    down.setMode({ status: 200 });
    await accepted(bearer);
  });

  test('down, and its fetches rate-limited: still 503, never a 401 that would make the client drop its token', async () => {
    downLimited.setMode({ status: 500 });
    await expectPymError(whoami(token(downKey, DOWN_LIMITED)), 503, 'TOKEN_KEYS_UNAVAILABLE');
    await expectPymError(whoami(token(downKey, DOWN_LIMITED)), 503, 'TOKEN_KEYS_UNAVAILABLE');
    expect(downLimited.jwksRequests()).toBe(1);
  });

  test('a JWKS that does not answer within jwks_timeout: 503', async () => {
    slow.setMode({ hang: true });
    const response = await expectPymError(whoami(token(downKey, SLOW)), 503, 'TOKEN_KEYS_UNAVAILABLE');
    const logged = await app.waitForLog((record) => record.errorId === response.body.error_id);
    expect(JSON.stringify(logged)).toContain('did not answer within 500 ms');
  });

  test('a JWKS answering something else than a key set: 503', async () => {
    down.setMode({ status: 200 });
    single.setMode({ status: 200 });
    const broken = await startJwksServer([]);
    try {
      const other = await createTestApp({ config: { jwt_issuers: [issuer('https://empty.idp.test/', broken, ['RS256'])] } });
      try {
        await expectPymError(fetch(`${other.url}/ops/whoami`, { headers: { authorization: `Bearer ${token(downKey, 'https://empty.idp.test/')}` } }), 503, 'TOKEN_KEYS_UNAVAILABLE');
      } finally {
        await other.close();
      }
    } finally {
      await broken.close();
    }
  });
});

describe('refused: algorithm confusion and forged keys', () => {
  test('HS256 signed with the provider\'s RSA public key (PEM) as HMAC secret, naming the provider: 401', async () => {
    const header = { alg: 'HS256', typ: 'JWT', kid: rsa1.kid };
    expect(await refused(crafted(header, claims(MAIN), rsa1.publicPem))).toBe("The token's algorithm HS256 is not accepted for its issuer");
  });

  test('the same HS256 token naming no provider goes to jwt_secret, where its signature fails: 401', async () => {
    expect(await refused(crafted({ alg: 'HS256', typ: 'JWT' }, claims(app.config.jwt_issuer!), rsa1.publicPem))).toBe("The token's signature is invalid");
  });

  test('alg: none naming a provider: 401', async () => {
    expect(await refused(crafted({ alg: 'none', kid: rsa1.kid }, claims(MAIN), null))).toBe('The token is not signed');
  });

  test('an RS256 token naming a provider pinned to ES256: 401, and its key set is not even fetched', async () => {
    const before = single.jwksRequests();
    expect(await refused(token(rsa1, SINGLE, { kid: singleKey.kid }))).toBe("The token's algorithm RS256 is not accepted for its issuer");
    expect(single.jwksRequests()).toBe(before);
  });

  test("an RS256 token naming no provider: refused by jwt_algorithms (HMAC only)", async () => {
    expect(await refused(token(rsa1, app.config.jwt_issuer!))).toBe("The token's algorithm RS256 is not accepted");
  });

  test('an algorithm the key does not fit: RS256 with an EC key\'s kid, ES256 with an RSA key\'s, PS256 with a key published for RS256', async () => {
    await accepted(token(ec1, MAIN, { alg: 'ES256' })); // the EC key is known
    expect(await refused(token(rsa1, MAIN, { kid: ec1.kid }))).toBe("The token's algorithm RS256 does not fit its issuer's key");
    expect(await refused(token(ec1, MAIN, { alg: 'ES256', kid: ps1.kid }))).toBe("The token's algorithm ES256 does not fit its issuer's key");
    // A valid PS256 signature by the right private key: refused because the JWK says alg RS256.
    const rsaOnly = providerKey('RS256');
    main.publish([rsaOnly, ec1, ps1]);
    await accepted(token(rsaOnly, MAIN));
    expect(await refused(token(rsaOnly, MAIN, { alg: 'PS256' }))).toBe("The token's algorithm PS256 does not fit its issuer's key");
  });

  test('an RSA key shorter than 2048 bits in the key set: its tokens are refused', async () => {
    expect(await refused(token(weakKey, WEAK))).toBe("The token's algorithm RS256 does not fit its issuer's key");
  });

  test('jku, x5u and an embedded jwk are never fetched nor used', async () => {
    const header = { jku: `${main.url}/attacker/jwks.json`, x5u: `${main.url}/attacker/cert.pem`, jwk: attacker.jwk };
    // Signed by the attacker, with the attacker's kid, then with the provider's kid.
    await refused(token(attacker, MAIN, { header }));
    expect(await refused(token(attacker, MAIN, { header, kid: ps1.kid, alg: 'PS256' }))).toBe("The token's signature is invalid");
    expect(main.requests.filter((requested) => requested.startsWith('/attacker'))).toEqual([]);
    expect(new Set(main.requests)).toEqual(new Set(['/.well-known/jwks.json']));
  });

  test("the provider's claims are checked: audience, exact issuer, expiry, subject (ps1: a key every rotation above kept)", async () => {
    expect(await refused(token(ps1, MAIN, { claims: { aud: 'another-api' } }))).toBe("The token's audience is not accepted");
    // Not the provider's iss exactly (case, trailing slash): not that provider, so the HMAC path refuses the algorithm.
    expect(await refused(token(ps1, MAIN.toUpperCase()))).toBe("The token's algorithm PS256 is not accepted");
    expect(await refused(token(ps1, MAIN.slice(0, -1)))).toBe("The token's algorithm PS256 is not accepted");
    const now = Math.floor(Date.now() / 1000);
    await refused(token(ps1, MAIN, { claims: { iat: now - 7200, exp: now - 3600 } }), 'TOKEN_EXPIRED');
    expect(await refused(token(ps1, MAIN, { claims: { sub: undefined } }))).toBe('The token has no subject');
  });
});

describe('a service that accepts only its providers\' tokens (no jwt_secret)', () => {
  let only: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-idp-only-'));
    const fixture = yaml.load(fs.readFileSync(path.join(FIXTURE_SERVICE_ROOT, 'pym-config.yaml'), 'utf8')) as Record<string, unknown>;
    const { jwt_secret: _secret, ...rest } = fixture;
    const config = { ...rest, apis: path.join(FIXTURE_SERVICE_ROOT, 'apis'), src: path.join(FIXTURE_SERVICE_ROOT, 'src'), jwt_issuers: [issuer(SINGLE, single, ['ES256'])] };
    fs.writeFileSync(path.join(dir, 'pym-config.yaml'), yaml.dump(config));
    only = await createTestApp({ configPath: path.join(dir, 'pym-config.yaml') });
  });
  afterAll(async () => {
    await only?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a provider token: 200; an HMAC token: 401, its issuer is not accepted', async () => {
    const good = token(singleKey, SINGLE);
    const response = await read(await fetch(`${only.url}/ops/whoami`, { headers: { authorization: `Bearer ${good}` } }));
    expect(response.status).toBe(200);
    const hmac = crafted({ alg: 'HS256', typ: 'JWT' }, claims('pym-fixture'), 'fixture-jwt-secret-never-logged-7f3a9c');
    const refusedHmac = await expectPymError(fetch(`${only.url}/ops/whoami`, { headers: { authorization: `Bearer ${hmac}` } }), 401, 'TOKEN_INVALID');
    expect(refusedHmac.body.error_description).toBe("The token's issuer is not accepted (this service accepts its identity providers' tokens only)");
  });
});

test('no token sent by these tests appears in a log line', () => {
  const lines = app.logLines().join('\n');
  expect(sent.size).toBeGreaterThan(20);
  for (const value of sent) expect(lines).not.toContain(value);
  // The signatures alone neither (a scrubber that only matched whole JWTs could leave one).
  for (const value of sent) {
    const signature = value.split('.')[2];
    if (signature && signature.length > 20) expect(lines).not.toContain(signature);
  }
});
