// Calling an @asyncTask method: serialize the arguments, capture the context, seal, add the job (once per Idempotency-Key).
import { randomUUID } from 'node:crypto';
import type { PymConfig } from '../config/config-schema';
import { getConfig, hasConfig, setConfig } from '../config/config-store';
import { loadConfig } from '../config/load-config';
import { currentContext } from '../context/request-context';
import { isPymError } from '../errors/pym-error';
import { getLogger } from '../logging/logger';
import { registryModelCodec } from '../models/task-model-codec';
import { createBullmqBackend } from './bullmq-backend';
import { sealEnvelope, type TaskContext } from './envelope';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { whenReady } from './redis-connection';
import { serializeArgs } from './serialize-args';
import { getTaskBackend, type TaskBackend, type TaskJob } from './task-backend';
import { TaskQueueUnavailable } from './task-errors';
import { claimIdempotencyKey, taskKeys } from './task-owner-index';
import type { TaskDefinition } from './task-options';
import type { TaskRef } from './task-ref';
import { endTaskSpan, startEnqueueSpan } from './task-telemetry';
import { withTimeout } from './with-timeout';
import { toTraceparent } from '../tracing/traceparent';

/** The caller's context as it travels in the envelope (empty identity outside any request or task). */
function captureContext(): TaskContext {
  const context = currentContext();
  return {
    token: context?.token,
    claims: context?.claims && { ...context.claims },
    requestId: context?.requestId,
    url: context?.url,
    method: context?.method,
    traceparent: context?.traceparent,
    enqueuedAt: Date.now(),
  };
}

/**
 * Add `job` (the backend lists it under its owner too). With an Idempotency-Key from an authenticated request,
 * only the first call per (owner, task, key) adds a job: later ones resolve to its id.
 */
async function addOnce(backend: TaskBackend, job: TaskJob, config: PymConfig, idempotencyKey: string | undefined): Promise<string | undefined> {
  const redis = backend.bullmq?.redis;
  // A fresh producer is still connecting and queues no commands: wait for it (Redis down fails at once).
  if (redis) await whenReady(redis, config.async.enqueue_timeout);
  let claimed: string | undefined;
  if (redis && job.index && idempotencyKey) {
    claimed = taskKeys.idempotency(config.async.prefix, job.index.owner, job.name, idempotencyKey);
    const existing = await claimIdempotencyKey(redis, claimed, job.id, job.index.ttlSeconds);
    if (existing) return existing;
  }
  try {
    await backend.add(job);
  } catch (error) {
    if (claimed) await redis!.del(claimed).catch(() => undefined);
    throw error;
  }
  return undefined;
}

/**
 * Enqueue one call of a task and resolve to its TaskRef without waiting for the work.
 * Bad arguments throw TASK_ARGUMENT_INVALID here, before anything is enqueued; an unreachable queue
 * rejects with TASK_QUEUE_UNAVAILABLE (503) within `async.enqueue_timeout`.
 */
export async function enqueueTask(task: TaskDefinition, args: readonly unknown[]): Promise<TaskRef> {
  if (!hasConfig()) setConfig(loadConfig());
  const config = getConfig();
  const encodedArgs = serializeArgs(args, registryModelCodec);
  // The owner index orders by this: sub-millisecond and increasing within the process, so that tasks started
  // together are listed in call order (Date.now() ties within a millisecond).
  const listedAt = performance.timeOrigin + performance.now();
  const id: string = randomUUID();
  const logger = getLogger();
  // Outside createApp/startWorker (a script), the BullMQ backend of the loaded config.
  const backend = getTaskBackend(() => createBullmqBackend(config, logger));
  const { metrics, tracer } = backend.telemetry ?? {};
  const queue = task.options.queue ?? config.async.queue;
  const span = tracer && startEnqueueSpan(tracer, task.name, queue, id);
  const context = captureContext();
  // The envelope carries the producer span's traceparent (the worker's run is its child), else the caller's.
  const envelope = { v: 2 as const, task: task.name, job: { id }, args: encodedArgs, context: { ...context, traceparent: (span && toTraceparent(span.spanContext())) ?? context.traceparent } };
  const delay = task.options.delay ?? 0;
  const sub = envelope.context.claims?.sub;
  const job: TaskJob = {
    id,
    name: task.name,
    queue,
    data: sealEnvelope(envelope, envelopeKeysFor(config), { encrypt: config.async.encrypt }),
    delay,
    attempts: task.options.attempts ?? config.async.attempts,
    backoff: task.options.backoff ?? config.async.backoff,
    // Listed for its owner (task resources) until its retention ends, which starts when the task does.
    index: typeof sub === 'string' && sub.length > 0 ? { owner: sub, at: listedAt, ttlSeconds: config.async.keep_finished + Math.ceil(delay / 1000) } : undefined,
  };
  let refId = id;
  try {
    const existing = await withTimeout(
      addOnce(backend, job, config, currentContext()?.idempotencyKey),
      config.async.enqueue_timeout,
      () => new TaskQueueUnavailable(`The task queue did not accept ${task.name} within ${config.async.enqueue_timeout} ms`),
    );
    if (existing) refId = existing; // the same Idempotency-Key again: the task it started, nothing enqueued
  } catch (cause) {
    const error = isPymError(cause) ? cause : new TaskQueueUnavailable(`The task queue refused ${task.name}`, { cause });
    logger.error({ task: task.name, jobId: job.id, err: cause }, 'task enqueue failed');
    metrics?.taskEnqueueFailed(task.name);
    endTaskSpan(span, 'enqueue_failed', error.code);
    throw error;
  }
  // A repeated Idempotency-Key enqueued nothing: not counted.
  if (refId === id) metrics?.taskEnqueued(task.name);
  span?.setAttribute('pym.task.repeated', refId !== id);
  endTaskSpan(span, 'enqueued');
  logger.debug({ task: task.name, jobId: refId, queue: job.queue, delay: job.delay, repeated: refId !== id }, 'task enqueued');
  return { id: refId, name: task.name, statusUrl: `/tasks/${refId}` };
}
