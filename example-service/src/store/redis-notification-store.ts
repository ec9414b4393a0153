// NotificationStore in Redis: one hash per member, shared by the server and its worker processes.
import { Notification } from '../../apis/members.models';
import type { NotificationStore } from './notification-store';
import type { RedisHandle } from './redis-connection';

/**
 * A NotificationStore keeping each member's notifications in the Redis hash `<prefix>:inbox:<memberId>`
 * (field: the notification id, value: the Notification model's wire JSON). `HSETNX` makes `add` idempotent.
 * The key prefix is the service's `async.prefix`, next to BullMQ's `<prefix>:<queue>:…` keys, so that
 * everything the library keeps in Redis can be found (and, in tests, deleted) together.
 */
export class RedisNotificationStore implements NotificationStore {
  /** @param connect - the shared connection (see lazyRedis): opened on first use, not when the store is made. */
  constructor(private readonly connect: () => RedisHandle) {}

  async add(memberId: string, notification: Notification): Promise<boolean> {
    const { redis, key } = this.inbox(memberId);
    return (await redis.hsetnx(key, notification.id, JSON.stringify(notification))) === 1;
  }

  async listByMember(memberId: string): Promise<Notification[]> {
    const { redis, key } = this.inbox(memberId);
    const notifications = (await redis.hvals(key)).map((json) => Notification.fromJSON(JSON.parse(json)));
    return notifications.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  private inbox(memberId: string): RedisHandle & { key: string } {
    const { redis, prefix } = this.connect();
    return { redis, prefix, key: `${prefix}:inbox:${memberId}` };
  }
}
