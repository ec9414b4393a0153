// Handlers of the audit API (apis/audit.yaml): record an event as the caller, read events.
import { randomUUID } from 'node:crypto';
import { created, getRequestContext, getUserId } from '@pym/framework';
import { AuditEvent, type Handler } from '../../apis/audit.models';
import { EventNotFound } from '../errors';
import { eventStore } from '../event-store';

/** The trace and span ids of a W3C traceparent (`00-<trace id>-<span id>-<flags>`). */
function traceOf(traceparent: string | undefined): { traceId?: string; callerSpanId?: string } {
  const [, traceId, callerSpanId] = traceparent?.split('-') ?? [];
  return traceId === undefined ? {} : { traceId, callerSpanId };
}

/**
 * `POST /events`: record what happened, as the caller (the token's subject), with the call's request id and trace.
 * A repeated `Idempotency-Key` from the same caller gets the first event back (201 again), so a retried call records once.
 */
export const recordEvent: Handler<'recordEvent'> = async ({ body, params }) => {
  const context = getRequestContext()!;
  const event = new AuditEvent({
    id: randomUUID(),
    ...body,
    actor: getUserId()!,
    requestId: context.requestId,
    ...traceOf(context.traceparent),
    recordedAt: new Date(),
  });
  const stored = eventStore.add(event, params['Idempotency-Key']);
  return created(stored, `/v1/events/${stored.id}`);
};

/** `GET /events?subject=`: the subject's events, oldest first. */
export const listEvents: Handler<'listEvents'> = async ({ params }) => {
  return { items: eventStore.bySubject(params.subject, params.limit ?? 50) };
};

/**
 * `GET /events/{eventId}`: one event.
 *
 * @throws EVENT_NOT_FOUND (404)
 */
export const getEvent: Handler<'getEvent'> = async ({ params }) => {
  const event = eventStore.get(params.eventId);
  if (event === undefined) throw new EventNotFound(`No event with id ${params.eventId}`);
  return event;
};
