// Schedules: check what @cron and the `schedules` config section declare, and sync it to BullMQ job schedulers.
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { ConfigError, type ConfigProblem } from '../config/config-error';
import { didYouMean } from '../config/schema-problems';
import { sealEnvelope, type EnvelopeFormat, type TaskEnvelope } from './envelope';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { openRedis } from './redis-connection';
import { SCHEDULER_ID_PREFIX, scheduleProblem, type ScheduleDefinition } from './schedule-options';
import { listCronSchedules } from './schedule-registry';
import { findTask, listTasks } from './task-registry';

/** A checked schedule, with the task it runs and the queue its runs go to. */
export interface ResolvedSchedule extends ScheduleDefinition {
  /** The BullMQ job scheduler id: `pym:<name>`. */
  readonly schedulerId: string;
  /** The queue its runs go to (the task's queue). */
  readonly queue: string;
}

/** Options of syncSchedules. */
export interface SyncSchedulesOptions {
  config: PymConfig;
  logger: Logger;
  /** Queues whose pym-owned schedulers are reconciled (those the worker consumes). */
  queues: readonly string[];
}

/** What syncSchedules did. */
export interface SyncedSchedules {
  /** Names of the schedules declared (created or updated). */
  declared: string[];
  /** Scheduler ids removed because nothing declares them any more. */
  removed: string[];
}

/**
 * Every schedule of the service: the @cron ones (from the task modules loaded) and the `schedules` section
 * of the config, checked. Problems (an unknown task, with a did-you-mean; an invalid cron pattern or time
 * zone; a name used twice; no `default_user_id` to run them as) are thrown together as one ConfigError.
 */
export function resolveSchedules(config: PymConfig): ResolvedSchedule[] {
  const problems: ConfigProblem[] = [];
  const declared = [...listCronSchedules()];
  for (const [name, entry] of Object.entries(config.schedules)) {
    const key = `schedules.${name}`;
    const clash = declared.find((schedule) => schedule.name === name);
    if (clash) problems.push({ key, message: `the name "${name}" is also used by ${clash.source}; rename one of them` });
    if (!findTask(entry.task)) problems.push({ key: `${key}.task`, message: unknownTaskMessage(entry.task) });
    declared.push({ name, task: entry.task, pattern: entry.cron, every: entry.every, tz: entry.tz, source: key });
  }
  const resolved: ResolvedSchedule[] = [];
  for (const schedule of declared) {
    const problem = scheduleProblem(schedule);
    if (problem) problems.push({ key: schedule.source, message: problem }); // @cron ones were checked when decorated
    const task = findTask(schedule.task);
    if (task) resolved.push({ ...schedule, schedulerId: SCHEDULER_ID_PREFIX + schedule.name, queue: task.options.queue ?? config.async.queue });
  }
  if (declared.length > 0 && !config.default_user_id) {
    problems.push({ key: 'default_user_id', message: `scheduled tasks run as the service: set default_user_id (schedules: ${declared.map((s) => s.name).join(', ')})` });
  }
  if (declared.length > 0 && !config.jwt_secret) {
    problems.push({ key: 'jwt_secret', message: 'scheduled tasks run with a token minted by the service: set jwt_secret' });
  }
  if (problems.length > 0) throw new ConfigError(config.file, problems);
  return resolved.sort((a, b) => a.name.localeCompare(b.name));
}

function unknownTaskMessage(name: string): string {
  const names = listTasks().map((task) => task.name);
  const suggestion = didYouMean(name, names);
  if (suggestion) return `no task is named "${name}"; did you mean "${suggestion}"?`;
  if (names.length === 0) return `no task is named "${name}" (no task is registered: check the async.tasks globs)`;
  return `no task is named "${name}" (registered tasks: ${names.join(', ')})`;
}

/** The job data of every run of a schedule: an envelope with no arguments, marked to run as the service. */
const declaredIds = new WeakMap<PymConfig, ReadonlySet<string>>();

