// pym deploy compose: the file is valid against the Compose specification's schema, runs Redis with AOF and
// noeviction, N API and M worker replicas whose commands are pym's, passes every env secret through from the shell
// (never a value), checks /ready, and gives each role the time its shutdown takes.
import yaml from 'js-yaml';
import { composeFile } from '../../src/deploy/compose-file';
import { configFileText, readDeploySettings } from '../../src/deploy/deploy-settings';
import { composeErrors, deployService, ORDERS_SERVICE, parseAsPymCommand, removeServices, SECRET_VALUES } from './deploy-harness';

let saved: NodeJS.ProcessEnv;
beforeAll(() => {
  saved = { ...process.env };
  Object.assign(process.env, SECRET_VALUES); // set, as on a developer's machine: the generator must not read them
});
afterAll(() => {
  process.env = saved;
  removeServices();
});

const generate = (options: Parameters<typeof readDeploySettings>[0] = {}) => {
  const settings = readDeploySettings(options, deployService(ORDERS_SERVICE));
  return { settings, compose: composeFile(settings) as { services: Record<string, any>; [key: string]: any } };
};

test('validates against the Compose specification (and the schema bites: a misspelt key is refused)', () => {
  const { compose } = generate({ replicas: 3, workers: 4 });
  expect(composeErrors(compose)).toEqual([]);
  const broken = structuredClone(compose);
  broken.services.api.stop_grace_periods = '1s';
  expect(composeErrors(broken)).toEqual([expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'stop_grace_periods' } })]);
});

test('Redis keeps what it accepted (AOF) and refuses writes when full instead of evicting queued tasks', () => {
  const { redis } = generate().compose.services;
  expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
  expect(redis.volumes).toEqual(['redis-data:/data']);
});

test('N API replicas run `pym start --no-worker`, M workers `pym worker`: real pym commands, as the CLI parses them', async () => {
  const { api, worker } = generate({ replicas: 3, workers: 4 }).compose.services;
  expect({ api: api.deploy.replicas, worker: worker.deploy.replicas }).toEqual({ api: 3, worker: 4 });
  expect(api.command.slice(0, 2)).toEqual(['node', 'node_modules/@pym/framework/bin/pym']);
  expect(api.command.slice(2)).toEqual(['start', '--no-worker']);
  expect(worker.command.slice(2)).toEqual(['worker']);
  expect(await parseAsPymCommand(api.command.slice(2))).toBe('start');
  expect(await parseAsPymCommand(worker.command.slice(2))).toBe('worker');
  await expect(parseAsPymCommand(['start', '--no-workers'])).rejects.toThrow(/unknown option/); // the parser bites
});

test('every env_secrets name is passed through from the environment (compose refuses to start without it); no value is written', () => {
  const { settings, compose } = generate();
  for (const service of [compose.services.api, compose.services.worker]) {
    expect(service.environment).toEqual({
      PYM_ENV: 'prod',
      PYM_CONFIG: '/etc/pym/pym-config.yaml',
      ORDERS_JWT_SECRET: '${ORDERS_JWT_SECRET:?set ORDERS_JWT_SECRET in the environment (env_secrets)}',
      ORDERS_SEAL_SECRET: '${ORDERS_SEAL_SECRET:?set ORDERS_SEAL_SECRET in the environment (env_secrets)}',
      // The Redis URL's variable defaults to the file's own Redis.
      ORDERS_REDIS_URL: '${ORDERS_REDIS_URL:-redis://redis:6379}',
    });
  }
  const written = yaml.dump(compose) + configFileText(settings);
  for (const value of [...Object.values(SECRET_VALUES), 'dev-only-secret-for-orders-0001']) expect(written).not.toContain(value);
});

test('the API is healthy when /ready answers on its port; each role gets its shutdown timeout plus a margin before it is killed', () => {
  const { api, worker } = generate().compose.services;
  expect(api.healthcheck.test.join(' ')).toContain("fetch('http://127.0.0.1:9090/ready')");
  expect(api.ports).toEqual(['9090-9091:9090']);
  expect(api.stop_grace_period).toBe('17s'); // shutdown_timeout 12 + 5
  expect(worker.stop_grace_period).toBe('45s'); // async.shutdown_timeout 40 + 5
  expect(worker.healthcheck).toEqual({ disable: true }); // no HTTP in a worker: the image's HEALTHCHECK does not apply
});
