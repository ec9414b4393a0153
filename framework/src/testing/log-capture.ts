// Log lines kept in memory: the test kit's logger writes here, and tests read or await the lines.
import { Writable } from 'node:stream';

/** One parsed log line (pino JSON). */
export type LogRecord = Record<string, any>;

/** Options of `captureLogs`. */
export interface CaptureLogsOptions {
  /** Called with each line as it is written, e.g. to print errors. */
  onRecord?: (record: LogRecord, line: string) => void;
}

/** A stream that keeps every JSON line written to it. */
export interface LogCapture {
  /** Give it to `createLogger({ destination })`. */
  readonly destination: Writable;
  /** Every line so far (raw JSON text). */
  lines(): string[];
  /** Every line so far, parsed. */
  records(): LogRecord[];
  /** Resolves with the first record (already written or future) matching `predicate`. */
  waitFor(predicate: (record: LogRecord) => boolean): Promise<LogRecord>;
}

/**
 * A writable stream for a pino logger that keeps each JSON line in memory.
 *
 * @example
 * const logs = captureLogs();
 * const logger = createLogger({ destination: logs.destination });
 * await logs.waitFor((record) => record.msg === 'ready');
 */
export function captureLogs(options: CaptureLogsOptions = {}): LogCapture {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const waiters: { predicate: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }[] = [];
  const onLine = (line: string): void => {
    const record = JSON.parse(line) as LogRecord;
    lines.push(line);
    records.push(record);
    options.onRecord?.(record, line);
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(record)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }
  };
  let pending = '';
  const destination = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) if (line !== '') onLine(line);
      callback();
    },
  });
  return {
    destination,
    lines: () => [...lines],
    records: () => [...records],
    waitFor: (predicate) =>
      new Promise((resolve) => {
        const seen = records.find(predicate);
        if (seen) resolve(seen);
        else waiters.push({ predicate, resolve });
      }),
  };
}
