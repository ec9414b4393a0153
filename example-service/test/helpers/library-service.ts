// Acceptance-test helper: start the library with the real `pym` CLI, mint tokens with `pym token`, call it over HTTP.
import { REPO_ROOT, runPym, startPym, type PymProcess } from '../../../framework/test/helpers/spawn-pym';

/** A decoded JSON response body (tests assert on its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** What a test needs of a response. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when there is none (204). */
  body: Json;
}

/** Options of one call. */
export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
}

/** A running library service and a client for it. */
export interface LibraryService {
  /** The process started by `pym start --port 0`. */
  process: PymProcess;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  get(path: string, token?: string): Promise<ApiResponse>;
  post(path: string, body?: unknown, token?: string): Promise<ApiResponse>;
  delete(path: string, token?: string): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** Start the example service from the repo root (its service root), as `pym start` would for a user. */
export async function startLibrary(): Promise<LibraryService> {
  const pym = await startPym({ cwd: REPO_ROOT });
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(pym.url + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    process: pym,
    url: pym.url,
    call,
    get: (path, token) => call('GET', path, { token }),
    post: (path, body, token) => call('POST', path, { body, token }),
    delete: (path, token) => call('DELETE', path, { token }),
    stop: async () => void (await pym.stop()),
  };
}

/**
 * A token for `user` minted by the real CLI: `pym token --user <user> [--data <claims>]`.
 *
 * @example
 * const librarian = await tokenFor('alice', { role: 'librarian' });
 */
export async function tokenFor(user: string, claims?: Record<string, unknown>): Promise<string> {
  const args = ['token', '--user', user, ...(claims === undefined ? [] : ['--data', JSON.stringify(claims)])];
  const { code, stdout, stderr } = await runPym(args, { cwd: REPO_ROOT });
  if (code !== 0) throw new Error(`pym ${args.join(' ')} failed (${code}): ${stderr}`);
  return stdout.trim();
}
