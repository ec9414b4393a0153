// `pym deploy compose|k8s` through the CLI: the files are written and the next steps printed; a config that cannot be
// deployed exits 1 with one line; and the example service's compose file, its API and worker commands run as compose
// would run them (its environment, the generated config, the image's working directory), serves and runs a task.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import yaml from 'js-yaml';
import { deployService, ORDERS_SERVICE, removeServices } from '../deploy/deploy-harness';
import { REPO_ROOT, runPym, spawnPym, type PymChild } from '../helpers/spawn-pym';

// Two pym processes of the compiled example service start in seconds, more on a loaded machine.
jest.setTimeout(120_000);

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-deploy-out-'));
const CLEAN_ENV: NodeJS.ProcessEnv = { PYM_CONFIG: undefined, PYM_ENV: undefined, PYM_DEBUG: undefined, PYM_NO_TS_LOADER: undefined };
const running: PymChild[] = [];

afterAll(async () => {
  for (const child of running) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  await Promise.all(running.map((child) => child.exited));
  fs.rmSync(out, { recursive: true, force: true });
  removeServices();
});

test('pym deploy k8s writes one file per manifest and says how to create the Secret', async () => {
  const dir = deployService(ORDERS_SERVICE);
  const result = await runPym(['deploy', 'k8s', '--out', path.join(out, 'k8s'), '--hpa', '6'], { cwd: dir, env: CLEAN_ENV });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(fs.readdirSync(path.join(out, 'k8s')).sort()).toEqual(
    ['api-deployment.yaml', 'api-hpa.yaml', 'api-pdb.yaml', 'api-service.yaml', 'configmap.yaml', 'worker-deployment.yaml', 'worker-pdb.yaml'],
  );
  expect(result.stdout).toContain(
    'kubectl create secret generic orders-service-secrets --from-literal=ORDERS_JWT_SECRET=… --from-literal=ORDERS_REDIS_URL=… --from-literal=ORDERS_SEAL_SECRET=…',
  );
});

test('a config with a secret written in it: exit 1, one line naming the files, the key and the fix on the next', async () => {
  const dir = deployService({ 'pym-config.yaml': 'name: a\njwt_secret: literal-jwt-secret-0123456\n' });
  const result = await runPym(['deploy', 'compose', '--out', path.join(out, 'refused')], { cwd: dir, env: CLEAN_ENV });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    'pym deploy: the config cannot be deployed as it is (pym-config.yaml)\n' +
      '  jwt_secret is written in pym-config.yaml: list an environment variable in env_secrets and set jwt_secret to its name\n',
  );
  expect(fs.existsSync(path.join(out, 'refused'))).toBe(false);
});

test('the example service from its compose file: the API command serves, the worker command runs the task it enqueued', async () => {
  const dir = path.join(out, 'compose');
  // The image's working directory is the repository root here: the config's folders point into it.
  const result = await runPym(['deploy', 'compose', '--out', dir, '--app-dir', REPO_ROOT], { cwd: REPO_ROOT, env: CLEAN_ENV });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const compose = yaml.load(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command: string[]; environment: Record<string, string> }> };
  const { api, worker } = compose.services;
  // What this machine needs on top of the file: a port of its own, and a Redis database no other test file uses.
  const configFile = path.join(dir, 'pym-config.yaml');
  const config = yaml.load(fs.readFileSync(configFile, 'utf8')) as Record<string, any>;
  fs.writeFileSync(configFile, yaml.dump({ ...config, port: 0 }));
  const database = 1 + Math.floor(Math.random() * 15);
  const redisUrl = `redis://127.0.0.1:6379/${database}`;
  const jwtSecret = `deploy-test-${randomUUID()}`; // one for both roles, as from one Secret
  const environment = (service: typeof api) => ({
    ...CLEAN_ENV,
    ...service.environment,
    PYM_CONFIG: configFile, // compose mounts it at /etc/pym/pym-config.yaml
    LIBRARY_JWT_SECRET: jwtSecret,
    LIBRARY_REDIS_URL: redisUrl,
    LIBRARY_AUDIT_URL: 'http://127.0.0.1:9', // the audit service is not part of this run: nothing here calls it
    PYM_NO_TS_LOADER: '1', // the image's: the compiled handlers
  });
  expect(api.environment).toMatchObject({
    PYM_ENV: 'prod',
    LIBRARY_JWT_SECRET: expect.stringContaining('${LIBRARY_JWT_SECRET:?'),
    LIBRARY_AUDIT_URL: expect.stringContaining('${LIBRARY_AUDIT_URL:?'),
  });
  for (const service of [api, worker]) expect(service.command.slice(0, 2)).toEqual(['node', 'bin/pym']);

  const server = spawnPym(api.command.slice(2), { cwd: REPO_ROOT, env: environment(api) });
  const consumer = spawnPym(worker.command.slice(2), { cwd: REPO_ROOT, env: environment(worker) });
  running.push(server, consumer);
  const listening = JSON.parse(await server.waitForLine((line) => line.includes('listening on'), 'listening')) as { url: string; workers: number };
  expect(listening.workers).toBe(0); // --no-worker: the tasks are the worker role's
  await consumer.waitForLine((line) => line.includes('worker ready'), 'worker ready');

  const signup = await fetch(`${listening.url}/v1/members`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `ada-${randomUUID()}@example.org`, name: 'Ada Lovelace', language: 'en' }),
  });
  expect(signup.status).toBe(201);
  const { token } = (await signup.json()) as { token: string };
  // The worker role logs each task's outcome (log_level info in prod): await the welcome task's line, then read.
  await consumer.waitForLine((line) => line.includes('"msg":"task Notifications.sendWelcome completed"'), 'the welcome task completed');
  const reply = await fetch(`${listening.url}/v1/members/me/notifications`, { headers: { authorization: `Bearer ${token}` } });
  const { items } = (await reply.json()) as { items: { kind: string }[] };
  expect(items).toEqual([expect.objectContaining({ kind: 'welcome' })]); // the welcome task ran in the worker process

  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys('library:*');
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});
