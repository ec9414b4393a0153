// Test helper: talk HTTP/1.1 over a raw TCP socket, to send what fetch() never would and see exactly what comes back.
import net from 'node:net';

/** What came back on a raw connection. */
export interface RawReply {
  /** Everything the server sent. */
  raw: string;
  /** The first response's status, headers (lower-cased names) and body; undefined when nothing came back. */
  status?: number;
  headers: Record<string, string>;
  body?: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: any;
  /** Milliseconds from the first byte sent to the connection's close. */
  closedAfterMs: number;
  /** Bytes the client had written when the connection closed. */
  bytesWritten: number;
}

/** Options of `rawRequest`. */
export interface RawRequestOptions {
  /**
   * After `payload`, keep writing this chunk until the server replies or closes (bounded by `maxBytes`): a client
   * streaming a body that never ends.
   */
  keepWriting?: Buffer | string;
  /** Stop streaming after this many bytes. @defaultValue 64 MB */
  maxBytes?: number;
  /** Give up (and fail) when the connection is still open after this long. @defaultValue 20000 */
  timeoutMs?: number;
}

/** Parse the first HTTP response in `raw`. */
export function parseResponse(raw: string): Pick<RawReply, 'status' | 'headers' | 'body' | 'json'> {
  const end = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/') || end < 0) return { headers: {} };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const body = length === undefined ? raw.slice(end + 4) : raw.slice(end + 4, end + 4 + length);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body, json };
}

/**
 * Send `payload` on a fresh connection to `baseUrl`'s host and port, and collect what comes back until the server
 * closes the connection (the request is not ended from the client's side: the server decides).
 */
export function rawRequest(baseUrl: string, payload: Buffer | string, options: RawRequestOptions = {}): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let replied = false;
    let written = 0;
    const started = Date.now();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${options.timeoutMs ?? 20000} ms`));
    }, options.timeoutMs ?? 20000);
    const pump = () => {
      // Write while the socket takes it (no busy loop): 'drain' resumes.
      while (options.keepWriting && !replied && !socket.destroyed && written < maxBytes) {
        written += Buffer.byteLength(options.keepWriting);
        if (!socket.write(options.keepWriting)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      written += Buffer.byteLength(payload);
      socket.write(payload);
      pump();
    });
    socket.on('data', (chunk) => {
      replied = true;
      chunks.push(chunk);
    });
    socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server closed: the close event follows
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      resolve({ raw, ...parseResponse(raw), closedAfterMs: Date.now() - started, bytesWritten: written });
    });
  });
}
