// Calling an @asyncTask method: serialize the arguments, capture the context, seal, add the job (once per Idempotency-Key).
import { createHmac, randomUUID } from 'node:crypto';
import type { PymConfig } from '../config/config-schema';
import { getConfig, hasConfig, setConfig } from '../config/config-store';
import { loadConfig } from '../config/load-config';
import { currentContext } from '../context/request-context';
import { isPymError } from '../errors/pym-error';
import { getLogger } from '../logging/logger';
import { registryModelCodec } from '../models/task-model-codec';
import { createBullmqBackend } from './bullmq-backend';
import { sealEnvelope, type TaskContext } from './envelope';
import type { EnvelopeKeys } from './envelope-keys';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { whenReady } from './redis-connection';
import { serializeArgs } from './serialize-args';
import { getTaskBackend, type TaskBackend, type TaskJob } from './task-backend';
import { TaskQueueUnavailable } from './task-errors';
import { claimIdempotencyKey, readCancelMarker, taskKeys } from './task-owner-index';
import type { TaskDefinition } from './task-options';
import type { TaskRef } from './task-ref';
import { withTimeout } from './with-timeout';

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
 * The task id of an Idempotency-Key: a UUID (version 8) from an HMAC of owner, task and key under the envelope's seal
 * key, so that it can neither be guessed nor collide across owners, tasks or services.
 */
function idempotentTaskId(keys: EnvelopeKeys, owner: string, taskName: string, key: string): string {
  const bytes = createHmac('sha256', keys.sealKey).update(`pym task idempotency v1\n${owner}\n${taskName}\n${key}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
    if (existing) return existing; // a task enqueued under that key by an earlier version (a random id)
    // Our id: a first claim, or a retry (the id derives from the key). A task cancelled before it ran was removed:
    // its id stays the answer. Otherwise add: BullMQ adds nothing when a job has the id (the first call's add
    // landed), and adds it when not (that call died between its claim and its add, or its add failed).
    if (await readCancelMarker(redis, config.async.prefix, job.id)) return job.id;
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
  const context = captureContext();
  const sub = context.claims?.sub;
  const idempotencyKey = currentContext()?.idempotencyKey;
  // With an Idempotency-Key the id is derived from it: adding the job is then idempotent in itself (BullMQ adds no
  // job under an id it holds), so a server killed between claiming the key and adding the job leaves nothing a
  // retry cannot complete, and an add that lands late cannot make a second task.
  const id: string =
    idempotencyKey && typeof sub === 'string' && sub.length > 0 ? idempotentTaskId(envelopeKeysFor(config), sub, task.name, idempotencyKey) : randomUUID();
  const envelope = { v: 2 as const, task: task.name, job: { id }, args: encodedArgs, context };
  const delay = task.options.delay ?? 0;
  const job: TaskJob = {
    id,
    name: task.name,
    queue: task.options.queue ?? config.async.queue,
    data: sealEnvelope(envelope, envelopeKeysFor(config), { encrypt: config.async.encrypt }),
    delay,
    attempts: task.options.attempts ?? config.async.attempts,
    backoff: task.options.backoff ?? config.async.backoff,
    // Listed for its owner (task resources) until its retention ends, which starts when the task does.
    index: typeof sub === 'string' && sub.length > 0 ? { owner: sub, at: listedAt, ttlSeconds: config.async.keep_finished + Math.ceil(delay / 1000) } : undefined,
  };
  const logger = getLogger();
  let refId = id;
  try {
    const existing = await withTimeout(
      // Outside createApp/startWorker (a script), the BullMQ backend of the loaded config.
      addOnce(getTaskBackend(() => createBullmqBackend(config, logger)), job, config, idempotencyKey),
      config.async.enqueue_timeout,
      () => new TaskQueueUnavailable(`The task queue did not accept ${task.name} within ${config.async.enqueue_timeout} ms`),
    );
    if (existing) refId = existing; // the same Idempotency-Key again: the task it started, nothing enqueued
  } catch (cause) {
    const error = isPymError(cause) ? cause : new TaskQueueUnavailable(`The task queue refused ${task.name}`, { cause });
    logger.error({ task: task.name, jobId: job.id, err: cause }, 'task enqueue failed');
    throw error;
  }
  logger.debug({ task: task.name, jobId: refId, queue: job.queue, delay: job.delay, repeated: refId !== id }, 'task enqueued');
  return { id: refId, name: task.name, statusUrl: `/tasks/${refId}` };
}
