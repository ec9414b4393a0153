// `pym dev`: `pym start` in a child process, restarted when the service's source, specs or config change.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Command } from 'commander';
import { findConfigFile } from '../config/find-config-file';
import { loadConfig } from '../config/load-config';
import { parsePort } from './parse-options';

interface DevOptions {
  port?: number;
  host?: string;
  env?: string;
  config?: string;
  worker: boolean;
}

/** The `pym` executable of this framework (bin/pym, two folders above this file in src/ and dist/). */
const PYM_BIN = path.join(__dirname, '..', '..', 'bin', 'pym');

/** How long a restart waits for the service to stop before killing it (and its workers). */
const STOP_GRACE_MS = 5000;

/** Let the burst of events of one save (or of `git checkout`) settle before restarting. */
const SETTLE_MS = 150;

function say(message: string): void {
  process.stderr.write(`pym dev: ${message}\n`);
}

/** What to watch: the source and spec folders, and the config file with its env overlays. */
function watchedPaths(options: DevOptions): { paths: string[]; apisDir?: string } {
  const configFile = findConfigFile({ configPath: options.config });
  const root = path.dirname(configFile);
  const base = path.basename(configFile, path.extname(configFile));
  const configs = [configFile, path.join(root, `${base}.*.yaml`), path.join(root, `${base}.*.yml`), path.join(root, 'tsconfig.json')];
  try {
    const config = loadConfig({ configPath: configFile, env: options.env });
    return { paths: [...configs, config.srcDir, config.apisDir], apisDir: config.apisDir };
  } catch {
    // A broken config: `pym start` says what is wrong; watching the config files is enough to recover.
    return { paths: configs };
  }
}

/** Arguments passed on to `pym start` (and `pym gen`). */
function passThrough(options: DevOptions): string[] {
  return [
    ...(options.config ? ['--config', options.config] : []),
    ...(options.env ? ['--env', options.env] : []),
  ];
}

/**
 * Run the service with `pym start` and restart it on every change under its `src` and `apis` folders and of its
 * config files. A spec change regenerates the models first (`pym gen`). A service that fails to start (a broken
 * binding, a config error) prints the same error as `pym start` and restarts on the next change; `pym dev` itself
 * stays up until SIGINT/SIGTERM, which stop the service and its workers.
 */
export async function devCommand(options: DevOptions): Promise<void> {
  let child: ChildProcess | undefined;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopping = false;
  let { paths, apisDir } = watchedPaths(options);

  const startArgs = [
    'start',
    ...passThrough(options),
    ...(options.port !== undefined ? ['--port', String(options.port)] : []),
    ...(options.host ? ['--host', options.host] : []),
    ...(options.worker ? [] : ['--no-worker']),
  ];
  const run = (args: string[]) =>
    // Its own process group: a restart that must kill it takes its worker processes too.
    spawn(process.execPath, [PYM_BIN, ...args], { stdio: 'inherit', detached: true });

  const start = () => {
    const started = run(startArgs);
    child = started;
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      if (!stopping && !started.killed) say(`the service exited (${signal ?? `code ${code}`}); it restarts on the next change`);
    });
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    const kill = setTimeout(() => {
      say(`the service did not stop within ${STOP_GRACE_MS / 1000} s: killing it and its workers`);
      try {
        process.kill(-running.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  };

  const regenerate = async (): Promise<boolean> => {
    const gen = run(['gen', ...passThrough(options)]);
    const [code] = (await once(gen, 'exit')) as [number | null];
    if (code !== 0) say('the models could not be generated (see above); the service restarts on the next change');
    return code === 0;
  };

  const restart = async (changed: string[]) => {
    say(`${changed.map((file) => path.relative(process.cwd(), file)).join(', ')} changed: restarting`);
    await stop();
    const previous = paths.join('\n');
    ({ paths, apisDir } = watchedPaths(options));
    if (paths.join('\n') !== previous) watcher.add(paths);
    const specChanged = apisDir !== undefined && changed.some((file) => file.startsWith(`${apisDir}${path.sep}`) && !file.endsWith('.models.ts'));
    if (specChanged && !(await regenerate())) return;
    if (!stopping) start();
  };

  const watcher: FSWatcher = watch(paths, {
    ignoreInitial: true,
    // Generated models are written by the restart itself; dependencies and build output are not the service's source.
    ignored: (file) => /(^|[/\\])(node_modules|dist|\.git)([/\\]|$)/.test(file) || file.endsWith('.models.ts'),
  });
  watcher.on('all', (_event, file) => {
    pending.add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...pending];
      pending = new Set();
      chain = chain.then(() => restart(changed));
    }, SETTLE_MS);
  });
  watcher.on('error', (error) => say(`watching failed: ${(error as Error).message}`));
  await once(watcher, 'ready');

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    say(`${signal}: stopping the service`);
    void chain
      .then(stop)
      .then(() => watcher.close())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  const shown = paths.filter((file) => !file.includes('*') && existsSync(file));
  say(`watching ${shown.map((file) => path.relative(process.cwd(), file) || '.').join(', ')}`);
  start();
}

/** Register `pym dev` on the program. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run `pym start` and restart it (and its workers) when src, the specs or the config change; specs also regenerate the models')
    .option('--port <number>', 'port to listen on (overrides the config)', parsePort)
    .option('--host <host>', 'interface to listen on (overrides the config)')
    .option('--env <name>', 'environment (overrides PYM_ENV; selects pym-config.<env>.yaml)')
    .option('--config <file>', 'config file (overrides PYM_CONFIG and the upward search)')
    .option('--no-worker', 'do not start task workers even when with_async is on')
    .action(devCommand);
}
