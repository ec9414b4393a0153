// bench/tasks.js: @asyncTask vs raw BullMQ on one Redis: enqueue latency, no-op throughput, call→start, delayed lateness.
//
//   npm run bench:tasks                    # build, then the default run (~5 minutes)
//   node bench/tasks.js --quick            # ~1 minute smoke run
//   node bench/tasks.js --no-hz100         # do not rerun the delayed measurement under CONFIG SET hz 100
//   node bench/tasks.js --node /path/node  # the whole bench on another Node (the reference is Node 24)
//
// pym side: decorated calls of the tasks in fixtures/tasks-service, made as a handler makes them: inside the app's
// context, which already holds a token and its claims (app.run + withBackendToken mint it once, before any
// measurement; no call mints one), so through the app's task queue with its metrics and tracing (the defaults);
// consumed by `pym worker` in a child process. Raw side: queue.add of the same payload, consumed by a
// hand-written BullMQ Worker (fixtures/tasks-service/raw-worker.js) in a child process at the same concurrency. Both
// sides run back to back in every round (block of enqueues, throughput round, probe) against the same Redis, under a
// unique key prefix deleted at the end; each ratio is the median of the per-round ratios, with their range, never a
// ratio of medians. Enqueues are measured in this process and the workers run on its Node, so --node re-runs the
// whole script on the other binary. Progress goes to stderr, the markdown report to stdout. Targets (TARGETS below)
// are printed with pass/miss, never asserted: exit 1 only when the run is invalid (a job failed, a worker died).
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');
const { execFileSync, spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const IORedis = require('ioredis');
const { createApp, withBackendToken } = require('@pym/framework');
const h = require('./fixtures/tasks-service/harness');

const SERVICE_DIR = path.join(__dirname, 'fixtures', 'tasks-service');
const CONFIG_FILE = path.join(SERVICE_DIR, 'pym-config.yaml');
const PYM_BIN = path.join(__dirname, '..', 'bin', 'pym');
const RAW_WORKER = path.join(SERVICE_DIR, 'raw-worker.js');
const PYM_QUEUE = 'tasks'; // async.queue of the fixture's config
const RAW_QUEUE = 'raw';

/** The Node major the targets are set for (issue #13: Node 24 LTS is the reference). */
const REFERENCE_NODE_MAJOR = 24;

/**
 * The targets, pym's defaults (encryption on, a context with a token) against raw BullMQ. `paired`: a bound on the
 * median of the per-round ratios pym / raw of `measure`; otherwise a bound on pym's own figure (pooled samples).
 */
const TARGETS = [
  { id: 'throughput', measure: 'no-op throughput (jobs/s)', paired: true, min: 0.9 },
  { id: 'workerCpu', measure: 'worker CPU per no-op job', paired: true, max: 1.15 },
  { id: 'enqueueP50', measure: 'enqueue latency p50', paired: true, max: 1.2 },
  { id: 'enqueueCpu', measure: 'enqueuing process CPU per call', paired: true, max: 1.4 },
  { id: 'callToStart', measure: 'call→task-start p50 (ms)', paired: false, max: 3 },
  { id: 'delayedP99', measure: 'delayed-start lateness p99 (ms), every Redis hz measured', paired: false, max: 20 },
];

const USAGE = `usage: node bench/tasks.js [--quick] [--enqueue N] [--jobs M] [--rounds R] [--latency N] [--delayed N]
                          [--concurrency C] [--no-hz100] [--redis URL] [--cpu-prof] [--node PATH]
  --enqueue N      sequential awaited enqueues per side, in rounds of 250 per side (default 5000)
  --jobs M         jobs pre-filled per throughput round and side (default 20000)
  --rounds R       throughput rounds, each side once per round; ratios are medians of per-round ratios (default 5)
  --latency N      sequential call→start measurements per side (default 2000)
  --delayed N      delayed tasks per side, delays of 200-500 ms, in bursts of 8 (default 300)
  --concurrency C  worker concurrency of both sides (default 10)
  --no-hz100       skip the delayed rerun with Redis' hz set to 100 (restored afterwards)
  --redis URL      Redis to use (default $REDIS_URL, else redis://127.0.0.1:6379)
  --cpu-prof       run both workers with node --cpu-prof (profiles written to a temp folder, path printed)
  --node PATH      run the whole bench (enqueues in this script, both workers) on that Node binary; the targets are
                   set for Node ${REFERENCE_NODE_MAJOR}
  --quick          smoke run: --enqueue 1000 --jobs 3000 --rounds 2 --latency 300 --delayed 100 (~1 minute)`;

function parseArgs(argv) {
  const options = { enqueue: 5000, jobs: 20000, rounds: 5, latency: 2000, delayed: 300, concurrency: 10, hz100: true, cpuProf: false, node: undefined, redis: process.env.REDIS_URL || 'redis://127.0.0.1:6379' };
  const numeric = { '--enqueue': 'enqueue', '--jobs': 'jobs', '--rounds': 'rounds', '--latency': 'latency', '--delayed': 'delayed', '--concurrency': 'concurrency' };
  const given = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--quick') options.quick = true;
    else if (arg === '--no-hz100') options.hz100 = false;
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--redis') options.redis = argv[++index];
    else if (arg === '--node') {
      if (argv[index + 1] === undefined) fail(`--node needs the path of a Node binary\n${USAGE}`);
      options.node = argv[++index];
    }
    else if (numeric[arg]) {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value) || value <= 0) fail(`${arg} needs a positive integer`);
      given[numeric[arg]] = value;
    } else fail(`unknown argument ${arg}\n${USAGE}`);
  }
  if (options.quick) Object.assign(options, { enqueue: 1000, jobs: 3000, rounds: 2, latency: 300, delayed: 100 });
  return Object.assign(options, given);
}

