// Failing tasks and forged jobs in a real worker: retries, timeouts, single reports, refused envelopes, nothing
// readable in Redis.
import { taskRef } from '@pym/framework';
import type { PymProcess } from '../helpers/spawn-pym';
import { loadConfig } from '../../src/config/load-config';
import { sealEnvelope, type EnvelopeFormat, type SealedEnvelope, type TaskEnvelope } from '../../src/tasks/envelope';
import { envelopeKeysFor } from '../../src/tasks/envelope-keys-from-config';
import { Failing } from '../fixtures/tasks-service/src/tasks/failing.tasks';
import { Probe } from '../fixtures/tasks-service/src/tasks/probe.tasks';
import {
  claimsOf,
  createTaskFixture,
  enqueueAsScript,
  post,
  startService,
  startWorkerProcess,
  stopEnqueuingAsScript,
  tokenFor,
  uniqueTag,
  type TaskFixture,
  type WorkerProcess,
} from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: TaskFixture;
let service: PymProcess;
let worker: WorkerProcess;

beforeAll(async () => {
  fixture = createTaskFixture({ async: { refresh_expired_tokens: false } });
  [service, worker] = await Promise.all([startService(fixture), startWorkerProcess(fixture)]);
});

afterAll(async () => {
  await stopEnqueuingAsScript();
  await service?.stop();
  if (worker) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await fixture?.close();
});

/** A failed job's final state, attempts and the reports the hooks module wrote for it (waiting for the first). */
async function failureOf(jobId: string) {
  const outcome = await fixture.jobOutcome(jobId);
  const job = await fixture.job(jobId);
  const firstReport = await fixture.nextRecord('report', jobId);
  const moreReports = await fixture.redis.llen(fixture.key('report', jobId));
  return { outcome, state: await job.getState(), attemptsMade: job.attemptsMade, firstReport, moreReports };
}

describe('a task that runs past its timeout', () => {
  test('each attempt fails with TASK_TIMEOUT and sees its signal aborted with it; retried per policy, then failed', async () => {
    const tag = uniqueTag('overrun');
    enqueueAsScript(fixture);
    const ref = await taskRef(Probe.overrun(tag));
    for (let attempt = 1; attempt <= 2; attempt++) {
      await fixture.nextRecord('started', tag);
      expect(await fixture.nextRecord('aborted', tag)).toEqual({ code: 'TASK_TIMEOUT' });
    }
    const outcome = await fixture.jobOutcome(ref.id);
    expect(outcome.state).toBe('failed');
    expect(outcome.reason).toMatch(/^TASK_TIMEOUT \(error_id [0-9a-f-]{36}\)$/); // encrypted envelopes: no message in Redis
    const job = await fixture.job(ref.id);
    expect(job.attemptsMade).toBe(2);
    expect(await fixture.nextRecord('report', ref.id)).toMatchObject({ code: 'TASK_TIMEOUT', task: { name: 'Probe.overrun', jobId: ref.id, attempt: 2 } });
  });
});

