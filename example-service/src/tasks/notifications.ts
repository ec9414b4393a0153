// Background task: welcome a new member, run by a worker process after POST /members.
import { asyncTask, getLogger } from '@pym/framework';
import { Notification, type Language, type Member } from '../../apis/members.models';
import { welcomeMessage } from '../notifications/messages';
import { notificationOrigin } from '../notifications/notification-origin';
import { stores } from '../store';

/** The welcome task's name: stable, whatever the class and method are renamed to (it is stored in queued jobs). */
const SEND_WELCOME = 'Notifications.sendWelcome';

/** Notifications sent when something happens to a member. */
export class Notifications {
  /**
   * Write the welcome notification of a member who just signed up. Calling it enqueues the task and
   * resolves to a TaskRef; a worker runs this body with `member` rebuilt as a `Member` instance, as the
   * user the caller ran as (signUp enqueues it with `withBackendToken({ userId: member.id })`).
   * Safe to run twice (a retry): the notification's id is fixed, and the store keeps the first.
   *
   * @example
   * await enqueueNotification(Notifications.sendWelcome(member, 'fr'));
   */
  @asyncTask({ name: SEND_WELCOME })
  static async sendWelcome(member: Member, language: Language): Promise<void> {
    const notification = new Notification({
      id: `welcome:${member.id}`,
      kind: 'welcome',
      message: welcomeMessage(member.name, language),
      createdAt: new Date(),
      origin: notificationOrigin(SEND_WELCOME),
    });
    const added = await stores.notifications.add(member.id, notification);
    getLogger().info({ memberId: member.id, notificationId: notification.id, added }, 'welcome notification written');
  }
}
