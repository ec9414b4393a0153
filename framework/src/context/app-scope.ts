// What one app (a server's createApp, or a worker's startWorker) owns: its config, its logger, its task queue.
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import type { TaskBackend } from '../tasks/task-backend';
import { runWithContext } from './request-context';
import { requestIdFrom } from './request-id';

/**
 * The state of one app. Code running in one of its requests or tasks reaches it through the request context
 * (`getConfig()`, `getLogger()`, task calls), so two apps in one process never see each other's.
 */
export interface AppScope {
  readonly config: PymConfig;
  readonly logger: Logger;
  /** The app's task backend, made on first use (the BullMQ one unless another was installed). */
  taskBackend(): TaskBackend;
  /** Install the backend tasks are enqueued to (pym start's in-process dev fallback, tests). */
  useTaskBackend(backend: TaskBackend): void;
  /** Close the task backend (its Redis connection); the next task call makes a new one. */
  closeTaskBackend(): Promise<void>;
  /**
   * Run `fn` as code of this app outside any request (no caller, a fresh request id): `getConfig()`, `getLogger()`
   * and task calls inside it are this app's.
   */
  run<T>(fn: () => T): T;
}

/** A scope whose task backend `makeBackend` creates on first use. */
export function createAppScope(config: PymConfig, logger: Logger, makeBackend: () => TaskBackend): AppScope {
  let backend: TaskBackend | undefined;
  const scope: AppScope = {
    config,
    logger,
    taskBackend: () => (backend ??= makeBackend()),
    useTaskBackend: (installed) => {
      backend = installed;
    },
    closeTaskBackend: async () => {
      const closing = backend;
      backend = undefined;
      await closing?.close();
    },
    run: (fn) => runWithContext({ requestId: requestIdFrom(undefined), method: '', url: '', app: scope }, fn),
  };
  return scope;
}
