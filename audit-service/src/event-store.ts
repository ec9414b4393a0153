// The audit service's events, in memory (one process; a real service would keep them in a database).
import type { AuditEvent } from '../apis/audit.models';

const events = new Map<string, AuditEvent>();
/** Event ids by `<actor>\0<Idempotency-Key>`: a retried record gets the first event back. */
const byKey = new Map<string, string>();

/** The stored events. */
export const eventStore = {
  /** Store `event`, or return the one stored earlier with the same actor and idempotency key. */
  add(event: AuditEvent, idempotencyKey?: string): AuditEvent {
    const key = idempotencyKey === undefined ? undefined : `${event.actor}\0${idempotencyKey}`;
    const known = key === undefined ? undefined : byKey.get(key);
    if (known !== undefined) return events.get(known)!;
    events.set(event.id, event);
    if (key !== undefined) byKey.set(key, event.id);
    return event;
  },
  get(id: string): AuditEvent | undefined {
    return events.get(id);
  },
  /** The events of `subject`, oldest first. */
  bySubject(subject: string, limit: number): AuditEvent[] {
    return [...events.values()].filter((event) => event.subject === subject).slice(0, limit);
  },
};
