// Resolve each operation's x-bind-server to the exported function, reporting every problem at once.
import * as path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { BindingError, type BindingProblem } from './binding-error';
import { displayPath } from './spec-error';
import type { BoundOperation } from './types';

/** A handler function as exported by a service module; the HTTP layer decides how it is called. */
export type OperationHandler = (...args: any[]) => unknown;

type LoadedModule = { exports: Record<string, unknown> } | { error: string };

/**
 * Require each operation's `x-bind-server` module (path relative to `srcDir`, without extension:
 * `.ts`, `.js` and `index` files are found by `require.resolve`) and pick its export. Every
 * module is loaded once. Runs at startup, before the server listens.
 *
 * @throws BindingError listing every operation that has no `x-bind-server`, whose module is
 *   missing or throws when loaded, or whose export is missing (with the module's function
 *   exports and a did-you-mean) or not a function.
 *
 * @example
 * const handlers = resolveHandlers(listOperations(apis), path.join(root, 'src'));
 * handlers.get(operation)?.(input);
 */
export function resolveHandlers(operations: BoundOperation[], srcDir: string): Map<BoundOperation, OperationHandler> {
  const handlers = new Map<BoundOperation, OperationHandler>();
  const problems: BindingProblem[] = [];
  const modules = new Map<string, LoadedModule>();
  for (const operation of operations) {
    const where = { method: operation.method.toUpperCase(), path: operation.fullPath, file: operation.api.file };
    const bind = operation.bind;
    if (!bind) {
      problems.push({ ...where, module: '', exportName: '', hint: 'no x-bind-server; add one, e.g. "x-bind-server: handlers/books#getBook"' });
      continue;
    }
    const problem = (hint: string): void => void problems.push({ ...where, module: bind.module, exportName: bind.exportName, hint });
    const absolute = path.resolve(srcDir, bind.module);
    let loaded = modules.get(absolute);
    if (!loaded) {
      loaded = loadModule(absolute);
      modules.set(absolute, loaded);
    }
    if ('error' in loaded) {
      problem(loaded.error);
      continue;
    }
    const value = loaded.exports[bind.exportName];
    if (value === undefined) problem(missingExportHint(bind.exportName, loaded.exports));
    else if (typeof value !== 'function') problem(`export "${bind.exportName}" is ${describeValue(value)}, not a function`);
    else handlers.set(operation, value as OperationHandler);
  }
  if (problems.length > 0) throw new BindingError(problems);
  return handlers;
}

function loadModule(absolute: string): LoadedModule {
  let resolved: string;
  try {
    resolved = require.resolve(absolute);
  } catch {
    const shown = displayPath(absolute);
    return { error: `module not found (looked for ${shown}.ts, ${shown}.js and ${shown}/index)` };
  }
  try {
    const exports: unknown = require(resolved);
    return { exports: exports !== null && (typeof exports === 'object' || typeof exports === 'function') ? (exports as Record<string, unknown>) : {} };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: `module ${displayPath(resolved)} throws when loaded: ${message.replace(/\s*\n\s*/g, ' ')}` };
  }
}

function missingExportHint(exportName: string, exports: Record<string, unknown>): string {
  const functions = Object.keys(exports).filter((key) => typeof exports[key] === 'function');
  if (functions.length === 0) return `export "${exportName}" not found (the module exports no functions)`;
  const best = closest(exportName, functions);
  const near = distance(exportName.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(exportName.length / 3));
  return `export "${exportName}" not found (exports: ${functions.join(', ')}${near ? `; did you mean ${best}?` : ''})`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}
