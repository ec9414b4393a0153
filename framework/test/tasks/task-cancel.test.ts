// listenForCancels against the real Redis: announcements reach running jobs, jobs starting just after their
// announcement, redelivered jobs through their cancel marker, and jobs running across a lost subscription.
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import IORedis from 'ioredis';
import pino from 'pino';
import { listenForCancels, publishCancel, type CancelListener } from '../../src/tasks/task-cancel';
import { writeCancelMarker } from '../../src/tasks/task-owner-index';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `test-cancel-${randomUUID()}`;
const logger = pino({ level: 'silent' });
const redis = new IORedis(REDIS_URL);
const listeners: CancelListener[] = [];

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** A listener, once subscribed; `events` emits 'subscribed' and 'announce' (with the job id). */
async function startListener(): Promise<{ listener: CancelListener; events: EventEmitter }> {
  const events = new EventEmitter();
  const subscribed = once(events, 'subscribed');
  const listener = listenForCancels(REDIS_URL, prefix, logger, {
    onAnnounce: (jobId) => events.emit('announce', jobId),
    onSubscribed: () => events.emit('subscribed'),
  });
  listeners.push(listener);
  await subscribed;
  return { listener, events };
}

function announced(events: EventEmitter, jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const onAnnounce = (id: string) => {
      if (id !== jobId) return;
      events.off('announce', onAnnounce);
      resolve();
    };
    events.on('announce', onAnnounce);
  });
}

const marker = (id: string) => ({ id, name: 'T.task', owner: 'u', created_at: Date.now(), cancelled_at: Date.now(), removed: false });

test('a job taken again while its first run goes on (a stall) stays cancellable once the first run ends', async () => {
  const { listener, events } = await startListener();
  const first = listener.track('job-twice', { redelivered: false });
  const second = listener.track('job-twice', { redelivered: true });
  first.release(); // before: this untracked the second run too, which then missed its cancel
  const heard = announced(events, 'job-twice');
  await publishCancel(redis, prefix, 'job-twice');
  await heard; // the announcement is handled at once: a tracked run is aborted before onAnnounce's waiters resume
  expect(second.aborted).toBe(true);
});

test('a running job is aborted when its cancel is announced', async () => {
  const { listener, events } = await startListener();
  const job = listener.track('job-running', { redelivered: false });
  expect(job.aborted).toBe(false);
  const aborted = once(job.signal, 'abort');
  const heard = announced(events, 'job-running');
  await publishCancel(redis, prefix, 'job-running');
  await Promise.all([aborted, heard]);
  expect(job.aborted).toBe(true);
  expect(job.reason?.message).toBe('The task was cancelled');
  job.release();
});

test('a job that starts just after its cancel was announced (taken while being cancelled) starts aborted', async () => {
  const { listener, events } = await startListener();
  const heard = announced(events, 'job-late');
  await publishCancel(redis, prefix, 'job-late');
  await heard;
  const job = listener.track('job-late', { redelivered: false });
  expect(job.aborted).toBe(true);
  // A signal asked for later is aborted at once.
  expect(job.signal.aborted).toBe(true);
  expect(job.signal.reason).toBe(job.reason);
  job.release();
  expect(listener.track('job-other', { redelivered: false }).aborted).toBe(false);
});

test('a redelivered job whose cancel was announced before this worker listened is aborted through its marker', async () => {
  const id = `job-redelivered-${randomUUID()}`;
  await writeCancelMarker(redis, prefix, marker(id), 60);
  const { listener } = await startListener();
  const job = listener.track(id, { redelivered: true });
  await once(job.signal, 'abort');
  expect(job.aborted).toBe(true);
  job.release();
});

test('a job running while the subscription was lost is aborted through its marker once it is back', async () => {
  const { listener, events } = await startListener();
  const id = `job-across-${randomUUID()}`;
  const job = listener.track(id, { redelivered: false });
  const aborted = once(job.signal, 'abort');
  // This listener's subscriber: the newest connection of that name (an earlier test's may still be closing).
  const clients = (await redis.client('LIST')) as string;
  const ids = clients
    .split('\n')
    .filter((entry) => entry.includes(` name=${prefix}:pym:cancel-listener `) && / sub=1 /.test(entry))
    .map((entry) => Number(/id=(\d+)/.exec(entry)![1]));
  expect(ids.length).toBeGreaterThan(0);
  const resubscribed = once(events, 'subscribed');
  // Cancel while this listener's subscriber connection is gone: the announcement is lost, the marker stays.
  await redis.client('KILL', 'ID', String(Math.max(...ids)));
  await writeCancelMarker(redis, prefix, marker(id), 60);
  await publishCancel(redis, prefix, id);
  await Promise.all([resubscribed, aborted]);
  expect(job.aborted).toBe(true);
  job.release();
});
