// What a task body calls to report on itself: progress, message, resource URL, user-facing failure, cancel signal.
import { getConfig, hasConfig } from '../config/config-store';
import { defineError } from '../errors/define-error';
import { isPymError } from '../errors/pym-error';
import { currentJob } from './job-context';
import { resourceUrlProblem } from './resource-url';

/**
 * A task gave up with a message for the user (`failOnError`). Its message is shown as `user_message` and
 * `error_description` of the task's status; the cause is logged, never shown. Not retried.
 */
export const TaskFailed = defineError('TaskFailed', 'TASK_FAILED', 500, 'The task failed');

const neverAborted = new AbortController().signal;

async function save(): Promise<void> {
  const job = currentJob();
  if (job?.save) await job.save({ ...job.state });
}

/**
 * Report the task's progress (0–100, clamped and never decreasing) and optionally a message, shown by
 * `GET /tasks/{id}`. Outside a worker-run task it does nothing.
 *
 * @example
 * await setProgress(50, 'Half the rows imported');
 */
export async function setProgress(percent: number, message?: string): Promise<void> {
  const job = currentJob();
  if (!job) return;
  const clamped = Math.max(0, Math.min(100, Math.round(Number.isFinite(percent) ? percent : 0)));
  job.state.progress = Math.max(job.state.progress, clamped);
  if (message !== undefined) job.state.message = message;
  await save();
}

/**
 * Iterate `items`, advancing the progress as each item is consumed (the last one brings it to 100).
 *
 * @example
 * for await (const row of progressItems(rows, rows.length)) await importRow(row);
 */
export async function* progressItems<T>(items: Iterable<T> | AsyncIterable<T>, total: number): AsyncGenerator<T> {
  let done = 0;
  for await (const item of items as AsyncIterable<T>) {
    yield item;
    done += 1;
    if (total > 0) await setProgress((done * 100) / total);
  }
}

/**
 * Run `fn`; if it throws, fail the task at once (no retry) with `message` for the user: the status shows it
 * as `user_message` / `error_description` with an `error_id`; the thrown error is logged under that id.
 *
 * @example
 * const rows = await failOnError('The file is not valid CSV', () => parseCsv(upload));
 */
export async function failOnError<T>(message: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (isPymError(cause) && cause.code === TaskFailed.code) throw cause;
    throw new TaskFailed(message, { cause, userMessage: message });
  }
}

/**
 * Point the finished task at the resource it made: a completed task then answers 201 with this `Location`.
 * `url` is a path on this service (`/v1/reports/2024`) or a URL on the origin of the config's `live_url`.
 *
 * @throws TypeError for any other URL (another site, `//host`, control characters).
 */
export async function setResourceUrl(url: string): Promise<void> {
  const job = currentJob();
  if (!job) return;
  const problem = resourceUrlProblem(url, hasConfig() ? getConfig().live_url : undefined);
  if (problem) throw new TypeError(`setResourceUrl: ${JSON.stringify(String(url).slice(0, 100))} cannot be a task's resource URL: ${problem}`);
  job.state.resource_url = url;
  await save();
}

/**
 * The running task's AbortSignal, aborted when the task is cancelled (`DELETE /tasks/{id}`), in whichever
 * worker runs it. Check it between steps or pass it to fetch(); outside a task, a signal never aborted.
 */
export function getTaskSignal(): AbortSignal {
  return currentJob()?.signal ?? neverAborted;
}