function fail(message) {
  process.stderr.write(`bench/tasks: ${message}\n`);
  process.exit(2);
}

/** The argument of every task and the data of every raw job: a small object (~110 bytes of JSON). */
function payload(id) {
  return { id, sentUs: 0, account: 'acct-0042', tags: ['bench', 'noop'], note: 'a small argument, like an id and a few fields' };
}

/** The identity of the bench's calls: the token's `sub` and extra claims. */
const CALLER = { userId: 'bench-user', data: { role: 'bench' } };

/**
 * A function running its callback in the context a handler of `app` runs in: the app's, with a token and its claims
 * (minted once, here). The calls of a side run inside it, so none mints a token, as in a handler.
 */
function handlerContext(app) {
  return app.run(() => withBackendToken(CALLER, () => AsyncLocalStorage.snapshot()));
}

/**
 * The sides: how each enqueues (`noop`, `probe`, `delayed`, to be called inside `within`), the admin handle of its
 * queue (pause, counts, obliterate) and the worker consuming it. Two informational sides join the enqueue and
 * throughput measurements: `pymPlain` is pym with `async.encrypt: false` (a second app, on the `plain` overlay), and
 * `rawAsPym` is raw BullMQ adding what pym's jobs carry (a sealed envelope as data, pym's job options), so that the
 * report can tell BullMQ's cost of that data from pym's own work. Raw calls run in pym's handler context too.
 */
function makeSides(ctx) {
  const { BenchTasks } = ctx.tasks;
  const inPym = handlerContext(ctx.pymApp);
  const pym = (name, app) => ({
    name,
    worker: 'pym',
    queueName: PYM_QUEUE,
    admin: ctx.pymAdmin,
    within: app === ctx.pymApp ? inPym : handlerContext(app),
    noop: (data) => BenchTasks.noop(data),
    probe: (data) => BenchTasks.probe(data),
    delayed: (data, delay) => BenchTasks[`delayed${delay}`](data),
  });
  return {
    pym: pym('pym', ctx.pymApp),
    pymPlain: pym('pymPlain', ctx.plainApp),
    raw: {
      name: 'raw',
      worker: 'raw',
      queueName: RAW_QUEUE,
      admin: ctx.rawAdmin,
      within: inPym,
      noop: (data) => ctx.rawQueue.add('noop', data),
      probe: (data) => ctx.rawQueue.add('probe', data),
      delayed: (data, delay) => ctx.rawQueue.add('delayed', data, { delay }),
    },
    rawAsPym: {
      name: 'rawAsPym',
      worker: 'raw',
      queueName: RAW_QUEUE,
      admin: ctx.rawAdmin,
      within: inPym,
      noop: () => ctx.rawQueue.add('noop', ctx.sealedSample, pymJobOptions(ctx.config)),
    },
  };
}

/** The options pym's BullMQ backend gives every job (framework/src/tasks/bullmq-backend.ts). */
function pymJobOptions(config) {
  const keep = { age: config.async.keep_finished };
  return { jobId: randomUUID(), attempts: config.async.attempts, backoff: config.async.backoff, removeOnComplete: keep, removeOnFail: keep };
}

const elapsedMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const order = (i, sides) => (i % 2 === 0 ? [sides.pym, sides.raw] : [sides.raw, sides.pym]);
/**
 * The sides of one round of the enqueue and throughput measurements: pym and raw back to back, then the informational
 * sides; every other round reversed, so that each side of a pair goes first as often as the other.
 */
const roundOrder = (i, sides) => (i % 2 === 0 ? [sides.pym, sides.raw, sides.pymPlain, sides.rawAsPym] : [sides.rawAsPym, sides.pymPlain, sides.raw, sides.pym]);
/** Enqueues per side in one round of the enqueue measurement. */
const ENQUEUE_BLOCK = 250;

/**
 * 1. Sequential awaited enqueues in rounds: each round runs a block of each side back to back; no worker runs.
 * Returns every latency per side, and per round and side the block's latencies and this process's CPU per call.
 */
async function measureEnqueue(ctx, sides, n) {
  const samples = { pym: [], pymPlain: [], raw: [], rawAsPym: [] };
  const rounds = [];
  const block = Math.min(ENQUEUE_BLOCK, n);
  const run = (side, count) =>
    side.within(async () => {
      const latencies = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < count; i++) {
        const data = payload(`e-${side.name}-${randomUUID()}`);
        const start = process.hrtime.bigint();
        await side.noop(data);
        latencies.push(elapsedMs(start));
      }
      const used = process.cpuUsage(cpu);
      return { latencies, cpuUsPerCall: (used.user + used.system) / count };
    });
  for (const side of roundOrder(0, sides)) await run(side, Math.min(500, n)); // warm-up
  for (let done = 0, b = 0; done < n; done += block, b++) {
    const round = {};
    for (const side of roundOrder(b, sides)) {
      round[side.name] = await run(side, Math.min(block, n - done));
      samples[side.name].push(...round[side.name].latencies);
    }
    rounds.push(round);
  }
  await Promise.all([sides.pym.admin.obliterate({ force: true }), sides.raw.admin.obliterate({ force: true })]);
  return { ...samples, rounds };
}

/**
 * Size of the data of a job of each side, as stored in Redis (the pym envelope vs the raw payload); keeps one
 * stored pym envelope as `ctx.sealedSample`, the data of the `rawAsPym` side.
 */
async function jobSizes(ctx, sides) {
  const stored = async (side) => {
    const ref = await side.within(() => side.noop(payload(randomUUID())));
    return ctx.redis.hget(`${ctx.prefix}:${PYM_QUEUE}:${ref.id}`, 'data');
  };
  const plain = await stored(sides.pymPlain);
  const sealed = await stored(sides.pym);
  if (!plain || !sealed) throw new Error('the probe jobs of the size measurement were not found in Redis');
  ctx.sealedSample = JSON.parse(sealed);
  await sides.pym.admin.obliterate({ force: true });
  return { pymPlain: plain.length, pym: sealed.length, raw: JSON.stringify(payload(randomUUID())).length };
}

/** Enqueue a probe and resolve with its call→start latency (ms), measured on the machine's monotonic clock. */
async function probeOnce(ctx, side, id) {
  const data = payload(id);
  const started = ctx.tracker.expect(id, 30000);
  data.sentUs = ctx.tasks.nowUs();
  await side.within(() => side.probe(data));
  return ((await started) - data.sentUs) / 1000;
}

/** 2. Call→start: one probe at a time (each waits for the previous to start), sides alternating. */
async function measureLatency(ctx, sides, n) {
  const samples = { pym: [], raw: [] };
  for (let i = 0; i < Math.min(100, n); i++) for (const side of order(i, sides)) await probeOnce(ctx, side, `w-${i}-${side.name}`);
  for (let i = 0; i < n; i++) {
    for (const side of order(i, sides)) samples[side.name].push(await probeOnce(ctx, side, `l-${i}-${side.name}`));
  }
  return samples;
}

/**
 * 3. Delayed tasks, in bursts of one side at a time (which side goes first alternates): each burst enqueues 2 tasks per delay
 * (200, 300, 400, 500 ms), waits for all of them to start, then pauses a random 0-100 ms. No enqueue happens
 * while a burst waits, so no add wakes a worker early: each start shows when the worker's timed block in Redis
 * ends. One side per burst, since pym's wake-ups (a PING when a delayed task is due) would also wake the raw
 * worker. Lateness = start − (call + delay).
 */
