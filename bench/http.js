// bench/http.js: requests/s and p99 of pym vs hand-written express baselines serving the same spec (a script, not a test).
//
//   npm run bench:http                       # build, then the default run (~3 minutes)
//   node bench/http.js --quick               # ~20 s smoke run
//   node bench/http.js --duration 5 --rounds 5 --warmup 2 --connections 50
//   node bench/http.js --quick --cpu-prof    # also write a CPU profile of the pym server
//   node bench/http.js --observability       # also pym with metrics and tracing off: their cost, paired per round
//
// Each server runs in its own child process (one Node process, one JS thread); autocannon loads it from this
// process. Targets are interleaved and the rounds repeated; the report gives medians. Progress goes to stderr,
// the markdown report to stdout. Exit code 1 when any response was not the expected status (the run is invalid).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');
const jwt = require('jsonwebtoken');
const yaml = require('js-yaml');
const { READY } = require('./servers/listen');

const SERVICE_DIR = path.join(__dirname, 'fixtures', 'http-service');
const CONFIG = yaml.load(fs.readFileSync(path.join(SERVICE_DIR, 'pym-config.yaml'), 'utf8'));

/** The servers under test: pym first, then the hand-written baselines. */
const TARGETS = [
  { id: 'pym', name: 'pym', script: 'pym.js', args: [] },
  { id: 'A', name: 'baseline A (typical: jwt.verify with the secret string)', script: 'express.js', args: ['string'] },
  { id: 'B', name: 'baseline B (tuned: jwt.verify with a crypto KeyObject)', script: 'express.js', args: ['keyobject'] },
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
  // Same operation, schemas inline: pym's model layer has nothing to do (issue target: models cost ≤ 5%).
  { id: 'POST /v1/items-plain', method: 'POST', path: '/v1/items-plain', status: 201, body: JSON.stringify(NEW_ITEM) },
];

/** --observability: pym as configured by default (metrics on, tracing API on, no OpenTelemetry SDK) vs both off. */
const OBSERVABILITY_OFF = { id: 'pym-off', name: 'pym with metrics and tracing off', script: 'pym.js', args: ['--no-observability'] };

const USAGE = `usage: node bench/http.js [--duration S] [--rounds N] [--warmup S] [--connections N] [--quick] [--cpu-prof] [--observability]
  --duration S     seconds measured per target and route in each round (default 8)
  --rounds N       interleaved rounds; the report gives medians over them (default 3)
  --warmup S       seconds of discarded load before each target's first measurement of a route (default 3)
  --connections N  concurrent connections (default 50)
  --quick          smoke run: --duration 2 --rounds 1 --warmup 1 (~20 s)
  --cpu-prof       run the pym server with node --cpu-prof; the profile goes to $TMPDIR/pym-bench-profiles/ when it exits
  --observability  also measure pym with metrics and tracing off, and report what they cost (target: within 5%)`;

function parseArgs(argv) {
  const options = { duration: 8, rounds: 3, warmup: 3, connections: 50, quick: false, cpuProf: false, observability: false };
  const numeric = { '--duration': 'duration', '--rounds': 'rounds', '--warmup': 'warmup', '--connections': 'connections' };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--quick') {
      Object.assign(options, { duration: 2, rounds: 1, warmup: 1, quick: true });
    } else if (arg === '--cpu-prof') {
      options.cpuProf = true;
    } else if (arg === '--observability') {
      options.observability = true;
    } else if (numeric[arg]) {
      const value = Number(argv[++index]);
      const min = arg === '--warmup' ? 0 : 1;
      if (!Number.isInteger(value) || value < min) fail(`${arg} needs an integer >= ${min}\n${USAGE}`);
      options[numeric[arg]] = value;
    } else {
      fail(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return options;
}

function fail(message) {
  console.error(`bench/http: ${message}`);
  process.exit(2);
}

function log(message) {
  process.stderr.write(`${message}\n`);
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

/** Start a target's server in a child process and resolve with its base URL once it prints its port. */
function startServer(target) {
  const child = spawn(process.execPath, [...(target.nodeFlags ?? []), path.join(__dirname, 'servers', target.script), ...target.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (line) => log(`[${target.id}] ${line}`);
  readline.createInterface({ input: child.stderr }).on('line', forward);
  return new Promise((resolve, reject) => {
    let ready = false;
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = READY.exec(line);
      if (match && !ready) {
        ready = true;
        resolve({ child, url: `http://127.0.0.1:${match[1]}` });
      } else forward(line);
    });
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`${target.name}: server exited (${signal ?? `code ${code}`}) before listening`));
    });
  });
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/**
 * Check that a target really validates and authenticates before loading it: the two operations answer as
 * expected, an unknown body property is rejected with 400 and a missing token with 401.
 */
