// The status document of a task resource (GET /tasks/{id}) and the HTTP status it is served with.
import type { TaskProgressState } from './job-context';
import { CANCELLED_REASON } from './run-task-job';
import type { CancelMarker } from './task-owner-index';
import type { TaskRef } from './task-ref';
import { findTask } from './task-registry';

/** Where a task is in its life. */
export type TaskStatusName = 'queued' | 'delayed' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A link of a status document. */
export interface TaskLink {
  rel: 'self' | 'cancel';
  href: string;
  method?: 'DELETE';
}

/** The body of `GET /tasks/{id}` (schema `PymTaskStatus` of the built-in spec). */
export interface TaskStatus {
  id: string;
  name: string;
  status: TaskStatusName;
  /** 0–100, never decreasing (100 once completed). */
  progress: number;
  message: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Attempts started so far. */
  attempts: number;
  /** The task's return value (models serialized), once completed. */
  result?: unknown;
  /** The resource the task made (`setResourceUrl`), once completed. */
  resource_url?: string;
  /** Why it failed: the client-facing error, never a stack. */
  error?: { error: string; error_description: string; user_message?: string; error_id: string };
  /** `self`, and `cancel` (DELETE) while the task can still be cancelled. */
  links: TaskLink[];
}

/** What the status document is built from: a BullMQ job's fields and state, or a cancel marker. */
export interface JobSnapshot {
  id: string;
  name: string;
  /** BullMQ state: waiting, prioritized, delayed, active, completed, failed… */
  state: string;
  progress: unknown;
  timestamp: number;
  processedOn?: number;
  finishedOn?: number;
  attemptsStarted: number;
  returnvalue?: unknown;
  failedReason?: string;
  cancelled: boolean;
}

/** The fields of a BullMQ job a snapshot reads. */
export interface JobFields {
  name: string;
  progress: unknown;
  timestamp: number;
  processedOn?: number;
  finishedOn?: number;
  attemptsStarted?: number;
  attemptsMade: number;
  returnvalue?: unknown;
  failedReason?: string;
}

/**
 * The snapshot of a BullMQ job whose `state` was read before the job itself (read the other way round, a job
 * finishing in between would show `completed` with the fields of its running self, no result yet).
 */
export function snapshotOfJob(id: string, job: JobFields, state: string): JobSnapshot {
  return {
    id,
    name: job.name,
    state,
    progress: job.progress,
    timestamp: job.timestamp,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn,
    attemptsStarted: job.attemptsStarted ?? job.attemptsMade,
    returnvalue: job.returnvalue,
    failedReason: job.failedReason,
    // Cancelled when the worker ended it so; one that failed on its own before the cancel reached it stays failed.
    cancelled: job.failedReason === CANCELLED_REASON,
  };
}

const iso = (ms: number | undefined | null) => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null);

/** The URL of a task resource. */
export function taskUrl(id: string): string {
  return `/tasks/${id}`;
}

function linksFor(id: string, status: TaskStatusName): TaskLink[] {
  const self: TaskLink = { rel: 'self', href: taskUrl(id) };
  const live = status === 'queued' || status === 'delayed' || status === 'running';
  return live ? [self, { rel: 'cancel', method: 'DELETE', href: taskUrl(id) }] : [self];
}

function statusName(snapshot: JobSnapshot): TaskStatusName {
  switch (snapshot.state) {
    case 'delayed':
      return 'delayed';
    case 'active':
      return 'running';
    case 'completed':
      return 'completed';
    case 'failed':
      return snapshot.cancelled ? 'cancelled' : 'failed';
    default:
      return 'queued';
  }
}

/** The status document of a job. */
export function statusOfJob(snapshot: JobSnapshot): TaskStatus {
  const status = statusName(snapshot);
  const stored = (typeof snapshot.progress === 'object' && snapshot.progress !== null ? snapshot.progress : {}) as Partial<TaskProgressState>;
  const doc: TaskStatus = {
    id: snapshot.id,
    name: snapshot.name,
    status,
    progress: status === 'completed' ? 100 : Math.max(0, Math.min(100, Number(stored.progress ?? 0) || 0)),
    message: stored.message ?? null,
    created_at: iso(snapshot.timestamp) ?? new Date(0).toISOString(),
    started_at: iso(snapshot.processedOn),
    finished_at: status === 'completed' || status === 'failed' || status === 'cancelled' ? iso(snapshot.finishedOn) : null,
    attempts: snapshot.attemptsStarted,
    links: linksFor(snapshot.id, status),
  };
  if (status === 'completed') {
    doc.result = snapshot.returnvalue ?? null;
    if (stored.resource_url) doc.resource_url = stored.resource_url;
  }
  if (status === 'failed') {
    doc.error = stored.error ?? { error: 'SERVER_ERROR', error_description: 'An unexpected error occurred', error_id: 'unknown' };
  }
  return doc;
}

/** The status document of a task removed by a cancel before it ran. */
export function statusOfMarker(marker: CancelMarker): TaskStatus {
  return {
    id: marker.id,
    name: marker.name,
    status: 'cancelled',
    progress: 0,
    message: null,
    created_at: iso(marker.created_at) ?? new Date(0).toISOString(),
    started_at: null,
    finished_at: iso(marker.cancelled_at),
    attempts: 0,
    links: linksFor(marker.id, 'cancelled'),
  };
}

/** The status document of a task just enqueued (what `accepted(ref)` sends): delayed when its task has a delay. */
export function statusOfRef(ref: TaskRef, now = Date.now()): TaskStatus {
  const status = (findTask(ref.name)?.options.delay ?? 0) > 0 ? 'delayed' : 'queued';
  return {
    id: ref.id,
    name: ref.name,
    status,
    progress: 0,
    message: null,
    created_at: new Date(now).toISOString(),
    started_at: null,
    finished_at: null,
    attempts: 0,
    links: linksFor(ref.id, status),
  };
}

/**
 * The HTTP status a status document is served with: 202 while queued, delayed or running; 201 for a
 * completed task that made a resource (with `Location` on it), else 200.
 */
export function httpStatusOf(doc: TaskStatus): { status: number; headers: Record<string, string> } {
  if (doc.status === 'queued' || doc.status === 'delayed' || doc.status === 'running') return { status: 202, headers: {} };
  if (doc.status === 'completed' && doc.resource_url) return { status: 201, headers: { Location: doc.resource_url } };
  return { status: 200, headers: {} };
}