async function measureDelayed(ctx, sides, n, label) {
  const { DELAYS } = ctx.tasks;
  const perBurst = 2 * DELAYS.length;
  const samples = { pym: [], raw: [] };
  for (let round = 0; round * perBurst < n; round++) {
    const count = Math.min(perBurst, n - round * perBurst);
    for (const side of order(round, sides)) {
      const waits = [];
      for (let i = 0; i < count; i++) {
        const delay = DELAYS[i % DELAYS.length];
        const id = `d-${label}-${round}-${i}-${side.name}`;
        const data = payload(id);
        const started = ctx.tracker.expect(id, delay + 30000);
        data.sentUs = ctx.tasks.nowUs();
        await side.within(() => side.delayed(data, delay));
        waits.push(started.then((startedUs) => samples[side.name].push((startedUs - data.sentUs) / 1000 - delay)));
      }
      await Promise.all(waits);
      await h.sleep(Math.random() * 100);
    }
  }
  return samples;
}

/** 4. One throughput round of a side: empty and pause its queue, pre-fill m no-op jobs, resume, time until the last finished. */
async function drainRound(ctx, side, m) {
  await side.admin.obliterate({ force: true }); // earlier probes' completed jobs would count as drained
  await side.admin.pause();
  await side.within(() => h.runParallel(m, 64, (i) => side.noop(payload(`t-${i}`))));
  const waiting = await side.admin.getJobCountByTypes('wait', 'paused');
  if (waiting !== m) throw new Error(`${side.name}: ${waiting} jobs waiting after filling ${m}`);
  const cpuBefore = h.cpuMs(ctx.workers[side.worker].pid);
  const redisBefore = await h.redisCpuMs(ctx.redis);
  const start = Date.now();
  await side.admin.resume();
  const deadline = start + Math.max(60000, m * 5);
  let counts;
  for (;;) {
    counts = await side.admin.getJobCounts('completed', 'failed');
    if (counts.completed + counts.failed >= m) break;
    if (Date.now() > deadline) throw new Error(`${side.name}: ${counts.completed} of ${m} jobs done after ${Date.now() - start} ms`);
    await h.sleep(100);
  }
  const cpuAfter = h.cpuMs(ctx.workers[side.worker].pid);
  const redisAfter = await h.redisCpuMs(ctx.redis);
  if (counts.failed > 0) {
    const [job] = await side.admin.getFailed(0, 0);
    throw new Error(`${side.name}: ${counts.failed} jobs failed, e.g. ${job?.failedReason}`);
  }
  const [, lastFinished] = await ctx.redis.zrevrange(`${ctx.prefix}:${side.queueName}:completed`, 0, 0, 'WITHSCORES');
  const ms = Number(lastFinished) - start;
  await side.admin.obliterate({ force: true });
  const perJob = (before, after) => (before === undefined ? undefined : ((after - before) * 1000) / m);
  return { jobsPerSec: (m * 1000) / ms, ms, workerCpuUsPerJob: perJob(cpuBefore, cpuAfter), redisCpuUsPerJob: perJob(redisBefore, redisAfter) };
}

async function measureThroughput(ctx, sides, m, rounds) {
  const results = { pym: [], pymPlain: [], raw: [], rawAsPym: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of roundOrder(round, sides)) {
      const result = await drainRound(ctx, side, m);
      results[side.name].push(result);
      h.log(`  round ${round + 1}/${rounds} ${side.name.padEnd(8)} ${Math.round(result.jobsPerSec)} jobs/s (${m} jobs in ${result.ms} ms, worker CPU ${fmt(result.workerCpuUsPerJob, 1)} µs/job, Redis CPU ${fmt(result.redisCpuUsPerJob, 1)} µs/job)`);
    }
  }
  return results;
}

