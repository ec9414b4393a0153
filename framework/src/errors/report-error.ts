// Error reports: what the `reportError` hook receives, and a caller that can never break a response.
import type { Logger } from 'pino';
import { forgetRedisCommandArgs } from './forget-redis-command-args';
import type { PymError } from './pym-error';

/** One reported error (every 5xx of an endpoint, every failure of a task). */
export interface ErrorReport {
  /** Returned to the client as `error_id` and present in the log line. */
  errorId: string;
  code: string;
  status: number;
  /** The internal message (may contain details not shown to the client). */
  message: string;
  error: PymError;
  /** The original error, when the PymError wraps one. */
  cause?: unknown;
  /** The request being served, for endpoint errors. */
  request?: { requestId: string; method: string; url: string; userId?: string; operationId?: string };
  /** The task being run, for task errors. */
  task?: { name: string; jobId: string; attempt: number; userId?: string; requestId?: string };
}

/** The `reportError` hook: send the report to Sentry, Slack, a pager… */
export type ErrorReporter = (report: ErrorReport) => void | Promise<void>;

/**
 * Call the reporter without awaiting it: a reporter that throws, rejects or hangs is logged and
 * never delays or changes the response.
 */
export function reportSafely(reporter: ErrorReporter | undefined, report: ErrorReport, logger: Logger): void {
  if (!reporter) return;
  // The hook usually ships the report out (Sentry…): no Redis password or job data with it.
  forgetRedisCommandArgs(report.error);
  forgetRedisCommandArgs(report.cause);
  const onFailure = (failure: unknown): void => {
    logger.warn({ errorId: report.errorId, err: failure }, 'reportError hook failed');
  };
  try {
    const pending = reporter(report);
    if (pending && typeof (pending as Promise<void>).then === 'function') (pending as Promise<void>).then(undefined, onFailure);
  } catch (failure) {
    onFailure(failure);
  }
}
