// jwt_issuers in pym-config.yaml: what a trusted identity provider entry must hold, and each mistake named with its fix.
import { generateKeyPairSync } from 'node:crypto';
import yaml from 'js-yaml';
import { loadConfig } from '../../src/config/load-config';
import { configErrorOf, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PUBLIC_PEM = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const RSA_PRIVATE_PEM = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const EC_PUBLIC_PEM = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();

const GOOD = { issuer: 'https://tenant.eu.auth0.com/', audience: 'https://api.example.com', jwks_uri: 'https://tenant.eu.auth0.com/.well-known/jwks.json', algorithms: ['RS256'] };

function configWith(extra: Record<string, unknown>, environment: NodeJS.ProcessEnv = {}) {
  const dir = tempService({ 'pym-config.yaml': yaml.dump({ name: 'a', jwt_issuer: 'pym-a', ...extra }) });
  return () => loadConfig({ cwd: dir, environment });
}

function problemsOf(extra: Record<string, unknown>): Record<string, string> {
  const error = configErrorOf(configWith(extra));
  return Object.fromEntries(error.problems.map((problem) => [problem.key, problem.message]));
}

describe('jwt_issuers', () => {
  test('a JWKS provider and a PEM provider load with their defaults; no jwt_secret is needed', () => {
    const config = configWith({ jwt_issuers: [GOOD, { issuer: 'https://pem.example.com', audience: ['api', 'api2'], public_key: EC_PUBLIC_PEM, algorithms: ['ES256'] }] })();
    expect(config.jwt_secret).toBeUndefined();
    expect(config.jwt_issuers[0]).toEqual({ ...GOOD, jwks_cache_max_age: 600, jwks_requests_per_minute: 10, jwks_timeout: 5 });
    expect(config.jwt_issuers[1].public_key).toBe(EC_PUBLIC_PEM);
    expect(configWith({})().jwt_issuers).toEqual([]);
  });

  test('HS* is refused in a provider\'s algorithms, saying why and where HMAC belongs', () => {
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, algorithms: ['RS256', 'HS256'] }] })).toEqual({
      'jwt_issuers[0].algorithms[1]': expect.stringMatching(/^HS256 is an HMAC algorithm: an identity provider's tokens are verified with its public key .*jwt_secret and jwt_algorithms$/),
    });
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, algorithms: ['none'] }] })['jwt_issuers[0].algorithms[0]']).toMatch(/^must be one of RS256, RS384/);
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, algorithms: [] }] })['jwt_issuers[0].algorithms']).toBeDefined();
  });

  test('an unknown key gets a did-you-mean; issuer, audience and algorithms are required', () => {
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, jwks_url: 'https://x' }] })).toEqual({ 'jwt_issuers[0].jwks_url': 'unknown key; did you mean "jwks_uri"?' });
    expect(problemsOf({ jwt_issuers: [{ jwks_uri: GOOD.jwks_uri }] })).toEqual({
      'jwt_issuers[0].issuer': 'is required (a string)',
      'jwt_issuers[0].audience': expect.stringContaining('is required'),
      'jwt_issuers[0].algorithms': 'is required (a list)',
    });
    expect(problemsOf({ jwt_isuers: [GOOD] })).toEqual({ jwt_isuers: 'unknown key; did you mean "jwt_issuers"?' });
  });

  test('exactly one of jwks_uri and public_key', () => {
    const { jwks_uri: _uri, ...withoutUri } = GOOD;
    expect(problemsOf({ jwt_issuers: [withoutUri] })).toEqual({ 'jwt_issuers[0].jwks_uri': expect.stringContaining('give exactly one of jwks_uri') });
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, public_key: RSA_PUBLIC_PEM }] })).toEqual({ 'jwt_issuers[0].jwks_uri': expect.stringContaining('give exactly one of jwks_uri') });
  });

  test('jwks_uri must be https, or plain http to a loopback host only, and hold no credentials', () => {
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, jwks_uri: 'http://idp.example.com/jwks.json' }] })).toEqual({
      'jwt_issuers[0].jwks_uri': expect.stringContaining('must be https (plain http only to localhost, 127.0.0.1, [::1])'),
    });
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, jwks_uri: 'not a url' }] })['jwt_issuers[0].jwks_uri']).toContain('must be a URL');
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, jwks_uri: 'https://user:pw@idp.example.com/jwks' }] })['jwt_issuers[0].jwks_uri']).toBe('must not hold credentials');
    for (const uri of ['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks']) {
      expect(configWith({ jwt_issuers: [{ ...GOOD, jwks_uri: uri }] })().jwt_issuers[0].jwks_uri).toBe(uri);
    }
  });

  test('public_key: a private key is refused without being quoted; a key that does not fit an algorithm is named', () => {
    const error = configErrorOf(configWith({ jwt_issuers: [{ ...GOOD, jwks_uri: undefined, public_key: RSA_PRIVATE_PEM }] }));
    expect(error.problems).toEqual([{ key: 'jwt_issuers[0].public_key', message: expect.stringContaining('holds a private key: give the public key only') }]);
    expect(error.message).not.toContain(RSA_PRIVATE_PEM.split('\n')[1]);
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, jwks_uri: undefined, public_key: 'not a pem' }] })['jwt_issuers[0].public_key']).toContain('must be a PEM public key');
    expect(problemsOf({ jwt_issuers: [{ ...GOOD, jwks_uri: undefined, public_key: EC_PUBLIC_PEM, algorithms: ['ES256', 'RS256', 'ES384'] }] })).toEqual({
      'jwt_issuers[0].algorithms[1]': 'does not fit public_key: RS256 needs an RSA key, this one is ec',
      'jwt_issuers[0].algorithms[2]': 'does not fit public_key: ES384 needs an EC key on curve secp384r1, this one is on prime256v1',
    });
  });

  test('public_key may come from env_secrets (a PEM in an environment variable)', () => {
    const load = configWith({ env_secrets: ['IDP_PUBLIC_KEY'], jwt_issuers: [{ ...GOOD, jwks_uri: undefined, public_key: 'IDP_PUBLIC_KEY' }] }, { IDP_PUBLIC_KEY: RSA_PUBLIC_PEM });
    expect(load().jwt_issuers[0].public_key).toBe(RSA_PUBLIC_PEM);
  });

  test('an issuer listed twice, or equal to jwt_issuer (which routes tokens to jwt_secret), is refused', () => {
    expect(problemsOf({ jwt_issuers: [GOOD, { ...GOOD, audience: 'other' }] })).toEqual({ 'jwt_issuers[1].issuer': expect.stringContaining('is listed twice') });
    expect(problemsOf({ jwt_secret: 'a-secret-of-sixteen-chars+', jwt_issuers: [{ ...GOOD, issuer: 'pym-a' }] })).toEqual({
      'jwt_issuers[0].issuer': expect.stringContaining("equals jwt_issuer: pym's own tokens (HMAC, jwt_secret) and a provider's (public key) must have different iss values"),
    });
  });
});
