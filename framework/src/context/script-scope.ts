// The scope of code that runs outside any app (a script that enqueues tasks, a REPL): set by setConfig().
import type { AppScope } from './app-scope';

let scriptScope: AppScope | undefined;

/** The scope of code outside any app's request or task, if one was set. */
export function getScriptScope(): AppScope | undefined {
  return scriptScope;
}

/** Set (or forget, with undefined) the scope of code outside any app. */
export function setScriptScope(scope: AppScope | undefined): void {
  scriptScope = scope;
}
