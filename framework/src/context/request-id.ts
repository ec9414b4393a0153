// Request ids: accept the caller's X-Request-Id when it is sane, else mint a UUID.
import { randomUUID } from 'node:crypto';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** The caller's request id if it is 1–128 safe characters, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}
