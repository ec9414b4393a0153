// The seam between enqueueing and the queue: BullMQ in production, an in-process runner as dev fallback.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SealedEnvelope } from './envelope';
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
  readonly redis: Redis;
  /** The Queue of that name (created on first use). */
  queue(name: string): Queue;
}

let current: TaskBackend | undefined;
let factory: (() => TaskBackend) | undefined;

/** Install the backend tasks are enqueued to (createApp / the worker do; tests may too). */
export function setTaskBackend(backend: TaskBackend | undefined): void {
  current = backend;
}

/** Install how a backend is made on first use (the BullMQ one by default). */
export function setTaskBackendFactory(make: () => TaskBackend): void {
  factory = make;
}

/**
 * The current backend, created on first use by the installed factory, else by `fallback` (how a plain
 * script, which never called createApp() or startWorker(), gets one).
 */
export function getTaskBackend(fallback?: () => TaskBackend): TaskBackend {
  if (!current) {
    const make = factory ?? fallback;
    if (!make) throw new Error('No task backend: call createApp() or startWorker() before calling a task');
    current = make();
  }
  return current;
}

/** Close and forget the current backend. */
export async function closeTaskBackend(): Promise<void> {
  const backend = current;
  current = undefined;
  await backend?.close();
}
