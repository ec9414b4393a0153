// Handlers of the members API (apis/members.yaml): sign up, and read one's own profile.
import { randomUUID } from 'node:crypto';
import { created, generateToken, getLogger, type HandlerInput } from '@pym/framework';
import { callerId, callerRole, type Role } from '../auth/caller';
import { EmailAlreadyRegistered, MemberNotFound } from '../errors';
import { stores, type MemberRecord } from '../store';
import { myProfileUrl } from '../urls';

/** A member as the API shows it (schema `Member`). */
export interface MemberView extends MemberRecord {
  role: Role;
}

/** The body of `POST /members` (schema `Signup`). */
export interface SignupBody {
  email: string;
  name: string;
}

function toMemberView(member: MemberRecord, role: Role): MemberView {
  return { ...member, role };
}

/**
 * `POST /members`: make the caller a member and give them their first bearer token (signed with
 * the service's `jwt_secret`, as `pym token` does); 201.
 *
 * @throws EMAIL_ALREADY_REGISTERED (409)
 */
export async function signUp({ body }: HandlerInput<SignupBody>) {
  const member: MemberRecord = { id: randomUUID(), email: body.email.toLowerCase(), name: body.name.trim(), joinedAt: new Date() };
  if (!(await stores.members.add(member))) {
    throw new EmailAlreadyRegistered(`A member already signed up with ${member.email}`, {
      userMessage: 'This email address is already registered with the library.',
    });
  }
  getLogger().info({ memberId: member.id }, 'member signed up');
  return created({ member: toMemberView(member, 'member'), token: generateToken(member.id) }, myProfileUrl());
}

/**
 * `GET /members/me`: the profile of the member the bearer token was issued to, with the role the token grants.
 *
 * @throws MEMBER_NOT_FOUND (404) when the token's user never signed up.
 */
export async function getMe() {
  const memberId = callerId();
  const member = await stores.members.get(memberId);
  if (member === undefined) throw new MemberNotFound(`User ${memberId} has not signed up`);
  return toMemberView(member, callerRole());
}
