// @asyncTask: mark a static method as a background task (records metadata; calling it enqueues).
import 'reflect-metadata';
import { enqueueTask } from './enqueue-task';
import { registerTask } from './task-registry';
import { ASYNC_TASK_METADATA, checkTaskOptions, type AsyncTaskOptions, type TaskDefinition } from './task-options';

/**
 * Make a static method a background task. Calling it does not run it: the arguments (models included)
 * and the caller's context (token, claims, request id, URL) are sealed into a BullMQ job, and the call
 * resolves to a `TaskRef` at once. A worker process (`pym worker`) runs the method later, in the same
 * context. Tasks are at-least-once: a retried task must be safe to run again.
 *
 * @param delayOrOptions milliseconds to wait before running, or the task's options.
 * @example
 * export class Notifications {
 *   @asyncTask()
 *   static async sendWelcome(member: Member, language: string): Promise<void> { … }
 * }
 * const ref = await taskRef(Notifications.sendWelcome(member, 'fr'));
 */
export function asyncTask(delayOrOptions: number | AsyncTaskOptions = {}): MethodDecorator {
  const options: AsyncTaskOptions = typeof delayOrOptions === 'number' ? { delay: delayOrOptions } : { ...delayOrOptions };
  return (target, propertyKey, descriptor) => {
    if (descriptor === undefined && typeof propertyKey === 'object') {
      // Called as a standard (TC39) decorator: (value, context).
      throw new TypeError(
        '@asyncTask needs TypeScript\'s legacy decorators: set "experimentalDecorators": true in the tsconfig.json ' +
          'that compiles this module (pym start/worker use the tsconfig.json nearest to the service\'s src)',
      );
    }
    const methodName = String(propertyKey);
    if (typeof target !== 'function') {
      const className = (target as { constructor?: { name?: string } }).constructor?.name ?? 'the class';
      throw new TypeError(
        `@asyncTask on ${className}.${methodName}: tasks must be static methods (a worker has no instance to call ` +
          `an instance method on); declare it "static ${methodName}(…)"`,
      );
    }
    const where = `${target.name}.${methodName}`;
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') throw new TypeError(`@asyncTask on ${where}: not a method`);
    checkTaskOptions(where, options);
    const definition: TaskDefinition = Object.freeze({
      name: options.name ?? where,
      target,
      methodName,
      run: original as (...args: unknown[]) => unknown,
      options: Object.freeze(options),
    });
    Reflect.defineMetadata(ASYNC_TASK_METADATA, options, target, propertyKey);
    const enqueue = function (this: unknown, ...args: unknown[]) {
      return enqueueTask(definition, args);
    };
    Object.defineProperty(enqueue, 'name', { value: methodName });
    registerTask(definition, enqueue);
    return { ...descriptor, value: enqueue as never };
  };
}
