// Delay wake-ups against the real Redis: PINGs go out (onWake is called once Redis answered one) per due time,
// never before it.
import IORedis from 'ioredis';
import { createDelayWakeups, type DelayWakeups } from '../../src/tasks/delay-wakeups';

const redis = new IORedis('redis://127.0.0.1:6379');
let wakeups: DelayWakeups | undefined;

afterEach(() => wakeups?.close());
afterAll(() => redis.disconnect());

test('pings Redis per due time (twice: just after it, and a little later), never before it, in due order', async () => {
  const woken: { dueAt: number; at: number }[] = [];
  let last!: () => void;
  const lastWoken = new Promise<void>((resolve) => (last = resolve));
  let first = 0;
  let second = 0;
  wakeups = createDelayWakeups(redis, {
    onWake: (dueAt) => {
      woken.push({ dueAt, at: Date.now() });
      if (woken.filter((wake) => wake.dueAt === second).length === 2) last();
    },
  });
  await redis.ping(); // connected (wake-ups are skipped while it is not)
  first = Date.now() + 40; // taken after the ping: a loaded machine may take longer than that to connect
  second = first + 30;
  wakeups.schedule(second);
  wakeups.schedule(first);
  wakeups.schedule(first); // a burst of tasks due the same millisecond: one wake-up
  await lastWoken;
  expect(woken.map((wake) => wake.dueAt)).toEqual([first, first, second, second]);
  for (const wake of woken) expect(wake.at).toBeGreaterThanOrEqual(wake.dueAt);
});

test('nothing is scheduled for a time already past, and close() cancels what is pending', async () => {
  const woken: number[] = [];
  wakeups = createDelayWakeups(redis, { onWake: (dueAt) => woken.push(dueAt) });
  wakeups.schedule(Date.now() - 5);
  wakeups.schedule(Date.now() + 20);
  wakeups.close();
  // A later wake-up from a second instance fires after both would have: neither did.
  let done!: () => void;
  const fired = new Promise<void>((resolve) => (done = resolve));
  const other = createDelayWakeups(redis, { onWake: () => done() });
  other.schedule(Date.now() + 40);
  await fired;
  expect(woken).toEqual([]);
});

test('tracks at most maxPending due times at once (bounded memory under a flood of delayed tasks)', async () => {
  const woken: number[] = [];
  let done!: () => void;
  const bothWoken = new Promise<void>((resolve) => (done = resolve));
  wakeups = createDelayWakeups(redis, {
    maxPending: 2,
    onWake: (dueAt) => {
      woken.push(dueAt);
      if (woken.length === 4) done();
    },
  });
  await redis.ping();
  const first = Date.now() + 30;
  wakeups.schedule(first);
  wakeups.schedule(first + 10);
  wakeups.schedule(first + 5); // a third due time while two are pending: not tracked
  await bothWoken;
  // Both wake-ups of each tracked due time have come (the second one 10 ms after the first): the third never will.
  expect(woken.sort((a, b) => a - b)).toEqual([first, first, first + 10, first + 10]);
});
