// The envelope keys of the loaded config (async.seal_secret, else derived from jwt_secret), derived once.
import type { PymConfig } from '../config/config-schema';
import { deriveEnvelopeKeys, type EnvelopeKeys } from './envelope-keys';

const cache = new WeakMap<PymConfig, EnvelopeKeys>();

/** The keys sealing and encrypting this service's task envelopes. */
export function envelopeKeysFor(config: PymConfig): EnvelopeKeys {
  let keys = cache.get(config);
  if (!keys) {
    keys = deriveEnvelopeKeys({ sealSecret: config.async.seal_secret, jwtSecret: config.jwt_secret });
    cache.set(config, keys);
  }
  return keys;
}
