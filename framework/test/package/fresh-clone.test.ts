// Acceptance: what a team outside this repository gets. The working tree becomes a git repository, which the README's
// "Start a service" commands clone, install (npm ci), pack (npm pack on the fresh clone, no prior build), and use:
// `pym init` from the tarball, the scaffold installed with the real registry, its own `npm test` and `npm start`. The
// tarball is then checked as a package (files, publint, arethetypeswrong, dependencies, npm publish --dry-run), the
// scaffold's Dockerfile is built into folders and run, and the README's other blocks (an existing project, jest) are
// run as written.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import ts from 'typescript';
import { buildStages, finalStage, writableByOthers, type BuiltStage } from '../helpers/docker-build';
import { markedBlock, sh, shOk, userEnv } from '../helpers/shell';
import { REPO_ROOT, spawnFollowed, type PymChild } from '../helpers/spawn-pym';
import { freePort } from '../tasks-integration/tasks-harness';
import { pollUntil } from '../../../example-service/test/helpers/library-service';

const README = path.join(REPO_ROOT, 'README.md');
const FRAMEWORK_PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'framework/package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const TARBALL_NAME = `pym-framework-${FRAMEWORK_PACKAGE.version}.tgz`;
/** The prefix `npm start` of the scaffold uses on the shared Redis: the service name of the README's commands. */
const SCAFFOLD_PREFIX = 'my-service';
const LONG = 900_000;

let work: string;
let tarball: string;
let service: string;
let extracted: string;
const redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

async function deleteKeys(client: IORedis, pattern: string): Promise<void> {
  const keys = await client.keys(pattern);
  if (keys.length > 0) await client.del(...keys);
}

/** A git repository holding the working tree as it would be committed (tracked and new files, minus ignored ones). */
function repositoryOfWorkingTree(target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet in the index
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.cpSync(from, path.join(target, file), { verbatimSymlinks: true });
  }
  const identity = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.invalid', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.invalid' };
  execFileSync('sh', ['-ec', 'git init -q && git add -A && git commit -qm snapshot'], { cwd: target, env: userEnv(identity) });
}

/** Resolves true when nothing accepts connections on the port. */
function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Pids of the processes whose working directory is inside `dir` (Linux /proc). */
function processesIn(dir: string): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      return cwd === dir || cwd.startsWith(`${dir}/`);
    } catch {
      return false; // gone meanwhile, or not ours to read
    }
  }).map(Number);
}

async function stop(child: PymChild): Promise<number | null> {
  if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM');
  return child.exited;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-fresh-clone-'));
  fs.chmodSync(work, 0o755);
  repositoryOfWorkingTree(path.join(work, 'origin'));
  tarball = path.join(work, 'pym/framework', TARBALL_NAME);
  service = path.join(work, 'my-service');
  extracted = path.join(work, 'extracted');
  await deleteKeys(redis, `${SCAFFOLD_PREFIX}:*`);
}, 120_000);