describe('a task that throws', () => {
  test.concurrent('is retried per its policy (3 attempts), then failed and reported once with its name, job id and error_id', async () => {
    const tag = uniqueTag('crash');
    const response = await post(service.url, '/v1/failing', { tag, mode: 'crash' }, { token: tokenFor('user-crash') });
    expect(response.status).toBe(202);
    const jobId = response.body.task.id as string;
    const failure = await failureOf(jobId);

    expect(failure.outcome.state).toBe('failed');
    expect(failure.state).toBe('failed');
    expect(failure.attemptsMade).toBe(3);
    expect(await fixture.counter('attempts', tag)).toBe(3);
    expect(failure.firstReport).toMatchObject({
      pid: worker.pid,
      code: 'SERVER_ERROR',
      status: 500,
      task: { name: 'Failing.crash', jobId, attempt: 3, userId: 'user-crash' },
    });
    expect(failure.firstReport.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(failure.moreReports).toBe(0);
    // The message quotes the argument ("crash <tag>"): with encrypted envelopes, what BullMQ keeps in Redis (reason,
    // stack traces) holds the code and error id only; the worker's log line has the message, under that error id.
    const stored = await fixture.redis.hgetall(`${fixture.prefix}:tasks:${jobId}`);
    expect(stored.failedReason).toBe(`SERVER_ERROR (error_id ${failure.firstReport.errorId})`);
    expect(JSON.stringify(stored)).not.toContain(tag);
    const logged = await worker.waitForLine((line) => line.includes(failure.firstReport.errorId) && line.includes('"final":true'));
    expect(logged).toContain(`crash ${tag}`);
  });

  test.concurrent('throwing a 4xx PymError (422) is not retried, and is reported once', async () => {
    const tag = uniqueTag('reject');
    const response = await post(service.url, '/v1/failing', { tag, mode: 'reject' }, { token: tokenFor('user-reject') });
    expect(response.status).toBe(202);
    const jobId = response.body.task.id as string;
    const failure = await failureOf(jobId);

    expect(failure.state).toBe('failed');
    expect(failure.attemptsMade).toBe(1);
    expect(await fixture.counter('attempts', tag)).toBe(1);
    expect(failure.firstReport).toMatchObject({ code: 'ORDER_REJECTED', status: 422, task: { name: 'Failing.reject', jobId, attempt: 1 } });
    expect(failure.moreReports).toBe(0);
  });

  test.concurrent('with refresh_expired_tokens off, a caller token expired before the run fails it with TOKEN_EXPIRED, unretried', async () => {
    const tag = uniqueTag('expired');
    const response = await post(service.url, '/v1/after-token-expiry', { tag }, { token: tokenFor('user-late', { expiresIn: 2 }) });
    expect(response.status).toBe(202);
    const jobId = response.body.task.id as string;
    const failure = await failureOf(jobId);

    expect(failure.state).toBe('failed');
    expect(failure.attemptsMade).toBe(1);
    expect(failure.firstReport).toMatchObject({ code: 'TOKEN_EXPIRED', task: { name: 'Probe.afterTokenExpiry', jobId, userId: 'user-late' } });
    expect(failure.moreReports).toBe(0);
    expect(await fixture.redis.exists(fixture.key('token', tag))).toBe(0); // the task body never ran
  });
});

describe('a task that cannot be completed by running it again', () => {
  // Before: a BigInt was SERVER_ERROR, retried (the finished work ran three times); a Map was stored as {}.
  test.each([
    ['a BigInt beyond 2^53', 'unstorableResult', 'not a safe integer'],
    ['a Map, which JSON would store as {}', 'mapResult', 'result is a Map'],
  ] as const)('one whose result cannot be stored (%s) fails once with TASK_RESULT_INVALID: its body is not run again', async (_what, method, reason) => {
    const tag = uniqueTag(method);
    enqueueAsScript(fixture);
    const ref = await taskRef(Failing[method](tag));
    const failure = await failureOf(ref.id);
    expect(failure.state).toBe('failed');
    expect({ attemptsMade: failure.attemptsMade, runs: await fixture.counter('attempts', tag) }).toEqual({ attemptsMade: 1, runs: 1 });
    expect(failure.firstReport).toMatchObject({ code: 'TASK_RESULT_INVALID', message: expect.stringContaining(reason), task: { name: `Failing.${method}`, jobId: ref.id } });
    expect(failure.moreReports).toBe(0);
  });
});

describe('a job added to the queue by hand', () => {
  const config = () => loadConfig({ configPath: fixture.configPath, environment: {} });
  const victimToken = () => tokenFor('user-victim');

  /**
   * A correctly sealed, plain (readable) envelope of Probe.observe(tag) for job `jobId`, as the service itself
   * would make it (or of another task's name), in format 3 (this version's) or 2 (a job queued before an upgrade).
   */
  function sealedObserve(tag: string, jobId: string, task = 'Probe.observe', v: EnvelopeFormat = 3): SealedEnvelope {
    const token = victimToken();
    const envelope: TaskEnvelope = {
      v,
      task,
      job: { id: jobId },
      args: [tag],
      context: { token, claims: claimsOf(token), requestId: 'req-forged', url: '/v1/observe', method: 'POST', enqueuedAt: Date.now() },
    };
    return sealEnvelope(envelope, envelopeKeysFor(config()), { encrypt: false });
  }

  /** The same sealed envelope with its payload changed (the seal kept). */
  function altered(sealed: SealedEnvelope, change: (envelope: TaskEnvelope) => void): SealedEnvelope {
    const envelope = JSON.parse(sealed.payload) as TaskEnvelope;
    change(envelope);
    return { ...sealed, payload: JSON.stringify(envelope) };
  }

  test.concurrent('sealed with arguments this worker cannot rebuild (a model it does not know) fails once with TASK_ARGUMENT_INVALID', async () => {
    const id = uniqueTag('job');
    const token = victimToken();
    const envelope: TaskEnvelope = {
      v: 2,
      task: 'Probe.observe',
      job: { id },
      args: [{ $pym: 'model', name: 'RenamedSinceTheCall', v: {} }],
      context: { token, claims: claimsOf(token), requestId: 'req-renamed', enqueuedAt: Date.now() },
    };
    const jobId = await addByHand('Probe.observe', sealEnvelope(envelope, envelopeKeysFor(config()), { encrypt: false }), id);
    const failure = await failureOf(jobId);
    // Before: a plain error, retried (3 attempts) although no run of this worker could ever rebuild them.
    expect({ state: failure.state, attemptsMade: failure.attemptsMade }).toEqual({ state: 'failed', attemptsMade: 1 });
    expect(failure.firstReport).toMatchObject({ code: 'TASK_ARGUMENT_INVALID', message: expect.stringContaining('cannot rebuild model RenamedSinceTheCall') });
  });

  async function addByHand(name: string, data: unknown, jobId: string): Promise<string> {
    const job = await fixture.queue().add(name, data, { jobId, attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    return job.id!;
  }

  test.concurrent.each<EnvelopeFormat>([3, 2])('runs when its envelope is authentic, format %s (control case of the forgeries below)', async (v) => {
    const tag = uniqueTag('authentic');
    const id = uniqueTag('job');
    const jobId = await addByHand('Probe.observe', sealedObserve(tag, id, 'Probe.observe', v), id);
    expect((await fixture.jobOutcome(jobId)).state).toBe('completed');
    expect(await fixture.nextRecord('observe', tag)).toMatchObject({ userId: 'user-victim', claims: expect.objectContaining({ sub: 'user-victim', aud: expect.any(String) }), requestId: 'req-forged' });
  });

  type Forgery = (tag: string, jobId: string, v: EnvelopeFormat) => { name: string; data: unknown; sideEffectTags: string[] };
  const forgeries: [string, Forgery][] = [
    [
      'a changed user id in a plain envelope',
      (tag, jobId, v) => ({
        name: 'Probe.observe',
        data: altered(sealedObserve(tag, jobId, 'Probe.observe', v), (envelope) => {
          // Format 2 carries the claims; format 3 reads them from the token, so the token is what a forger swaps.
          if (v === 2) envelope.context.claims = { ...envelope.context.claims, sub: 'user-admin' };
          else envelope.context.token = tokenFor('user-admin');
        }),
        sideEffectTags: [tag],
      }),
    ],
    [
      'claims added next to the token in a plain envelope',
      (tag, jobId, v) => ({
        name: 'Probe.observe',
        data: altered(sealedObserve(tag, jobId, 'Probe.observe', v), (envelope) => {
          envelope.context.claims = { sub: 'user-admin' };
        }),
        sideEffectTags: [tag],
      }),
    ],
    [
      'a changed argument',
      (tag, jobId, v) => ({
        name: 'Probe.observe',
        data: altered(sealedObserve(tag, jobId, 'Probe.observe', v), (envelope) => {
          envelope.args = [`${tag}-changed`];
        }),
        sideEffectTags: [tag, `${tag}-changed`],
      }),
    ],
    [
      'no seal',
      (tag, jobId, v) => {
        const { seal: _seal, ...unsealed } = sealedObserve(tag, jobId, 'Probe.observe', v) as SealedEnvelope & { seal: string };
        return { name: 'Probe.observe', data: unsealed, sideEffectTags: [tag] };
      },
    ],
    [
      'a bare envelope (never sealed)',
      (tag, jobId, v) => ({
        name: 'Probe.observe',
        data: { v, task: 'Probe.observe', job: { id: jobId }, args: [tag], context: { enqueuedAt: Date.now() } },
        sideEffectTags: [tag],
      }),
    ],
    [
      'a sealed envelope replayed under another task name',
      (tag, jobId, v) => ({ name: 'Probe.delayed', data: sealedObserve(tag, jobId, 'Probe.observe', v), sideEffectTags: [tag] }),
    ],
    [
      'a sealed envelope re-added under another job id (a replay of the same task)',
      (tag, _jobId, v) => ({ name: 'Probe.observe', data: sealedObserve(tag, uniqueTag('original-job'), 'Probe.observe', v), sideEffectTags: [tag] }),
    ],
    [
      'a sealed envelope naming a task this worker does not have',
      (tag, jobId, v) => ({ name: 'Probe.vanished', data: sealedObserve(tag, jobId, 'Probe.vanished', v), sideEffectTags: [tag] }),
    ],
  ];
  const inBothFormats = forgeries.flatMap(([what, forge]) => ([3, 2] as const).map((v) => [what, v, forge] as const));

  test.concurrent.each(inBothFormats)('with %s (format %s) is never executed: failed at once, without retry', async (_, v, forge) => {
    const tag = uniqueTag('forged');
    const id = uniqueTag('job');
    const { name, data, sideEffectTags } = forge(tag, id, v);
    const jobId = await addByHand(name, data, id);
    const outcome = await fixture.jobOutcome(jobId);
    const job = await fixture.job(jobId);

    expect(outcome.state).toBe('failed');
    expect(outcome.reason).toMatch(/TASK_ENVELOPE_REJECTED/);
    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe('failed');
    for (const sideEffect of sideEffectTags) {
      expect(await fixture.redis.exists(fixture.key('observe', sideEffect), fixture.key('delayed', sideEffect))).toBe(0);
      expect(await fixture.counter('observe-started', sideEffect)).toBe(0);
    }
    expect(await fixture.nextRecord('report', jobId)).toMatchObject({ code: 'TASK_ENVELOPE_REJECTED', task: { jobId } });
  });

  test.concurrent('with encryption on (the default), the raw job hash holds no token, claims or argument value', async () => {
    const tag = uniqueTag('secret-argument');
    const token = tokenFor('user-private', { data: { email: 'private@example.com' } });
    const requestId = uniqueTag('private-req');
    const response = await post(service.url, '/v1/observe', { tag }, { token, requestId });
    expect(response.status).toBe(202);
    await fixture.nextRecord('observe', tag); // it ran: the worker could open it
    const jobId = response.body.task.id as string;

    const hash = await fixture.redis.hgetall(`${fixture.prefix}:tasks:${jobId}`);
    expect(hash.name).toBe('Probe.observe');
    const raw = JSON.stringify(hash);
    for (const secret of [token, token.split('.')[1], tag, 'user-private', 'private@example.com', requestId]) {
      expect(raw).not.toContain(secret);
    }
    // Format 3: the GCM tag is the seal, no HMAC next to it.
    expect(JSON.parse(hash.data)).toEqual({ v: 3, alg: 'A256GCM', payload: expect.any(String), iv: expect.any(String), tag: expect.any(String) });
  });
});