/** Start both workers and wait until each has run a probe. */
async function startWorkers(ctx, options, sides) {
  const env = { ...process.env, BENCH_TASKS_PREFIX: ctx.prefix, BENCH_TASKS_REDIS_URL: options.redis };
  const profFlags = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`] : [];
  const common = { env, cwd: SERVICE_DIR, tracker: ctx.tracker };
  ctx.workers.pym = h.spawnWorker('pym worker', [...profFlags, PYM_BIN, 'worker', '--concurrency', String(options.concurrency), '--config', CONFIG_FILE], common);
  ctx.workers.raw = h.spawnWorker('raw worker', [...profFlags, RAW_WORKER, options.redis, ctx.prefix, RAW_QUEUE, String(options.concurrency)], common);
  await Promise.all([probeOnce(ctx, sides.pym, 'ready-pym'), probeOnce(ctx, sides.raw, 'ready-raw')]);
}

function fmt(value, digits = 2) {
  return value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/** The median of the per-round ratios `top(round) / bottom(round)`, their range and count (rounds lacking a figure left out). */
function pairedRatio(rounds, top, bottom) {
  const ratios = rounds.map((round) => top(round) / bottom(round)).filter((ratio) => Number.isFinite(ratio));
  if (ratios.length === 0) return undefined;
  return { median: h.median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

/** "1.05× [0.98–1.10]" (the range only when there is more than one round). */
function shownRatio(summary) {
  if (!summary) return 'n/a';
  return `${fmt(summary.median)}×${summary.rounds > 1 ? ` [${fmt(summary.min)}–${fmt(summary.max)}]` : ''}`;
}

/** "pass" or "**miss**" for a value against a target's bound; "n/a" without a value. */
function verdictOf(target, value) {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  const ok = target.min !== undefined ? value >= target.min : value <= target.max;
  return ok ? 'pass' : '**miss**';
}

/** A target's bound as shown: "≥ 0.90×", "≤ 3 ms". */
function boundOf(target) {
  const unit = target.paired ? '×' : ' ms';
  return target.min !== undefined ? `≥ ${target.min.toFixed(2)}${unit}` : `≤ ${target.paired ? target.max.toFixed(2) : target.max}${unit}`;
}

/** The markdown report. */
function report(options, ctx, results) {
  const cpus = os.cpus();
  const target = Object.fromEntries(TARGETS.map((t) => [t.id, t]));
  const row = (label, pym, raw, ratio, bound, verdict) => `| ${label} | ${pym} | ${raw} | ${ratio} | ${bound} | ${verdict} |`;
  const lines = [
    '## bench/tasks: @asyncTask vs raw BullMQ',
    '',
    `- date ${new Date().toISOString()}, node ${process.version} (${process.execPath}) for this script (the enqueues) and both workers, ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `- Redis ${ctx.redisVersion} at ${options.redis} (hz ${ctx.hz}, dynamic-hz ${ctx.dynamicHz}), BullMQ ${require('bullmq/package.json').version}, same Redis and prefix for both sides`,
    `- pym: decorated calls made as in a handler (inside the app's context, which already holds a token: minted once, before the measurements; the app's task queue, metrics and tracing on), async.encrypt ${ctx.config.async.encrypt}, job data ${ctx.sizes.pym} bytes (${ctx.sizes.pymPlain} with encrypt false; raw: ${ctx.sizes.raw} bytes, the same argument); workers: \`pym worker --concurrency ${options.concurrency}\` vs a BullMQ Worker at concurrency ${options.concurrency}, each in its own process`,
    `- sizes: ${options.enqueue} enqueues (${results.enqueue.rounds.length} rounds of ≤ ${ENQUEUE_BLOCK}), ${options.rounds} × ${options.jobs} jobs drained, ${options.latency} call→start probes, ${options.delayed} delayed tasks (per side)`,
    '- paired: every round runs pym and raw back to back (then the informational sides; the order reversed every other round); "pym / raw" is the median of the per-round ratios [min–max over the rounds], never a ratio of medians. The pym and raw columns: enqueue and call→start percentiles over all samples; the rest medians over rounds',
    '',
    '| measurement | pym | raw BullMQ | pym / raw | target | result |',
    '|---|---|---|---|---|---|',
  ];
  const verdicts = [];
  const targetRow = (t, label, pym, raw, ratio, value) => {
    const verdict = verdictOf(t, value);
    verdicts.push({ t, verdict, shown: t.paired ? shownRatio(ratio) : `${fmt(value)} ms` });
    lines.push(row(label, pym, raw, t.paired ? shownRatio(ratio) : ratio, boundOf(t), verdict));
  };

  const e = results.enqueue;
  const p50 = (name) => (round) => h.percentile(round[name].latencies, 50);
  const cpuOf = (name) => (round) => round[name].cpuUsPerCall;
  const medianOf = (name, fn) => h.median(e.rounds.map((round) => fn(name)(round)));
  const pooledRatio = (a, b, p) => `${fmt(h.percentile(e[a], p) / h.percentile(e[b], p))}× (pooled)`;
  const enqP50 = pairedRatio(e.rounds, p50('pym'), p50('raw'));
  targetRow(target.enqueueP50, 'enqueue latency p50 (ms)', fmt(h.percentile(e.pym, 50), 3), fmt(h.percentile(e.raw, 50), 3), enqP50, enqP50?.median);
  lines.push(row('enqueue latency p99 (ms)', fmt(h.percentile(e.pym, 99), 3), fmt(h.percentile(e.raw, 99), 3), pooledRatio('pym', 'raw', 99), '—', 'info'));
  const enqCpu = pairedRatio(e.rounds, cpuOf('pym'), cpuOf('raw'));
  targetRow(target.enqueueCpu, 'enqueuing process CPU per call (µs)', fmt(medianOf('pym', cpuOf), 1), fmt(medianOf('raw', cpuOf), 1), enqCpu, enqCpu?.median);
  for (const [name, label] of [['pymPlain', 'with async.encrypt false'], ['rawAsPym', "raw add of pym's job data and options"]]) {
    lines.push(row(`└ ${label}: enqueue p50 (ms)`, fmt(h.percentile(e[name], 50), 3), fmt(h.percentile(e.raw, 50), 3), shownRatio(pairedRatio(e.rounds, p50(name), p50('raw'))), '—', 'info'));
    lines.push(row(`└ ${label}: enqueue p99 (ms)`, fmt(h.percentile(e[name], 99), 3), fmt(h.percentile(e.raw, 99), 3), pooledRatio(name, 'raw', 99), '—', 'info'));
    lines.push(row(`└ ${label}: CPU per call (µs)`, fmt(medianOf(name, cpuOf), 1), fmt(medianOf('raw', cpuOf), 1), shownRatio(pairedRatio(e.rounds, cpuOf(name), cpuOf('raw'))), '—', 'info'));
  }

  // Throughput rounds, as {side: result} per round.
  const tRounds = results.throughput.pym.map((_, i) => Object.fromEntries(Object.entries(results.throughput).map(([name, runs]) => [name, runs[i]])));
  const tMedian = (name, key) => h.median(results.throughput[name].map((r) => r[key]));
  const tRatio = (name, key) => pairedRatio(tRounds, (round) => round[name]?.[key], (round) => round.raw?.[key]);
  const jobs = tRatio('pym', 'jobsPerSec');
  targetRow(target.throughput, `no-op throughput, concurrency ${options.concurrency} (jobs/s)`, fmt(tMedian('pym', 'jobsPerSec'), 0), fmt(tMedian('raw', 'jobsPerSec'), 0), jobs, jobs?.median);
  const cpu = tRatio('pym', 'workerCpuUsPerJob');
  targetRow(target.workerCpu, 'worker CPU per no-op job (µs)', fmt(tMedian('pym', 'workerCpuUsPerJob'), 1), fmt(tMedian('raw', 'workerCpuUsPerJob'), 1), cpu, cpu?.median);
  lines.push(row('Redis server CPU per no-op job, all its clients (µs)', fmt(tMedian('pym', 'redisCpuUsPerJob'), 1), fmt(tMedian('raw', 'redisCpuUsPerJob'), 1), shownRatio(tRatio('pym', 'redisCpuUsPerJob')), '—', 'info'));
  for (const [name, label] of [['pymPlain', 'with async.encrypt false'], ['rawAsPym', "raw worker on pym's job data and options"]]) {
    lines.push(row(`└ ${label}: throughput (jobs/s)`, fmt(tMedian(name, 'jobsPerSec'), 0), fmt(tMedian('raw', 'jobsPerSec'), 0), shownRatio(tRatio(name, 'jobsPerSec')), '—', 'info'));
    lines.push(row(`└ ${label}: worker CPU per job (µs)`, fmt(tMedian(name, 'workerCpuUsPerJob'), 1), fmt(tMedian('raw', 'workerCpuUsPerJob'), 1), shownRatio(tRatio(name, 'workerCpuUsPerJob')), '—', 'info'));
  }

  const l = results.latency;
  const [startP50, rawStartP50] = [h.percentile(l.pym, 50), h.percentile(l.raw, 50)];
  targetRow(target.callToStart, 'call→task-start p50 (ms)', fmt(startP50), fmt(rawStartP50), `${fmt(startP50 / rawStartP50)}× (pooled)`, startP50);
  lines.push(row('call→task-start p99 (ms)', fmt(h.percentile(l.pym, 99)), fmt(h.percentile(l.raw, 99)), `${fmt(h.percentile(l.pym, 99) / h.percentile(l.raw, 99))}× (pooled)`, '—', 'info'));
  for (const run of results.delayed) {
    lines.push(row(`delayed-start lateness p50 (ms), Redis hz ${run.hz}`, fmt(h.percentile(run.samples.pym, 50), 1), fmt(h.percentile(run.samples.raw, 50), 1), '—', '—', 'info'));
    const p99 = h.percentile(run.samples.pym, 99);
    targetRow({ ...target.delayedP99, measure: `delayed-start lateness p99 (ms), Redis hz ${run.hz}` }, `delayed-start lateness p99 (ms), Redis hz ${run.hz}`, fmt(p99, 1), fmt(h.percentile(run.samples.raw, 99), 1), '—', p99);
  }

  lines.push('', `Targets (Node ${REFERENCE_NODE_MAJOR}, pym's defaults; paired ones: median of the per-round ratios pym / raw):`, '');
  for (const { t, verdict, shown } of verdicts) lines.push(`- ${verdict === 'pass' ? 'pass' : verdict === 'n/a' ? 'n/a ' : 'MISS'}  ${t.measure} ${boundOf(t)}${t.paired ? ' raw' : ''}: ${shown}`);
  const major = Number(/^v(\d+)/.exec(process.version)?.[1]);
  if (major !== REFERENCE_NODE_MAJOR) lines.push(`- note: this run is on Node ${process.version}; the targets are set for Node ${REFERENCE_NODE_MAJOR} (run with --node PATH to a Node ${REFERENCE_NODE_MAJOR}).`);
  if (options.rounds === 1) lines.push('- note: one throughput round: its ratios are that round\'s only (no range); a verdict needs several rounds.');
  lines.push(
    '',
    'Delayed-start lateness: a worker waiting for a delayed job blocks in Redis with a timeout, and an idle Redis only',
    'checks timeouts `hz` times a second (default 10), so raw BullMQ starts delayed jobs up to 100 ms late. pym wakes',
    'Redis up (a PING from the enqueuing process) when each delayed task is due.',
  );
  const rounds = (name) => results.throughput[name].map((r) => fmt(r.jobsPerSec, 0)).join(', ');
  lines.push('', `Throughput rounds (jobs/s): pym ${rounds('pym')}; pym with encrypt false ${rounds('pymPlain')}; raw ${rounds('raw')}; raw on pym's job data and options ${rounds('rawAsPym')}.`);
  lines.push(`Per-round ratios pym / raw: throughput ${tRounds.map((r) => fmt(r.pym.jobsPerSec / r.raw.jobsPerSec)).join(', ')}; worker CPU per job ${tRounds.map((r) => fmt(r.pym.workerCpuUsPerJob / r.raw.workerCpuUsPerJob)).join(', ')}.`);
  lines.push('Rows marked └ are informational: pym with `async.encrypt: false` (envelopes sealed, not encrypted), and raw BullMQ');
  lines.push('adding and consuming what pym\'s jobs carry (a sealed envelope as data; attempts, backoff, retention), which');
  lines.push('separates BullMQ\'s cost of that data from pym\'s own work. The targets apply to pym\'s defaults against raw BullMQ.');
  return lines.join('\n');
}

