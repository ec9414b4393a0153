// The notifications' storage contract: written by background tasks (in worker processes), read by the API.
import type { Notification } from '../../apis/members.models';

/**
 * Where members' notifications live. It must be shared by every process of the service: tasks write
 * notifications in a worker process, the server reads them. Writes are idempotent because tasks are
 * at-least-once: a retried task adds the same notification (same id) again, which changes nothing.
 */
export interface NotificationStore {
  /** Add a notification for a member; false (and nothing changed) when the member already has one with this id. */
  add(memberId: string, notification: Notification): Promise<boolean>;
  /** A member's notifications, most recent first. */
  listByMember(memberId: string): Promise<Notification[]>;
}
