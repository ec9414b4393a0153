// Idempotency-Key at enqueue: claim the key for a new task, or answer with the task that holds it (if it exists).
import { createHmac } from 'node:crypto';
import type { PymConfig } from '../config/config-schema';
import type { EnvelopeKeys } from './envelope-keys';
import type { BullmqHandle } from './task-backend';
import { TaskQueueUnavailable } from './task-errors';
import { claimIdempotencyKey, idempotencyClaimAge, taskKeys, takeOverIdempotencyKey } from './task-owner-index';

/**
 * A claim whose task is nowhere (no job, no cancel marker) is abandoned once this old, or twice
 * `async.enqueue_timeout` if longer: its request failed after claiming (the add refused, or lost with a Redis that
 * went down or failed over), and an add sent late by a reconnecting connection lands within seconds.
 */
export const ABANDONED_CLAIM_MS = 5000;

/**
 * The task id of an Idempotency-Key: a UUID (version 8) from an HMAC of owner, task and key under the envelope's seal
 * key, so that it can neither be guessed nor collide across owners, tasks or services.
 */
export function idempotentTaskId(keys: EnvelopeKeys, owner: string, taskName: string, key: string): string {
  const bytes = createHmac('sha256', keys.sealKey).update(`pym task idempotency v1\n${owner}\n${taskName}\n${key}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What claimTaskKey needs of the job being enqueued. */
export interface ClaimedJob {
  id: string;
  name: string;
  queue: string;
  owner: string;
  ttlSeconds: number;
}

/**
 * Claim `idempotencyKey` of `job.owner` and `job.name` for `job.id`: resolves to undefined when claimed (enqueue the
 * job), else to the id of the task that holds the key. A holder whose task is not in Redis is not answered with
 * (that id would lead nowhere): when it is `job.id` itself (ids derive from the key), the job is added again; a
 * holder with another id (a claim made before ids derived from keys) may still be on its way: TASK_QUEUE_UNAVAILABLE
 * (the client retries) until its claim is abandoned, then the key is taken over for `job.id`.
 */
export async function claimTaskKey(handle: BullmqHandle, config: PymConfig, job: ClaimedJob, idempotencyKey: string): Promise<string | undefined> {
  const { redis } = handle;
  const key = taskKeys.idempotency(config.async.prefix, job.owner, job.name, idempotencyKey);
  const holder = await claimIdempotencyKey(redis, key, job.id, job.ttlSeconds);
  if (holder === undefined) return undefined;
  // The job first (one read on a repeat); a cancel marker keeps a removed queued task readable, so it counts too.
  if ((await redis.exists(handle.queue(job.queue).toKey(holder))) > 0) return holder;
  if ((await redis.exists(taskKeys.cancelled(config.async.prefix, holder))) > 0) return holder;
  // The id derives from the key (idempotentTaskId): the holder is this very task, whose add was lost (its request
  // died between the claim and the add, or Redis lost it). Adding it again is safe: BullMQ adds nothing under an id it
  // holds, so a late first add and this one make one job.
  if (holder === job.id) return undefined;
  const age = await idempotencyClaimAge(redis, key, job.ttlSeconds);
  if (age === undefined) return claimTaskKey(handle, config, job, idempotencyKey); // expired meanwhile: claim it anew
  if (age < Math.max(ABANDONED_CLAIM_MS, 2 * config.async.enqueue_timeout)) {
    throw new TaskQueueUnavailable(`The task of this Idempotency-Key is still being enqueued by another request; retry with the same key`);
  }
  if (await takeOverIdempotencyKey(redis, key, holder, job.id, job.ttlSeconds)) return undefined;
  return claimTaskKey(handle, config, job, idempotencyKey); // another request took it over first: answer with its task
}