/**
 * --node PATH: run this script again on that binary (without --node), passing the exit code on. The enqueues are
 * measured in this process and the workers run on its Node, so moving only the workers would mix two Nodes.
 */
function rerunOn(nodePath, argv) {
  let wanted;
  try {
    wanted = fs.realpathSync(nodePath);
    execFileSync(wanted, ['-e', ''], { timeout: 30000 });
  } catch (error) {
    fail(`--node ${nodePath}: cannot run it (${error.message.split('\n')[0]})`);
  }
  if (wanted === fs.realpathSync(process.execPath)) return false;
  const args = argv.filter((arg, index) => arg !== '--node' && argv[index - 1] !== '--node');
  const child = spawn(wanted, [__filename, ...args], { stdio: 'inherit' });
  process.on('SIGINT', () => undefined); // the terminal's Ctrl-C reaches the child too: let it clean up and exit
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
  return true;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.node !== undefined && rerunOn(options.node, process.argv.slice(2))) return;
  h.log(`node ${process.version} (${process.execPath}): this script (the enqueues) and both workers`);
  const prefix = `bench-tasks-${randomUUID().slice(0, 8)}`;
  process.env.BENCH_TASKS_PREFIX = prefix;
  process.env.BENCH_TASKS_REDIS_URL = options.redis;
  const ctx = { prefix, tracker: new h.StartTracker(), workers: {}, profileDir: path.join(os.tmpdir(), `pym-bench-tasks-${prefix}`) };
  const redis = new IORedis(options.redis, { maxRetriesPerRequest: 1 });
  ctx.redis = redis;
  let restoreHz;
  let cleaning;
  const cleanup = () => {
    cleaning ??= (async () => {
      await Promise.all(Object.values(ctx.workers).map((worker) => h.stopWorker(worker)));
      await Promise.allSettled([ctx.pymApp?.close(), ctx.plainApp?.close(), ctx.rawQueue?.close(), ctx.pymAdmin?.close(), ctx.rawAdmin?.close()]);
      if (restoreHz !== undefined) await redis.config('SET', 'hz', restoreHz).catch(() => undefined);
      const deleted = await h.deleteKeys(redis, prefix).catch(() => 0);
      h.log(`cleanup: ${deleted} keys under ${prefix}: deleted${restoreHz !== undefined ? `, hz restored to ${restoreHz}` : ''}`);
      redis.disconnect();
      ctx.rawConnection?.disconnect();
    })();
    return cleaning;
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const info = await redis.info('server');
    ctx.redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    ctx.hz = (await redis.config('GET', 'hz'))[1];
    ctx.dynamicHz = (await redis.config('GET', 'dynamic-hz'))[1] ?? 'n/a';
    ctx.pymApp = await createApp({ configPath: CONFIG_FILE });
    ctx.plainApp = await createApp({ configPath: CONFIG_FILE, env: 'plain' });
    ctx.config = ctx.pymApp.config;
    ctx.tasks = require(path.join(SERVICE_DIR, 'src', 'tasks', 'bench-tasks.js'));
    ctx.rawConnection = new IORedis(options.redis, { maxRetriesPerRequest: null });
    ctx.rawQueue = new Queue(RAW_QUEUE, { connection: ctx.rawConnection, prefix });
    ctx.pymAdmin = new Queue(PYM_QUEUE, { connection: redis, prefix });
    ctx.rawAdmin = new Queue(RAW_QUEUE, { connection: redis, prefix });
    const sides = makeSides(ctx);
    const results = { delayed: [] };

    h.log(`prefix ${prefix}; 1/4 enqueue latency (${options.enqueue} per side, no worker running)`);
    ctx.sizes = await jobSizes(ctx, sides);
    results.enqueue = await measureEnqueue(ctx, sides, options.enqueue);
    h.log('starting workers');
    await startWorkers(ctx, options, sides);
    h.log(`2/4 call→start latency (${options.latency} per side)`);
    results.latency = await measureLatency(ctx, sides, options.latency);
    h.log(`3/4 delayed-start lateness (${options.delayed} per side, Redis hz ${ctx.hz})`);
    results.delayed.push({ hz: ctx.hz, samples: await measureDelayed(ctx, sides, options.delayed, `hz${ctx.hz}`) });
    if (options.hz100 && ctx.hz !== '100') {
      const refused = await redis.config('SET', 'hz', '100').then(() => undefined, (error) => error);
      if (refused) h.log(`    CONFIG SET hz 100 refused (${refused.message}); rerun skipped`);
      else {
        restoreHz = ctx.hz;
        h.log(`    again with CONFIG SET hz 100 (restored to ${ctx.hz} afterwards)`);
        results.delayed.push({ hz: '100', samples: await measureDelayed(ctx, sides, options.delayed, 'hz100') });
        await redis.config('SET', 'hz', restoreHz);
        restoreHz = undefined;
      }
    }
    h.log(`4/4 no-op throughput (${options.rounds} × ${options.jobs} jobs per side, concurrency ${options.concurrency})`);
    results.throughput = await measureThroughput(ctx, sides, options.jobs, options.rounds);
    console.log(report(options, ctx, results));
  } finally {
    await cleanup();
    if (options.cpuProf) h.log(`CPU profiles: ${ctx.profileDir}`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench/tasks: run invalid: ${error.stack ?? error}\n`);
  process.exit(1);
});
