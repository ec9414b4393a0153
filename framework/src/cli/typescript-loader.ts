// Lets `pym` import handler, task and model modules written in TypeScript without a build step (tsx).
import fs from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { CliError } from './cli-error';

let registered = false;

/** The tsconfig.json nearest to `dir`, walking up. */
function nearestTsconfig(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, 'tsconfig.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * tsx's CommonJS API as the service installed it (a dev dependency of services written in TypeScript), else as found
 * from the framework; undefined when neither has it. Not a dependency or peer of the framework: npm would then keep
 * it (and esbuild) in a service's `--omit=dev` install.
 */
function resolveTsx(srcDir: string | undefined): string | undefined {
  try {
    return require.resolve('tsx/cjs/api', { paths: [...(srcDir ? [srcDir] : []), __dirname] });
  } catch {
    return undefined;
  }
}

/** Whether the service's source root holds TypeScript modules (declaration files aside). */
function hasTypeScriptSources(srcDir: string): boolean {
  return globSync(['**/*.ts', '**/*.mts', '**/*.cts'], { cwd: srcDir, ignore: ['**/*.d.ts', '**/*.d.mts', '**/*.d.cts', '**/node_modules/**'] }).length > 0;
}

/**
 * Register tsx's CommonJS hook once, so `require()` of `.ts` modules works in `pym start` and `pym worker`.
 * tsx compiles with the tsconfig.json nearest to the service's source root (so `experimentalDecorators`
 * applies to task modules), unless TSX_TSCONFIG_PATH says otherwise; worker processes inherit the choice.
 * Skipped inside jest's own module loader (which transforms TypeScript itself) and when
 * PYM_NO_TS_LOADER=1 (compiled deployments). tsx is the service's (optional) dev dependency: without it, a source
 * root of compiled JavaScript runs as it is, and one holding TypeScript fails here with the fix.
 *
 * @throws CliError when `srcDir` holds TypeScript modules and tsx is not installed.
 */
export function registerTypeScriptLoader(srcDir?: string): void {
  // Checked this way rather than with JEST_WORKER_ID, which processes spawned by a test inherit: under jest's
  // module runtime (which transforms TypeScript itself) require.extensions has no '.js'.
  const nodeLoaderInCharge = Object.hasOwn(require.extensions, '.js');
  if (registered || !nodeLoaderInCharge || process.env.PYM_NO_TS_LOADER === '1') return;
  const tsx = resolveTsx(srcDir);
  if (!tsx) {
    if (srcDir && hasTypeScriptSources(srcDir)) {
      throw new CliError(`${srcDir} holds TypeScript modules, and tsx (which loads them without a build) is not installed`, [
        'install it in the service: npm install --save-dev tsx',
        'or compile the service (tsc) and point `src` at the JavaScript, with PYM_NO_TS_LOADER=1',
      ]);
    }
    return;
  }
  if (srcDir && !process.env.TSX_TSCONFIG_PATH) {
    const tsconfig = nearestTsconfig(srcDir);
    if (tsconfig) process.env.TSX_TSCONFIG_PATH = tsconfig;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(tsx) as { register: () => void }).register();
  registered = true;
}
