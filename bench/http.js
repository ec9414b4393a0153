// bench/http.js: requests/s of pym vs express 5 baselines serving the same spec and handlers (a script, not a test).
//
//   npm run bench:http                       # build, then the default run (~6 minutes)
//   node bench/http.js --quick               # ~45 s smoke run
//   node bench/http.js --duration 5 --rounds 5 --warmup 3 --connections 50
//   node bench/http.js --node /path/to/node  # the servers on another Node (the reference is Node 24)
//   node bench/http.js --quick --cpu-prof    # also write a CPU profile of the pym server
//   node bench/http.js --observability       # then what metrics and tracing cost (ABBA blocks, one process)
//   node bench/http.js --observability --observability-control 4   # and what the same blocks make of a known 4 µs
//
// Each server runs in its own child process (one Node process, one JS thread), on the Node of --node (default: the
// one running this script); autocannon loads it from this process. Every round measures each route on every server
// back to back (pym next to the tuned baseline, the order reversed every other round), and each ratio is computed
// within its round: the report gives the median of the per-round ratios and their range, never a ratio of medians.
// The cost of metrics and tracing (a few per cent: less than a shared machine's speed drifts between two 5-second
// measurements, and less than two processes of the same server differ) is measured after the rounds, on two apps in
// one process, in blocks of short slices in ABBA order (see measureObservability). The targets (TARGETS below) are
// printed with pass/miss, never asserted. Progress goes to stderr, the markdown report to stdout. Exit code 1 when
// any response was not the expected status (the run is invalid).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');
const jwt = require('jsonwebtoken');
const yaml = require('js-yaml');
const { READY, READY_PAIR } = require('./servers/listen');

const SERVICE_DIR = path.join(__dirname, 'fixtures', 'http-service');
const CONFIG = yaml.load(fs.readFileSync(path.join(SERVICE_DIR, 'pym-config.yaml'), 'utf8'));

/** The Node major the targets are set for (issue #13: Node 24 LTS is the reference). */
const REFERENCE_NODE_MAJOR = 24;

/**
 * The targets, each a floor on the median of pym's per-round ratios (req/s) to another server on each route. The
 * model-layer target compares pym's two POST routes; the observability one runs with --observability only.
 */
const TARGETS = [
  { id: 'tuned', against: 'B', min: 1.0, what: 'pym ≥ 1.00× the hand-tuned baseline (B)' },
  { id: 'bare', against: 'bare', min: 0.55, what: 'pym ≥ 0.55× bare express 5 (same routes and handlers, no validation, no JWT)' },
  { id: 'observability', against: 'pym-off', min: 0.95, what: 'metrics + tracing cost ≤ 5 %: pym ≥ 0.95× pym with both off' },
  { id: 'models', min: 0.95, what: 'models cost ≤ 5 %: pym POST /v1/items (named models) ≥ 0.95× POST /v1/items-plain (schemas inline)' },
];

/**
 * The servers under test, in the order of a round (reversed every other round): pym sits next to the tuned baseline,
 * the comparison that matters most, so that the pair runs back to back. The pair of --observability has a phase of
 * its own after the rounds.
 */
const SERVERS = [
  { id: 'A', name: 'baseline A (typical: jwt.verify with the secret string)', short: 'baseline A (typical)', script: 'express.js', args: ['string'] },
  { id: 'B', name: 'baseline B (tuned: jwt.verify with a crypto KeyObject)', short: 'baseline B (tuned)', script: 'express.js', args: ['keyobject'] },
  { id: 'pym', name: 'pym', short: 'pym', script: 'pym.js', args: [] },
  // --observability only, in its phase after the rounds: one process serving pym as configured by default (metrics
  // on, tracing API on, no OpenTelemetry SDK) on one port and with both off on another.
  { id: 'pym-pair', name: 'pym with metrics and tracing on | off (two apps, one process)', short: 'pym on | off', script: 'pym.js', args: ['--observability-pair'], observability: true, pair: true },
  // --observability-control US only, after the pair: both apps off, the first spinning US µs of CPU per request.
  { id: 'pym-control', name: 'pym control: both off, the first spinning a known cost (two apps, one process)', short: 'pym control', script: 'pym.js', args: ['--control-pair'], observability: true, pair: true },
  { id: 'bare', name: 'bare express 5 (same routes and handlers; no validation, no JWT)', short: 'bare express 5', script: 'express.js', args: ['bare'], bare: true },
];

