// NotificationStore in Redis: one hash per member, shared by the server and its worker processes.
import { Redis } from 'ioredis';
import { Notification } from '../../apis/members.models';
import type { NotificationStore } from './notification-store';

/** Where the store keeps its data. */
export interface RedisNotificationSettings {
  /** e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /** Prefix of the store's keys: `<prefix>:inbox:<memberId>`. */
  prefix: string;
}

/**
 * A NotificationStore keeping each member's notifications in the Redis hash `<prefix>:inbox:<memberId>`
 * (field: the notification id, value: the Notification model's wire JSON). `HSETNX` makes `add` idempotent.
 * The key prefix is the service's `async.prefix`, next to BullMQ's `<prefix>:<queue>:…` keys, so that
 * everything the library keeps in Redis can be found (and, in tests, deleted) together.
 */
export class RedisNotificationStore implements NotificationStore {
  private connection?: { redis: Redis; prefix: string };

  /**
   * @param settings - read on first use, not here: handler modules are imported before a worker or a
   *   CLI command may need the store, and a command that never uses it opens no connection.
   */
  constructor(private readonly settings: () => RedisNotificationSettings) {}

  async add(memberId: string, notification: Notification): Promise<boolean> {
    const { redis, key } = this.inbox(memberId);
    return (await redis.hsetnx(key, notification.id, JSON.stringify(notification))) === 1;
  }

  async listByMember(memberId: string): Promise<Notification[]> {
    const { redis, key } = this.inbox(memberId);
    const notifications = (await redis.hvals(key)).map((json) => Notification.fromJSON(JSON.parse(json)));
    return notifications.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  private inbox(memberId: string): { redis: Redis; key: string } {
    if (this.connection === undefined) {
      const { redisUrl, prefix } = this.settings();
      // Fail a request at once while Redis is down rather than queueing its command.
      this.connection = { redis: new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 }), prefix };
    }
    return { redis: this.connection.redis, key: `${this.connection.prefix}:inbox:${memberId}` };
  }
}
