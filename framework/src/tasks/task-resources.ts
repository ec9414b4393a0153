// Task resources: read, list and cancel the caller's tasks (the logic behind GET/DELETE /tasks).
import type { Job, Queue } from 'bullmq';
import type { PymConfig } from '../config/config-schema';
import type { TokenClaims } from '../context/request-context';
import { defineError } from '../errors/define-error';
import { isPymError } from '../errors/pym-error';
import { getLogger } from '../logging/logger';
import { openEnvelope } from './envelope';
import type { TaskProgressState } from './job-context';
import { openProgress } from './progress-seal';
import { resourceUrlProblem } from './resource-url';
import { envelopeKeysFor } from './envelope-keys-from-config';
import type { RedisClient } from './redis-client';
import type { BullmqHandle } from './task-backend';
import { whenReady } from './redis-connection';
import { publishCancel } from './task-cancel';
import { TaskQueueUnavailable } from './task-errors';
import { ownerTaskEntries, readCancelMarker, unindexTasks, writeCancelMarker, type CancelMarker } from './task-owner-index';
import { listTasks as listTaskDefinitions } from './task-registry';
import { snapshotOfJob, statusOfJob, statusOfMarker, type TaskStatus, type TaskStatusName } from './task-status';

/** No such task for this caller: it does not exist, expired, or belongs to someone else (indistinguishable). */
export const TaskNotFound = defineError('TaskNotFound', 'TASK_NOT_FOUND', 404, 'No such task');

/** DELETE on a task that already completed or failed. */
export const TaskAlreadyFinished = defineError('TaskAlreadyFinished', 'TASK_ALREADY_FINISHED', 409, 'The task has already finished');

/** How many of an owner's most recent tasks `GET /tasks` looks through. */
export const MAX_LISTED_TASKS = 1000;

/**
 * An index entry without a job is dropped by a listing only once it is this old (or twice
 * `async.enqueue_timeout`, if longer): a younger one may be a task whose job is still being added (the index
 * entry and the job are written side by side), so it is skipped, not forgotten.
 */
export const UNINDEX_AFTER_MS = 30_000;

/** Who asks: the token's claims. */
export interface TaskCaller {
  claims: TokenClaims;
}

/** True when the caller's claims match every entry of `async.admin_claim`. */
export function isTaskAdmin(claims: TokenClaims, adminClaim: PymConfig['async']['admin_claim']): boolean {
  if (!adminClaim || Object.keys(adminClaim).length === 0) return false;
  return Object.entries(adminClaim).every(([name, expected]) => {
    const actual = claims[name];
    return Array.isArray(actual) ? actual.includes(expected) : actual === expected;
  });
}

/** A task found by id: its status document and its owner. */
interface FoundTask {
  doc: TaskStatus;
  owner: string | undefined;
  job?: Job;
  marker?: CancelMarker;
}

/** The task resources of one service: its config and BullMQ handle. */
export class TaskResources {
  private readonly prefix: string;

  /** `now` is the clock retention is judged by (tests pass their own). */
  constructor(
    private readonly config: PymConfig,
    private readonly bullmq: BullmqHandle | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = config.async.prefix;
  }

  private handle(): BullmqHandle {
    if (!this.bullmq) throw new TaskQueueUnavailable('Task resources need the Redis task queue (not available in the in-process fallback)');
    return this.bullmq;
  }

  /**
   * Run `work` on the queue's Redis once its connection is up: the producer is made on first use and queues no
   * commands while it connects or while Redis is down, so wait for it (up to async.enqueue_timeout). Redis
   * unreachable, then or meanwhile: TASK_QUEUE_UNAVAILABLE (503), as for an enqueue.
   */
  private async withQueue<T>(work: (handle: BullmqHandle) => Promise<T>): Promise<T> {
    const handle = this.handle();
    const ms = this.config.async.enqueue_timeout;
    try {
      await whenReady(handle.redis, ms);
    } catch (cause) {
      throw new TaskQueueUnavailable(`The task queue is not reachable (waited up to ${ms} ms)`, { cause });
    }
    try {
      return await work(handle);
    } catch (error) {
      if (isPymError(error) || handle.redis.status === 'ready') throw error;
      throw new TaskQueueUnavailable('The task queue connection was lost', { cause: error });
    }
  }

  private queues(): Queue[] {
    const names = new Set([this.config.async.queue, ...Object.keys(this.config.async.queues)]);
    for (const task of listTaskDefinitions()) names.add(task.options.queue ?? this.config.async.queue);
    return [...names].map((name) => this.handle().queue(name));
  }

  /**
   * The job's progress state as the status shows it: only when sealed by this service's workers for this job, and
   * its resource URL only when on this service (checked again when served, whatever wrote it).
   */
  private progressOf(job: Job): TaskProgressState | undefined {
    const opened = openProgress(envelopeKeysFor(this.config), job.id ?? '', job.progress);
    if (!opened) {
      if (job.progress !== 0 && job.progress !== undefined && job.progress !== null) getLogger().warn({ jobId: job.id }, 'task progress not sealed by this service: not shown');
      return undefined;
    }
    if (opened.resource_url !== null && resourceUrlProblem(opened.resource_url, this.config.live_url)) {
      getLogger().warn({ jobId: job.id }, "task resource URL not on this service: not shown");
      return { ...opened, resource_url: null };
    }
    return opened;
  }

