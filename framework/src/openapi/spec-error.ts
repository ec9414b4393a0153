// SpecError: a startup error about a spec file (unreadable, invalid, unsupported, inconsistent).
import * as path from 'node:path';

/**
 * Thrown while loading specs or listing their operations. It is a startup error, never an HTTP
 * error: the message starts with the file it is about (relative to the working folder).
 *
 * @example
 * throw new SpecError('/srv/apis/books.yaml', 'line 3: bad indentation');
 * // message: "apis/books.yaml: line 3: bad indentation"
 */
export class SpecError extends Error {
  /** Absolute path of the file the problem is in, `<builtin>` for in-memory specs, or a folder. */
  readonly file: string;
  /** The message without the file prefix. */
  readonly detail: string;

  constructor(file: string, detail: string) {
    super(file ? `${displayPath(file)}: ${detail}` : detail);
    this.name = 'SpecError';
    this.file = file;
    this.detail = detail;
  }
}

/** A path as shown in messages: relative to the working folder when inside it, else as is. */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
