// Metrics of a real `pym start` with two worker processes: scraped before and after real requests and task runs.
import { startWorkerProcess, createTaskFixture, killAll, post, startService, tokenFor, uniqueTag, type TaskFixture, type WorkerProcess } from '../tasks-integration/tasks-harness';
import type { PymProcess } from '../helpers/spawn-pym';
import { scrape, series, total, type Sample } from '../helpers/prometheus-text';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(120_000);

let fixture: TaskFixture;
let service: PymProcess;
const token = tokenFor('metrics-user');

beforeAll(async () => {
  fixture = createTaskFixture({ config: { with_async: true }, async: { workers: 2 } });
  service = await startService(fixture);
  // Both worker processes (spawned by the server, logging to its stdout) are consuming.
  await service.waitForLine((line) => line.includes('worker ready') && service.lines.filter((seen) => seen.includes('worker ready')).length === 2, 'two workers ready');
});

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
});

/** The delta of a metric's value (summed over the matching series) between two scrapes. */
function delta(before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}): number {
  return total(after, name, labels) - total(before, name, labels);
}

/** POST a task-enqueuing operation and wait until its job finished (its run counted by then). */
async function runTask(operation: string, body: Record<string, unknown>): Promise<string> {
  const reply = await post(service.url, `/v1/${operation}`, body, { token });
  expect(reply.status).toBe(202);
  await fixture.jobOutcome(reply.body.task.id);
  return reply.body.task.id as string;
}

test('requests, enqueues and the runs of both worker processes reach one scrape, as deltas of what was done', async () => {
  const before = await scrape(`${service.url}/metrics`);
  for (let index = 0; index < 3; index++) await runTask('observe', { tag: uniqueTag('observe') });
  const crashed = await runTask('failing', { tag: uniqueTag('crash'), mode: 'crash' }); // 3 attempts: retried, retried, failed
  await runTask('failing', { tag: uniqueTag('reject'), mode: 'reject' }); // a 4xx: failed at once
  await runTask('delayed', { tag: uniqueTag('delayed') });
  // A job whose envelope is not sealed by the service (written straight into Redis): refused, never run.
  const forged = await fixture.queue().add('Probe.observe', { v: 2, alg: 'HS256', payload: '{}', seal: 'forged' }, { jobId: uniqueTag('forged') });
  expect(await fixture.jobOutcome(forged.id!)).toMatchObject({ state: 'failed' });
  expect((await fetch(`${service.url}/nope/12345`)).status).toBe(404);
  const after = await scrape(`${service.url}/metrics`);

  // HTTP, by operationId; a path no operation serves under one fixed label, never its URL.
  expect(delta(before, after, 'http_request_duration_seconds_count', { operation: 'enqueueObserve', method: 'POST', status: '202' })).toBe(3);
  expect(delta(before, after, 'http_request_duration_seconds_count', { operation: 'enqueueFailing', method: 'POST', status: '202' })).toBe(2);
  expect(delta(before, after, 'http_request_duration_seconds_count', { operation: '(unmatched)', method: 'GET', status: '404' })).toBe(1);
  expect(after.some((sample) => Object.values(sample.labels).some((value) => value.includes('/nope')))).toBe(false);

  // Enqueues are counted by the server process (no worker label), runs by the worker processes.
  expect(delta(before, after, 'pym_tasks_enqueued_total', { task: 'Probe.observe' })).toBe(3);
  expect(series(after, 'pym_tasks_enqueued_total').every((sample) => sample.labels.worker === undefined)).toBe(true);
  expect(delta(before, after, 'pym_task_runs_total', { task: 'Probe.observe', outcome: 'completed' })).toBe(3);
  expect(delta(before, after, 'pym_task_runs_total', { task: 'Failing.crash', outcome: 'retried' })).toBe(2);
  expect(delta(before, after, 'pym_task_runs_total', { task: 'Failing.crash', outcome: 'failed' })).toBe(1);
  expect(delta(before, after, 'pym_task_runs_total', { task: 'Failing.reject', outcome: 'failed' })).toBe(1);
  expect(delta(before, after, 'pym_task_runs_total', { task: 'Failing.reject', outcome: 'retried' })).toBe(0);
  expect(delta(before, after, 'pym_task_runs_total', { task: 'Probe.observe', outcome: 'rejected' })).toBe(1);
  expect(delta(before, after, 'pym_task_duration_seconds_count', { outcome: 'rejected' })).toBe(0);
  for (const sample of series(after, 'pym_task_runs_total')) expect(['0', '1']).toContain(sample.labels.worker);
  expect(delta(before, after, 'pym_task_duration_seconds_count', { task: 'Probe.observe', outcome: 'completed' })).toBe(3);
  expect(delta(before, after, 'pym_task_duration_seconds_count', { task: 'Failing.crash' })).toBe(3);

  // Waits: enqueue → start for tasks without a delay, due time → start for the delayed one; first attempts only.
  expect(delta(before, after, 'pym_task_queue_wait_seconds_count', { task: 'Probe.observe' })).toBe(3);
  expect(delta(before, after, 'pym_task_queue_wait_seconds_count', { task: 'Failing.crash' })).toBe(1);
  expect(delta(before, after, 'pym_task_queue_wait_seconds_count', { task: 'Probe.delayed' })).toBe(0);
  expect(delta(before, after, 'pym_task_start_lateness_seconds_count', { task: 'Probe.delayed' })).toBe(1);

  // One info line per attempt in the workers' output: task, job id, request id, attempt, outcome, duration.
  await service.waitForLine((line) => line.includes(crashed) && line.includes('"outcome":"failed"'), "the crash task's last job line");
  const jobLines = service.lines.filter((line) => line.includes(crashed) && line.includes('"outcome"')).map((line) => JSON.parse(line));
  expect(jobLines.map((line) => [line.level, line.msg, line.task.attempt, line.outcome])).toEqual([
    [30, 'task Failing.crash retried', 1, 'retried'],
    [30, 'task Failing.crash retried', 2, 'retried'],
    [30, 'task Failing.crash failed', 3, 'failed'],
  ]);
  for (const line of jobLines) expect(line).toMatchObject({ requestId: expect.any(String), task: { name: 'Failing.crash', jobId: crashed, userId: 'metrics-user' }, ms: expect.any(Number) });

  // Queue depth, read from Redis at scrape time: the three failed jobs, nothing waiting.
  const counts = await fixture.queue().getJobCounts('waiting', 'active', 'delayed', 'failed');
  expect(counts.failed).toBe(3);
  for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
    expect(series(after, 'pym_queue_jobs', { queue: 'tasks', state })).toEqual([{ name: 'pym_queue_jobs', labels: { queue: 'tasks', state }, value: counts[state] }]);
  }
});

