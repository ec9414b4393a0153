// The task registry: every @asyncTask method by name, as the decorators recorded them.
import type { TaskDefinition } from './task-options';

const byName = new Map<string, TaskDefinition>();
const byCaller = new WeakMap<Function, TaskDefinition>();

/** Record a task. Two tasks with one name are a startup error naming both methods. */
export function registerTask(definition: TaskDefinition, caller: Function): void {
  const known = byName.get(definition.name);
  if (known && (known.target !== definition.target || known.methodName !== definition.methodName)) {
    const describe = (task: TaskDefinition) => `${(task.target as { name?: string }).name}.${task.methodName}`;
    throw new Error(
      `Two tasks are named "${definition.name}": ${describe(known)} and ${describe(definition)}; ` +
        'give one of them another name with @asyncTask({ name })',
    );
  }
  byName.set(definition.name, definition);
  byCaller.set(caller, definition);
}

/** The task of a name, if registered. */
export function findTask(name: string): TaskDefinition | undefined {
  return byName.get(name);
}

/** The task behind a decorated method (`Tasks.sendWelcome`), if it is one. */
export function taskOf(method: Function): TaskDefinition | undefined {
  return byCaller.get(method);
}

/** Every registered task, by name. */
export function listTasks(): TaskDefinition[] {
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
