// `pym deploy compose`: a docker-compose.yml running Redis, N API replicas and M worker replicas of one image.
import { MOUNTED_CONFIG, type DeploySettings } from './deploy-settings';

/** Seconds added to a process's own shutdown timeout before it is killed (its exit, logs, connections). */
export const STOP_MARGIN_SECONDS = 5;

/** The compose file's name, and the config file written next to it. */
export const COMPOSE_FILES = { compose: 'docker-compose.yml', config: 'pym-config.yaml' };

/** The Compose service of Redis, and where the services find it. */
const REDIS_SERVICE = 'redis';
const COMPOSE_REDIS_URL = `redis://${REDIS_SERVICE}:6379`;

/** A healthcheck command on `/ready` of the API's port, run with the image's own node (no curl needed). */
export function readyCheck(port: number): string[] {
  return ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

/**
 * The environment of the service's containers: PYM_ENV, the mounted config, and every env_secrets name passed
 * through from the shell running compose (`${NAME:?…}`: compose refuses to start without it). The name holding
 * `async.redis_url` defaults to the file's own Redis.
 */
function environmentOf(settings: DeploySettings): Record<string, string> {
  const environment: Record<string, string> = { PYM_ENV: settings.env, PYM_CONFIG: MOUNTED_CONFIG };
  for (const name of settings.secretNames) {
    environment[name] = name === settings.redisUrlSecret ? `\${${name}:-${COMPOSE_REDIS_URL}}` : `\${${name}:?set ${name} in the environment (env_secrets)}`;
  }
  return environment;
}

/** The compose file as an object (the compose specification's layout), for `settings`. */
export function composeFile(settings: DeploySettings): Record<string, unknown> {
  const common = {
    image: settings.image,
    environment: environmentOf(settings),
    configs: [{ source: 'pym-config', target: MOUNTED_CONFIG }],
    depends_on: { [REDIS_SERVICE]: { condition: 'service_healthy' } },
    restart: 'unless-stopped',
    read_only: true,
    tmpfs: ['/tmp'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
  };
  const lastPort = settings.port + settings.replicas - 1;
  return {
    name: settings.name,
    services: {
      [REDIS_SERVICE]: {
        image: 'redis:7',
        // AOF (fsync every second: a crash of the Redis process loses nothing, one of its host at most a second);
        // noeviction: Redis refuses writes when full rather than drop queued tasks; hz 100: retries and schedules on time.
        command: ['redis-server', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--hz', '100'],
        volumes: ['redis-data:/data'],
        healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 10 },
        restart: 'unless-stopped',
      },
      api: {
        ...common,
        command: [...settings.pymCommand, 'start', '--no-worker'],
        deploy: { replicas: settings.replicas },
        // One host port per replica; put a load balancer in front for one address.
        ports: [`${settings.port}${lastPort > settings.port ? `-${lastPort}` : ''}:${settings.port}`],
        healthcheck: { test: readyCheck(settings.port), interval: '10s', timeout: '3s', retries: 3, start_period: '20s' },
        stop_grace_period: `${settings.httpShutdownSeconds + STOP_MARGIN_SECONDS}s`,
      },
      worker: {
        ...common,
        command: [...settings.pymCommand, 'worker'],
        deploy: { replicas: settings.workers },
        // A worker serves no HTTP: the image's HEALTHCHECK (on the API port) does not apply to it.
        healthcheck: { disable: true },
        stop_grace_period: `${settings.taskShutdownSeconds + STOP_MARGIN_SECONDS}s`,
      },
    },
    configs: { 'pym-config': { file: `./${COMPOSE_FILES.config}` } },
    volumes: { 'redis-data': {} },
  };
}
