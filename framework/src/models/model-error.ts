// ModelError: what goes wrong with models (a bad schema, a conflict, an x-parent, a value that cannot be converted).

/**
 * Thrown at startup by `registerApiModels` (every problem found, one per line) and at runtime when a
 * value cannot become a model field (e.g. an invalid date or an unsafe int64).
 *
 * @example
 * try { registerApiModels(apis, srcDir) } catch (err) {
 *   if (err instanceof ModelError) for (const problem of err.problems) console.error(problem);
 * }
 */
export class ModelError extends Error {
  /** Each problem on its own, in the order found. */
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[], heading?: string) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(formatMessage(list, heading));
    this.name = 'ModelError';
    this.problems = list;
  }
}

function formatMessage(problems: readonly string[], heading?: string): string {
  if (heading === undefined) return problems.join('\n');
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`${heading}: ${count}`, ...problems.map((problem) => `  - ${problem.replace(/\n/g, '\n    ')}`)].join('\n');
}

/**
 * A value that cannot be converted, with where it sits (`Book.author.born`). Internal code prepends
 * path segments while the error travels up; the public entry point that catches it last sets the root.
 */
export class ModelValueError extends ModelError {
  /** Property names and array indexes from the root value down to the bad one. */
  readonly segments: Array<string | number> = [];
  /** What is wrong with the value. */
  readonly detail: string;
  /** The name of the outermost value: a model name, `body` or `response`. */
  root = '';

  constructor(detail: string) {
    super(detail);
    this.name = 'ModelError';
    this.detail = detail;
  }

  /** Record that the bad value sits under `segment` of its parent; returns this error. */
  within(segment: string | number): this {
    this.segments.unshift(segment);
    return this.refresh();
  }

  /** Name the outermost value; returns this error. */
  under(root: string): this {
    this.root = root;
    return this.refresh();
  }

  /** `Book.author.born` */
  get path(): string {
    let path = this.root;
    for (const segment of this.segments) {
      if (typeof segment === 'number') path += `[${segment}]`;
      else path += /^[A-Za-z_$][\w$]*$/.test(segment) ? `${path ? '.' : ''}${segment}` : `[${JSON.stringify(segment)}]`;
    }
    return path;
  }

  private refresh(): this {
    const path = this.path;
    this.message = path ? `${path}: ${this.detail}` : this.detail;
    (this.problems as string[]).splice(0, this.problems.length, this.message);
    return this;
  }
}

/** Prepend `segment` to a ModelValueError's path; other errors pass unchanged. */
export function within(error: unknown, segment: string | number): unknown {
  return error instanceof ModelValueError ? error.within(segment) : error;
}

/** Set the root of a ModelValueError's path; other errors pass unchanged. */
export function under(error: unknown, root: string): unknown {
  return error instanceof ModelValueError ? error.under(root) : error;
}

/** A short description of a value for error messages: `string "abc"`, `array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${value}`;
  if (typeof value !== 'object') return typeof value;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? 'an object' : `an instance of ${value.constructor?.name ?? 'a class'}`;
}
