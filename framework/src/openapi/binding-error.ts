// BindingError: every operation whose x-bind-server could not be resolved, reported at once.
import { displayPath } from './spec-error';

/** One operation that could not be bound to its handler. */
export interface BindingProblem {
  /** Upper-case HTTP method, e.g. `GET`. */
  method: string;
  /** The operation's full path template, e.g. `/v1/books/{id}`. */
  path: string;
  /** The module named by `x-bind-server` (`''` when the operation has none). */
  module: string;
  /** The export named by `x-bind-server` (`''` when the operation has none). */
  exportName: string;
  /** What is wrong and how to fix it. */
  hint: string;
  /** The spec file declaring the operation. */
  file?: string;
}

/**
 * Thrown by `resolveHandlers` when one or more operations cannot be bound. The message has one
 * line per problem, e.g.
 * `GET /v1/books/{id} → handlers/books#getBook: export "getBook" not found (exports: getBooks; did you mean getBooks?)`.
 */
export class BindingError extends Error {
  readonly problems: readonly BindingProblem[];

  constructor(problems: BindingProblem[]) {
    super(problems.map(formatBindingProblem).join('\n'));
    this.name = 'BindingError';
    this.problems = problems;
  }
}

/**
 * One problem as one line: `apis/books.yaml: GET /v1/books → handlers/books#getBooks: <hint>` (no arrow part
 * without x-bind-server, no file part for an operation built in memory).
 */
export function formatBindingProblem(problem: BindingProblem): string {
  const file = problem.file && problem.file !== '<builtin>' ? `${displayPath(problem.file)}: ` : '';
  const target = problem.module || problem.exportName ? ` → ${problem.module}#${problem.exportName}` : '';
  return `${file}${problem.method} ${problem.path}${target}: ${problem.hint}`;
}
