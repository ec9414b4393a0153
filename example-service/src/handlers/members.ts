// Handlers of the members API (apis/members.yaml): sign up, and read one's own profile.
import { randomUUID } from 'node:crypto';
import { created, generateToken, getLogger, withBackendToken } from '@pym/framework';
import { Member, type Handler } from '../../apis/members.models';
import { callerId, callerRole, type Role } from '../auth/caller';
import { EmailAlreadyRegistered, MemberNotFound } from '../errors';
import { enqueueNotification } from '../notifications/enqueue-notification';
import { stores, type MemberRecord } from '../store';
import { Notifications } from '../tasks/notifications';
import { myProfileUrl } from '../urls';

/** A stored member as the API shows it: a `Member` model instance, with the role the caller's token grants. */
function toMember(member: MemberRecord, role: Role): Member {
  return new Member({ ...member, role });
}

/**
 * `POST /members`: make the caller a member and give them their first bearer token (signed with
 * the service's `jwt_secret`); 201 with `Location: /v1/members/me`. Then enqueues their welcome
 * notification (`Notifications.sendWelcome`), in `language` (`en` by default). The request is
 * anonymous, so the task is enqueued under `withBackendToken({ userId })`: it runs as the new member,
 * with this request's id.
 *
 * @throws EMAIL_ALREADY_REGISTERED (409)
 */
export const signUp: Handler<'signUp'> = async ({ body }) => {
  const record: MemberRecord = { id: randomUUID(), email: body.email.toLowerCase(), name: body.name.trim(), joinedAt: new Date() };
  if (!(await stores.members.add(record))) {
    throw new EmailAlreadyRegistered(`A member already signed up with ${record.email}`, {
      userMessage: 'This email address is already registered with the library.',
    });
  }
  getLogger().info({ memberId: record.id }, 'member signed up');
  const member = toMember(record, 'member');
  await withBackendToken({ userId: member.id }, () => enqueueNotification(Notifications.sendWelcome(member, body.language ?? 'en')));
  return created({ member, token: generateToken(member.id) }, myProfileUrl());
};

/**
 * `GET /members/me`: the profile of the member the bearer token was issued to, with the role the token grants.
 *
 * @throws MEMBER_NOT_FOUND (404) when the token's user never signed up.
 */
export const getMe: Handler<'getMe'> = async () => {
  const memberId = callerId();
  const member = await stores.members.get(memberId);
  if (member === undefined) throw new MemberNotFound(`User ${memberId} has not signed up`);
  return toMember(member, callerRole());
};
