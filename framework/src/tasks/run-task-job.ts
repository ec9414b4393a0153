// Run one job in a worker: open the envelope, rebuild arguments and context, call the task, report failures.
import { randomUUID } from 'node:crypto';
import { context as otelContext, trace, type Span } from '@opentelemetry/api';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import type { AppScope } from '../context/app-scope';
import { runWithContext, type ContextState } from '../context/request-context';
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
import { initialProgress, type JobContext, type TaskProgressState } from './job-context';
import { JobCancellation } from './job-cancellation';
import type { PymMetrics, TaskOutcome } from '../metrics/pym-metrics';
import { isDeclaredScheduler, scheduledRunRequestId } from './schedules';
import type { CancelListener } from './task-cancel';
import { TaskArgumentInvalid, TaskEnvelopeRejected, TaskResultInvalid, TaskStalled, TaskTimedOut } from './task-errors';
import { taskResultOf } from './task-result';
import { TaskFailed } from './task-progress';
import { taskRequestContext } from './task-context';
import { endTaskSpan, spanIds, startRunSpan, type TaskTelemetry } from './task-telemetry';
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
  /** Its options (BullMQ): `delay` is the one it was added with (the job's own `delay` is 0 once it is due). */
  opts: { attempts?: number; delay?: number };
  /** The job's progress so far (pym stores a TaskProgressState object there). */
  progress?: unknown;
  /** Store the progress object (BullMQ `job.updateProgress`). */
  updateProgress?(progress: object): Promise<unknown>;
  /** The queue it came from (BullMQ). */
  queueName?: string;
  /** When it was added, in ms since the epoch (BullMQ, on the enqueuing process's clock). */
  timestamp?: number;
}

/** What the runner needs from its worker. */
export interface TaskRunnerDeps {
  config: PymConfig;
  logger: Logger;
  /** The worker's app: the task runs in it (its getConfig(), getLogger(), task queue). */
  scope?: AppScope;
  reportError?: ErrorReporter;
  /** The worker's cancel listener (cancels of running tasks). */
  cancels?: CancelListener;
  /** The worker's metrics and tracer. */
  telemetry?: TaskTelemetry;
}

/** The `task` label of a job whose task is not registered here (bounded: job names come from Redis). */
const UNKNOWN_TASK = '(unknown)';

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
  const startedAt = performance.now();
  const attempt = attemptNumber(job);
  const attempts = job.opts.attempts ?? 1;
  const jobId = job.id ?? '';
  let userId: string | undefined;
  let requestId: string | undefined;
  let refused = false;
  // The task's context once rebuilt: the service's reportError hook runs in it (else in the worker's app).
  let context: ContextState | undefined;
  let outcome: TaskOutcome = 'completed';
  let errorCode: string | undefined;
  let span: Span | undefined;
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
    // A scheduled run has no caller: it gets a request id of its own, the same for each of its attempts.
    const captured = envelope.context.service && !envelope.context.requestId ? { ...envelope.context, requestId: scheduledRunRequestId(jobId) } : envelope.context;
    requestId = captured.requestId;
    observeStart(job, task.name, deps.telemetry?.metrics);
    const tracer = deps.telemetry?.tracer;
    span = tracer && startRunSpan(tracer, task.name, job.queueName ?? '', jobId, attempt, envelope.context.traceparent);
    const running: JobContext = {
      jobId,
      state,
      save,
      get signal() {
        return cancellation.signal;
      },
    };
    // The job rides in the task's request context: one AsyncLocalStorage, entered once per run.
    context = { ...taskRequestContext(captured, deps.config), span, app: deps.scope, job: running };
    const args = rebuildArgs(envelope.args, jobId);
    if (cancellation.aborted) throw cancellation.reason;
    const stalls = attempt - job.attemptsMade - 1;
    if (stalls > 0) deps.logger.warn({ task: { name: job.name, jobId, attempt, attempts, userId, requestId }, stalls }, `task ${job.name} taken over after its worker stopped`);
    if (attempt > attempts) {
      throw new TaskStalled(`Job ${jobId} (${job.name}): its worker stopped ${stalls} time(s) while running it; no attempt left of ${attempts}`);
    }
    const body = () => task.run.apply(task.target, args);
    const run = runWithContext(context, () => (span ? otelContext.with(trace.setSpan(otelContext.active(), span), body) : body()));
    const timeout = task.options.timeout;
    const result = await (timeout === undefined ? run : withTimeout(Promise.resolve(run), timeout, () => overrun(task.name, timeout, cancellation)));
    if (cancellation.aborted) throw cancellation.reason;
    return taskResultOf(result, task.name);
  } catch (thrown) {
    if (cancellation.aborted && !(cancellation.reason instanceof TaskTimedOut)) {
      outcome = 'cancelled';
      throw new UnrecoverableError(CANCELLED_REASON);
    }
    const error = normalizeError(thrown);
    const unrecoverable = isUnrecoverable(error, refused);
    const final = unrecoverable || attempt >= attempts;
    outcome = refused ? 'rejected' : final ? 'failed' : 'retried';
    errorCode = error.code;
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
      const report = { errorId, code: error.code, status: error.status, message: error.message, error, cause: error.cause, task: taskInfo };
      runWithContext(context ?? { requestId: requestId ?? '', method: '', url: '', app: deps.scope }, () =>
        reportSafely(deps.reportError, report, deps.logger),
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
    const seconds = (performance.now() - startedAt) / 1000;
    const taskName = findTask(job.name) ? job.name : UNKNOWN_TASK;
    deps.telemetry?.metrics?.taskRun(taskName, outcome, refused ? undefined : seconds);
    endTaskSpan(span, outcome, errorCode);
    // Built only when written (a worker at log_level warn skips it for every job).
    if (deps.logger.isLevelEnabled('info')) {
      deps.logger.info(
        { requestId, ...spanIds(span), task: { name: job.name, jobId, attempt, userId }, outcome, ms: Math.round(seconds * 10_000) / 10 },
        `task ${job.name} ${outcome}`,
      );
    }
  }
}

/**
 * A first attempt's wait: from its enqueue when it had no delay (`pym_task_queue_wait_seconds`), from its due time
 * when it had one or is a scheduled run (`pym_task_start_lateness_seconds`). Retries wait for their backoff: not
 * observed. Both clocks are BullMQ's: the enqueuing process's and this one's.
 */
function observeStart(job: RunnableJob, task: string, metrics: PymMetrics | undefined): void {
  if (!metrics || job.attemptsMade > 0 || (job.attemptsStarted ?? 1) > 1 || job.timestamp === undefined) return;
  const delay = job.opts.delay ?? 0;
  metrics.taskStarted(task, delay > 0, (Date.now() - (job.timestamp + delay)) / 1000);
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

