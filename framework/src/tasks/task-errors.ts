// The error codes of tasks: a bad argument or result, an unreachable queue, a refused envelope, an overrun.
import { defineError } from '../errors/define-error';

/**
 * A task was called with an argument that cannot travel to a worker (a function, a symbol,
 * a circular structure, an instance of a class that is not a model, too deep or too big).
 * Thrown at the call site; nothing is enqueued.
 *
 * Status 500, not 400: the argument comes from the service's own code, not from the client's
 * request, so the client did nothing wrong. Being a 5xx, its message (which names internal
 * argument paths) is logged and never sent to the client.
 */
export const TaskArgumentInvalid = defineError(
  'TaskArgumentInvalid',
  'TASK_ARGUMENT_INVALID',
  500,
  'A task was called with an argument that cannot be sent to a worker',
);

/**
 * A task returned a value that cannot be stored as its result (a BigInt beyond 2^53, an invalid Date…). The work is
 * done: the job fails at once, without running the task again.
 */
export const TaskResultInvalid = defineError(
  'TaskResultInvalid',
  'TASK_RESULT_INVALID',
  500,
  'A task returned a value that cannot be stored as its result',
);

/** The task queue (Redis) could not be reached, so the task was not enqueued. Retryable, hence 503. */
export const TaskQueueUnavailable = defineError(
  'TaskQueueUnavailable',
  'TASK_QUEUE_UNAVAILABLE',
  503,
  'The task queue is unavailable',
);

/**
 * A worker refused a job's envelope (missing or wrong seal, unknown version, unregistered task).
 * It never reaches a client: it is raised in the worker, where it fails the job without retry and
 * goes to the error reporter with the job id. Status 500 because, were it ever surfaced, it would
 * be a server-side fault.
 */
export const TaskEnvelopeRejected = defineError(
  'TaskEnvelopeRejected',
  'TASK_ENVELOPE_REJECTED',
  500,
  'A task envelope was refused by the worker',
);

/**
 * An attempt ran longer than its task's `timeout` option: the attempt fails (and is retried per policy), and
 * the task's signal (getTaskSignal) is aborted with this error so that cooperative code stops.
 */
export const TaskTimedOut = defineError('TaskTimedOut', 'TASK_TIMEOUT', 500, 'The task ran longer than its timeout');

/**
 * The worker running a task stopped (it died, or was blocked past `async.lock_duration`) more times than the task's
 * attempts allow: each such stall counts as an attempt, and the attempt after the last one fails the task with this
 * code, reported once, without running it again.
 */
export const TaskStalled = defineError(
  'TaskStalled',
  'TASK_STALLED',
  500,
  'The task was interrupted (its worker stopped) more times than its attempts allow',
);