const NEW_ITEM = {
  name: 'The Dispossessed',
  email: 'reader@example.com',
  quantity: 2,
  kind: 'book',
  website: 'https://example.com/books/the-dispossessed',
  available_from: '2024-05-01T10:00:00.000Z',
};

/** The operations loaded, with the status every response must have. */
const ROUTES = [
  { id: 'GET /v1/items/{id}', method: 'GET', path: '/v1/items/item-42', status: 200 },
  { id: 'POST /v1/items', method: 'POST', path: '/v1/items', status: 201, body: JSON.stringify(NEW_ITEM) },
  // Same operation, schemas inline: pym's model layer has nothing to do (the models target compares the two).
  { id: 'POST /v1/items-plain', method: 'POST', path: '/v1/items-plain', status: 201, body: JSON.stringify(NEW_ITEM) },
];

const USAGE = `usage: node bench/http.js [--duration S] [--rounds N] [--warmup S] [--connections N] [--node PATH] [--quick]
                         [--cpu-prof] [--observability] [--observability-blocks N] [--observability-slice S]
                         [--observability-control US]
  --duration S     seconds measured per server and route in each round (default 5)
  --rounds N       rounds; each ratio is the median of its per-round ratios, with their range (default 5)
  --warmup S       seconds of discarded load before each server's first measurement of a route (default 3)
  --connections N  concurrent connections (default 50)
  --node PATH      the Node binary running the servers (default: the one running this script); the targets are set
                   for Node ${REFERENCE_NODE_MAJOR}. autocannon stays in this process: run the script with that Node to move it too
  --quick          smoke run: --duration 2 --rounds 1 --warmup 1 (~45 s); explicit options win
  --cpu-prof       run the pym server with node --cpu-prof; the profile goes to $TMPDIR/pym-bench-profiles/ when it exits
  --observability  then measure what metrics and tracing cost (target: within 5 %): pym with both on and off as two
                   apps of one process, per route blocks of four slices in ABBA order (on, off, off, on; BAAB
                   every other block), a ratio per block, the median of the blocks; and two idle processes
  --observability-blocks N  ABBA blocks per route (default 20)
  --observability-slice S   seconds per slice of a block (default 2)
  --observability-control US  then the same blocks on a control pair: both apps with metrics and tracing off, the
                   first spinning US µs of CPU per request (a known cost: how close the blocks come to it; 0 for an
                   A/A control: how far from 1.00× they land with no difference at all); implies --observability`;

function parseArgs(argv) {
  const options = {
    ...{ duration: 5, rounds: 5, warmup: 3, connections: 50, node: process.execPath, quick: false, cpuProf: false },
    ...{ observability: false, observabilityBlocks: 20, observabilitySlice: 2 },
  };
  const numeric = {
    ...{ '--duration': 'duration', '--rounds': 'rounds', '--warmup': 'warmup', '--connections': 'connections' },
    ...{ '--observability-blocks': 'observabilityBlocks', '--observability-slice': 'observabilitySlice' },
    ...{ '--observability-control': 'observabilityControl' },
  };
  const given = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--quick') {
      options.quick = true;
    } else if (arg === '--cpu-prof') {
      options.cpuProf = true;
    } else if (arg === '--observability') {
      options.observability = true;
    } else if (arg === '--node') {
      if (argv[index + 1] === undefined) fail(`--node needs the path of a Node binary\n${USAGE}`);
      options.node = argv[++index];
    } else if (numeric[arg]) {
      const value = Number(argv[++index]);
      const min = arg === '--warmup' || arg === '--observability-control' ? 0 : 1;
      if (!Number.isInteger(value) || value < min) fail(`${arg} needs an integer >= ${min}\n${USAGE}`);
      given[numeric[arg]] = value;
    } else {
      fail(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (options.quick) Object.assign(options, { duration: 2, rounds: 1, warmup: 1, observabilityBlocks: 2, observabilitySlice: 1 });
  Object.assign(options, given);
  if (options.observabilityControl !== undefined) options.observability = true;
  return options;
}

function fail(message) {
  console.error(`bench/http: ${message}`);
  process.exit(2);
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

/** The version of the Node binary at `nodePath` (`v24.…`), or a clear failure when it does not run. */
function nodeVersion(nodePath) {
  try {
    return execFileSync(nodePath, ['-p', 'process.version'], { encoding: 'utf8', timeout: 30000 }).trim();
  } catch (error) {
    return fail(`--node ${nodePath}: cannot run it (${error.message.split('\n')[0]})`);
  }
}

const CLOCK_TICKS = clockTicks();

function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU seconds (user + system) used so far by process `pid`, from /proc; undefined where /proc is missing. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime and stime: fields 14 and 15 of stat
  } catch {
    return undefined;
  }
}

