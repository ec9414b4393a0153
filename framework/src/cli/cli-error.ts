// CliError: a failure a command reports as one clear line (plus optional detail lines), exit code 1.

/** Thrown by commands for expected failures; `runCli` prints it without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}
