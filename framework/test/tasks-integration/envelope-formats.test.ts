// A rolling upgrade to envelope format 3 loses no task: a worker of this version runs format-2 jobs queued by the
// previous version, and a service set to `async.envelope_format: 2` writes jobs in the previous version's format.
import type { PymProcess } from '../helpers/spawn-pym';
import { loadConfig } from '../../src/config/load-config';
import { sealEnvelope, type EnvelopeFormat, type TaskEnvelope } from '../../src/tasks/envelope';
import { envelopeKeysFor } from '../../src/tasks/envelope-keys-from-config';
import {
  claimsOf,
  createTaskFixture,
  post,
  startService,
  startWorkerProcess,
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
  // The state of a rollout: the service still writes format 2 for the old workers; this version's worker reads both.
  fixture = createTaskFixture({ async: { envelope_format: 2 } });
  [service, worker] = await Promise.all([startService(fixture), startWorkerProcess(fixture)]);
});

afterAll(async () => {
  await service?.stop();
  if (worker) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await fixture?.close();
});

/** A job of Probe.observe(tag) added by hand, sealed (encrypted, as by default) in `v` as a server of that format does. */
async function addSealed(v: EnvelopeFormat, tag: string, token: string): Promise<string> {
  const id = uniqueTag('job');
  const envelope: TaskEnvelope = {
    v,
    task: 'Probe.observe',
    job: { id },
    args: [tag],
    // What the previous version's enqueue captured: token and claims, empty strings included.
    context: { token, claims: claimsOf(token), requestId: `req-${tag}`, url: '', method: '', enqueuedAt: Date.now() },
  };
  const data = sealEnvelope(envelope, envelopeKeysFor(loadConfig({ configPath: fixture.configPath, environment: {} })), { encrypt: true });
  const job = await fixture.queue().add('Probe.observe', data, { jobId: id, attempts: 3 });
  return job.id!;
}

test.concurrent.each<EnvelopeFormat>([2, 3])('a job queued in format %s runs with its caller, claims and request', async (v) => {
  const tag = uniqueTag(`format-${v}`);
  const token = tokenFor('user-upgrade', { data: { tenant: 'acme' } });
  const jobId = await addSealed(v, tag, token);
  expect(await fixture.jobOutcome(jobId)).toEqual({ state: 'completed' });
  expect(await fixture.nextRecord('observe', tag)).toMatchObject({
    pid: worker.pid,
    userId: 'user-upgrade',
    claims: claimsOf(token),
    token,
    requestId: `req-${tag}`,
    url: '',
    method: '',
  });
});

test('with async.envelope_format: 2 the service writes the previous format, and the task runs as its caller', async () => {
  const tag = uniqueTag('written-as-2');
  const token = tokenFor('user-rollout', { data: { tenant: 'acme' } });
  const response = await post(service.url, '/v1/observe', { tag }, { token, requestId: `req-${tag}` });
  expect(response.status).toBe(202);
  const report = await fixture.nextRecord('observe', tag);
  expect(report).toMatchObject({ userId: 'user-rollout', claims: claimsOf(token), token, requestId: `req-${tag}`, url: '/v1/observe', method: 'POST' });
  const data = JSON.parse((await fixture.redis.hget(`${fixture.prefix}:tasks:${response.body.task.id as string}`, 'data'))!);
  expect(data).toEqual({ v: 2, alg: 'A256GCM+HS256', payload: expect.any(String), iv: expect.any(String), tag: expect.any(String), seal: expect.any(String) });
});
