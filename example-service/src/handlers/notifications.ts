// Handler of GET /members/me/notifications (apis/members.yaml): what background tasks wrote for the caller.
import type { Handler } from '../../apis/members.models';
import { callerId } from '../auth/caller';
import { stores } from '../store';

/**
 * `GET /members/me/notifications`: the caller's notifications, most recent first. Worker processes write
 * them (`Notifications.sendWelcome`, `Reminders.loanDue`) into the Redis store this reads, so a new one
 * appears a moment after the request that enqueued its task.
 */
export const listMyNotifications: Handler<'listMyNotifications'> = async () => {
  return { items: await stores.notifications.listByMember(callerId()) };
};
