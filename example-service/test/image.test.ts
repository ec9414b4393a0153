// Acceptance: the example service's Docker image, without Docker. The Dockerfile's stages are built into folders (its
// own COPY lists, .dockerignore and RUN steps: npm ci, the framework's tarball, one production install), then the
// runtime stage's files are started as the image would start them (its ENV, its CMD, as a user who owns none of them)
// with the secrets from the environment: it must serve a request and run a task in its worker process. Today's crash
// (`Cannot find module 'js-yaml'`, a nested node_modules the COPY list left behind) fails here.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { buildStages, finalStage, writableByOthers, type BuiltStage } from '../../framework/test/helpers/docker-build';
import { REPO_ROOT, spawnFollowed, type PymChild } from '../../framework/test/helpers/spawn-pym';
import { freePort } from '../../framework/test/tasks-integration/tasks-harness';
import { NO_AUDIT_URL, pollUntil, type Json } from './helpers/library-service';

/** A Redis database other test files do not use (they use 0; the prod overlay's prefix is fixed), picked at random. */
const DATABASE = 1 + Math.floor(Math.random() * 15);
const REDIS_URL = `redis://127.0.0.1:6379/${DATABASE}`;
const JWT_SECRET = randomBytes(32).toString('base64url');
/** The image's user owns none of its files: `nobody` here (the image's `node`), when the test may switch users. */
const AS_OTHER_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

let work: string;
let stages: Map<string, BuiltStage>;
let runtime: BuiltStage;
let appDir: string;
let port: number;
let service: PymChild;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

/** The runtime stage's environment, plus what `docker run -e` would pass. */
function imageEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...runtime.env, PYM_PORT: String(port), LIBRARY_JWT_SECRET: JWT_SECRET, LIBRARY_REDIS_URL: REDIS_URL, LIBRARY_AUDIT_URL: NO_AUDIT_URL };
}

/** Run an exec-form command of the image (`node` is this machine's node) in its WORKDIR. */
function runInImage(command: string[], label: string): PymChild {
  const [program, ...args] = command;
  return spawnFollowed(program === 'node' ? process.execPath : program!, args, { cwd: appDir, env: imageEnv(), ...AS_OTHER_USER }, label);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-image-'));
  fs.chmodSync(work, 0o755);
  stages = await buildStages(path.join(REPO_ROOT, 'Dockerfile'), REPO_ROOT, work);
  runtime = finalStage(stages);
  appDir = path.join(runtime.root, runtime.workdir);
  port = await freePort();
  service = runInImage(runtime.cmd!, 'the image\'s CMD');
  await service.waitForLine((line) => line.includes('listening on'), 'listening');
  await service.waitForLine((line) => line.includes('"msg":"worker ready'), 'the worker process to be ready');
}, 600_000);

afterAll(async () => {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  const keys = await redis.keys('library:*');
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

async function call(method: string, urlPath: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = options.body === undefined ? {} : { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`http://127.0.0.1:${port}${urlPath}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

test('every stage is Node 24 LTS', () => {
  expect([...stages.values()].map((stage) => stage.base)).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim', 'node:24-bookworm-slim']);
});

test('the runtime stage: node_modules from one production install, copied whole; code owned by root, read-only to its user; no dev tools', () => {
  const modules = runtime.copies.filter((copy) => copy.dest.replace(/\/$/, '').endsWith('node_modules') || copy.sources.some((source) => source.includes('node_modules')));
  expect(modules).toEqual([{ from: 'prod-deps', sources: ['/app/node_modules'], dest: 'node_modules/', chown: undefined, chmod: undefined }]);
  expect(stages.get('prod-deps')!.runs).toEqual(['npm install --omit=dev --no-package-lock']);
  expect(runtime.copies.filter((copy) => copy.chown !== undefined || copy.chmod !== undefined)).toEqual([]);
  expect(runtime.user).toBe('node');
  expect(writableByOthers(appDir)).toEqual([]);
  const installed = fs.readdirSync(path.join(appDir, 'node_modules'));
  expect(installed).toEqual(expect.arrayContaining(['@pym', 'express', 'bullmq', 'js-yaml']));
  for (const devTool of ['typescript', 'tsx', 'esbuild', '@esbuild', 'jest', 'ts-jest', 'pino-pretty']) expect(installed).not.toContain(devTool);
  expect(fs.existsSync(path.join(appDir, 'node_modules/@pym/framework/dist/index.js'))).toBe(true);
  expect(fs.lstatSync(path.join(appDir, 'node_modules/@pym/framework')).isSymbolicLink()).toBe(false); // the tarball, not a workspace link
});

test('it runs as prod with the secret from the environment: a development token is refused, its own is accepted', async () => {
  expect(await call('GET', '/version')).toMatchObject({ status: 200, body: { name: 'library', pym_env: 'prod' } });
  expect(await call('GET', '/v1/members/me', { token: 'not-a-token' })).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
});

test('a signup enqueues the welcome task, which the compiled worker runs', async () => {
  const signup = await call('POST', '/v1/members', { body: { email: `ada-${randomUUID()}@example.org`, name: 'Ada Lovelace', language: 'en' } });
  expect(signup.status).toBe(201);
  const { member, token } = signup.body;
  const notifications = await pollUntil(
    () => call('GET', '/v1/members/me/notifications', { token }),
    (response) => response.status !== 200 || response.body.items.length > 0,
  );
  expect(notifications.body.items).toEqual([expect.objectContaining({ kind: 'welcome', origin: expect.objectContaining({ task: 'Notifications.sendWelcome', userId: member.id }) })]);
});

test('its HEALTHCHECK asks GET /ready on the port the service listens on (PYM_PORT), and exits 0 only on a 2xx', async () => {
  expect(runtime.healthcheck).toEqual(['node', 'node_modules/@pym/framework/bin/pym', 'healthcheck']);
  const check = runInImage(runtime.healthcheck!, 'the image\'s HEALTHCHECK');
  const code = await check.exited;
  const asked = JSON.parse(await service.waitForLine((line) => line.includes('"msg":"request"') && line.includes('"url":"/ready"'), 'the healthcheck\'s request')) as { status: number };
  expect(asked.status).toBe(200);
  expect(code).toBe(0);
});