/**
 * Whether `schedulerId` is one of the service's schedules (checked by a worker before running a scheduled
 * envelope: a removed schedule's runs, or copies of its sealed template, do not run). A config whose schedules
 * do not resolve declares none (a worker refuses to start with it anyway).
 */
export function isDeclaredScheduler(config: PymConfig, schedulerId: string): boolean {
  let ids = declaredIds.get(config);
  if (!ids) {
    let resolved: ResolvedSchedule[] = [];
    try {
      resolved = resolveSchedules(config);
    } catch {
      // ConfigError: reported at startup; nothing scheduled runs meanwhile
    }
    ids = new Set(resolved.map((schedule) => schedule.schedulerId));
    declaredIds.set(config, ids);
  }
  return ids.has(schedulerId);
}

/**
 * The request id of a scheduled run: derived from its job id (one per tick, shared by the run's attempts), in the
 * form of a UUID, since the envelope every run shares has none.
 */
export function scheduledRunRequestId(jobId: string): string {
  const hex = createHash('sha256').update(jobId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function scheduleEnvelope(task: string, scheduler: string, format: EnvelopeFormat): TaskEnvelope {
  return { v: format, task, job: { scheduler }, args: [], context: { enqueuedAt: Date.now(), service: true } };
}

/**
 * Declare every schedule to BullMQ (Queue.upsertJobScheduler, so that each tick runs once whatever the
 * number of workers), then remove from `queues` the pym-owned schedulers (id `pym:…`) that nothing declares
 * any more. Run by every worker at startup, after its consumers are ready; the last worker started wins.
 *
 * @throws ConfigError from resolveSchedules, before anything is written to Redis.
 */
export async function syncSchedules(options: SyncSchedulesOptions): Promise<SyncedSchedules> {
  const { config, logger } = options;
  const schedules = resolveSchedules(config);
  const queueNames = [...new Set([...options.queues, ...schedules.map((schedule) => schedule.queue)])].sort();
  if (schedules.length === 0 && queueNames.length === 0) return { declared: [], removed: [] };
  const redis = openRedis(config.async.redis_url, 'worker', logger);
  const keepFor = { age: config.async.keep_finished };
  const removed: string[] = [];
  try {
    for (const queueName of queueNames) {
      const queue = new Queue(queueName, { connection: redis, prefix: config.async.prefix });
      queue.on('error', () => undefined); // connection errors are logged once by openRedis
      try {
        const here = schedules.filter((schedule) => schedule.queue === queueName);
        for (const schedule of here) {
          const task = findTask(schedule.task)!;
          const repeat = schedule.every !== undefined ? { every: schedule.every } : { pattern: schedule.pattern, tz: schedule.tz };
          const data = sealEnvelope(scheduleEnvelope(task.name, schedule.schedulerId, config.async.envelope_format), envelopeKeysFor(config), { encrypt: config.async.encrypt });
          await queue.upsertJobScheduler(schedule.schedulerId, repeat, {
            name: task.name,
            data,
            opts: {
              attempts: task.options.attempts ?? config.async.attempts,
              backoff: task.options.backoff ?? config.async.backoff,
              removeOnComplete: keepFor,
              removeOnFail: keepFor,
            },
          });
        }
        const wanted = new Set(here.map((schedule) => schedule.schedulerId));
        for (const existing of await queue.getJobSchedulers(0, -1)) {
          const id = existing.id ?? existing.key;
          if (!id.startsWith(SCHEDULER_ID_PREFIX) || wanted.has(id)) continue;
          await queue.removeJobScheduler(id);
          // Its pending run too: BullMQ removes a delayed one, not one already waiting (an `every` schedule's first run).
          if (existing.next !== undefined) await queue.remove(`repeat:${id}:${existing.next}`).catch(() => 0);
          removed.push(id);
        }
      } finally {
        await queue.close();
      }
    }
  } finally {
    redis.disconnect();
  }
  const declared = schedules.map((schedule) => schedule.name);
  if (declared.length > 0 || removed.length > 0) logger.info({ declared, removed }, `schedules synced (${declared.length} declared, ${removed.length} removed)`);
  return { declared, removed };
}