/**
 * Start a server in a child process on `nodePath` and resolve with its base URL once it prints its port (a pair
 * server: `urls`, one per app, and `url` the first).
 */
function startServer(server, nodePath) {
  const child = spawn(nodePath, [...(server.nodeFlags ?? []), path.join(__dirname, 'servers', server.script), ...server.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (line) => log(`[${server.id}] ${line}`);
  readline.createInterface({ input: child.stderr }).on('line', forward);
  return new Promise((resolve, reject) => {
    let ready = false;
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = (server.pair ? READY_PAIR : READY).exec(line);
      if (match && !ready) {
        ready = true;
        const urls = match.slice(1).map((port) => `http://127.0.0.1:${port}`);
        resolve({ child, url: urls[0], urls });
      } else forward(line);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`${server.name}: server exited (${signal ?? `code ${code}`}) before listening`));
    });
  });
}

function stopServer(running) {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null || running.child.signalCode !== null) return resolve();
    running.child.once('exit', () => resolve());
    running.child.kill('SIGTERM');
  });
}

/**
 * Check that a server answers as it should before loading it: the two operations answer as expected and, except
 * on the bare server, an unknown body property or a bad email is rejected with 400 and a missing or foreign token
 * with 401 (validation and JWT are on).
 */
async function preflight(server, url, token) {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const checks = [
    { what: 'GET with token', path: '/v1/items/item-42', init: { headers: auth }, status: 200, body: (b) => b.id === 'item-42' && b.owner === 'bench-user' },
    { what: 'POST with token', path: '/v1/items', init: { method: 'POST', headers: json, body: JSON.stringify(NEW_ITEM) }, status: 201, body: (b) => b.name === NEW_ITEM.name && b.owner === 'bench-user' && typeof b.id === 'string' },
  ];
  if (!server.bare) {
    checks.push(
      { what: 'POST with an extra body property', path: '/v1/items', init: { method: 'POST', headers: json, body: JSON.stringify({ ...NEW_ITEM, extra: 1 }) }, status: 400 },
      { what: 'POST with a bad email', path: '/v1/items', init: { method: 'POST', headers: json, body: JSON.stringify({ ...NEW_ITEM, email: 'nope' }) }, status: 400 },
      { what: 'GET without token', path: '/v1/items/item-42', init: {}, status: 401 },
      { what: 'GET with a token of another audience', path: '/v1/items/item-42', init: { headers: { authorization: `Bearer ${makeToken({ audience: 'someone-else' })}` } }, status: 401 },
    );
  }
  for (const check of checks) {
    const response = await fetch(url + check.path, check.init);
    const text = await response.text();
    let ok = response.status === check.status;
    if (ok && check.body) {
      try {
        ok = check.body(JSON.parse(text));
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new Error(`${server.name}: ${check.what}: expected ${check.status}, got ${response.status} ${text.slice(0, 300)}`);
  }
}

function makeToken(overrides = {}) {
  return jwt.sign({ sub: 'bench-user', role: 'reader' }, CONFIG.jwt_secret, {
    algorithm: 'HS256',
    issuer: CONFIG.jwt_issuer,
    audience: CONFIG.jwt_audience,
    expiresIn: 3600,
    ...overrides,
  });
}

/** One autocannon run; returns req/s, p99, server CPU and the count of responses that were not the expected status. */
async function load(running, route, token, seconds, connections) {
  const { url } = running;
  const cpuBefore = cpuSeconds(running.child.pid);
  const headers = { authorization: `Bearer ${token}` };
  if (route.body) headers['content-type'] = 'application/json';
  const result = await autocannon({ url: url + route.path, method: route.method, headers, body: route.body, connections, duration: seconds });
  const cpuAfter = cpuSeconds(running.child.pid);
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  const statuses = Object.entries(result.statusCodeStats ?? {});
  const unexpected = statuses.filter(([code]) => Number(code) !== route.status).reduce((sum, [, stats]) => sum + stats.count, 0);
  return {
    reqPerSec: result.requests.average,
    requests: result.requests.total,
    cpu,
    p99: result.latency.p99,
    // Share of one core the server got, and requests served per CPU-second: robust to a busy machine.
    cpuShare: cpu === undefined ? undefined : cpu / result.duration,
    reqPerCpuSec: cpu ? result.requests.total / cpu : undefined,
    unexpected,
    statuses: Object.fromEntries(statuses.map(([code, stats]) => [code, stats.count])),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * The observability target's measurement: pym as configured by default (metrics on, tracing API on, no SDK) against
 * pym with both off, served by one process on two ports (pym-pair). Two processes of the same server differ by more
 * than this cost (a fresh process keeps speeding up for a minute of load and more: against the pym of the rounds, a
 * fresh pym-off measured 0.67×); in one process both apps share the JIT state, the heap and the CPU, so their gap is
 * the per-request work of metrics and tracing. What they add to a whole process (default metrics' event-loop monitor
 * and GC observer) is measured apart, by `measureIdleCost`. The gap is also less than a shared machine's speed
 * drifts between two 5-second measurements, so per route it runs blocks of four short slices in ABBA order (on,
 * off, off, on; BAAB every other block): a drift linear over a block cancels out. A block's ratio is the on app's
 * requests over the off app's (equal time on each), and its req/CPU-s ratio their requests per CPU-second of the
 * process (only one app is loaded at a time). Before a route's blocks, one ABBA block of --warmup-second slices is
 * discarded. `check` records unexpected responses.
 */
async function measureObservability(options, pairServer, token, check, { ids = ['pym-on', 'pym-off'], label = 'observability' } = {}) {
  const sides = pairServer.urls.map((url, index) => ({ id: ids[index], target: { child: pairServer.child, url } }));
  const blocks = [];
  for (const route of ROUTES) {
    if (options.warmup > 0) {
      for (const index of [0, 1, 1, 0]) check(await load(sides[index].target, route, token, options.warmup, options.connections), sides[index].id, route, 'warmup');
    }
    for (let block = 0; block < options.observabilityBlocks; block++) {
      const sums = sides.map(() => ({ requests: 0, cpu: 0 }));
      for (const index of block % 2 === 0 ? [0, 1, 1, 0] : [1, 0, 0, 1]) {
        const run = await load(sides[index].target, route, token, options.observabilitySlice, options.connections);
        check(run, sides[index].id, route, `block ${block + 1}`);
        sums[index].requests += run.requests;
        sums[index].cpu = run.cpu === undefined || sums[index].cpu === undefined ? undefined : sums[index].cpu + run.cpu;
      }
      const [on, off] = sums;
      const reqPerCpuSec = (side) => (side.cpu ? side.requests / side.cpu : undefined);
      const sample = {
        route: route.id,
        block,
        reqPerSec: off.requests ? on.requests / off.requests : undefined,
        reqPerCpuSec: reqPerCpuSec(on) && reqPerCpuSec(off) ? reqPerCpuSec(on) / reqPerCpuSec(off) : undefined,
        onPerSec: on.requests / (2 * options.observabilitySlice),
        offPerSec: off.requests / (2 * options.observabilitySlice),
      };
      blocks.push(sample);
      log(`${label} ${route.id.padEnd(20)} block ${block + 1}/${options.observabilityBlocks}: ${sides[0].id} ${formatNumber(sample.onPerSec)} req/s, ${sides[1].id} ${formatNumber(sample.offPerSec)} req/s, ratio ${sample.reqPerSec?.toFixed(3)}`);
    }
  }
  return blocks;
}

/**
 * What metrics and tracing cost a whole process rather than a request: two idle pym processes, metrics and tracing
 * on and off, started together; the CPU each uses over `seconds` of idling, as milliseconds per second.
 */
async function measureIdleCost(options, seconds) {
  const variants = [
    { id: 'idle-on', name: 'pym, idle (metrics and tracing on)', script: 'pym.js', args: [] },
    { id: 'idle-off', name: 'pym, idle (metrics and tracing off)', script: 'pym.js', args: ['--no-observability'] },
  ];
  const started = await Promise.all(variants.map((variant) => startServer(variant, options.node)));
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000)); // past the start-up's last collections
    const before = started.map(({ child }) => cpuSeconds(child.pid));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000)); // idling is what is measured
    const after = started.map(({ child }) => cpuSeconds(child.pid));
    const msPerSecond = (index) => (before[index] === undefined || after[index] === undefined ? undefined : ((after[index] - before[index]) * 1000) / seconds);
    return { seconds, on: msPerSecond(0), off: msPerSecond(1) };
  } finally {
    await Promise.all(started.map(stopServer));
  }
}