test("each process's default metrics are its own series (server unlabelled, workers by slot): none is summed with another's", async () => {
  const samples = await scrape(`${service.url}/metrics`);
  for (const name of ['process_cpu_seconds_total', 'process_start_time_seconds', 'process_resident_memory_bytes']) {
    expect(series(samples, name).map((sample) => sample.labels.worker ?? 'server').sort()).toEqual(['0', '1', 'server']);
  }
  const starts = series(samples, 'process_start_time_seconds').map((sample) => sample.value);
  expect(starts.every((value) => value > 1_600_000_000)).toBe(true); // epoch seconds, not a sum of three
});

test('pym worker --metrics-port: a worker run alone serves its own runs and the queue depths', async () => {
  let worker: WorkerProcess | undefined;
  try {
    worker = await startWorkerProcess(fixture, {}, ['--metrics-port', '0']);
    const url = (JSON.parse(worker.lines.find((line) => line.includes('worker ready'))!) as { metrics: string }).metrics;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const samples = await scrape(url);
    expect(series(samples, 'pym_queue_jobs', { queue: 'tasks', state: 'failed' })).toEqual([expect.objectContaining({ value: 3 })]);
    expect(series(samples, 'process_cpu_seconds_total')).toEqual([expect.objectContaining({ labels: {} })]);
    expect((await fetch(url.replace(/\/metrics$/, '/other'))).status).toBe(404);
  } finally {
    if (worker) await killAll([worker]);
  }
});
