// The reports' storage contract: written by background tasks (in worker processes), read by the API.
import type { Digest, LoanReport } from '../../apis/reports.models';

/** The loan reports kept, as the digest counts them. */
export interface ReportIndex {
  /** How many loan reports are kept (not yet expired). */
  count: number;
  /** The most recent one, if any. */
  latestId?: string;
}

/**
 * Where loan reports and the digest live. Shared by every process, like notifications: tasks write them
 * in a worker process, the server reads them. Writes are idempotent (a retried task writes the same
 * report under the same id again). Reports expire after REPORT_RETENTION_SECONDS.
 */
export interface ReportStore {
  /** Store a finished loan report (replacing one with the same id). */
  saveLoanReport(report: LoanReport): Promise<void>;
  /** The loan report with this id, unless it does not exist or expired. */
  getLoanReport(reportId: string): Promise<LoanReport | undefined>;
  /** How many loan reports are kept, and the latest one. */
  loanReportIndex(): Promise<ReportIndex>;
  /** Replace the digest. */
  saveDigest(digest: Digest): Promise<void>;
  /** The latest digest, if one was written. */
  getDigest(): Promise<Digest | undefined>;
}

/** How long a loan report is kept: a week. */
export const REPORT_RETENTION_SECONDS = 7 * 24 * 3600;
