// bench/tasks.js: @asyncTask vs raw BullMQ on one Redis: enqueue latency, no-op throughput, call→start, delayed lateness.
//
//   npm run bench:tasks              # build, then the default run (~3 minutes)
//   node bench/tasks.js --quick      # ~25 s smoke run
//   node bench/tasks.js --no-hz100   # do not rerun the delayed measurement under CONFIG SET hz 100
//
// pym side: decorated calls of the tasks in fixtures/tasks-service (called under withBackendToken, so a token and
// its claims travel as in a request), consumed by `pym worker` in a child process. Raw side: queue.add of the same
// payload, consumed by a hand-written BullMQ Worker (fixtures/tasks-service/raw-worker.js) in a child process at the
// same concurrency. Both sides alternate in one run against the same Redis, under a unique key prefix deleted at
// the end. Progress goes to stderr, the markdown report to stdout. Targets are reported, never asserted: exit 1
// only when the run is invalid (a job failed, a worker died).
'use strict';
const { randomUUID } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const IORedis = require('ioredis');
const { createApp, loadConfig, setConfig, withBackendToken } = require('@pym/framework');
const h = require('./fixtures/tasks-service/harness');

const SERVICE_DIR = path.join(__dirname, 'fixtures', 'tasks-service');
const CONFIG_FILE = path.join(SERVICE_DIR, 'pym-config.yaml');
const PYM_BIN = path.join(__dirname, '..', 'bin', 'pym');
const RAW_WORKER = path.join(SERVICE_DIR, 'raw-worker.js');
const PYM_QUEUE = 'tasks'; // async.queue of the fixture's config
const RAW_QUEUE = 'raw';

const USAGE = `usage: node bench/tasks.js [--quick] [--enqueue N] [--jobs M] [--rounds R] [--latency N] [--delayed N]
                          [--concurrency C] [--no-hz100] [--redis URL] [--cpu-prof]
  --enqueue N      sequential awaited enqueues per side (default 5000)
  --jobs M         jobs pre-filled per throughput round and side (default 20000)
  --rounds R       throughput rounds per side, interleaved; the report gives the median (default 3)
  --latency N      sequential call→start measurements per side (default 2000)
  --delayed N      delayed tasks per side, delays of 200-500 ms, in bursts of 8 (default 300)
  --concurrency C  worker concurrency of both sides (default 10)
  --no-hz100       skip the delayed rerun with Redis' hz set to 100 (restored afterwards)
  --redis URL      Redis to use (default $REDIS_URL, else redis://127.0.0.1:6379)
  --cpu-prof       run both workers with node --cpu-prof (profiles written to a temp folder, path printed)
  --quick          smoke run: --enqueue 1000 --jobs 3000 --rounds 1 --latency 300 --delayed 100 (~25 s)`;

function parseArgs(argv) {
  const options = { enqueue: 5000, jobs: 20000, rounds: 3, latency: 2000, delayed: 300, concurrency: 10, hz100: true, cpuProf: false, redis: process.env.REDIS_URL || 'redis://127.0.0.1:6379' };
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
    else if (numeric[arg]) {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value) || value <= 0) fail(`${arg} needs a positive integer`);
      given[numeric[arg]] = value;
    } else fail(`unknown argument ${arg}\n${USAGE}`);
  }
  if (options.quick) Object.assign(options, { enqueue: 1000, jobs: 3000, rounds: 1, latency: 300, delayed: 100 });
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

/**
 * The sides: how each enqueues, the admin handle of its queue (pause, counts, obliterate) and the worker consuming
 * it. Two informational sides join the enqueue and throughput measurements: `pymPlain` is pym with
 * `async.encrypt: false` (the `plain` overlay; `enter()` makes its config the process-wide one, `pym` puts the
 * default back), and `rawAsPym` is raw BullMQ adding what pym's jobs carry (a sealed envelope as data, pym's job
 * options), so that the report can tell BullMQ's cost of that data from pym's own work.
 */
