// Test helper: an identity provider in the test process: key pairs, a JWKS endpoint on 127.0.0.1:0, tokens it signs.
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

/** A key pair of the provider. */
export interface ProviderKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as published (kid, use: sig, and alg unless asked not to). */
  jwk: Record<string, unknown>;
  /** `-----BEGIN PUBLIC KEY-----…` */
  publicPem: string;
}

/** Key kinds the tests use. */
export type KeyKind = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'RS256-1024';

/** A fresh key pair for `kind`; `publishAlg: false` leaves `alg` out of its JWK. */
export function providerKey(kind: KeyKind, options: { kid?: string; publishAlg?: boolean } = {}): ProviderKey {
  const pair =
    kind === 'ES256' || kind === 'ES384'
      ? generateKeyPairSync('ec', { namedCurve: kind === 'ES256' ? 'prime256v1' : 'secp384r1' })
      : generateKeyPairSync('rsa', { modulusLength: kind === 'RS256-1024' ? 1024 : 2048 });
  const kid = options.kid ?? `key-${randomUUID()}`;
  const alg = kind === 'RS256-1024' ? 'RS256' : kind;
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig', ...(options.publishAlg === false ? {} : { alg }) };
  return { kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk, publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** What the JWKS endpoint answers. */
export type JwksMode = { status: 200 } | { status: number; body?: string } | { hang: true };

/** The provider's HTTP server. */
export interface JwksServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `${url}/.well-known/jwks.json` */
  jwksUri: string;
  /** The path of every request received, in order. */
  readonly requests: string[];
  /** How many requests the JWKS path received. */
  jwksRequests(): number;
  /** Publish these keys (replacing the set). */
  publish(keys: readonly ProviderKey[]): void;
  /** Answer the JWKS path with a status (e.g. 503), or never (hang), or normally again. */
  setMode(mode: JwksMode): void;
  close(): Promise<void>;
}

export const JWKS_PATH = '/.well-known/jwks.json';

/** Start the provider's server on 127.0.0.1:0, publishing `keys`. */
export async function startJwksServer(keys: readonly ProviderKey[] = []): Promise<JwksServer> {
  let published = keys.map((key) => key.jwk);
  let mode: JwksMode = { status: 200 };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== JWKS_PATH) {
      res.writeHead(404).end();
      return;
    }
    if ('hang' in mode) return; // never answers: the client's timeout must end it
    if (mode.status !== 200) {
      res.writeHead(mode.status, { 'content-type': 'text/plain' }).end('body' in mode && mode.body !== undefined ? mode.body : 'unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwksUri: `${url}${JWKS_PATH}`,
    requests,
    jwksRequests: () => requests.filter((path) => path === JWKS_PATH).length,
    publish(next) {
      published = next.map((key) => key.jwk);
    },
    setMode(next) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A token of the provider: `claims` over a valid default payload, signed with `key` as `alg`, `kid` in the header unless null. */
export function providerToken(
  key: ProviderKey,
  claims: Record<string, unknown>,
  options: { alg?: jwt.Algorithm; kid?: string | null; header?: Record<string, unknown> } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const algorithm = options.alg ?? ((key.jwk.alg as jwt.Algorithm | undefined) ?? 'RS256');
  const kid = options.kid === undefined ? key.kid : options.kid;
  return jwt.sign({ sub: 'idp-user-1', iat: now, exp: now + 600, ...claims }, key.privateKey, {
    algorithm,
    allowInsecureKeySizes: true, // the tests sign with a 1024-bit key to show it is refused
    header: { alg: algorithm, ...(kid === null ? {} : { kid }), ...options.header } as jwt.JwtHeader,
  });
}
