// MemberStore kept in Maps: the members of a single process.
import type { MemberRecord, MemberStore } from './member-store';

/** An in-process MemberStore. Its contents are lost when the process exits. */
export class InMemoryMemberStore implements MemberStore {
  private readonly members = new Map<string, MemberRecord>();
  /** Lower-cased email → member id. */
  private readonly idsByEmail = new Map<string, string>();

  /** @param seed - members to start with (copied; later duplicates are skipped). */
  constructor(seed: Iterable<MemberRecord> = []) {
    for (const member of seed) this.insert(member);
  }

  async add(member: MemberRecord): Promise<boolean> {
    return this.insert(member);
  }

  async get(memberId: string): Promise<MemberRecord | undefined> {
    const member = this.members.get(memberId);
    return member && structuredClone(member);
  }

  private insert(member: MemberRecord): boolean {
    const email = member.email.toLowerCase();
    if (this.members.has(member.id) || this.idsByEmail.has(email)) return false;
    this.members.set(member.id, structuredClone({ ...member, email }));
    this.idsByEmail.set(email, member.id);
    return true;
  }
}
