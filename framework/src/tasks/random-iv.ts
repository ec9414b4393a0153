// Fresh 12-byte AES-GCM IVs from a pooled CSPRNG buffer: the randomness of randomBytes(12) without a syscall per call.
import { randomBytes } from 'node:crypto';

/** Bytes of a GCM IV. */
export const IV_BYTES = 12;

const POOL_SIZE = IV_BYTES * 512;

/** The pool is process-wide on purpose: randomness is not app state, and sharing it only means fewer refills. */
const pool = { bytes: Buffer.alloc(0), offset: 0 };

/** A fresh random 12-byte IV (the pool is replaced, never overwritten, so returned IVs stay valid). */
export function randomIv(): Buffer {
  if (pool.offset + IV_BYTES > pool.bytes.length) {
    pool.bytes = randomBytes(POOL_SIZE);
    pool.offset = 0;
  }
  const iv = pool.bytes.subarray(pool.offset, pool.offset + IV_BYTES);
  pool.offset += IV_BYTES;
  return iv;
}
