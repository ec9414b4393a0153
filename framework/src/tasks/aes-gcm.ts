// AES-256-GCM as the task envelopes use it (formats 2 and 3): a fresh IV per seal, a 16-byte tag, additional data
// that names the format (a ciphertext of one format cannot pass for one of another).
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { IV_BYTES, randomIv } from './random-iv';

/** Bytes of a GCM authentication tag. */
export const TAG_BYTES = 16;

/** A sealed plaintext: its ciphertext, the IV it was sealed with and the tag that authenticates both. */
export interface GcmSealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/** What opening a GCM ciphertext gave: the plaintext, or why not (a malformed IV or tag, or a tag that fails). */
export type GcmOpened = { ok: true; plaintext: string } | { ok: false; failure: 'malformed'; message: string } | { ok: false; failure: 'unauthenticated'; cause: unknown };

/** Seal `plaintext` (UTF-8) with `key` and additional data `aad`, under a fresh random IV. */
export function gcmSeal(key: Buffer, aad: Buffer, plaintext: string): GcmSealed {
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const head = cipher.update(plaintext, 'utf8');
  const tail = cipher.final(); // empty: GCM is a stream mode
  return { ciphertext: tail.length === 0 ? head : Buffer.concat([head, tail]), iv, tag: cipher.getAuthTag() };
}

/** Open what `gcmSeal` sealed; never throws: a wrong key, an altered byte or other additional data are `unauthenticated`. */
export function gcmOpen(key: Buffer, aad: Buffer, { ciphertext, iv, tag }: GcmSealed): GcmOpened {
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    return { ok: false, failure: 'malformed', message: `the iv must be ${IV_BYTES} bytes and the tag ${TAG_BYTES}` };
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const head = decipher.update(ciphertext);
    const tail = decipher.final(); // throws when the tag does not authenticate
    return { ok: true, plaintext: (tail.length === 0 ? head : Buffer.concat([head, tail])).toString('utf8') };
  } catch (cause) {
    return { ok: false, failure: 'unauthenticated', cause };
  }
}
