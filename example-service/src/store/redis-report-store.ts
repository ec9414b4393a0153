// ReportStore in Redis: one string per loan report, an index by time, and the digest, under `async.prefix`.
import { Digest, LoanReport } from '../../apis/reports.models';
import type { RedisHandle } from './redis-connection';
import { REPORT_RETENTION_SECONDS, type ReportIndex, type ReportStore } from './report-store';

/**
 * A ReportStore in Redis, next to the notifications and BullMQ's keys:
 * - `<prefix>:reports:loans:<id>`: a loan report's wire JSON, expiring after REPORT_RETENTION_SECONDS;
 * - `<prefix>:reports:loans`: a sorted set of report ids by creation time (expired ones are trimmed on read);
 * - `<prefix>:reports:digest`: the latest digest's wire JSON.
 */
export class RedisReportStore implements ReportStore {
  /** @param connect - the shared connection (see lazyRedis): opened on first use, not when the store is made. */
  constructor(private readonly connect: () => RedisHandle) {}

  async saveLoanReport(report: LoanReport): Promise<void> {
    const { redis, prefix } = this.connect();
    await redis
      .multi()
      .set(`${prefix}:reports:loans:${report.id}`, JSON.stringify(report), 'EX', REPORT_RETENTION_SECONDS)
      .zadd(`${prefix}:reports:loans`, report.createdAt.getTime(), report.id)
      .exec();
  }

  async getLoanReport(reportId: string): Promise<LoanReport | undefined> {
    const { redis, prefix } = this.connect();
    const json = await redis.get(`${prefix}:reports:loans:${reportId}`);
    return json === null ? undefined : LoanReport.fromJSON(JSON.parse(json));
  }

  async loanReportIndex(): Promise<ReportIndex> {
    const { redis, prefix } = this.connect();
    const index = `${prefix}:reports:loans`;
    await redis.zremrangebyscore(index, '-inf', Date.now() - REPORT_RETENTION_SECONDS * 1000);
    const [count, latest] = await Promise.all([redis.zcard(index), redis.zrange(index, '-1', '-1')]);
    return { count, ...(latest[0] !== undefined && { latestId: latest[0] }) };
  }

  async saveDigest(digest: Digest): Promise<void> {
    const { redis, prefix } = this.connect();
    await redis.set(`${prefix}:reports:digest`, JSON.stringify(digest));
  }

  async getDigest(): Promise<Digest | undefined> {
    const { redis, prefix } = this.connect();
    const json = await redis.get(`${prefix}:reports:digest`);
    return json === null ? undefined : Digest.fromJSON(JSON.parse(json));
  }
}
