// Run one job in a worker: open the envelope, rebuild arguments and context, call the task, report failures.
import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { runWithContext } from '../context/request-context';
import { normalizeError } from '../errors/normalize-error';
import type { PymError } from '../errors/pym-error';
import { formatError } from '../errors/format-error';
import { reportSafely, type ErrorReporter } from '../errors/report-error';
import { registryModelCodec } from '../models/task-model-codec';
import { deserializeArgs } from './deserialize-args';
import { EnvelopeRejectedError, openEnvelope, type TaskEnvelope } from './envelope';
import type { EnvelopeKeys } from './envelope-keys';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { openProgress, sealProgress } from './progress-seal';
import { initialProgress, runInJob, type JobContext, type TaskProgressState } from './job-context';
import { JobCancellation } from './job-cancellation';
import { isDeclaredScheduler } from './schedules';
import type { CancelListener } from './task-cancel';
import { TaskArgumentInvalid, TaskEnvelopeRejected, TaskResultInvalid, TaskStalled, TaskTimedOut } from './task-errors';
import { taskResultOf } from './task-result';
import { TaskFailed } from './task-progress';
import { taskRequestContext } from './task-context';
import { findTask } from './task-registry';
import { withTimeout } from './with-timeout';

/** The parts of a BullMQ job the runner reads. */
export interface RunnableJob {
  id?: string;
  name: string;
  data: unknown;
  /** Attempts already made before this one. */
  attemptsMade: number;
  /** Times the job was taken by a worker, this time included (BullMQ); more than 1 after a stall. */
  attemptsStarted?: number;
  opts: { attempts?: number };
  /** The job's progress so far (pym stores a TaskProgressState object there). */
  progress?: unknown;
  /** Store the progress object (BullMQ `job.updateProgress`). */
  updateProgress?(progress: object): Promise<unknown>;
}

/** What the runner needs from its worker. */
export interface TaskRunnerDeps {
  config: PymConfig;
  logger: Logger;
  reportError?: ErrorReporter;
  /** The worker's cancel listener (cancels of running tasks). */
  cancels?: CancelListener;
}

/** The message of the UnrecoverableError that ends a cancelled job. */
export const CANCELLED_REASON = 'TASK_CANCELLED';

/** The progress a redelivered job had made (a fresh state when none, or when its seal does not match). */
function progressOf(job: RunnableJob, keys: EnvelopeKeys, logger: Logger): TaskProgressState {
  if (job.progress === undefined || job.progress === null || job.progress === 0) return initialProgress();
  const opened = openProgress(keys, job.id ?? '', job.progress);
  if (!opened) logger.warn({ jobId: job.id }, 'task progress not sealed by this service: ignored');
  return { ...initialProgress(), ...opened, error: undefined };
}

function keysOf(config: PymConfig): EnvelopeKeys | undefined {
  try {
    return envelopeKeysFor(config);
  } catch {
    return undefined;
  }
}

/** Failures that running the task again cannot change. */
const FINAL_CODES = new Set([TaskFailed.code, TaskArgumentInvalid.code, TaskResultInvalid.code, TaskStalled.code]);

/**
 * This attempt's number: every time a worker took the job counts, including the times its worker stopped before
 * finishing it (a stall: BullMQ puts the job back without counting an attempt), so that a task whose worker keeps
 * dying ends after its attempts, reported, instead of BullMQ failing it silently on its second stall.
 */
function attemptNumber(job: RunnableJob): number {
  return Math.max(job.attemptsMade + 1, job.attemptsStarted ?? 0);
}

/**
 * An error that must not be retried: the envelope was refused, the task threw a 4xx PymError, failOnError gave
 * up, its arguments cannot be rebuilt here (a model's schema changed since the call), or it returned a value that
 * cannot be stored (the work is done).
 */
function isUnrecoverable(error: PymError, refused: boolean): boolean {
  return refused || error.status < 500 || FINAL_CODES.has(error.code);
}

/**
 * Run a job. Resolves with the task's return value; rejects so that BullMQ retries, or with an
 * UnrecoverableError so that it fails the job at once. A failure is reported once: when it is final.
 */
