// `pym check`: everything `pym start` (and `pym worker`) validates, without serving: for CI and editors.
import type { Command } from 'commander';
import { ConfigError } from '../config/config-error';
import type { PymConfig } from '../config/config-schema';
import { loadConfig } from '../config/load-config';
import { createAppScope } from '../context/app-scope';
import { createApp } from '../http/create-app';
import { createLogger } from '../logging/logger';
import { registerApiModels } from '../models/model-registry';
import { BindingError, formatBindingProblem } from '../openapi/binding-error';
import { loadApis } from '../openapi/load-apis';
import { listOperations } from '../openapi/list-operations';
import { resolveHandlers } from '../openapi/resolve-handlers';
import type { LoadedApi } from '../openapi/types';
import { loadTaskModules } from '../tasks/load-task-modules';
import { resolveSchedules } from '../tasks/schedules';
import { listTasks } from '../tasks/task-registry';
import { CliError } from './cli-error';
import { registerTypeScriptLoader } from './typescript-loader';

interface CheckOptions {
  env?: string;
  config?: string;
}

/** What a successful check found. */
export interface CheckSummary {
  apis: number;
  operations: number;
  tasks: number;
  schedules: number;
}

/** The lines of one failed step: each problem on its own line. */
function problemLines(error: unknown): string[] {
  if (error instanceof BindingError) return error.problems.map(formatBindingProblem);
  if (error instanceof ConfigError) {
    return error.problems.map((problem) => `${error.file}: ${problem.key ? `${problem.key}: ` : ''}${problem.message}${problem.source ? ` (in ${problem.source})` : ''}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  const [first, ...rest] = message.split('\n').filter((line) => line.trim() !== '');
  // A heading ("3 problems in …") followed by its problems: the problems alone, each on its line.
  return rest.length > 0 && /problem/.test(first ?? '') ? rest.map((line) => line.replace(/^\s*-?\s*/, '')) : [message.replace(/\n\s*/g, ' ')];
}

/**
 * Validate the service like `pym start` and `pym worker` do, collecting every problem of every step that can run:
 * config, specs (OpenAPI rules, refs, security schemes), x-bind-server bindings, x-parent mixins, hooks, JWT
 * settings, the validator's compilation of each spec, task modules and schedules.
 *
 * @throws ConfigError when the config itself cannot be loaded; CliError listing every other problem.
 */
export async function checkService(config: PymConfig): Promise<CheckSummary> {
  registerTypeScriptLoader(config.srcDir);
  const logger = createLogger({ level: 'silent' });
  const scope = createAppScope(config, logger, () => {
    throw new Error('pym check does not enqueue tasks');
  });
  const problems: string[] = [];
  const step = <T>(fn: () => T): T | undefined => {
    try {
      return scope.run(fn);
    } catch (error) {
      problems.push(...problemLines(error));
      return undefined;
    }
  };
  let apis: LoadedApi[] | undefined;
  try {
    apis = await loadApis(config.apisDir);
  } catch (error) {
    problems.push(...problemLines(error));
  }
  let operations = 0;
  if (apis) {
    const loaded = apis;
    const bound = step(() => resolveHandlers(listOperations(loaded), config.srcDir));
    const mixed = step(() => {
      registerApiModels(loaded, config.srcDir);
      return true;
    });
    // The rest of what createApp checks (built-ins, hooks, JWT settings, validators), once the steps above passed:
    // it would only report their problems again.
    if (bound && mixed) {
      try {
        const app = await createApp({ config, logger });
        operations = app.operations.length;
        await app.close();
      } catch (error) {
        problems.push(...problemLines(error));
      }
    }
  }
  step(() => loadTaskModules(config));
  const schedules = step(() => resolveSchedules(config));
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new CliError(`${count} in the service of ${config.file}`, problems);
  }
  return { apis: apis?.length ?? 0, operations, tasks: listTasks().length, schedules: schedules?.length ?? 0 };
}

/** Print what was checked; throws (exit 1) with every problem. */
export async function checkCommand(options: CheckOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  const summary = await checkService(config);
  process.stdout.write(
    `${config.name}: ok (${summary.apis} APIs, ${summary.operations} operations, ${summary.tasks} tasks, ${summary.schedules} schedules; env ${config.env})\n`,
  );
}

/** Register `pym check` on the program. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('validate config, specs, handler bindings, x-parent mixins, tasks and schedules without serving (exit 1 listing every problem)')
    .option('--env <name>', 'environment (overrides PYM_ENV; selects pym-config.<env>.yaml)')
    .option('--config <file>', 'config file (overrides PYM_CONFIG and the upward search)')
    .action(checkCommand);
}
