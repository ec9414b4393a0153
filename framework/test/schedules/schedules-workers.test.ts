// Schedules across real worker processes: each tick runs once, as the service; a removed schedule leaves Redis.
import jwt from 'jsonwebtoken';
import { runPym } from '../helpers/spawn-pym';
import { killAll, type WorkerProcess } from '../tasks-integration/tasks-harness';
import { BASE_CONFIG, FIXTURE_DIR, createScheduleFixture, startScheduleWorker, type RecordedRun, type ScheduleFixture } from './schedules-harness';

// Spawning pym processes takes seconds, more on a loaded machine; the schedule itself runs for ~6 s.
jest.setTimeout(90_000);

let fixture: ScheduleFixture;
let workers: WorkerProcess[] = [];

beforeAll(() => {
  fixture = createScheduleFixture();
});

afterAll(async () => {
  await killAll(workers);
  await fixture?.close();
});

/** The tick time in a scheduler job id (`repeat:<scheduler id>:<millis>`). */
function tickOf(jobId: string | undefined): number {
  return Number(String(jobId).split(':').pop());
}

/** SIGTERM every worker (active runs finish first) and wait for each to exit. */
async function stopAll(): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }),
  );
  workers = [];
}

function expectServiceRun(run: RecordedRun): void {
  expect(run.userId).toBe(BASE_CONFIG.default_user_id);
  const claims = jwt.verify(run.token ?? '', BASE_CONFIG.jwt_secret, {
    issuer: BASE_CONFIG.jwt_issuer,
    audience: BASE_CONFIG.jwt_audience,
  }) as jwt.JwtPayload;
  expect(claims.sub).toBe(BASE_CONFIG.default_user_id);
}

test('two workers and an every-1 s schedule for 5 s: 4 to 6 runs, no tick run twice; removed schedules leave Redis', async () => {
  const scheduled = fixture.writeConfig({
    async: { tasks: ['tasks/**/*.ts', 'cron/**/*.ts'] },
    schedules: { 'every-second': { task: 'Beat.tick', every: 1000 } },
  });
  workers = await Promise.all([startScheduleWorker(scheduled), startScheduleWorker(scheduled)]);
  const pids = workers.map((worker) => worker.pid);

  // Both schedulers are declared under pym's id prefix: the config one and the @cron one.
  const declared = await fixture.queue().getJobSchedulers(0, -1);
  expect(declared.map((scheduler) => scheduler.key).sort()).toEqual(['pym:every-second', 'pym:heartbeat']);
  expect(declared.find((scheduler) => scheduler.key === 'pym:every-second')).toMatchObject({ every: 1000, name: 'Beat.tick' });

  // A 5 s window from the first run: collect runs until one falls past it.
  const first = await fixture.nextRun('beat');
  const inWindow = [first];
  for (;;) {
    const run = await fixture.nextRun('beat', 5);
    if (run.at >= first.at + 5000) break;
    inWindow.push(run);
  }
  expect(inWindow.length).toBeGreaterThanOrEqual(4);
  expect(inWindow.length).toBeLessThanOrEqual(6);

  // Each run ran as the service, with a valid token minted for it, in one of the two workers.
  for (const run of inWindow) {
    expectServiceRun(run);
    expect(pids).toContain(run.pid);
  }
  expectServiceRun(await fixture.nextRun('heartbeat')); // the @cron task too

  // Stop both (their active runs finish), then compare every run recorded with the tick jobs finished.
  await stopAll();
  const ticks = (await fixture.queue().getJobs(['completed', 'failed', 'active'], 0, -1)).filter((job) => job.name === 'Beat.tick');
  expect(ticks.every((job) => job.finishedOn !== undefined && job.failedReason === undefined)).toBe(true);
  const tickTimes = ticks.map((job) => tickOf(job.id)).sort((a, b) => a - b);
  expect(new Set(tickTimes).size).toBe(tickTimes.length); // one job per tick
  tickTimes.slice(1).forEach((time, index) => expect(time - tickTimes[index]).toBeGreaterThanOrEqual(1000));
  const unread = await fixture.redis.llen(fixture.key('beat'));
  // One run per tick job: the 5 s window, the run that closed it, and those recorded since.
  expect(inWindow.length + 1 + unread).toBe(ticks.length);

  // A scheduler pym does not own survives the cleanup.
  await fixture.queue().upsertJobScheduler('other-tool-yearly', { pattern: '0 0 1 1 *' }, { name: 'other-tool', data: {} });

  // Restart with the schedule gone from the config and the @cron module gone from the task globs.
  const unscheduled = fixture.writeConfig({ async: { tasks: ['tasks/**/*.ts'] } });
  const restarted = await startScheduleWorker(unscheduled);
  workers = [restarted];
  const synced = JSON.parse(await restarted.waitForLine((line) => line.includes('schedules synced'))) as { removed: string[] };
  expect(synced.removed.sort()).toEqual(['pym:every-second', 'pym:heartbeat']);
  expect((await fixture.queue().getJobSchedulers(0, -1)).map((scheduler) => scheduler.key)).toEqual(['other-tool-yearly']);
  // Their next runs are gone too: nothing of theirs waits in the delayed set.
  const delayed = await fixture.queue().getDelayed(0, -1);
  expect(delayed.map((job) => job.name)).toEqual(['other-tool']);
});

test('a worker whose config schedules an unknown task exits non-zero with one line naming it (and a did-you-mean), before taking any job', async () => {
  const configPath = fixture.writeConfig({ schedules: { nightly: { task: 'Beat.tik', cron: '0 3 * * *' } } });
  await killAll(workers); // no other worker may take the job below
  workers = [];
  const waiting = await fixture.queue().add('Beat.tick', {}); // a job it would take: it must still be waiting
  const { code, stderr } = await runPym(['worker', '--config', configPath], { cwd: FIXTURE_DIR, env: { PYM_ENV: 'test', PYM_CONFIG: undefined } });
  expect(code).toBe(1);
  expect(stderr.trim()).toBe(`pym worker: ${configPath}: schedules.nightly.task: no task is named "Beat.tik"; did you mean "Beat.tick"?`);
  // Before: it took jobs first and died with them active, left to stalled-job recovery (failed for good once stalled twice).
  expect(await waiting.getState()).toBe('waiting');
  await waiting.remove();
});
