// What client calls publish on node:diagnostics_channel, for metrics and tracing to subscribe to.
import diagnostics from 'node:diagnostics_channel';

/** The channel of every attempt of a client call (retries included). */
export const CLIENT_ATTEMPT_CHANNEL = 'pym:client:attempt';
/** The channel of every client call, once it succeeded or failed for good. */
export const CLIENT_CALL_CHANNEL = 'pym:client:call';

/** One attempt of a call. */
export interface ClientAttemptEvent {
  /** The calling service's `name`. */
  service: string;
  /** The client's name (the callee). */
  client: string;
  operation: string;
  method: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The callee's status, when it answered. */
  status?: number;
  /** How the attempt failed without a reply: `not-connected`, `failed` or `timeout`. */
  failure?: 'not-connected' | 'failed' | 'timeout';
  durationMs: number;
  /** Whether another attempt follows. */
  retry: boolean;
}

/** One call, finished. */
export interface ClientCallEvent {
  service: string;
  client: string;
  operation: string;
  method: string;
  attempts: number;
  /** The callee's last status, when it answered. */
  status?: number;
  /** `ok`, or the pym code thrown (the callee's own for a 4xx it answered in pym's shape, else `UPSTREAM_*`). */
  outcome: string;
  durationMs: number;
}

const attemptChannel = diagnostics.channel(CLIENT_ATTEMPT_CHANNEL);
const callChannel = diagnostics.channel(CLIENT_CALL_CHANNEL);

/** Publish an attempt (nothing is built when no one listens). */
export function publishAttempt(event: () => ClientAttemptEvent): void {
  if (attemptChannel.hasSubscribers) attemptChannel.publish(event());
}

/** Publish a finished call. */
export function publishCall(event: () => ClientCallEvent): void {
  if (callChannel.hasSubscribers) callChannel.publish(event());
}
