// Where a notification comes from: the task writing it, and the request context pym re-created for that task.
import { getRequestContext, getUserId } from '@pym/framework';
import { NotificationOrigin } from '../../apis/members.models';

/**
 * The origin of a notification that `task` writes now. Inside a task, pym has re-created the context of
 * the request that enqueued it: `getUserId()` is that caller (or whom `withBackendToken` named) and
 * `getRequestContext().requestId` is that request's `X-Request-Id`.
 */
export function notificationOrigin(task: string): NotificationOrigin {
  const userId = getUserId();
  return new NotificationOrigin({ task, requestId: getRequestContext()?.requestId ?? '', ...(userId !== undefined && { userId }) });
}
