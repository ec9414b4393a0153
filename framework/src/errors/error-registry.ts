// The registry of every error code known to the process: codes are stable and never reused.

/** What the registry knows of one code. */
export interface ErrorCodeInfo {
  code: string;
  status: number;
  name: string;
  description: string;
}

const registry = new Map<string, ErrorCodeInfo>();

/**
 * Record a code. Registering the same code twice with the same status and name is a no-op
 * (a module loaded twice); a different status or name is a programming error.
 */
export function registerErrorCode(info: ErrorCodeInfo): void {
  if (!/^[A-Z][A-Z0-9_]*$/.test(info.code)) {
    throw new TypeError(`Error code "${info.code}" must be UPPER_SNAKE_CASE`);
  }
  if (!Number.isInteger(info.status) || info.status < 400 || info.status > 599) {
    throw new TypeError(`Error code ${info.code}: status ${info.status} is not a 4xx or 5xx HTTP status`);
  }
  const known = registry.get(info.code);
  if (known && (known.status !== info.status || known.name !== info.name)) {
    throw new TypeError(
      `Error code ${info.code} is already defined as ${known.name} (${known.status}); codes are never reused`,
    );
  }
  if (!known) registry.set(info.code, Object.freeze({ ...info }));
}

/** Every registered code, sorted by code. */
export function listErrorCodes(): ErrorCodeInfo[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The registered info of one code, if any. */
export function getErrorCode(code: string): ErrorCodeInfo | undefined {
  return registry.get(code);
}