export async function runTaskJob(job: RunnableJob, deps: TaskRunnerDeps): Promise<unknown> {
  const attempt = attemptNumber(job);
  const attempts = job.opts.attempts ?? 1;
  const jobId = job.id ?? '';
  let userId: string | undefined;
  let requestId: string | undefined;
  let refused = false;
  // Without a secret the keys cannot be derived: the envelope is refused below, reported, with nothing to store.
  const keys = keysOf(deps.config);
  const state = keys ? progressOf(job, keys, deps.logger) : initialProgress();
  // Sealed: whoever can write to Redis cannot point a task's status at another site (resource_url → Location).
  const save = job.updateProgress && keys ? (progress: TaskProgressState) => job.updateProgress!(sealProgress(keys, jobId, progress)).then(() => undefined) : undefined;
  const redelivered = job.attemptsMade > 0 || job.attemptsStarted !== 1;
  const cancellation = deps.cancels && jobId ? deps.cancels.track(jobId, { redelivered }) : new JobCancellation(() => undefined);
  try {
    let envelope;
    try {
      envelope = openEnvelope(job.data, envelopeKeysFor(deps.config), { jobName: job.name, jobId });
    } catch (cause) {
      refused = true;
      const reason = cause instanceof EnvelopeRejectedError ? cause.reason : 'malformed';
      throw new TaskEnvelopeRejected(`Job ${jobId} (${job.name}) refused: ${reason}`, { cause });
    }
    const task = findTask(envelope.task);
    if (!task) {
      refused = true;
      throw new TaskEnvelopeRejected(`Job ${jobId} names task "${envelope.task}", which is not registered in this worker`);
    }
    if ('scheduler' in envelope.job && !isDeclaredScheduler(deps.config, envelope.job.scheduler)) {
      refused = true;
      throw new TaskEnvelopeRejected(`Job ${jobId} is a run of schedule ${envelope.job.scheduler}, which this service does not declare`);
    }
    userId = envelope.context.claims?.sub as string | undefined;
    requestId = envelope.context.requestId;
    const context = taskRequestContext(envelope.context, deps.config);
    const args = rebuildArgs(envelope.args, jobId);
    if (cancellation.aborted) throw cancellation.reason;
    const stalls = attempt - job.attemptsMade - 1;
    if (stalls > 0) deps.logger.warn({ task: { name: job.name, jobId, attempt, attempts, userId, requestId }, stalls }, `task ${job.name} taken over after its worker stopped`);
    if (attempt > attempts) {
      throw new TaskStalled(`Job ${jobId} (${job.name}): its worker stopped ${stalls} time(s) while running it; no attempt left of ${attempts}`);
    }
    const running: JobContext = {
      jobId,
      state,
      save,
      get signal() {
        return cancellation.signal;
      },
    };
    const run = runWithContext(context, () => runInJob(running, () => task.run.apply(task.target, args)));
    const timeout = task.options.timeout;
    const result = await (timeout === undefined ? run : withTimeout(Promise.resolve(run), timeout, () => overrun(task.name, timeout, cancellation)));
    if (cancellation.aborted) throw cancellation.reason;
    return taskResultOf(result, task.name);
  } catch (thrown) {
    if (cancellation.aborted && !(cancellation.reason instanceof TaskTimedOut)) {
      deps.logger.info({ task: { name: job.name, jobId, attempt, userId } }, `task ${job.name} cancelled`);
      throw new UnrecoverableError(CANCELLED_REASON);
    }
    const error = normalizeError(thrown);
    const unrecoverable = isUnrecoverable(error, refused);
    const final = unrecoverable || attempt >= attempts;
    const errorId = randomUUID();
    const taskInfo = { name: job.name, jobId, attempt, userId, requestId };
    deps.logger[final ? 'error' : 'warn'](
      { errorId, task: taskInfo, code: error.code, final, err: error.cause ?? error },
      final ? `task ${job.name} failed` : `task ${job.name} failed; will retry`,
    );
    if (final && save) {
      state.error = clientError(error, errorId);
      await save(state).catch((cause: Error) => deps.logger.warn({ jobId, err: { message: cause.message } }, 'could not store the task error'));
    }
    if (final) {
      reportSafely(
        deps.reportError,
        { errorId, code: error.code, status: error.status, message: error.message, error, cause: error.cause, task: taskInfo },
        deps.logger,
      );
    }
    // Final: BullMQ must not retry, even when it counts fewer attempts than this one (it does not count stalls).
    if (!deps.config.async.encrypt) {
      if (final) throw new UnrecoverableError(`${error.code}: ${error.message} (error_id ${errorId})`);
      throw thrown instanceof Error ? thrown : error;
    }
    // BullMQ keeps the error's message and stack on the job (failedReason, stacktrace), readable in Redis: with
    // encrypted envelopes, only the code and error id, since a message may quote the task's arguments (the log line
    // above has it all, under the same error_id).
    const reason = `${error.code} (error_id ${errorId})`;
    const kept = final ? new UnrecoverableError(reason) : new Error(reason);
    kept.stack = `${kept.name}: ${reason}`;
    throw kept;
  } finally {
    cancellation.release();
  }
}

/** The job's arguments as the task takes them; one that cannot be rebuilt here fails the job for good. */
function rebuildArgs(encoded: TaskEnvelope['args'], jobId: string): unknown[] {
  try {
    return deserializeArgs(encoded, registryModelCodec);
  } catch (cause) {
    throw new TaskArgumentInvalid(`Job ${jobId}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The attempt ran past its timeout: it fails with TASK_TIMEOUT, and the task's signal is aborted with the same
 * error (a running function cannot be stopped from outside: a body that ignores its signal runs on, detached).
 */
function overrun(taskName: string, timeoutMs: number, cancellation: JobCancellation): Error {
  const error = new TaskTimedOut(`Task ${taskName} ran longer than its timeout of ${timeoutMs} ms`);
  cancellation.cancel(error);
  return error;
}

/** The error a task's status shows: a failOnError message, a 4xx's message, else the generic description. */
function clientError(error: PymError, errorId: string): NonNullable<TaskProgressState['error']> {
  if (error.code === TaskFailed.code && error.userMessage) {
    return { error: error.code, error_description: error.userMessage, user_message: error.userMessage, error_id: errorId };
  }
  const body = formatError(error, { errorId, debug: false }) as { error: string; error_description: string; user_message?: string };
  return { error: body.error, error_description: body.error_description, user_message: body.user_message, error_id: errorId };
}

