// Calling an @asyncTask method: serialize the arguments, capture the context, seal, add the job (once per Idempotency-Key).
import { randomUUID } from 'node:crypto';
import type { PymConfig } from '../config/config-schema';
import { setConfig } from '../config/config-store';
import { loadConfig } from '../config/load-config';
import type { AppScope } from '../context/app-scope';
import { currentContext, type ContextState } from '../context/request-context';
import { getScriptScope } from '../context/script-scope';
import { isPymError } from '../errors/pym-error';
import { registryModelCodec } from '../models/task-model-codec';
import { sealEnvelope, type EnvelopeFormat, type TaskContext, type TaskEnvelope } from './envelope';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { claimTaskKey, idempotentTaskId } from './idempotency-key';
import { whenReady } from './redis-connection';
import { confirmOnReplicas } from './replica-ack';
import { serializeArgs } from './serialize-args';
import type { TaskBackend, TaskJob } from './task-backend';
import { TaskQueueUnavailable } from './task-errors';
import { taskKeys } from './task-owner-index';
import type { TaskDefinition } from './task-options';
import type { TaskRef } from './task-ref';
import { endTaskSpan, startEnqueueSpan } from './task-telemetry';
import { withTimeout } from './with-timeout';
import { toTraceparent } from '../tracing/traceparent';

/**
 * The caller's context as it travels in the envelope (empty identity outside any request or task). Format 3 carries
 * a token without its claims (they are its payload, read back by the worker), format 2 both; empty strings are left
 * out (the worker restores them).
 */
function captureContext(context: ContextState | undefined, format: EnvelopeFormat): TaskContext {
  const token = context?.token;
  const claims = context?.claims && (format === 2 || token === undefined) ? { ...context.claims } : undefined;
  return {
    token,
    claims,
    requestId: context?.requestId || undefined,
    url: context?.url || undefined,
    method: context?.method || undefined,
    traceparent: context?.traceparent,
    enqueuedAt: Date.now(),
  };
}

/**
 * The app a call enqueues for: the one of the current request or task; outside any, the script's (its config
 * loaded from the working directory on the first call when `setConfig` was not called).
 */
function callerScope(context: ContextState | undefined): AppScope {
  const scope = context?.app ?? getScriptScope();
  if (scope) return scope;
  setConfig(loadConfig());
  return getScriptScope()!;
}

/**
 * Add `job` (the backend lists it under its owner too). With an Idempotency-Key from an authenticated request,
 * only the first call per (owner, task, key) adds a job: later ones resolve to its id. On a replicated Redis, the
 * answer waits until replicas hold the task (async.wait_replicas).
 */
async function addOnce(backend: TaskBackend, job: TaskJob, config: PymConfig, idempotencyKey: string | undefined): Promise<string | undefined> {
  const handle = backend.bullmq;
  // A fresh producer is still connecting and queues no commands: wait for it (Redis down fails at once).
  if (handle) await whenReady(handle.redis, config.async.enqueue_timeout);
  let claimed: string | undefined;
  if (handle && job.index && idempotencyKey) {
    const claim = { id: job.id, name: job.name, queue: job.queue, owner: job.index.owner, ttlSeconds: job.index.ttlSeconds };
    const existing = await claimTaskKey(handle, config, claim, idempotencyKey);
    if (existing) {
      await confirmOnReplicas(handle.redis, config);
      return existing;
    }
    claimed = taskKeys.idempotency(config.async.prefix, job.index.owner, job.name, idempotencyKey);
  }
  try {
    await backend.add(job);
  } catch (error) {
    if (claimed) await handle!.redis.del(claimed).catch(() => undefined);
    throw error;
  }
  // Added: a failure from here on keeps the claim, so that a retry with the key gets this task if it survived.
  if (handle) await confirmOnReplicas(handle.redis, config);
  return undefined;
}

/**
 * Enqueue one call of a task and resolve to its TaskRef without waiting for the work.
 * Bad arguments throw TASK_ARGUMENT_INVALID here, before anything is enqueued; an unreachable queue
 * rejects with TASK_QUEUE_UNAVAILABLE (503) within `async.enqueue_timeout`.
 */
export async function enqueueTask(task: TaskDefinition, args: readonly unknown[]): Promise<TaskRef> {
  const context = currentContext();
  const scope = callerScope(context);
  const { config, logger } = scope;
  const encodedArgs = serializeArgs(args, registryModelCodec);
  // The owner index orders by this: sub-millisecond and increasing within the process, so that tasks started
  // together are listed in call order (Date.now() ties within a millisecond).
  const listedAt = performance.timeOrigin + performance.now();
  const format = config.async.envelope_format;
  const captured = captureContext(context, format);
  const sub = context?.claims?.sub;
  const owner = typeof sub === 'string' && sub.length > 0 ? sub : undefined;
  const idempotencyKey = context?.idempotencyKey;
  // With an Idempotency-Key the id is derived from it: adding the job is then idempotent in itself (BullMQ adds no
  // job under an id it holds), so a server killed between claiming the key and adding the job leaves nothing a
  // retry cannot complete, and an add that lands late cannot make a second task.
  const id: string = idempotencyKey && owner ? idempotentTaskId(envelopeKeysFor(config), owner, task.name, idempotencyKey) : randomUUID();
  const backend = scope.taskBackend();
  const { metrics, tracer } = backend.telemetry ?? {};
  const queue = task.options.queue ?? config.async.queue;
  const span = tracer && startEnqueueSpan(tracer, task.name, queue, id);
  // The envelope carries the producer span's traceparent (the worker's run is its child), else the caller's.
  const traceparent = (span && toTraceparent(span.spanContext())) ?? captured.traceparent;
  captured.traceparent = traceparent;
  const envelope: TaskEnvelope = { v: format, task: task.name, job: { id }, args: encodedArgs, context: captured };
  const delay = task.options.delay ?? 0;
  const job: TaskJob = {
    id,
    name: task.name,
    queue,
    data: sealEnvelope(envelope, envelopeKeysFor(config), { encrypt: config.async.encrypt }),
    delay,
    attempts: task.options.attempts ?? config.async.attempts,
    backoff: task.options.backoff ?? config.async.backoff,
    // Listed for its owner (task resources) until its retention ends, which starts when the task does.
    index: owner ? { owner, at: listedAt, ttlSeconds: config.async.keep_finished + Math.ceil(delay / 1000) } : undefined,
  };
  let refId = id;
  try {
    const existing = await withTimeout(
      addOnce(backend, job, config, idempotencyKey),
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
  if (logger.isLevelEnabled('debug')) {
    logger.debug({ task: task.name, jobId: refId, queue: job.queue, delay: job.delay, repeated: refId !== id }, 'task enqueued');
  }
  return { id: refId, name: task.name, statusUrl: `/tasks/${refId}` };
}
