// The running job of the current task (held by its request context): its progress state, cancel signal and BullMQ handle.
import { currentContext } from '../context/request-context';

/** What a task's status document shows beyond BullMQ's own fields (stored as the job's progress object). */
export interface TaskProgressState {
  /** 0–100. */
  progress: number;
  message: string | null;
  resource_url: string | null;
  /** Set on the final failure: the client-facing error. */
  error?: { error: string; error_description: string; user_message?: string; error_id: string };
}

/** The job a task body runs for. */
export interface JobContext {
  readonly jobId: string;
  readonly state: TaskProgressState;
  /** Aborted when the task is cancelled (DELETE /tasks/{id}). */
  readonly signal: AbortSignal;
  /** Persist `state` (BullMQ `job.updateProgress`); absent where nothing can be stored (the in-process fallback). */
  readonly save?: (state: TaskProgressState) => Promise<void>;
}

/** The running job, or undefined outside a task run by a worker (run-task-job puts it in the task's context). */
export function currentJob(): JobContext | undefined {
  return currentContext()?.job;
}

/** A fresh progress state. */
export function initialProgress(): TaskProgressState {
  return { progress: 0, message: null, resource_url: null };
}
