// TaskRef: what calling an @asyncTask method resolves to (the job id and where to poll it).

/** A reference to an enqueued task. */
export interface TaskRef {
  /** The job id: unguessable, also the id of the task resource. */
  readonly id: string;
  /** The task name. */
  readonly name: string;
  /** Where the task's status can be read, e.g. `/tasks/<id>`. */
  readonly statusUrl: string;
}

/** True for TaskRef values. */
export function isTaskRef(value: unknown): value is TaskRef {
  const ref = value as TaskRef;
  return typeof value === 'object' && value !== null && typeof ref.id === 'string' && typeof ref.statusUrl === 'string';
}

/**
 * Get the TaskRef of a task call with its type. The decorated method's TypeScript signature describes
 * its body; a call enqueues and resolves to a TaskRef, which this makes explicit.
 *
 * @example
 * const ref = await taskRef(Notifications.sendWelcome(member, 'fr'));
 * return accepted(ref); // 202, Location: /tasks/<id>, the task's status document
 */
export async function taskRef(call: Promise<unknown> | unknown): Promise<TaskRef> {
  const value = await call;
  if (!isTaskRef(value)) {
    throw new TypeError('taskRef() expects the promise returned by calling an @asyncTask method');
  }
  return value;
}
