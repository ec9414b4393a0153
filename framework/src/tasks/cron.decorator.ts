// @cron: run a static method on a schedule (a cron pattern or a fixed interval), once per tick across workers.
import 'reflect-metadata';
import { registerTask, taskOf } from './task-registry';
import { SCHEDULE_NAME, scheduleProblem, type CronOptions, type ScheduleDefinition } from './schedule-options';
import { registerSchedule } from './schedule-registry';
import type { TaskDefinition } from './task-options';

export type { CronOptions } from './schedule-options';

/** Metadata key under which @cron records its schedules on the class (reflect-metadata). */
export const CRON_METADATA = 'pym:cron';

/**
 * Run a static method on a schedule. Every `pym worker` declares the schedule to BullMQ when it starts
 * (a job scheduler with the id `pym:<name>`); each tick then runs once, in one worker, as the service
 * itself: `getUserId()` is `default_user_id` and `getUserToken()` a token freshly minted for the run.
 * A schedule removed from the code is removed from Redis when a worker next starts.
 *
 * The method is registered as a task (named `<Class>.<method>`) but stays a plain method: calling it runs
 * it inline. Add `@asyncTask()` as well (in either order) to also enqueue it on demand, or to give it a
 * queue, attempts or a timeout.
 *
 * @param patternOrOptions a cron expression (`0 3 * * *`; 6 fields put seconds first), or options with
 *   `pattern` or `every` (milliseconds), and optionally `name` and `tz`.
 * @example
 * export class Reports {
 *   @cron('0 3 * * *')
 *   static async nightly(): Promise<void> { … }
 *
 *   @cron({ every: 60_000, name: 'cache-refresh' })
 *   static async refreshCache(): Promise<void> { … }
 * }
 */
export function cron(patternOrOptions: string | CronOptions): MethodDecorator {
  const options: CronOptions = typeof patternOrOptions === 'string' ? { pattern: patternOrOptions } : { ...patternOrOptions };
  return (target, propertyKey, descriptor) => {
    if (descriptor === undefined && typeof propertyKey === 'object') {
      throw new TypeError('@cron needs TypeScript\'s legacy decorators: set "experimentalDecorators": true in the tsconfig.json');
    }
    const methodName = String(propertyKey);
    if (typeof target !== 'function') {
      const className = (target as { constructor?: { name?: string } }).constructor?.name ?? 'the class';
      throw new TypeError(
        `@cron on ${className}.${methodName}: scheduled tasks must be static methods (a worker has no instance to call ` +
          `an instance method on); declare it "static ${methodName}()"`,
      );
    }
    const where = `${target.name}.${methodName}`;
    const method = descriptor.value as unknown;
    if (typeof method !== 'function') throw new TypeError(`@cron on ${where}: not a method`);
    if (options.name !== undefined && !SCHEDULE_NAME.test(options.name)) {
      throw new TypeError(`@cron on ${where}: name must be letters, digits, ".", "-" or "_"`);
    }
    const problem = scheduleProblem(options);
    if (problem) throw new TypeError(`@cron on ${where}: ${problem}`);
    const task = taskOf(method) ?? registerOwnTask(target, methodName, method as TaskDefinition['run']);
    const schedule: ScheduleDefinition = Object.freeze({
      name: options.name ?? task.name,
      task: task.name,
      pattern: options.pattern,
      every: options.every,
      tz: options.tz,
      source: `@cron on ${where}`,
    });
    registerSchedule(schedule);
    const recorded = (Reflect.getMetadata(CRON_METADATA, target, propertyKey) as CronOptions[] | undefined) ?? [];
    Reflect.defineMetadata(CRON_METADATA, [...recorded, options], target, propertyKey);
    return descriptor;
  };
}

/** A @cron method without @asyncTask (yet): registered as a task with default options, left callable inline. */
function registerOwnTask(target: Function, methodName: string, run: TaskDefinition['run']): TaskDefinition {
  const definition: TaskDefinition = Object.freeze({
    name: `${target.name}.${methodName}`,
    target,
    methodName,
    run,
    options: Object.freeze({}),
  });
  registerTask(definition, run);
  return definition;
}
