// Enqueue a notification task once a request's real work is done: a queue outage must not fail that work.
import { getLogger, TaskQueueUnavailable, taskRef, type TaskRef } from '@pym/framework';

/**
 * Await the enqueue of a notification task, e.g. `enqueueNotification(Notifications.sendWelcome(member, 'en'))`.
 * The request's own work (a signup, a loan) is stored by then, so an unreachable queue
 * (TASK_QUEUE_UNAVAILABLE) is logged and the request still succeeds: better a loan without its
 * reminder than a 503 for a loan that was made. Any other error (e.g. TASK_ARGUMENT_INVALID, a bug) is thrown.
 *
 * @returns the task's ref, or undefined when it could not be enqueued.
 */
export async function enqueueNotification(call: Promise<unknown>): Promise<TaskRef | undefined> {
  try {
    return await taskRef(call);
  } catch (error) {
    if (!(error instanceof TaskQueueUnavailable)) throw error;
    getLogger().warn({ err: { message: error.message } }, 'notification not enqueued: the task queue is unavailable');
    return undefined;
  }
}
