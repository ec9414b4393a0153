// The benchmark scripts run and report (not how fast anything is: that is theirs to say): a tiny run of each ends
// with its targets marked pass or MISS, the ratios paired per round with their range, and the Node it ran on.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/spawn-pym';

/** Run `node bench/<script> ...args` on this test's Node; resolves with its exit code and output. */
function runBench(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bench', script), ...args], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The target lines of a report: `- pass  …`, `- MISS  …` or `- n/a  …`. */
const targetLines = (report: string) => report.split('\n').filter((line) => /^- (pass|MISS|n\/a) {1,2}\S/.test(line));

// Each run starts several Node processes and loads them for a few seconds: generous on a busy machine.
jest.setTimeout(240_000);

test('bench/http.js: every server preflighted, ratios paired per round with their range, the targets with pass/miss', async () => {
  const args = ['--duration', '1', '--rounds', '2', '--warmup', '0', '--connections', '4', '--observability-blocks', '2', '--observability-slice', '1'];
  args.push('--observability-control', '3'); // implies --observability
  const { code, stdout, stderr } = await runBench('http.js', args);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain(`servers on node ${process.version} (${process.execPath}); load generator (autocannon) on node ${process.version}`);
  expect(stdout).toContain('Valid run');
  // pym against baseline B and against bare express on each of the 3 routes, the model layer, and pym against
  // itself with metrics and tracing off on each route.
  const targets = targetLines(stdout);
  expect(targets).toHaveLength(10);
  expect(targets.filter((line) => line.includes('hand-tuned baseline (B)'))).toHaveLength(3);
  expect(targets.filter((line) => line.includes('bare express 5'))).toHaveLength(3);
  expect(targets.filter((line) => line.includes('pym with both off'))).toHaveLength(3);
  for (const line of targets) expect(line).toMatch(/: \d+\.\d\d× \[\d+\.\d\d–\d+\.\d\d\] \(req\/CPU-s /);
  // The metrics and tracing cost comes from ABBA blocks on two apps of one process (2 per route, each ratio listed),
  // not from the rounds; what they cost a whole process, from two idle processes.
  expect(stdout).toContain('two apps served by one process on two ports');
  expect(stdout).toContain('2 blocks of four 1-s slices in ABBA order');
  for (const route of ['GET /v1/items/{id}', 'POST /v1/items', 'POST /v1/items-plain']) {
    expect(stdout).toMatch(new RegExp(`^- ABBA blocks ${route.replace(/[{}]/g, '\\$&')}, on / off req/s: \\d\\.\\d{3}, \\d\\.\\d{3}$`, 'm'));
  }
  // The control: the same blocks on two apps with both off, one spinning a known 3 µs, beside the ratio it alone gives.
  expect(stdout).toContain('the first spinning 3 µs of CPU per request before pym');
  for (const route of ['GET /v1/items/{id}', 'POST /v1/items', 'POST /v1/items-plain']) {
    const escaped = route.replace(/[{}]/g, '\\$&');
    expect(stdout).toMatch(new RegExp(`^\\| ${escaped} \\| \\d+\\.\\d\\d× \\[\\d+\\.\\d\\d–\\d+\\.\\d\\d\\] \\| 0\\.9\\d\\d× \\| [\\d,]+ \\|$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^- control blocks ${escaped}, spin / off req/s: \\d\\.\\d{3}, \\d\\.\\d{3}$`, 'm'));
  }
  expect(stdout).toMatch(/^Per process .*two idle pym processes over 2 s: on \d+\.\d ms of CPU per second, off \d+\.\d ms\/s: -?\d+\.\d ms\/s, -?\d+\.\d\d % of a core\.$/m);
});

test('bench/tasks.js: both sides in every round, ratios paired per round with their range, the targets with pass/miss', async () => {
  // 500 enqueues: two rounds of 250 per side. --no-hz100: the bench would otherwise CONFIG SET the shared Redis' hz.
  const { code, stdout, stderr } = await runBench('tasks.js', ['--enqueue', '500', '--jobs', '40', '--rounds', '2', '--latency', '5', '--delayed', '8', '--no-hz100']);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain(`node ${process.version} (${process.execPath}) for this script (the enqueues) and both workers`);
  expect(stdout).toContain("inside the app's context, which already holds a token");
  const targets = targetLines(stdout);
  expect(targets.map((line) => line.replace(/:.*$/, '').replace(/^- \S+ +/, ''))).toEqual([
    'enqueue latency p50 ≤ 1.20× raw',
    'enqueuing process CPU per call ≤ 1.40× raw',
    'no-op throughput (jobs/s) ≥ 0.90× raw',
    'worker CPU per no-op job ≤ 1.15× raw',
    'call→task-start p50 (ms) ≤ 3 ms',
    'delayed-start lateness p99 (ms), Redis hz 10 ≤ 20 ms',
  ]);
  for (const line of targets.slice(0, 4)) expect(line).toMatch(/: \d+\.\d\d× \[\d+\.\d\d–\d+\.\d\d\]$/);
  expect(stderr).toMatch(/cleanup: \d+ keys under bench-tasks-\S+: deleted/);
});
