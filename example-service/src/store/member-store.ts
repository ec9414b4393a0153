// The members' storage contract: profiles keyed by user id, one per email.

/** A stored member profile; `id` is the user id their tokens carry as `sub`. */
export interface MemberRecord {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  joinedAt: Date;
}

/** Where members live. Every method returns copies: changing a returned record changes nothing stored. */
export interface MemberStore {
  /** Add a member; false (and nothing stored) when the id or the email is taken. Emails compare case-insensitively. */
  add(member: MemberRecord): Promise<boolean>;
  /** The member with this user id, if any. */
  get(memberId: string): Promise<MemberRecord | undefined>;
}