async function preflight(target, url, token) {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const checks = [
    { what: 'GET with token', path: '/v1/items/item-42', init: { headers: auth }, status: 200, body: (b) => b.id === 'item-42' && b.owner === 'bench-user' },
    { what: 'POST with token', path: '/v1/items', init: { method: 'POST', headers: json, body: JSON.stringify(NEW_ITEM) }, status: 201, body: (b) => b.name === NEW_ITEM.name && b.owner === 'bench-user' && typeof b.id === 'string' },
    { what: 'POST with an extra body property', path: '/v1/items', init: { method: 'POST', headers: json, body: JSON.stringify({ ...NEW_ITEM, extra: 1 }) }, status: 400 },
    { what: 'POST with a bad email', path: '/v1/items', init: { method: 'POST', headers: json, body: JSON.stringify({ ...NEW_ITEM, email: 'nope' }) }, status: 400 },
    { what: 'GET without token', path: '/v1/items/item-42', init: {}, status: 401 },
    { what: 'GET with a token of another audience', path: '/v1/items/item-42', init: { headers: { authorization: `Bearer ${makeToken({ audience: 'someone-else' })}` } }, status: 401 },
  ];
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
    if (!ok) throw new Error(`${target.name}: ${check.what}: expected ${check.status}, got ${response.status} ${text.slice(0, 300)}`);
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

/** One autocannon run; returns req/s, p99 and the count of responses that were not the expected status. */
async function load(server, route, token, seconds, connections) {
  const { url } = server;
  const cpuBefore = cpuSeconds(server.child.pid);
  const headers = { authorization: `Bearer ${token}` };
  if (route.body) headers['content-type'] = 'application/json';
  const result = await autocannon({ url: url + route.path, method: route.method, headers, body: route.body, connections, duration: seconds });
  const cpuAfter = cpuSeconds(server.child.pid);
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  const statuses = Object.entries(result.statusCodeStats ?? {});
  const unexpected = statuses.filter(([code]) => Number(code) !== route.status).reduce((sum, [, stats]) => sum + stats.count, 0);
  return {
    reqPerSec: result.requests.average,
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatNumber(value, digits = 0) {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function percent(share) {
  return share === undefined ? 'n/a' : `${Math.round(share * 100)}%`;
}

const SHORT_NAMES = { pym: 'pym', A: 'baseline A (typical)', B: 'baseline B (tuned)', 'pym-off': 'pym, metrics + tracing off' };

/**
 * What metrics and tracing cost: per route, pym (both on) / pym-off, for req/s and req/CPU-s, as the median of the
 * ratios of each round (the two ran back to back there, under the same load).
 */
function observabilityReport(samples) {
  const lines = ['', 'Metrics + tracing API (no SDK) on vs off, paired per round (median of per-round ratios; target ≥ 0.95× req/s):', ''];
  for (const route of ROUTES) {
    const on = samples.filter((s) => s.target === 'pym' && s.route === route.id);
    const off = samples.filter((s) => s.target === 'pym-off' && s.route === route.id);
    const ratios = (key) => on.map((run, index) => (off[index]?.[key] ? run[key] / off[index][key] : undefined)).filter((ratio) => ratio !== undefined);
    const rps = ratios('reqPerSec');
    const cpu = ratios('reqPerCpuSec');
    const shown = (values) => (values.length === 0 ? 'n/a' : `${median(values).toFixed(3)}× (rounds: ${values.map((v) => v.toFixed(3)).join(', ')})`);
    const verdict = rps.length === 0 ? '' : median(rps) >= 0.95 ? ' meets the target' : ' BELOW the target';
    lines.push(`- ${route.id}: req/s ${shown(rps)}; req/CPU-s ${shown(cpu)};${verdict}`);
  }
  return lines.join('\n');
}

function report(options, samples, problems, context) {
  const lines = [];
  const cpus = os.cpus();
  const loads = (values) => values.map((l) => l.toFixed(2)).join(' ');
  lines.push('## HTTP benchmark: pym vs hand-written express 5 + express-openapi-validator + jsonwebtoken');
  lines.push('');
  lines.push(`- date: ${context.startedAt.toISOString()}; node ${process.version}; ${os.platform()} ${os.arch()}; CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}; load average (1/5/15 min) at start ${loads(context.loadAtStart)}, at end ${loads(os.loadavg())}`);
  lines.push(`- each server in its own Node process; autocannon in the parent; ${options.connections} connections; ${options.duration} s per measurement; ${options.rounds} interleaved round(s); ${options.warmup} s discarded warmup before each target's first measurement of a route; figures are medians over rounds`);
  lines.push('- every target: request validation (JSON body: 6 properties, formats email/uri/date-time, additionalProperties false) and response validation by express-openapi-validator, JWT (HS256, issuer and audience pinned) on every request, same spec file and same handler logic');
  lines.push('- baseline A: jwt.verify(token, secretString, …) as usually written; baseline B: jwt.verify with a prebuilt crypto.createSecretKey() KeyObject');
  lines.push('- pym runs with log_level: warn (its per-request access log line is at info, so it is off here)');
  lines.push('- server CPU: share of one core the server process used while measured; req/CPU-s: requests per server CPU-second (less sensitive to other load on the machine)');
  lines.push('');
  lines.push('| target | route | req/s (median) | p99 ms (median) | pym / A (req/s) | pym / B (req/s) | server CPU | req/CPU-s | pym / A (req/CPU-s) | pym / B (req/CPU-s) |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const medians = {};
  const pick = (runs, key) => (runs.every((r) => r[key] !== undefined) ? median(runs.map((r) => r[key])) : undefined);
  for (const route of ROUTES) {
    for (const target of TARGETS) {
      const runs = samples.filter((s) => s.target === target.id && s.route === route.id);
      medians[`${target.id} ${route.id}`] = {
        reqPerSec: pick(runs, 'reqPerSec'),
        p99: pick(runs, 'p99'),
        cpuShare: pick(runs, 'cpuShare'),
        reqPerCpuSec: pick(runs, 'reqPerCpuSec'),
      };
    }
    const pym = medians[`pym ${route.id}`];
    const ratio = (other, key) => {
      const base = medians[`${other} ${route.id}`][key];
      return pym[key] === undefined || !base ? 'n/a' : `${(pym[key] / base).toFixed(2)}×`;
    };
    for (const target of TARGETS) {
      const m = medians[`${target.id} ${route.id}`];
      const own = (text) => (target.id === 'pym' ? text : '—');
      lines.push(
        `| ${SHORT_NAMES[target.id]} | ${route.id} | ${formatNumber(m.reqPerSec)} | ${formatNumber(m.p99, 1)} | ${own(ratio('A', 'reqPerSec'))} | ${own(ratio('B', 'reqPerSec'))} | ${percent(m.cpuShare)} | ${m.reqPerCpuSec === undefined ? 'n/a' : formatNumber(m.reqPerCpuSec)} | ${own(ratio('A', 'reqPerCpuSec'))} | ${own(ratio('B', 'reqPerCpuSec'))} |`,
      );
    }
  }
  lines.push('');
  lines.push('Target: pym ≥ 1.0× the hand-written baseline (req/s).');
  lines.push('');
  for (const route of ROUTES) {
    const pym = medians[`pym ${route.id}`].reqPerSec;
    const verdicts = ['A', 'B'].map((b) => {
      const ratio = pym / medians[`${b} ${route.id}`].reqPerSec;
      return `${ratio.toFixed(2)}× baseline ${b} (${ratio >= 1 ? 'meets the target' : 'BELOW the target'})`;
    });
    lines.push(`- ${route.id}: pym ${verdicts.join(', ')}`);
  }
  const withModels = medians['pym POST /v1/items'];
  const plain = medians['pym POST /v1/items-plain'];
  const modelRatio = withModels.reqPerSec / plain.reqPerSec;
  const modelCpuRatio = withModels.reqPerCpuSec && plain.reqPerCpuSec ? withModels.reqPerCpuSec / plain.reqPerCpuSec : undefined;
  lines.push('');
  lines.push(
    `Model layer (pym POST with the body and reply as named models vs the same schemas inline): ${modelRatio.toFixed(3)}× req/s` +
      `${modelCpuRatio === undefined ? '' : `, ${modelCpuRatio.toFixed(3)}× req/CPU-s`}; target ≥ 0.95× (models cost ≤ 5%): ` +
      `${modelRatio >= 0.95 ? 'meets the target' : 'BELOW the target'}`,
  );
  lines.push('');
  lines.push('Every measurement (req/s, p99, server CPU), in run order per target:');
  lines.push('');
  for (const route of ROUTES) {
    for (const target of TARGETS) {
      const runs = samples.filter((s) => s.target === target.id && s.route === route.id);
      lines.push(`- ${target.id} ${route.id}: ${runs.map((r) => `${formatNumber(r.reqPerSec)} req/s, p99 ${r.p99} ms, CPU ${percent(r.cpuShare)}`).join('; ')}`);
    }
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
  const context = { startedAt: new Date(), loadAtStart: os.loadavg() };
  const token = makeToken();
  const servers = new Map();
  const stopAll = () => Promise.all([...servers.values()].map(stopServer));
  process.once('SIGINT', () => stopAll().then(() => process.exit(130)));
  try {
    const profileDir = path.join(os.tmpdir(), 'pym-bench-profiles');
    if (options.cpuProf) TARGETS[0].nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    if (options.observability) TARGETS.push(OBSERVABILITY_OFF);
    for (const target of TARGETS) {
      const server = await startServer(target);
      servers.set(target.id, server);
      await preflight(target, server.url, token);
      log(`${target.name}: ${server.url} (pid ${server.child.pid}), preflight ok (validation and JWT on)`);
    }
    const samples = [];
    const problems = [];
    const perRun = options.duration + options.warmup / options.rounds;
    log(`measuring: about ${Math.round(TARGETS.length * ROUTES.length * options.rounds * perRun)} s`);
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the target order each round so no target always runs first (or right after another's load).
      const order = TARGETS.map((_, index) => TARGETS[(index + round) % TARGETS.length]);
      // Reverse the route order every other round, so no route always follows the same load.
      for (const route of round % 2 === 1 ? [...ROUTES].reverse() : ROUTES) {
        for (const target of order) {
          const check = (run, phase) => {
            if (run.unexpected > 0 || run.errors > 0 || run.timeouts > 0) {
              problems.push(`round ${round + 1} ${phase} ${target.id} ${route.id}: statuses ${JSON.stringify(run.statuses)}, ${run.errors} errors, ${run.timeouts} timeouts (expected only ${route.status})`);
            }
          };
          const server = servers.get(target.id);
          if (round === 0 && options.warmup > 0) check(await load(server, route, token, options.warmup, options.connections), 'warmup');
          const run = await load(server, route, token, options.duration, options.connections);
          check(run, 'measure');
          samples.push({ target: target.id, route: route.id, ...run });
          log(`round ${round + 1}/${options.rounds} ${target.id.padEnd(3)} ${route.id.padEnd(20)} ${formatNumber(run.reqPerSec).padStart(7)} req/s  p99 ${run.p99} ms  server CPU ${percent(run.cpuShare)}${run.unexpected ? `  ${run.unexpected} unexpected` : ''}`);
        }
      }
    }
    console.log(report(options, samples, problems, context) + (options.observability ? observabilityReport(samples) : ''));
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
