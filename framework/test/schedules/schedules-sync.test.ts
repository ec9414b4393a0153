// resolveSchedules and syncSchedules in-process, against the real Redis: checks with clear errors, upsert, cleanup, service context.
import { ConfigError, createLogger, loadConfig, setConfig, type PymConfig } from '@pym/framework';
import { openEnvelope } from '../../src/tasks/envelope';
import { envelopeKeysFor } from '../../src/tasks/envelope-keys-from-config';
import { runTaskJob } from '../../src/tasks/run-task-job';
import { resolveSchedules, syncSchedules } from '../../src/tasks/schedules';
import { closeObservations } from '../fixtures/schedules-service/src/lib/observations';
import '../fixtures/schedules-service/src/tasks/beat.tasks';
import { BASE_CONFIG, createScheduleFixture, type ConfigOverrides, type ScheduleFixture } from './schedules-harness';

let fixture: ScheduleFixture;
const logger = createLogger({ level: 'silent' });

beforeAll(() => {
  fixture = createScheduleFixture();
});

afterAll(async () => {
  closeObservations();
  await fixture?.close();
});

function configWith(overrides: ConfigOverrides): PymConfig {
  return loadConfig({ configPath: fixture.writeConfig(overrides), environment: {} });
}

function resolveError(overrides: ConfigOverrides): ConfigError {
  const config = configWith(overrides);
  try {
    resolveSchedules(config);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(config.file)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('resolveSchedules accepted the config');
}

test('a config schedule naming an unknown task is a startup error with a did-you-mean', () => {
  const error = resolveError({ schedules: { nightly: { task: 'Beat.tik', every: 1000 } } });
  expect(error.problems).toEqual([{ key: 'schedules.nightly.task', message: 'no task is named "Beat.tik"; did you mean "Beat.tick"?' }]);
  const far = resolveError({ schedules: { nightly: { task: 'Reports.nightly', cron: '0 3 * * *' } } });
  expect(far.problems[0].message).toBe('no task is named "Reports.nightly" (registered tasks: Beat.tick)');
});

test('an invalid cron pattern or time zone in the config is a startup error naming the schedule and the pattern', () => {
  const error = resolveError({ schedules: { nightly: { task: 'Beat.tick', cron: '0 25 * * *' } } });
  expect(error.problems).toEqual([{ key: 'schedules.nightly', message: expect.stringMatching(/^invalid cron pattern "0 25 \* \* \*": .*25/) }]);
  expect(resolveError({ schedules: { nightly: { task: 'Beat.tick', cron: '0 3 * * *', tz: 'Nowhere/Town' } } }).problems[0].message).toBe(
    'unknown time zone "Nowhere/Town" (expected an IANA name like Europe/Paris)',
  );
  expect(resolveError({ schedules: { both: { task: 'Beat.tick', cron: '0 3 * * *', every: 5 } } }).problems[0].message).toBe(
    'give exactly one of a cron pattern and "every" (milliseconds)',
  );
});

test('a misspelt key inside a schedule is refused when the config loads, naming it', () => {
  expect(() => configWith({ schedules: { nightly: { task: 'Beat.tick', crn: '0 3 * * *' } } })).toThrow(/: schedules\.nightly\.crn: unknown key/);
});

test('schedules need default_user_id: they run as the service', () => {
  const error = resolveError({ default_user_id: undefined, schedules: { beat: { task: 'Beat.tick', every: 1000 } } });
  expect(error.problems).toEqual([{ key: 'default_user_id', message: 'scheduled tasks run as the service: set default_user_id (schedules: beat)' }]);
});

test('sync declares each schedule as a pym: job scheduler whose runs carry a sealed service envelope, once however often it runs', async () => {
  const config = configWith({ schedules: { 'every-hour': { task: 'Beat.tick', every: 3_600_000 }, nightly: { task: 'Beat.tick', cron: '0 3 * * *', tz: 'Europe/Paris' } } });
  const queue = fixture.queue();
  expect(await syncSchedules({ config, logger, queues: ['tasks'] })).toEqual({ declared: ['every-hour', 'nightly'], removed: [] });
  expect(await syncSchedules({ config, logger, queues: ['tasks'] })).toEqual({ declared: ['every-hour', 'nightly'], removed: [] });

  const schedulers = await queue.getJobSchedulers(0, -1);
  expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(['pym:every-hour', 'pym:nightly']);
  expect(schedulers.find((scheduler) => scheduler.key === 'pym:nightly')).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Paris', name: 'Beat.tick' });
  // Synced twice, yet one next run per schedule (an `every` one runs at once when first declared, a cron one at its time).
  const pending = await queue.getJobs(['waiting', 'delayed'], 0, -1);
  expect(pending.map((job) => String(job.id).split(':').slice(0, 3).join(':')).sort()).toEqual(['repeat:pym:every-hour', 'repeat:pym:nightly']);

  // The template is a sealed envelope like any task job: no arguments, marked to run as the service.
  const template = (await queue.getJobScheduler('pym:every-hour'))!.template!;
  const envelope = openEnvelope(template.data, envelopeKeysFor(config), { jobName: 'Beat.tick' });
  expect(envelope).toMatchObject({ v: 3, task: 'Beat.tick', job: { scheduler: 'pym:every-hour' }, args: [], context: { service: true } });
  expect(envelope.context.token).toBeUndefined(); // no stored token to expire: the worker mints one per run
  expect(template.opts).toMatchObject({ attempts: 1, removeOnComplete: { age: config.async.keep_finished } });

  // Run by a worker, it sees the service's identity.
  setConfig(config);
  await runTaskJob({ id: 'repeat:pym:every-hour:1', name: 'Beat.tick', data: template.data, attemptsMade: 0, opts: { attempts: 1 } }, { config, logger });
  const run = await fixture.nextRun('beat', 5);
  expect(run.userId).toBe(BASE_CONFIG.default_user_id);
  expect(run.token).toEqual(expect.any(String));

  // A worker whose config no longer declares the schedule refuses its runs (a leftover run, or a copy of the
  // sealed template under a made-up run id), without running them.
  const withoutIt = configWith({ schedules: { nightly: { task: 'Beat.tick', cron: '0 3 * * *', tz: 'Europe/Paris' } } });
  setConfig(withoutIt);
  const reports: { message: string }[] = [];
  const refused = runTaskJob(
    { id: 'repeat:pym:every-hour:2', name: 'Beat.tick', data: template.data, attemptsMade: 0, opts: { attempts: 1 } },
    { config: withoutIt, logger, reportError: (report) => void reports.push(report) },
  );
  await expect(refused).rejects.toThrow(/^TASK_ENVELOPE_REJECTED \(error_id /); // what BullMQ keeps: code and error id
  expect(reports).toEqual([expect.objectContaining({ message: expect.stringMatching(/schedule pym:every-hour, which this service does not declare/) })]);
  expect(await fixture.redis.llen(fixture.key('beat'))).toBe(0);
});

test('sync removes the pym: schedulers nothing declares any more and leaves the others; a bad config changes nothing', async () => {
  const queue = fixture.queue();
  const first = await syncSchedules({ config: configWith({ schedules: { kept: { task: 'Beat.tick', every: 3_600_000 }, dropped: { task: 'Beat.tick', every: 3_600_000 } } }), logger, queues: ['tasks'] });
  expect(first.removed.sort()).toEqual(['pym:every-hour', 'pym:nightly']); // the previous test's
  await queue.upsertJobScheduler('someone-else', { pattern: '0 0 1 1 *' }, { name: 'other', data: {} });
  const before = (await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort();

  await expect(syncSchedules({ config: configWith({ schedules: { kept: { task: 'Beat.tik', every: 1000 } } }), logger, queues: ['tasks'] })).rejects.toThrow(ConfigError);
  expect((await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort()).toEqual(before);

  const synced = await syncSchedules({ config: configWith({ schedules: { kept: { task: 'Beat.tick', every: 3_600_000 } } }), logger, queues: ['tasks'] });
  expect(synced.removed).toEqual(['pym:dropped']);
  expect((await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort()).toEqual(['pym:kept', 'someone-else']);
  // The removed schedules' pending runs are gone with them.
  const pending = await queue.getJobs(['waiting', 'delayed'], 0, -1);
  expect(pending.map((job) => String(job.id).split(':').slice(0, 2).join(':')).sort()).toEqual(['repeat:pym', 'repeat:someone-else']);
  expect(pending.map((job) => String(job.id)).filter((id) => id.startsWith('repeat:pym:')).map((id) => id.split(':')[2])).toEqual(['kept']);
});