function makeSides(ctx) {
  const { BenchTasks } = ctx.tasks;
  const pym = (name, config) => ({
    name,
    worker: 'pym',
    queueName: PYM_QUEUE,
    admin: ctx.pymAdmin,
    enter: () => setConfig(config),
    noop: (data) => BenchTasks.noop(data),
    probe: (data) => BenchTasks.probe(data),
    delayed: (data, delay) => BenchTasks[`delayed${delay}`](data),
  });
  return {
    pym: pym('pym', ctx.config),
    pymPlain: pym('pymPlain', ctx.plainConfig),
    raw: {
      name: 'raw',
      worker: 'raw',
      queueName: RAW_QUEUE,
      admin: ctx.rawAdmin,
      enter: () => undefined,
      noop: (data) => ctx.rawQueue.add('noop', data),
      probe: (data) => ctx.rawQueue.add('probe', data),
      delayed: (data, delay) => ctx.rawQueue.add('delayed', data, { delay }),
    },
    rawAsPym: {
      name: 'rawAsPym',
      worker: 'raw',
      queueName: RAW_QUEUE,
      admin: ctx.rawAdmin,
      enter: () => undefined,
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
/** The sides of the enqueue and throughput measurements, rotated by `i` so that none always runs first. */
const rotateAll = (i, sides) => [sides.pym, sides.pymPlain, sides.raw, sides.rawAsPym].map((_, k, all) => all[(k + i) % all.length]);

/** 1. Sequential awaited enqueues, in rotating blocks; no worker runs. */
async function measureEnqueue(ctx, sides, n) {
  const samples = { pym: [], pymPlain: [], raw: [], rawAsPym: [] };
  const cpuUs = { pym: 0, pymPlain: 0, raw: 0, rawAsPym: 0 }; // this process's CPU time spent in the measured blocks
  const block = Math.min(250, n);
  const run = async (side, count, keep) => {
    side.enter();
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const data = payload(`e-${side.name}-${randomUUID()}`);
      const start = process.hrtime.bigint();
      await side.noop(data);
      if (keep) samples[side.name].push(elapsedMs(start));
    }
    const used = process.cpuUsage(cpu);
    if (keep) cpuUs[side.name] += used.user + used.system;
  };
  for (const side of rotateAll(0, sides)) await run(side, Math.min(500, n), false); // warm-up
  for (let done = 0, b = 0; done < n; done += block, b++) {
    for (const side of rotateAll(b, sides)) await run(side, Math.min(block, n - done), true);
  }
  sides.pym.enter();
  await Promise.all([sides.pym.admin.obliterate({ force: true }), sides.raw.admin.obliterate({ force: true })]);
  const perCall = (name) => cpuUs[name] / samples[name].length;
  const cpuUsPerCall = Object.fromEntries(Object.keys(cpuUs).map((name) => [name, perCall(name)]));
  return { ...samples, cpuUsPerCall };
}

/**
 * Size of the data of a job of each side, as stored in Redis (the pym envelope vs the raw payload); keeps one
 * stored pym envelope as `ctx.sealedSample`, the data of the `rawAsPym` side.
 */
async function jobSizes(ctx, sides) {
  const stored = async (side) => {
    side.enter();
    const ref = await side.noop(payload(randomUUID()));
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
  await side.probe(data);
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
        await side.delayed(data, delay);
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
  side.enter();
  await h.runParallel(m, 64, (i) => side.noop(payload(`t-${i}`)));
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
    for (const side of rotateAll(round, sides)) {
      const result = await drainRound(ctx, side, m);
      results[side.name].push(result);
      h.log(`  round ${round + 1}/${rounds} ${side.name.padEnd(8)} ${Math.round(result.jobsPerSec)} jobs/s (${m} jobs in ${result.ms} ms, worker CPU ${fmt(result.workerCpuUsPerJob, 1)} µs/job, Redis CPU ${fmt(result.redisCpuUsPerJob, 1)} µs/job)`);
    }
  }
  sides.pym.enter();
  return results;
}

/** Start both workers and wait until each has run a probe. */
async function startWorkers(ctx, options) {
  const env = { ...process.env, BENCH_TASKS_PREFIX: ctx.prefix, BENCH_TASKS_REDIS_URL: options.redis };
  const profFlags = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`] : [];
  const common = { env, cwd: SERVICE_DIR, tracker: ctx.tracker };
  ctx.workers.pym = h.spawnWorker('pym worker', [...profFlags, PYM_BIN, 'worker', '--concurrency', String(options.concurrency), '--config', CONFIG_FILE], common);
  ctx.workers.raw = h.spawnWorker('raw worker', [...profFlags, RAW_WORKER, options.redis, ctx.prefix, RAW_QUEUE, String(options.concurrency)], common);
  const sides = makeSides(ctx);
  await Promise.all([probeOnce(ctx, sides.pym, 'ready-pym'), probeOnce(ctx, sides.raw, 'ready-raw')]);
}

function fmt(value, digits = 2) {
  return value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/** The markdown report. */
function report(options, ctx, results) {
  const cpus = os.cpus();
  const row = (label, pym, raw, ratio, target, verdict) => `| ${label} | ${pym} | ${raw} | ${ratio} | ${target} | ${verdict} |`;
  const verdict = (ok) => (ok ? 'pass' : '**miss**');
  const lines = [
    '## bench/tasks: @asyncTask vs raw BullMQ',
    '',
    `- date ${new Date().toISOString()}, node ${process.version}, ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `- Redis ${ctx.redisVersion} at ${options.redis} (hz ${ctx.hz}, dynamic-hz ${ctx.dynamicHz}), BullMQ ${require('bullmq/package.json').version}, same Redis and prefix for both sides`,
    `- pym: decorated calls under withBackendToken, async.encrypt ${ctx.config.async.encrypt}, job data ${ctx.sizes.pym} bytes (${ctx.sizes.pymPlain} with encrypt false; raw: ${ctx.sizes.raw} bytes, the same argument); workers: \`pym worker --concurrency ${options.concurrency}\` vs a BullMQ Worker at concurrency ${options.concurrency}, each in its own process`,
    `- sizes: ${options.enqueue} enqueues, ${options.rounds} × ${options.jobs} jobs drained, ${options.latency} call→start probes, ${options.delayed} delayed tasks (per side)`,
    '',
    '| measurement | pym | raw BullMQ | pym / raw | target | result |',
    '|---|---|---|---|---|---|',
  ];
  const e = results.enqueue;
  for (const p of [50, 99]) {
    const [pym, raw] = [h.percentile(e.pym, p), h.percentile(e.raw, p)];
    lines.push(row(`enqueue latency p${p} (ms)`, fmt(pym, 3), fmt(raw, 3), `${fmt(pym / raw)}×`, '≤ 1.20×', verdict(pym / raw <= 1.2)));
  }
  const ec = e.cpuUsPerCall;
  lines.push(row('enqueuing process CPU per call (µs)', fmt(ec.pym, 1), fmt(ec.raw, 1), `${fmt(ec.pym / ec.raw)}×`, '—', 'info'));
  for (const p of [50, 99]) {
    const [plain, raw] = [h.percentile(e.pymPlain, p), h.percentile(e.raw, p)];
    lines.push(row(`└ with async.encrypt false: enqueue p${p} (ms)`, fmt(plain, 3), fmt(raw, 3), `${fmt(plain / raw)}×`, '(≤ 1.20×)', 'info'));
  }
  lines.push(row('└ with async.encrypt false: CPU per call (µs)', fmt(ec.pymPlain, 1), fmt(ec.raw, 1), `${fmt(ec.pymPlain / ec.raw)}×`, '—', 'info'));
  for (const p of [50, 99]) {
    const [asPym, raw] = [h.percentile(e.rawAsPym, p), h.percentile(e.raw, p)];
    lines.push(row(`└ raw add of pym's job data and options: enqueue p${p} (ms)`, fmt(asPym, 3), fmt(raw, 3), `${fmt(asPym / raw)}×`, '—', 'info'));
  }
  lines.push(row('└ raw add of pym\'s job data and options: CPU per call (µs)', fmt(ec.rawAsPym, 1), fmt(ec.raw, 1), `${fmt(ec.rawAsPym / ec.raw)}×`, '—', 'info'));
  const tp = (name, key) => h.median(results.throughput[name].map((r) => r[key]));
  const t = { pym: tp('pym', 'jobsPerSec'), pymPlain: tp('pymPlain', 'jobsPerSec'), raw: tp('raw', 'jobsPerSec'), rawAsPym: tp('rawAsPym', 'jobsPerSec') };
  lines.push(row(`no-op throughput, concurrency ${options.concurrency} (jobs/s)`, fmt(t.pym, 0), fmt(t.raw, 0), `${fmt(t.pym / t.raw)}×`, '≥ 0.90×', verdict(t.pym / t.raw >= 0.9)));
  const cpu = { pym: tp('pym', 'workerCpuUsPerJob'), pymPlain: tp('pymPlain', 'workerCpuUsPerJob'), raw: tp('raw', 'workerCpuUsPerJob'), rawAsPym: tp('rawAsPym', 'workerCpuUsPerJob') };
  lines.push(row('worker CPU per no-op job (µs)', fmt(cpu.pym, 1), fmt(cpu.raw, 1), `${fmt(cpu.pym / cpu.raw)}×`, '—', 'info'));
  const rc = { pym: tp('pym', 'redisCpuUsPerJob'), raw: tp('raw', 'redisCpuUsPerJob') };
  lines.push(row('Redis server CPU per no-op job, all its clients (µs)', fmt(rc.pym, 1), fmt(rc.raw, 1), `${fmt(rc.pym / rc.raw)}×`, '—', 'info'));
  lines.push(row('└ with async.encrypt false: throughput (jobs/s)', fmt(t.pymPlain, 0), fmt(t.raw, 0), `${fmt(t.pymPlain / t.raw)}×`, '(≥ 0.90×)', 'info'));
  lines.push(row('└ with async.encrypt false: worker CPU per job (µs)', fmt(cpu.pymPlain, 1), fmt(cpu.raw, 1), `${fmt(cpu.pymPlain / cpu.raw)}×`, '—', 'info'));
  lines.push(row('└ raw worker on pym\'s job data and options: throughput (jobs/s)', fmt(t.rawAsPym, 0), fmt(t.raw, 0), `${fmt(t.rawAsPym / t.raw)}×`, '—', 'info'));
  lines.push(row('└ raw worker on pym\'s job data and options: worker CPU per job (µs)', fmt(cpu.rawAsPym, 1), fmt(cpu.raw, 1), `${fmt(cpu.rawAsPym / cpu.raw)}×`, '—', 'info'));
  const l = results.latency;
  for (const p of [50, 99]) {
    const [pym, raw] = [h.percentile(l.pym, p), h.percentile(l.raw, p)];
    lines.push(row(`call→task-start p${p} (ms)`, fmt(pym), fmt(raw), `${fmt(pym / raw)}×`, p === 50 ? '≤ 3 ms' : '—', p === 50 ? verdict(pym <= 3) : 'info'));
  }
  for (const run of results.delayed) {
    for (const p of [50, 99]) {
      const [pym, raw] = [h.percentile(run.samples.pym, p), h.percentile(run.samples.raw, p)];
      lines.push(row(`delayed-start lateness p${p} (ms), Redis hz ${run.hz}`, fmt(pym, 1), fmt(raw, 1), '—', p === 99 ? '≤ 20 ms' : '—', p === 99 ? verdict(pym <= 20) : 'info'));
    }
  }
  lines.push(
    '',
    'Delayed-start lateness: a worker waiting for a delayed job blocks in Redis with a timeout, and an idle Redis only',
    'checks timeouts `hz` times a second (default 10), so raw BullMQ starts delayed jobs up to 100 ms late. pym wakes',
    'Redis up (a PING from the enqueuing process) when each delayed task is due.',
  );
  const rounds = (name) => results.throughput[name].map((r) => fmt(r.jobsPerSec, 0)).join(', ');
  lines.push('', `Throughput rounds (jobs/s): pym ${rounds('pym')}; pym with encrypt false ${rounds('pymPlain')}; raw ${rounds('raw')}; raw on pym's job data and options ${rounds('rawAsPym')}.`);
  lines.push('Rows marked └ are informational: pym with `async.encrypt: false` (envelopes sealed, not encrypted), and raw BullMQ');
  lines.push('adding and consuming what pym\'s jobs carry (a sealed envelope as data; attempts, backoff, retention), which');
  lines.push('separates BullMQ\'s cost of that data from pym\'s own work. The targets apply to pym\'s defaults against raw BullMQ.');
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
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
      await Promise.allSettled([ctx.pymApp?.close(), ctx.rawQueue?.close(), ctx.pymAdmin?.close(), ctx.rawAdmin?.close()]);
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
    const pymApp = await createApp({ configPath: CONFIG_FILE });
    ctx.pymApp = pymApp;
    ctx.config = pymApp.config;
    ctx.plainConfig = loadConfig({ configPath: CONFIG_FILE, env: 'plain' });
    ctx.tasks = require(path.join(SERVICE_DIR, 'src', 'tasks', 'bench-tasks.js'));
    ctx.rawConnection = new IORedis(options.redis, { maxRetriesPerRequest: null });
    ctx.rawQueue = new Queue(RAW_QUEUE, { connection: ctx.rawConnection, prefix });
    ctx.pymAdmin = new Queue(PYM_QUEUE, { connection: redis, prefix });
    ctx.rawAdmin = new Queue(RAW_QUEUE, { connection: redis, prefix });
    const sides = makeSides(ctx);
    const results = { delayed: [] };

    await withBackendToken({ userId: 'bench-user', data: { role: 'bench' } }, async () => {
      h.log(`prefix ${prefix}; 1/4 enqueue latency (${options.enqueue} per side, no worker running)`);
      ctx.sizes = await jobSizes(ctx, sides);
      results.enqueue = await measureEnqueue(ctx, sides, options.enqueue);
      h.log('starting workers');
      await startWorkers(ctx, options);
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
    });
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