afterAll(async () => {
  await deleteKeys(redis, `${SCAFFOLD_PREFIX}:*`);
  redis.disconnect();
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

test('README "Start a service": a fresh clone packs the framework; pym init from the tarball; the scaffold installs and passes its npm test', async () => {
  const { stdout, stderr } = await shOk(markedBlock(README, 'start a service'), { cwd: work, env: userEnv({ PYM_REPOSITORY: path.join(work, 'origin') }) });
  const output = stdout + stderr;
  expect(fs.existsSync(tarball)).toBe(true);
  expect(fs.readFileSync(path.join(service, 'package.json'), 'utf8')).toContain(`"@pym/framework": "file:vendor/${TARBALL_NAME}"`);
  expect(fs.existsSync(path.join(service, 'vendor', TARBALL_NAME))).toBe(true);
  expect(output).toMatch(/generated models are up to date \(1 specs\)/);
  expect(output).toMatch(/^(?:# |ℹ )pass 4$/m);
  expect(output).toMatch(/^(?:# |ℹ )fail 0$/m);
  // The Redis-backed test is opt-in, and says how to run it. (node:test's summary lines read `# pass 4` with the tap
  // reporter, Node 20's default off a terminal, and `ℹ pass 4` with spec, the default of newer Nodes.)
  expect(output).toMatch(/^(?:# |ℹ )skipped 1$/m);
  expect(output).toMatch(/# (?:SKIP )?needs Redis: run PYM_TEST_REDIS=1 npm test/);
  fs.mkdirSync(extracted);
  execFileSync('tar', ['-xzf', tarball, '-C', extracted]);
}, LONG);

test('the scaffold\'s opt-in Redis test passes against Redis, under a prefix it deletes', async () => {
  const before = (await redis.keys('my-service-test-*')).length;
  const { stdout } = await shOk('node --import tsx --test test/reports-worker.test.ts', { cwd: service, env: userEnv({ PYM_TEST_REDIS: '1' }) });
  expect(stdout).toMatch(/^(?:# |ℹ )pass 1$/m);
  expect(stdout).toMatch(/^(?:# |ℹ )skipped 0$/m);
  expect((await redis.keys('my-service-test-*')).length).toBe(before);
}, LONG);

test('the tarball holds dist (JS and .d.ts, no maps, no build info), bin, templates, README and LICENSE; no sources, no tests', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((file) => file.replace(/^package\//, ''));
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'bin/pym', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'templates/service/Dockerfile', 'templates/service/_gitignore']));
  // The scaffold's own tests are templates; the framework's tests and sources are not shipped.
  expect(files.filter((file) => /\.map$|tsbuildinfo|^src\/|^test\/|^(?!templates\/).*\.test\.|^dist\/.*\.ts$(?<!\.d\.ts$)/.test(file))).toEqual([]);
  expect(fs.readFileSync(path.join(extracted, 'package/LICENSE'), 'utf8')).toMatch(/^MIT License/);
});

test('publint and arethetypeswrong find no problem in the tarball (both entry points typed, for every resolution mode)', async () => {
  const bin = path.join(REPO_ROOT, 'node_modules/.bin');
  const publint = await sh(`${bin}/publint run --strict --pack false .`, { cwd: path.join(extracted, 'package') });
  expect({ code: publint.code, output: publint.stdout + publint.stderr }).toMatchObject({ code: 0, output: expect.stringMatching(/All good!/) });
  const attw = await sh(`${bin}/attw --format table-flipped ${tarball}`, { cwd: work });
  expect({ code: attw.code, output: attw.stdout + attw.stderr }).toMatchObject({ code: 0, output: expect.stringMatching(/No problems found/) });
  expect(attw.stdout).toMatch(/"@pym\/framework\/testing"/);
}, 120_000);

test('its dependencies are exactly the packages its JavaScript requires; dev tools and Bull Board are loaded from the service when it has them', () => {
  const required = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.js')) {
        const text = fs.readFileSync(file, 'utf8');
        // require.resolve('x') with no `paths` locates a file of the framework's own dependency (swagger-ui-dist's
        // assets); with `paths` it looks in the service (its dev tools, Bull Board), checked below.
        const resolved = [...text.matchAll(/require\.resolve\('([^']+)'\)/g)].map((match) => ({ fileName: match[1]! }));
        for (const { fileName } of [...ts.preProcessFile(text, true, true).importedFiles, ...resolved]) {
          if (fileName.startsWith('.') || fileName.startsWith('node:')) continue;
          required.add(fileName.startsWith('@') ? fileName.split('/').slice(0, 2).join('/') : fileName.split('/')[0]!);
        }
      }
    }
  };
  walk(path.join(extracted, 'package/dist'));
  const manifest = JSON.parse(fs.readFileSync(path.join(extracted, 'package/package.json'), 'utf8')) as typeof FRAMEWORK_PACKAGE & {
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  const peers = Object.keys(manifest.peerDependencies ?? {});
  const optionalPeers = peers.filter((name) => manifest.peerDependenciesMeta?.[name]?.optional === true);
  // What it imports: its dependencies, and @opentelemetry/api, a peer (one copy in the service, shared with its
  // OpenTelemetry SDK: with a copy of its own, pym's spans would reach no SDK).
  expect([...required].sort()).toEqual([...Object.keys(manifest.dependencies), ...peers.filter((name) => !optionalPeers.includes(name))].sort());
  expect(peers.filter((name) => !optionalPeers.includes(name))).toEqual(['@opentelemetry/api']);
  // tsx and pino-pretty are the service's dev tools, Bull Board an optional peer for the services that turn the
  // dashboard on: looked up from the service (require.resolve with its paths) and loaded only when found. Declared as
  // dependencies (or non-optional peers), npm would keep them, and what they pull in, in a service's --omit=dev install.
  expect(optionalPeers.sort()).toEqual(['@bull-board/api', '@bull-board/express']);
  const dist = (file: string) => fs.readFileSync(path.join(extracted, 'package/dist', file), 'utf8');
  expect(dist('cli/typescript-loader.js')).toMatch(/require\.resolve\('tsx\/cjs\/api', \{ paths: /);
  expect(dist('logging/logger.js')).toMatch(/require\.resolve\('pino-pretty', \{ paths: /);
  expect(dist('http/queue-dashboard.js')).toMatch(/require\.resolve\(name, \{ paths \}\)/);
});

test('npm publish --dry-run of the tarball is clean: no warning', async () => {
  // A placeholder token: without one, npm warns that publishing needs a login, which says nothing of the package.
  const userconfig = path.join(work, 'dry-run.npmrc');
  fs.writeFileSync(userconfig, '//registry.npmjs.org/:_authToken=placeholder-for-a-dry-run\n');
  const result = await sh(`npm publish --dry-run --no-update-notifier --userconfig ${userconfig} ${tarball}`, { cwd: work });
  expect(result.code).toBe(0);
  expect(result.stdout + result.stderr).toMatch(/\+ @pym\/framework@/);
  expect(result.stdout + result.stderr).toMatch(/with tag latest and public access \(dry-run\)/);
  expect((result.stdout + result.stderr).split('\n').filter((line) => /\bwarn/i.test(line))).toEqual([]);
}, 120_000);

test('README "npm start": the scaffold serves /ping and its JWT operation; SIGTERM to npm stops every process (no orphan on the port)', async () => {
  const [start, hello, me] = markedBlock(README, 'npm start').trim().split('\n').map((line) => line.replace(/\s+#.*$/, ''));
  expect([start, hello, me]).toEqual(['npm start', "curl 'http://127.0.0.1:8080/v1/hello?name=Ada'", 'curl http://127.0.0.1:8080/v1/me -H "Authorization: Bearer $(npx pym token --user ada)"']);
  const port = await freePort();
  const npm = spawnFollowed('npm', ['start'], { cwd: service, env: userEnv({ PYM_PORT: String(port) }) }, 'npm start');
  try {
    await npm.waitForLine((line) => line.includes('listening on'), 'listening');
    await npm.waitForLine((line) => line.includes('"msg":"worker ready'), 'its worker');
    const onPort = (line: string) => line.replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
    expect((await shOk(onPort('curl -s http://127.0.0.1:8080/ping'), { cwd: service })).stdout).toBe('{}');
    expect(JSON.parse((await shOk(onPort(hello!), { cwd: service })).stdout)).toEqual({ message: 'Hello, Ada!' });
    expect(JSON.parse((await shOk(onPort(me!), { cwd: service })).stdout)).toEqual({ userId: 'ada' });
    expect(processesIn(service).length).toBeGreaterThanOrEqual(2); // npm's child (pym start) and its worker
  } finally {
    npm.child.kill('SIGTERM');
    await npm.exited;
  }
  expect(npm.lines.some((line) => line.includes('"msg":"stopped"') && line.includes('"role":"worker"'))).toBe(true);
  expect(await portClosed(port)).toBe(true);
  expect(processesIn(service)).toEqual([]);
}, 180_000);

describe('the scaffold\'s Docker image, built into folders from its Dockerfile', () => {
  let stages: Map<string, BuiltStage>;
  let runtime: BuiltStage;
  let app: PymChild | undefined;
  const database = 1 + Math.floor(Math.random() * 15);
  const imageRedis = new IORedis(`redis://127.0.0.1:6379/${database}`, { maxRetriesPerRequest: 1 });

  beforeAll(async () => {
    stages = await buildStages(path.join(service, 'Dockerfile'), service, path.join(work, 'image'));
    runtime = finalStage(stages);
  }, LONG);

  afterAll(async () => {
    if (app) await stop(app);
    await deleteKeys(imageRedis, `${SCAFFOLD_PREFIX}:*`);
    imageRedis.disconnect();
  });

  test('Node 24, node_modules from one production install, code owned by root and read-only to `node`, no dev tools', () => {
    expect(new Set([...stages.values()].map((stage) => stage.base))).toEqual(new Set(['node:24-bookworm-slim']));
    expect(stages.get('prod-deps')!.runs).toEqual(['npm ci --omit=dev']);
    expect(runtime.copies.filter((copy) => copy.sources.some((source) => source.includes('node_modules')))).toEqual([
      { from: 'prod-deps', sources: ['/app/node_modules'], dest: 'node_modules/', chown: undefined, chmod: undefined },
    ]);
    expect(runtime.copies.filter((copy) => copy.chown !== undefined || copy.chmod !== undefined)).toEqual([]);
    expect(runtime.user).toBe('node');
    const appDir = path.join(runtime.root, runtime.workdir);
    expect(writableByOthers(appDir)).toEqual([]);
    const installed = fs.readdirSync(path.join(appDir, 'node_modules'));
    for (const devTool of ['typescript', 'tsx', 'esbuild', 'pino-pretty']) expect(installed).not.toContain(devTool);
    expect(fs.existsSync(path.join(appDir, 'dist/src/handlers/hello.js'))).toBe(true);
  });

  test('its CMD serves the compiled service as prod (secrets from the environment) and its worker runs a task', async () => {
    const appDir = path.join(runtime.root, runtime.workdir);
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      ...runtime.env,
      PYM_PORT: String(port),
      MY_SERVICE_JWT_SECRET: randomBytes(32).toString('base64url'),
      MY_SERVICE_REDIS_URL: `redis://127.0.0.1:6379/${database}`,
    };
    const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const exec = (command: string[]) => [command[0] === 'node' ? process.execPath : command[0]!, command.slice(1)] as const;
    const [program, args] = exec(runtime.cmd!);
    app = spawnFollowed(program, [...args], { cwd: appDir, env, ...asOther }, 'the image\'s CMD');
    await app.waitForLine((line) => line.includes('"msg":"worker ready'), 'its worker');
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/v1/hello`)).json()).toEqual({ message: 'Hello, world!' });
    const token = execFileSync(process.execPath, ['node_modules/@pym/framework/bin/pym', 'token', '--user', 'ada'], { cwd: appDir, env, ...asOther, encoding: 'utf8' }).trim();
    const started = await fetch(`${base}/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ topic: 'in the image' }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    // Awaited requests in a bounded loop, until the task's resource says it finished (as a client would follow it).
    const status = await pollUntil(
      async () => (await (await fetch(`${base}/tasks/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string },
      (doc) => doc.status === 'completed' || doc.status === 'failed',
      30_000,
    );
    expect(status).toMatchObject({ status: 'completed', result: { topic: 'in the image', words: 3 } });
    expect(await stop(app)).toBe(0);
  }, 120_000);
});

test('README "an existing project": the tarball and the dev tools install; TypeScript with the documented settings type-checks a task', async () => {
  const project = path.join(work, 'my-api');
  fs.mkdirSync(project);
  await shOk('npm init -y', { cwd: project });
  await shOk(markedBlock(README, 'an existing project', 0), { cwd: project });
  fs.writeFileSync(path.join(project, 'tsconfig.json'), markedBlock(README, 'an existing project', 1));
  fs.mkdirSync(path.join(project, 'src/tasks'), { recursive: true });
  fs.writeFileSync(
    path.join(project, 'src/tasks/mail.ts'),
    "import { asyncTask, getUserId } from '@pym/framework';\nimport { createTestApp } from '@pym/framework/testing';\n" +
      'export class Mail {\n  @asyncTask({ attempts: 2 })\n  static async send(to: string): Promise<string> {\n    return `${getUserId()} → ${to}`;\n  }\n}\nexport type Kit = typeof createTestApp;\n',
  );
  await shOk('npx tsc -p . --noEmit', { cwd: project });
  expect((await shOk('npx pym --help', { cwd: project })).stdout).toMatch(/\binit\b/);
}, LONG);

test('README "jest": the test kit under jest and ts-jest, as the README shows it', async () => {
  await shOk('npm install --save-dev jest ts-jest', { cwd: service });
  fs.writeFileSync(path.join(service, 'jest.config.js'), markedBlock(README, 'jest', 0));
  fs.writeFileSync(path.join(service, 'test/me.spec.ts'), markedBlock(README, 'jest', 1));
  const { stdout, stderr } = await shOk('npx jest', { cwd: service });
  expect(stdout + stderr).toMatch(/Tests:\s+2 passed, 2 total/);
}, LONG);