  /** The owner a job's sealed envelope names (unforgeable); undefined if it does not open. */
  private ownerOf(job: Job): string | undefined {
    try {
      const sub = openEnvelope(job.data, envelopeKeysFor(this.config), { jobName: job.name, jobId: job.id }).context.claims?.sub;
      return typeof sub === 'string' ? sub : undefined;
    } catch {
      return undefined;
    }
  }

  private async find(id: string): Promise<FoundTask | undefined> {
    const { redis } = this.handle();
    const marker = await readCancelMarker(redis, this.prefix, id);
    for (const queue of this.queues()) {
      // State first, then the job: read the other way round, a job finishing in between would show
      // `completed` with the fields of its running self (no result yet).
      const state = await queue.getJobState(id);
      if (state === 'unknown') continue;
      const job = await queue.getJob(id);
      if (!job) continue;
      // BullMQ drops aged jobs only when another job of the queue finishes: on a quiet queue, retention is ours.
      const finished = state === 'completed' || state === 'failed';
      if (finished && job.finishedOn && job.finishedOn + this.config.async.keep_finished * 1000 <= this.now()) return undefined;
      const doc = statusOfJob({ ...snapshotOfJob(id, job, state), progress: this.progressOf(job) });
      return { doc, owner: this.ownerOf(job), job, marker };
    }
    return marker ? { doc: statusOfMarker(marker), owner: marker.owner, marker } : undefined;
  }

  private async findFor(id: string, caller: TaskCaller): Promise<FoundTask> {
    const found = await this.find(id);
    const mine = found?.owner !== undefined && found.owner === caller.claims.sub;
    if (!found || !(mine || isTaskAdmin(caller.claims, this.config.async.admin_claim))) {
      throw new TaskNotFound(`No task ${id}`);
    }
    return found;
  }

  /** The status of a task of the caller's (or any, for an admin); TASK_NOT_FOUND otherwise. */
  async get(id: string, caller: TaskCaller): Promise<TaskStatus> {
    return this.withQueue(async () => (await this.findFor(id, caller)).doc);
  }

  /**
   * The caller's tasks, newest first, optionally of one status. `next_offset` is set when more follow.
   * Only the caller's `MAX_LISTED_TASKS` most recent tasks are looked through.
   */
  async list(caller: TaskCaller, query: { status?: TaskStatusName; limit: number; offset: number }) {
    const owner = caller.claims.sub;
    if (!owner) return { tasks: [], limit: query.limit, offset: query.offset };
    return this.withQueue(({ redis }) => this.listOf(redis, owner, query));
  }

  private async listOf(redis: RedisClient, owner: string, query: { status?: TaskStatusName; limit: number; offset: number }) {
    const entries = await ownerTaskEntries(redis, this.prefix, owner, MAX_LISTED_TASKS);
    const settledBefore = this.now() - Math.max(UNINDEX_AFTER_MS, 2 * this.config.async.enqueue_timeout);
    const matched: TaskStatus[] = [];
    const gone: string[] = [];
    for (const { id, at } of entries) {
      const found = await this.find(id);
      if (!found) {
        if (at <= settledBefore) gone.push(id); // expired, or its enqueue failed; a younger one may be on its way
      } else if (found.owner === owner && (!query.status || found.doc.status === query.status)) matched.push(found.doc);
      if (matched.length > query.offset + query.limit) break;
    }
    await unindexTasks(redis, this.prefix, owner, gone);
    const page = matched.slice(query.offset, query.offset + query.limit);
    const more = matched.length > query.offset + query.limit;
    return { tasks: page, limit: query.limit, offset: query.offset, ...(more ? { next_offset: query.offset + query.limit } : {}) };
  }

  /**
   * Cancel a task: a queued or delayed one is removed (and reads `cancelled` afterwards); a running one is
   * told to stop through its AbortSignal, in whichever worker runs it. A finished one: TASK_ALREADY_FINISHED.
   */
  async cancel(id: string, caller: TaskCaller): Promise<TaskStatus> {
    return this.withQueue(() => this.cancelFor(id, caller));
  }

  private async cancelFor(id: string, caller: TaskCaller): Promise<TaskStatus> {
    const found = await this.findFor(id, caller);
    if (found.doc.status === 'cancelled' || (found.marker && found.doc.status === 'running')) return found.doc;
    if (found.doc.status === 'completed' || found.doc.status === 'failed') {
      throw new TaskAlreadyFinished(`Task ${id} has already ${found.doc.status === 'completed' ? 'completed' : 'failed'}`);
    }
    const { redis } = this.handle();
    const ttl = this.config.async.keep_finished;
    const marker: CancelMarker = {
      id,
      name: found.doc.name,
      owner: found.owner ?? '',
      created_at: Date.parse(found.doc.created_at),
      cancelled_at: Date.now(),
      removed: found.doc.status !== 'running',
    };
    await writeCancelMarker(redis, this.prefix, marker, ttl);
    if (marker.removed) {
      try {
        await found.job!.remove();
        return statusOfMarker(marker);
      } catch {
        // Taken by a worker meanwhile (it is locked): cancel it as a running task.
        await writeCancelMarker(redis, this.prefix, { ...marker, removed: false }, ttl);
      }
    }
    await publishCancel(redis, this.prefix, id);
    return (await this.find(id))?.doc ?? statusOfMarker(marker);
  }
}
