// runCli: the `pym` command line (bin/pym is a two-line shim to it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { BindingError, formatBindingProblem } from '../openapi/binding-error';
import { CliError } from './cli-error';
import { registerCheckCommand } from './check.command';
import { registerConfigCommand } from './config.command';
import { registerDeployCommand } from './deploy.command';
import { registerDevCommand } from './dev.command';
import { registerGenCommand } from './gen.command';
import { registerHealthcheckCommand } from './healthcheck.command';
import { registerInitCommand } from './init.command';
import { registerRoutesCommand } from './routes.command';
import { registerStartCommand } from './start.command';
import { registerTokenCommand } from './token.command';
import { registerWorkerCommand } from './worker.command';

/** Errors whose message already says what to fix: printed without a stack. */
function isExpectedFailure(error: Error): boolean {
  return error instanceof CliError || ['ConfigError', 'SpecError', 'BindingError', 'ModelError'].includes(error.name);
}

/** The message of an expected failure: one summary line first, details (if any) after it. */
function failureLines(error: Error): string[] {
  if (error instanceof BindingError && error.problems.length > 1) {
    return [`${error.problems.length} operations cannot be bound to their handlers`, ...error.problems.map(formatBindingProblem)];
  }
  return error.message.split('\n');
}

/** One line `pym <command>: <what>`, details indented below; a stack only with PYM_DEBUG=1 for unexpected errors. */
function printFailure(command: string, error: unknown): void {
  const expected = error instanceof Error && isExpectedFailure(error);
  const [first, ...rest] = error instanceof Error ? (expected ? failureLines(error) : error.message.split('\n')) : [String(error)];
  const details = error instanceof CliError ? error.details : rest;
  process.stderr.write(`pym ${command}: ${first}\n${details.map((line) => `  ${line.trim()}\n`).join('')}`);
  if (!expected && process.env.PYM_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
}

/**
 * Print commander's usage errors (unknown command or option, bad option value) like every other failure:
 * one line `pym <command>: <what>`, anything else (a did-you-mean, the --help hint) indented below it.
 */
function reportUsageErrorsAs(command: Command, name: string): void {
  command
    .configureOutput({
      outputError: (text, write) => {
        const [first, ...rest] = text.trimEnd().replace(/^error: /, '').split('\n');
        write(`${name}: ${first}\n${rest.map((line) => `  ${line}\n`).join('')}`);
      },
    })
    .showHelpAfterError(`  (run "${name} --help" for usage)`);
}

/** The version of the installed framework package (its package.json, two folders above this file in src/ and dist/). */
export function frameworkVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Build the program with every command. */
export function createProgram(): Command {
  const program = new Command('pym')
    .description('pym: OpenAPI-first TypeScript microservices with background tasks')
    .version(frameworkVersion(), '-v, --version', "print the framework's version")
    .exitOverride();
  reportUsageErrorsAs(program, 'pym');
  registerStartCommand(program);
  registerDevCommand(program);
  registerWorkerCommand(program);
  registerTokenCommand(program);
  registerConfigCommand(program);
  registerRoutesCommand(program);
  registerGenCommand(program);
  registerCheckCommand(program);
  registerDeployCommand(program);
  registerInitCommand(program);
  registerHealthcheckCommand(program);
  const withSubcommands = (command: Command, name: string) => {
    command.exitOverride();
    reportUsageErrorsAs(command, name);
    for (const sub of command.commands) withSubcommands(sub, `${name} ${sub.name()}`);
  };
  for (const command of program.commands) withSubcommands(command, `pym ${command.name()}`);
  return program;
}

/**
 * Run the CLI with the given arguments (without `node` and the script). Resolves to the exit code:
 * 0 on success, 1 on any failure (with one clear line on stderr). Long-running commands (start)
 * resolve once they are up.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    printFailure(argv[0] ?? 'pym', error);
    return 1;
  }
}
