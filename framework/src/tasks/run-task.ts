// runTask: run a task's body now, in this process, without a queue (unit tests, scripts, REPL).
import { taskOf } from './task-registry';

/**
 * Run the body of an @asyncTask method directly and return its result: no serialization, no queue,
 * in the current context. For unit tests of task code.
 *
 * @example
 * await runTask(Notifications.sendWelcome, member, 'fr');
 */
export async function runTask<A extends unknown[], R>(method: (...args: A) => Promise<R> | R, ...args: A): Promise<Awaited<R>> {
  const task = taskOf(method);
  if (!task) throw new TypeError('runTask() expects a method decorated with @asyncTask');
  return (await task.run.apply(task.target, args)) as Awaited<R>;
}
