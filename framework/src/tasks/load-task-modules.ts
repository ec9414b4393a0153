// Import the service's task modules (the `async.tasks` globs under `src`) so their @asyncTask methods register.
import { globSync } from 'tinyglobby';
import type { PymConfig } from '../config/config-schema';
import { ConfigError } from '../config/config-error';

/** Import every task module; a module that fails to load is a startup error naming it. Returns the files. */
export function loadTaskModules(config: PymConfig): string[] {
  const files = globSync([...config.async.tasks], {
    cwd: config.srcDir,
    absolute: true,
    ignore: ['**/*.d.ts', '**/*.test.*', '**/*.spec.*'],
  }).sort();
  for (const file of files) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } catch (cause) {
      throw new ConfigError(config.file, [
        { key: 'async.tasks', message: `task module ${file} failed to load: ${(cause as Error).message}` },
      ]);
    }
  }
  return files;
}
