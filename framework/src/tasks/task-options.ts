// Options of @asyncTask: what a decorator records, and the defaults that come from the config.

/** Options of `@asyncTask(options)`; each default comes from the `async` section of pym-config.yaml. */
export interface AsyncTaskOptions {
  /** Milliseconds to wait before the task may start. @defaultValue 0 */
  delay?: number;
  /** Attempts before the task is failed for good. @defaultValue `async.attempts` (3) */
  attempts?: number;
  /** Delay between attempts. @defaultValue `async.backoff` (exponential from 1000 ms) */
  backoff?: { type: 'exponential' | 'fixed'; delay: number };
  /** The queue the task goes to (a named queue has its own concurrency). @defaultValue `async.queue` */
  queue?: string;
  /** Stable task name, kept across refactorings. @defaultValue `<Class>.<method>` */
  name?: string;
  /** Milliseconds an attempt may run before it is failed (and retried per policy). @defaultValue none */
  timeout?: number;
}

/** What the registry keeps of one decorated method. */
export interface TaskDefinition {
  /** The task name, also the BullMQ job name. */
  readonly name: string;
  /** The class the static method belongs to. */
  readonly target: object;
  /** The method name on the class. */
  readonly methodName: string;
  /** The undecorated method: what a worker runs. */
  readonly run: (...args: unknown[]) => unknown;
  readonly options: Readonly<AsyncTaskOptions>;
}

/** Metadata key under which @asyncTask records its options on the class (reflect-metadata). */
export const ASYNC_TASK_METADATA = 'pym:asyncTask';

/** Check options once, at decoration time, with messages naming the method. */
export function checkTaskOptions(where: string, options: AsyncTaskOptions): void {
  const wholeMs = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  if (options.delay !== undefined && !wholeMs(options.delay)) {
    throw new TypeError(`@asyncTask on ${where}: delay must be a whole number of milliseconds ≥ 0`);
  }
  if (options.attempts !== undefined && !(wholeMs(options.attempts) && options.attempts >= 1)) {
    throw new TypeError(`@asyncTask on ${where}: attempts must be a whole number ≥ 1`);
  }
  if (options.timeout !== undefined && !(wholeMs(options.timeout) && options.timeout > 0)) {
    throw new TypeError(`@asyncTask on ${where}: timeout must be a whole number of milliseconds > 0`);
  }
  if (options.queue !== undefined && !/^[A-Za-z0-9_-]+$/.test(options.queue)) {
    throw new TypeError(`@asyncTask on ${where}: queue must be letters, digits, "-" or "_"`);
  }
  if (options.name !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(options.name)) {
    throw new TypeError(`@asyncTask on ${where}: name must be letters, digits, ".", ":", "-" or "_"`);
  }
}
