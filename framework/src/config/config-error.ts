// ConfigError: every problem found in pym-config.yaml, reported at once, naming the file.

/** One problem found while loading the config. */
export interface ConfigProblem {
  /** Dotted key path of the offending value, e.g. `async.redis_url` (empty when it concerns the whole file). */
  key: string;
  /** What is wrong and, when possible, how to fix it. Never contains a secret value. */
  message: string;
  /** Where the value came from, when it is not the main file: an env overlay file or `command line`. */
  source?: string;
}

/**
 * Thrown by `findConfigFile` and `loadConfig`. The message starts with the config file's path and lists
 * each problem on its own line, so that one error tells the user everything to fix.
 *
 * @example
 * try { loadConfig() } catch (err) {
 *   if (err instanceof ConfigError) console.error(err.message); // "/srv/app/pym-config.yaml: port: expected number, got string"
 * }
 */
export class ConfigError extends Error {
  /** Absolute path of the config file concerned (or of where it was looked for). */
  readonly file: string;
  /** Every problem found, in file order as far as the validator reports them. */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(formatMessage(file, problems));
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

function formatProblem(problem: ConfigProblem): string {
  const where = problem.source ? ` (in ${problem.source})` : '';
  return problem.key ? `${problem.key}${where}: ${problem.message}` : `${problem.message}${where}`;
}

function formatMessage(file: string, problems: readonly ConfigProblem[]): string {
  if (problems.length === 1) return `${file}: ${formatProblem(problems[0])}`;
  const lines = problems.map((p) => `  - ${formatProblem(p)}`);
  return [`${file}: ${problems.length} problems`, ...lines].join('\n');
}
