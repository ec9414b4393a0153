// The seam between enqueueing and the queue: BullMQ in production, an in-process runner as dev fallback.
// Each app owns its backend (see context/app-scope.ts).
import type { Queue } from 'bullmq';
import { currentAppScope } from '../context/request-context';
import { getScriptScope } from '../context/script-scope';
import type { SealedEnvelope } from './envelope';
import type { RedisClient } from './redis-client';
import type { OwnerIndexEntry } from './task-owner-index';
import type { TaskTelemetry } from './task-telemetry';

/** One job to add. */
export interface TaskJob {
  /** Unguessable job id (a UUID). */
  id: string;
  /** The task name (BullMQ job name). */
  name: string;
  /** The queue it goes to. */
  queue: string;
  /** The sealed envelope (BullMQ job data). */
  data: SealedEnvelope;
  delay: number;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
  /** List the task under its owner (`GET /tasks`), written with the job; absent for a caller without a `sub`. */
  index?: OwnerIndexEntry;
}

/** Where enqueued tasks go. */
export interface TaskBackend {
  /** Add a job; rejects when the queue cannot take it. */
  add(job: TaskJob): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
  /** The Redis side of a BullMQ backend (task resources read and cancel through it); absent in the in-process fallback. */
  readonly bullmq?: BullmqHandle;
  /** Where enqueues are counted and traced: the metrics and tracer of the app or worker that made the backend. */
  readonly telemetry?: TaskTelemetry;
}

/** What task resources need of a BullMQ backend: its producer connection and its queues. */
export interface BullmqHandle {
  readonly redis: RedisClient;
  /** The Queue of that name (created on first use). */
  queue(name: string): Queue;
}

/**
 * Close the task queue connection of the code calling it: inside a request or task, its app's; elsewhere, the
 * script's (see `setConfig`). A script that enqueued tasks calls it so that its process can exit.
 */
export async function closeTasks(): Promise<void> {
  await (currentAppScope() ?? getScriptScope())?.closeTaskBackend();
}
