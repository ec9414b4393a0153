// Lets `pym` import handler, task and model modules written in TypeScript without a build step (tsx).

let registered = false;

/**
 * Whether `require()` in this module is Node's CommonJS loader. Under jest it is jest's own module runtime
 * (which transforms TypeScript itself and has an empty `require.extensions`). Checked this way rather than
 * with JEST_WORKER_ID, which child processes spawned by a test (e.g. `pym start`) inherit.
 */
function nodeLoaderInCharge(): boolean {
  return Object.hasOwn(require.extensions, '.js');
}

/**
 * Register tsx's CommonJS hook once, so `require()` of `.ts` modules works in `pym start` and `pym worker`.
 * Skipped inside jest's module runtime and when PYM_NO_TS_LOADER=1 (compiled deployments).
 */
export function registerTypeScriptLoader(): void {
  if (registered || !nodeLoaderInCharge() || process.env.PYM_NO_TS_LOADER === '1') return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('tsx/cjs/api') as { register: () => void }).register();
  registered = true;
}
