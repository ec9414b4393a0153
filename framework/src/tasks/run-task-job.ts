// Run one job in a worker: open the envelope, rebuild arguments and context, call the task, report failures.
import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { runWithContext } from '../context/request-context';
import { normalizeError } from '../errors/normalize-error';
import type { PymError } from '../errors/pym-error';
import { reportSafely, type ErrorReporter } from '../errors/report-error';
import { registryModelCodec } from '../models/task-model-codec';
import { deserializeArgs } from './deserialize-args';
import { EnvelopeRejectedError, openEnvelope } from './envelope';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { TaskEnvelopeRejected } from './task-errors';
import { taskRequestContext } from './task-context';
import { findTask } from './task-registry';

/** The parts of a BullMQ job the runner reads. */
export interface RunnableJob {
  id?: string;
  name: string;
  data: unknown;
  /** Attempts already made before this one. */
  attemptsMade: number;
  opts: { attempts?: number };
}

/** What the runner needs from its worker. */
export interface TaskRunnerDeps {
  config: PymConfig;
  logger: Logger;
  reportError?: ErrorReporter;
}

/** An error that must not be retried: the envelope was refused, or the task threw a 4xx PymError. */
function isUnrecoverable(error: PymError, refused: boolean): boolean {
  return refused || error.status < 500;
}

/**
 * Run a job. Resolves with the task's return value; rejects so that BullMQ retries, or with an
 * UnrecoverableError so that it fails the job at once. A failure is reported once: when it is final.
 */
export async function runTaskJob(job: RunnableJob, deps: TaskRunnerDeps): Promise<unknown> {
  const attempt = job.attemptsMade + 1;
  const jobId = job.id ?? '';
  let userId: string | undefined;
  let requestId: string | undefined;
  let refused = false;
  try {
    let envelope;
    try {
      envelope = openEnvelope(job.data, envelopeKeysFor(deps.config), { jobName: job.name });
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
    userId = envelope.context.claims?.sub as string | undefined;
    requestId = envelope.context.requestId;
    const context = taskRequestContext(envelope.context, deps.config);
    const args = deserializeArgs(envelope.args, registryModelCodec);
    return await runWithContext(context, () => task.run.apply(task.target, args));
  } catch (thrown) {
    const error = normalizeError(thrown);
    const unrecoverable = isUnrecoverable(error, refused);
    const final = unrecoverable || attempt >= (job.opts.attempts ?? 1);
    const errorId = randomUUID();
    const taskInfo = { name: job.name, jobId, attempt, userId, requestId };
    deps.logger[final ? 'error' : 'warn'](
      { errorId, task: taskInfo, code: error.code, final, err: error.cause ?? error },
      final ? `task ${job.name} failed` : `task ${job.name} failed; will retry`,
    );
    if (final) {
      reportSafely(
        deps.reportError,
        { errorId, code: error.code, status: error.status, message: error.message, error, cause: error.cause, task: taskInfo },
        deps.logger,
      );
    }
    if (unrecoverable) throw new UnrecoverableError(`${error.code}: ${error.message} (error_id ${errorId})`);
    throw thrown instanceof Error ? thrown : error;
  }
}