/**
 * The control's table (--observability-control US): per route, the median of its blocks' ratios (the app spinning US
 * µs of CPU per request over the one that does not) beside the ratio that cost alone would give, T / (T + US) with T
 * the off app's µs per request (1e6 / its median req/s: the server is one saturated thread). Their gap is what the
 * blocks get wrong on this machine in this run; with US 0, an A/A control, the expected ratio is 1.00×.
 */
function controlLines(spinMicroseconds, controlBlocks) {
  const lines = [
    `Control (the same blocks on two apps with metrics and tracing off, the first spinning ${spinMicroseconds} µs of CPU per request before pym): median of the per-block ratios [min–max], and the ratio that cost alone would give:`,
    '',
    '| route | spin / off req/s | expected | off req/s |',
    '|---|---:|---:|---:|',
  ];
  for (const route of ROUTES) {
    const ofRoute = controlBlocks.filter((block) => block.route === route.id);
    const offPerSec = median(ofRoute.map((block) => block.offPerSec));
    const microsPerRequest = 1e6 / offPerSec;
    const expected = microsPerRequest / (microsPerRequest + spinMicroseconds);
    const shown = shownRatio(summarize(ofRoute.map((block) => block.reqPerSec).filter((ratio) => ratio !== undefined)));
    lines.push(`| ${route.id} | ${shown} | ${expected.toFixed(3)}× | ${formatNumber(offPerSec)} |`);
  }
  return lines;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatNumber(value, digits = 0) {
  return value === undefined || Number.isNaN(value) ? 'n/a' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function percent(share) {
  return share === undefined ? 'n/a' : `${Math.round(share * 100)}%`;
}

/**
 * The per-round ratios of `key` between two sets of samples (`top` / `bottom`), matched by round; rounds where
 * either side lacks the figure are left out.
 */
function perRoundRatios(top, bottom, key) {
  const ratios = [];
  for (const sample of top) {
    const other = bottom.find((candidate) => candidate.round === sample.round);
    if (other && sample[key] !== undefined && other[key]) ratios.push(sample[key] / other[key]);
  }
  return ratios;
}

/** A paired ratio: the median of the per-round ratios, their range and their count. */
function summarize(ratios) {
  if (ratios.length === 0) return undefined;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

/** "1.05× [0.98–1.10]" (the range only when there is more than one round). */
function shownRatio(summary) {
  if (!summary) return 'n/a';
  const range = summary.rounds > 1 ? ` [${summary.min.toFixed(2)}–${summary.max.toFixed(2)}]` : '';
  return `${summary.median.toFixed(2)}×${range}`;
}

/**
 * The paired ratios of pym to every other server of the rounds, per route and key, of pym's named-model route to its
 * inline one, and (from the ABBA blocks) of pym with metrics and tracing on to off.
 */
function pairedRatios(samples, servers, blocks) {
  const of = (serverId, routeId) => samples.filter((s) => s.server === serverId && s.route === routeId);
  const ratios = {};
  for (const route of ROUTES) {
    for (const server of servers.filter((s) => s.id !== 'pym')) {
      for (const key of ['reqPerSec', 'reqPerCpuSec']) {
        ratios[`${server.id} ${route.id} ${key}`] = summarize(perRoundRatios(of('pym', route.id), of(server.id, route.id), key));
      }
    }
  }
  for (const key of ['reqPerSec', 'reqPerCpuSec']) {
    ratios[`models ${key}`] = summarize(perRoundRatios(of('pym', 'POST /v1/items'), of('pym', 'POST /v1/items-plain'), key));
    for (const route of ROUTES) {
      const ratiosOfRoute = blocks.filter((block) => block.route === route.id && block[key] !== undefined).map((block) => block[key]);
      if (ratiosOfRoute.length > 0) ratios[`pym-off ${route.id} ${key}`] = summarize(ratiosOfRoute);
    }
  }
  return ratios;
}

/** The pass/miss lines of every target that this run measured. */
function targetLines(ratios, servers, context) {
  const lines = [];
  const verdict = (summary, min) => (!summary ? 'n/a ' : summary.median >= min ? 'pass' : 'MISS');
  for (const target of TARGETS) {
    if (target.id === 'models') {
      const summary = ratios['models reqPerSec'];
      lines.push(`- ${verdict(summary, target.min)}  ${target.what}: ${shownRatio(summary)} (req/CPU-s ${shownRatio(ratios['models reqPerCpuSec'])})`);
      continue;
    }
    if (!servers.some((s) => s.id === target.against) && !ratios[`${target.against} ${ROUTES[0].id} reqPerSec`]) continue;
    for (const route of ROUTES) {
      const summary = ratios[`${target.against} ${route.id} reqPerSec`];
      lines.push(`- ${verdict(summary, target.min)}  ${target.what}, ${route.id}: ${shownRatio(summary)} (req/CPU-s ${shownRatio(ratios[`${target.against} ${route.id} reqPerCpuSec`])})`);
    }
  }
  if (context.serverMajor !== REFERENCE_NODE_MAJOR) {
    lines.push(`- note: the servers ran on Node ${context.serverVersion}; the targets are set for Node ${REFERENCE_NODE_MAJOR} (run with --node PATH to a Node ${REFERENCE_NODE_MAJOR}).`);
  }
  if (context.rounds === 1) lines.push('- note: one round: each ratio is that round\'s only (no range); a verdict needs several rounds.');
  return lines;
}

function report(options, samples, { blocks, controlBlocks, idle }, problems, context, servers) {
  const lines = [];
  const cpus = os.cpus();
  const loads = (values) => values.map((l) => l.toFixed(2)).join(' ');
  lines.push('## HTTP benchmark: pym vs express 5 baselines on the same spec and handlers');
  lines.push('');
  lines.push(`- date: ${context.startedAt.toISOString()}; servers on node ${context.serverVersion} (${options.node}); load generator (autocannon) on node ${process.version}; ${os.platform()} ${os.arch()}; CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}; load average (1/5/15 min) at start ${loads(context.loadAtStart)}, at end ${loads(os.loadavg())}`);
  lines.push(`- each server in its own Node process; autocannon in the parent; ${options.connections} connections; ${options.duration} s per measurement; ${options.rounds} round(s); ${options.warmup} s discarded warmup before each server's first measurement of a route`);
  lines.push('- paired: each round measures a route on every server back to back (pym next to baseline B; the order reversed every other round, the route order too); a ratio is the median of the per-round ratios, [min–max] over the rounds');
  if (blocks.length > 0) {
    lines.push(`- metrics and tracing cost (--observability), after the rounds: pym as configured by default (metrics on, tracing API on, no OpenTelemetry SDK) against pym with both off, two apps served by one process on two ports (the same JIT state, heap and CPU: two processes of the same server differ by more than this cost), per route ${options.warmup > 0 ? `one discarded ABBA block of ${options.warmup}-s slices then ` : ''}${options.observabilityBlocks} blocks of four ${options.observabilitySlice}-s slices in ABBA order (BAAB every other block); a block's ratio is the on app's requests over the off app's, the ratio shown the median of the blocks'; what they cost a whole process is measured apart, on two idle processes`);
  }
  lines.push('- pym and baselines A, B: request validation (JSON body: 6 properties, formats email/uri/date-time, additionalProperties false) and response validation by express-openapi-validator, JWT (HS256, issuer and audience pinned) on every request, same spec file and same handler logic');
  lines.push('- baseline A: jwt.verify(token, secretString, …) as usually written; baseline B (hand-tuned): jwt.verify with a prebuilt crypto.createSecretKey() KeyObject; bare: express 5 with express.json() and the same handlers, nothing else');
  lines.push('- pym runs with log_level: warn (its per-request access log line is at info, so it is off here)');
  lines.push('- server CPU: share of one core the server process used while measured; req/CPU-s: requests per server CPU-second (less sensitive to other load on the machine)');
  lines.push('');
  lines.push('Per server (medians over the rounds, for reference; the ratios below are paired per round):');
  lines.push('');
  lines.push('| server | route | req/s | p99 ms | server CPU | req/CPU-s |');
  lines.push('|---|---|---:|---:|---:|---:|');
  const pick = (runs, key) => (runs.length > 0 && runs.every((r) => r[key] !== undefined) ? median(runs.map((r) => r[key])) : undefined);
  for (const route of ROUTES) {
    for (const server of servers) {
      const runs = samples.filter((s) => s.server === server.id && s.route === route.id);
      lines.push(`| ${server.short} | ${route.id} | ${formatNumber(pick(runs, 'reqPerSec'))} | ${formatNumber(pick(runs, 'p99'), 1)} | ${percent(pick(runs, 'cpuShare'))} | ${formatNumber(pick(runs, 'reqPerCpuSec'))} |`);
    }
  }
  const ratios = pairedRatios(samples, servers, blocks);
  const others = servers.filter((s) => s.id !== 'pym');
  for (const [key, label] of [['reqPerSec', 'req/s'], ['reqPerCpuSec', 'req/CPU-s']]) {
    lines.push('');
    lines.push(`pym / other server, ${label}: median of the per-round ratios [min–max]:`);
    lines.push('');
    lines.push(`| route | ${others.map((s) => `pym / ${s.short}`).join(' | ')} |`);
    lines.push(`|---|${others.map(() => '---:').join('|')}|`);
    for (const route of ROUTES) lines.push(`| ${route.id} | ${others.map((s) => shownRatio(ratios[`${s.id} ${route.id} ${key}`])).join(' | ')} |`);
  }
  if (blocks.length > 0) {
    lines.push('');
    lines.push('pym / pym with metrics and tracing off (two apps, one process), from the ABBA blocks: median of the per-block ratios [min–max]:');
    lines.push('');
    lines.push('| route | req/s | req/CPU-s | on req/s | off req/s |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const route of ROUTES) {
      const ofRoute = blocks.filter((block) => block.route === route.id);
      const cells = [shownRatio(ratios[`pym-off ${route.id} reqPerSec`]), shownRatio(ratios[`pym-off ${route.id} reqPerCpuSec`])];
      lines.push(`| ${route.id} | ${cells.join(' | ')} | ${formatNumber(median(ofRoute.map((b) => b.onPerSec)))} | ${formatNumber(median(ofRoute.map((b) => b.offPerSec)))} |`);
    }
    if (idle) {
      const cost = idle.on === undefined || idle.off === undefined ? undefined : idle.on - idle.off;
      lines.push('');
      lines.push(`Per process (default metrics' event-loop monitor and GC observer), two idle pym processes over ${idle.seconds} s: on ${formatNumber(idle.on, 1)} ms of CPU per second, off ${formatNumber(idle.off, 1)} ms/s: ${cost === undefined ? 'n/a' : `${formatNumber(cost, 1)} ms/s, ${formatNumber(cost / 10, 2)} % of a core`}.`);
    }
    if (controlBlocks.length > 0) lines.push('', ...controlLines(options.observabilityControl, controlBlocks));
  }
  lines.push('');
  lines.push(`Targets (Node ${REFERENCE_NODE_MAJOR}, medians of paired ratios of req/s: per round, and per ABBA block for metrics and tracing):`);
  lines.push('');
  lines.push(...targetLines(ratios, servers, { ...context, rounds: options.rounds }));
  lines.push('');
  lines.push('Every measurement (req/s, p99, server CPU), per server in round order:');
  lines.push('');
  for (const route of ROUTES) {
    for (const server of servers) {
      const runs = samples.filter((s) => s.server === server.id && s.route === route.id);
      lines.push(`- ${server.id} ${route.id}: ${runs.map((r) => `${formatNumber(r.reqPerSec)} req/s, p99 ${r.p99} ms, CPU ${percent(r.cpuShare)}`).join('; ')}`);
    }
  }
  for (const route of ROUTES) {
    const ofRoute = blocks.filter((block) => block.route === route.id);
    if (ofRoute.length > 0) lines.push(`- ABBA blocks ${route.id}, on / off req/s: ${ofRoute.map((b) => b.reqPerSec?.toFixed(3) ?? 'n/a').join(', ')}`);
  }
  for (const route of ROUTES) {
    const ofRoute = controlBlocks.filter((block) => block.route === route.id);
    if (ofRoute.length > 0) lines.push(`- control blocks ${route.id}, spin / off req/s: ${ofRoute.map((b) => b.reqPerSec?.toFixed(3) ?? 'n/a').join(', ')}`);
  }
  lines.push('');
  if (problems.length > 0) {
    lines.push(`**INVALID RUN**: ${problems.length} measurement(s) had unexpected responses or errors; the figures above do not count.`);
    for (const problem of problems) lines.push(`- ${problem}`);
  } else {
    lines.push('Valid run: every response had the expected status (GET 200, POST 201); no socket errors or timeouts.');
  }
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const serverVersion = nodeVersion(options.node);
  const context = { startedAt: new Date(), loadAtStart: os.loadavg(), serverVersion, serverMajor: Number(/^v(\d+)/.exec(serverVersion)?.[1]) };
  const token = makeToken();
  // The rounds' servers; with --observability, the pair server is started after the rounds, for the ABBA blocks.
  const servers = SERVERS.filter((server) => !server.observability).map((server) => ({ ...server }));
  const running = new Map();
  const stopAll = () => Promise.all([...running.values()].map(stopServer));
  process.once('SIGINT', () => stopAll().then(() => process.exit(130)));
  try {
    const profileDir = path.join(os.tmpdir(), 'pym-bench-profiles');
    if (options.cpuProf) servers.find((s) => s.id === 'pym').nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    log(`servers on node ${serverVersion} (${options.node}); load generator on node ${process.version}`);
    const start = async (server) => {
      const child = await startServer(server, options.node);
      running.set(server.id, child);
      for (const url of child.urls) await preflight(server, url, token);
      log(`${server.name}: ${child.urls.join(' ')} (pid ${child.child.pid}), preflight ok${server.bare ? '' : ' (validation and JWT on)'}`);
    };
    for (const server of servers) await start(server);
    const samples = [];
    const problems = [];
    const check = (run, serverId, route, phase) => {
      if (run.unexpected > 0 || run.errors > 0 || run.timeouts > 0) {
        problems.push(`${phase} ${serverId} ${route.id}: statuses ${JSON.stringify(run.statuses)}, ${run.errors} errors, ${run.timeouts} timeouts (expected only ${route.status})`);
      }
    };
    const roundsSeconds = servers.length * ROUTES.length * (options.rounds * options.duration + options.warmup);
    const pairs = options.observabilityControl === undefined ? 1 : 2;
    const blocksSeconds = options.observability ? pairs * ROUTES.length * 4 * (options.observabilityBlocks * options.observabilitySlice + options.warmup) : 0;
    log(`measuring: about ${Math.round(roundsSeconds + blocksSeconds)} s`);
    for (let round = 0; round < options.rounds; round++) {
      // Every other round reverses the server order (who goes first in each pair alternates) and the route order.
      const order = round % 2 === 1 ? [...servers].reverse() : servers;
      for (const route of round % 2 === 1 ? [...ROUTES].reverse() : ROUTES) {
        for (const server of order) {
          const target = running.get(server.id);
          if (round === 0 && options.warmup > 0) check(await load(target, route, token, options.warmup, options.connections), server.id, route, `round ${round + 1} warmup`);
          const run = await load(target, route, token, options.duration, options.connections);
          check(run, server.id, route, `round ${round + 1} measure`);
          samples.push({ server: server.id, route: route.id, round, ...run });
          log(`round ${round + 1}/${options.rounds} ${server.id.padEnd(7)} ${route.id.padEnd(20)} ${formatNumber(run.reqPerSec).padStart(7)} req/s  p99 ${run.p99} ms  server CPU ${percent(run.cpuShare)}${run.unexpected ? `  ${run.unexpected} unexpected` : ''}`);
        }
      }
    }
    let blocks = [];
    let controlBlocks = [];
    let idle;
    const measurePair = async (pair, measureOptions) => {
      await start(pair);
      const measured = await measureObservability(options, running.get(pair.id), token, check, measureOptions);
      await stopServer(running.get(pair.id));
      running.delete(pair.id);
      return measured;
    };
    if (options.observability) {
      blocks = await measurePair(SERVERS.find((candidate) => candidate.id === 'pym-pair'));
      if (options.observabilityControl !== undefined) {
        const control = SERVERS.find((candidate) => candidate.id === 'pym-control');
        const spin = { ...control, args: [...control.args, String(options.observabilityControl)] };
        controlBlocks = await measurePair(spin, { ids: ['pym-spin', 'pym-off'], label: 'control' });
      }
      idle = await measureIdleCost(options, Math.min(10, options.observabilityBlocks * options.observabilitySlice));
    }
    console.log(report(options, samples, { blocks, controlBlocks, idle }, problems, context, servers));
    process.exitCode = problems.length > 0 ? 1 : 0;
    if (options.cpuProf) log(`pym CPU profile: ${profileDir}/*.cpuprofile (written when its server exits)`);
  } finally {
    await stopAll();
  }
}

main().catch((error) => {
  console.error(`bench/http: ${error.message}`);
  process.exit(1);
});
