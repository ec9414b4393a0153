// Schedules: what @cron and the `schedules` config section declare, and the checks both go through.
import { getNextMillis } from 'bullmq';

/** Options of `@cron(options)`: exactly one of `pattern` and `every`. */
export interface CronOptions {
  /** A cron expression (5 fields, or 6 with seconds first), e.g. `0 3 * * *`. */
  pattern?: string;
  /** Run every this many milliseconds instead of on a cron pattern. */
  every?: number;
  /** Stable schedule name (its Redis scheduler is `pym:<name>`). @defaultValue the task name */
  name?: string;
  /** IANA time zone the cron pattern is read in, e.g. `Europe/Paris`. @defaultValue the worker's zone */
  tz?: string;
}

/** One declared schedule, from a @cron decorator or from the `schedules` config section. */
export interface ScheduleDefinition {
  /** The schedule's name (unique in a service). */
  readonly name: string;
  /** The name of the registered task it runs. */
  readonly task: string;
  readonly pattern?: string;
  readonly every?: number;
  readonly tz?: string;
  /** Where it was declared, for error messages: `@cron on Reports.nightly`, `schedules.nightly-report`. */
  readonly source: string;
}

/**
 * Prefix of the BullMQ job scheduler ids pym owns. A scheduler with this prefix that no @cron or config
 * entry declares any more is removed when a worker starts; schedulers without it are left alone.
 */
export const SCHEDULER_ID_PREFIX = 'pym:';

/** The rule schedule names follow (they become part of Redis keys and job ids). */
export const SCHEDULE_NAME = /^[A-Za-z0-9_.-]+$/;

/** What is wrong with a schedule's timing, or undefined when it is valid. */
export function scheduleProblem(schedule: Pick<ScheduleDefinition, 'pattern' | 'every' | 'tz'>): string | undefined {
  const { pattern, every, tz } = schedule;
  if ((pattern === undefined) === (every === undefined)) return 'give exactly one of a cron pattern and "every" (milliseconds)';
  if (every !== undefined) {
    if (!Number.isInteger(every) || every <= 0) return `"every" must be a whole number of milliseconds > 0 (got ${String(every)})`;
    if (tz !== undefined) return '"tz" only applies to a cron pattern, not to "every"';
    return undefined;
  }
  if (tz !== undefined && !isTimeZone(tz)) return `unknown time zone "${tz}" (expected an IANA name like Europe/Paris)`;
  if (typeof pattern !== 'string' || pattern.trim() === '') return 'the cron pattern is empty';
  try {
    if (getNextMillis(Date.now(), { pattern, tz }) === undefined) return `cron pattern "${pattern}" never fires`;
  } catch (cause) {
    return `invalid cron pattern "${pattern}": ${(cause as Error).message}`;
  }
  return undefined;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
