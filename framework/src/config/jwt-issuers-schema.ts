// The schema of `jwt_issuers`: the identity providers (Auth0, Keycloak, Cognito, Entra ID, Google…) whose tokens are accepted.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { HMAC_ALGORITHMS, keyMismatch, PUBLIC_KEY_ALGORITHMS } from '../auth/key-algorithms';
import type { ConfigProblem } from './config-error';

/** Hosts a `jwks_uri` may reach over plain http: traffic that never leaves the machine (tests, a local sidecar). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

const algorithmSchema = z.string().superRefine((alg, ctx) => {
  if ((PUBLIC_KEY_ALGORITHMS as readonly string[]).includes(alg)) return;
  ctx.addIssue({
    code: 'custom',
    message: (HMAC_ALGORITHMS as readonly string[]).includes(alg)
      ? `${alg} is an HMAC algorithm: an identity provider's tokens are verified with its public key (${PUBLIC_KEY_ALGORITHMS.join(', ')}); pym's own HMAC tokens use jwt_secret and jwt_algorithms`
      : `must be one of ${PUBLIC_KEY_ALGORITHMS.join(', ')}`,
  });
});

const jwksUriSchema = z.string().superRefine((uri, ctx) => {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a URL like https://idp.example.com/.well-known/jwks.json' });
    return;
  }
  const loopback = LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({ code: 'custom', message: `must be https (plain http only to ${LOOPBACK_HOSTS.join(', ')}): keys fetched in clear could be replaced on the way` });
  }
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not hold credentials' });
});

/** The public key of a PEM text, or the reason it is not one (never quoting the text). */
export function readPublicKeyPem(pem: string): KeyObject | string {
  if (/PRIVATE KEY/.test(pem)) return 'holds a private key: give the public key only (openssl pkey -pubout), the private one must stay with the identity provider';
  if (!/-----BEGIN [A-Z ]+-----/.test(pem)) return 'must be a PEM public key (-----BEGIN PUBLIC KEY-----…), or the name of an env_secrets variable holding one';
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return 'is not a readable PEM public key';
  }
}

/** One trusted identity provider. */
export const jwtIssuerSchema = z
  .strictObject({
    /** The `iss` of its tokens, compared exactly (a trailing slash matters). */
    issuer: z.string().min(1),
    /** The `aud` its tokens must carry for this service (one of them, when a list). Required: without it, a token the provider issued to any other application would be accepted. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Where its JSON Web Key Set is published (https; http only to a loopback host). Exclusive with `public_key`. */
    jwks_uri: jwksUriSchema.optional(),
    /** Its public key as PEM (or an env_secrets name holding it), for a provider with one fixed key. Exclusive with `jwks_uri`. */
    public_key: z.string().min(1).optional(),
    /** The algorithms its tokens may use (pinned): RS256/384/512, PS256/384/512, ES256/384/512. */
    algorithms: z.array(algorithmSchema).min(1),
    /** Seconds a fetched key is used before the key set is fetched again for it. @defaultValue 600 */
    jwks_cache_max_age: z.number().int().positive().max(86_400).default(600),
    /** Most fetches of the key set per minute (a token with an unknown `kid` triggers one). @defaultValue 10 */
    jwks_requests_per_minute: z.number().int().positive().max(600).default(10),
    /** Seconds a fetch of the key set may take (connection, answer and body). @defaultValue 5 */
    jwks_timeout: z.number().positive().max(60).default(5),
  })
  .superRefine((entry, ctx) => {
    if ((entry.jwks_uri === undefined) === (entry.public_key === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['jwks_uri'], message: 'give exactly one of jwks_uri (a key set the provider publishes) and public_key (a PEM)' });
    }
    if (entry.public_key === undefined) return;
    const key = readPublicKeyPem(entry.public_key);
    if (typeof key === 'string') {
      ctx.addIssue({ code: 'custom', path: ['public_key'], message: key });
      return;
    }
    entry.algorithms.forEach((alg, index) => {
      const mismatch = keyMismatch(key, alg);
      if (mismatch) ctx.addIssue({ code: 'custom', path: ['algorithms', index], message: `does not fit public_key: ${mismatch}` });
    });
  });

/** `jwt_issuers`: the list, each `issuer` once. */
export const jwtIssuersSchema = z
  .array(jwtIssuerSchema)
  .default([])
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.issuer)) ctx.addIssue({ code: 'custom', path: [index, 'issuer'], message: 'is listed twice: a token\'s iss must name one provider' });
      seen.add(entry.issuer);
    });
  });

/** One `jwt_issuers` entry, defaults applied. */
export type JwtIssuerConfig = z.infer<typeof jwtIssuerSchema>;

/**
 * The problems of `jwt_issuers` the schema cannot see alone: pym's own `jwt_issuer` must not be one of them, since a
 * token's `iss` decides whether it is verified with `jwt_secret` or with a provider's public key.
 */
export function jwtIssuersProblems(config: { jwt_issuer?: string; jwt_issuers: readonly JwtIssuerConfig[] }): ConfigProblem[] {
  const index = config.jwt_issuers.findIndex((entry) => entry.issuer === config.jwt_issuer);
  if (index < 0) return [];
  return [
    {
      key: `jwt_issuers[${index}].issuer`,
      message: "equals jwt_issuer: pym's own tokens (HMAC, jwt_secret) and a provider's (public key) must have different iss values",
    },
  ];
}
