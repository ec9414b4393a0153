// The schema of pym-config.yaml: every key, its type and its default, in one place.
import { z } from 'zod';
import { hashTagOf, parseRedisUrl, RedisUrlError } from './redis-url';
import { clientsSectionSchema } from '../clients/client-options';
import { jwtIssuersSchema } from './jwt-issuers-schema';

const positiveInt = z.number().int().positive();

/** Retry backoff of failed tasks. */
const backoffSchema = z.strictObject({
  /** `exponential` doubles the delay after each attempt; `fixed` keeps it. @defaultValue `exponential` */
  type: z.enum(['exponential', 'fixed']).default('exponential'),
  /** First delay in ms. @defaultValue 1000 */
  delay: z.number().int().min(0).default(1000),
});

/** Add an issue when `value` is not a Redis URL pym reads (the message never quotes it: it may hold a password). */
function checkRedisUrl(value: string, ctx: z.core.$RefinementCtx<string>): void {
  try {
    parseRedisUrl(value);
  } catch (error) {
    if (!(error instanceof RedisUrlError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
}

/** Whether `url` names a Redis Cluster (`redis+cluster://`, `rediss+cluster://`). */
function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:/i.test(url);
}

/** A URL path a built-in page or endpoint is served at. */
const servedPath = z.string().regex(/^\/[A-Za-z0-9._~\/-]*[A-Za-z0-9._~-]$/, 'must be a path like /metrics (no trailing slash)');

/** `async.dashboard`: Bull Board, the queue dashboard. */
const dashboardSchema = z.strictObject({
  /** Serve the dashboard (admins only: requires `async.admin_claim`). @defaultValue false */
  enabled: z.boolean().default(false),
  /** Where it is served. @defaultValue `/admin/queues` */
  path: servedPath.default('/admin/queues'),
  /** Hide the buttons that retry, promote, clean or remove jobs. @defaultValue false */
  read_only: z.boolean().default(false),
});

/** `metrics`: the Prometheus endpoint. */
const metricsSchema = z.strictObject({
  /** Count requests and tasks and serve them to Prometheus. @defaultValue true */
  enabled: z.boolean().default(true),
  /** Where they are served. @defaultValue `/metrics` */
  path: servedPath.default('/metrics'),
  /** Serve them on this port (same host) instead of the API's port, which then does not expose them. @defaultValue the API's port */
  port: z.number().int().min(0).max(65535).optional(),
});

/** `tracing`: OpenTelemetry spans through `@opentelemetry/api` (recorded only when the service registers an SDK). */
const tracingSchema = z.strictObject({
  /** Make a span per request, per enqueue and per task run. @defaultValue true */
  enabled: z.boolean().default(true),
});

/** `cors`: answers to browsers calling from other origins. */
const corsSchema = z
  .strictObject({
    /** Origins allowed to call (`https://app.example.com`), or `'*'` for any. @defaultValue `[]`: CORS off */
    origins: z.union([z.literal('*'), z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'must be an origin: scheme and host, no path'))]).default([]),
    /** Let browsers send cookies and read replies of credentialed requests. @defaultValue false */
    credentials: z.boolean().default(false),
    /** Seconds a browser may cache a preflight's answer. @defaultValue 600 */
    max_age: z.number().int().min(0).default(600),
  })
  .refine((cors) => !(cors.credentials && cors.origins === '*'), {
    path: ['credentials'],
    message: "browsers refuse credentials with any origin ('*'): list the origins instead",
  });

/** The `async` section: Redis and task queue settings (used by @asyncTask and `pym worker`). */
export const asyncSectionSchema = z.strictObject({
  /**
   * Where Redis is: `redis://` or `rediss://` (one node), `redis+sentinel://host:26379,host2:26379/<master name>`
   * (a Sentinel group), `redis+cluster://host:7000,host2:7001` (a Cluster's seed nodes); `rediss+…` for TLS.
   * @defaultValue `redis://127.0.0.1:6379`
   */
  redis_url: z
    .string()
    .min(1)
    // The value is never quoted back: an unparseable URL's password is not known, so it could not be masked.
    .superRefine(checkRedisUrl)
    .default('redis://127.0.0.1:6379'),
  /**
   * Prefix of every Redis key of this service. On a Redis Cluster it must hold a hash tag (`{pym}`), so that every
   * key of the service lands in one slot, as BullMQ's scripts need. @defaultValue `pym`
   */
  prefix: z.string().min(1).default('pym'),
  /** Name of the default queue. @defaultValue `tasks` */
  queue: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"').default('tasks'),
  /**
   * Named queues with their own limits, e.g. `{ emails: { concurrency: 2 }, ledger: { global_concurrency: 1 } }`:
   * `concurrency` is per worker process; `global_concurrency` caps the queue's running tasks across all worker
   * processes (BullMQ global concurrency, kept in Redis; set, changed or removed by each worker at start).
   * @defaultValue `{}`
   */
  queues: z
    .record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.strictObject({ concurrency: positiveInt.optional(), global_concurrency: positiveInt.optional() }))
    .default({}),
  /** Globs of the task modules a worker loads, relative to `src`. @defaultValue `['tasks/**\/*.{ts,js}']` */
  tasks: z.array(z.string().min(1)).default(['tasks/**/*.{ts,js}']),
  /** Attempts of a task before it is failed for good. @defaultValue 3 */
  attempts: positiveInt.default(3),
  /** Delay between attempts. @defaultValue exponential from 1000 ms */
  backoff: backoffSchema.default(() => backoffSchema.parse({})),
  /** Worker processes `pym start` runs when with_async is on. @defaultValue 1 */
  workers: positiveInt.default(1),
  /** Jobs one worker process runs at once, per queue (`queues.<name>.concurrency` overrides it). @defaultValue 10 */
  concurrency: positiveInt.default(10),
  /** Encrypt envelopes (AES-256-GCM) so Redis never holds a readable token or argument. @defaultValue true */
  encrypt: z.boolean().default(true),
  /**
   * Format of the envelopes this service seals: 3 (one AES-256-GCM seal, the token without its claims), or 2 for a
   * rolling upgrade from a pym that reads only format 2 (its workers would refuse format 3). Workers open both.
   * @defaultValue 3
   */
  envelope_format: z.union([z.literal(2), z.literal(3)], { error: 'must be 3 (the default) or 2 (while workers of an older pym still run)' }).default(3),
  /** Secret sealing (and encrypting) envelopes. @defaultValue derived from jwt_secret */
  seal_secret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Milliseconds an enqueue may take before it fails with TASK_QUEUE_UNAVAILABLE. @defaultValue 2000 */
  enqueue_timeout: positiveInt.default(2000),
  /**
   * Replicas that must hold an enqueued task before the call answers (Redis WAIT, up to half of enqueue_timeout;
   * fewer: TASK_QUEUE_UNAVAILABLE), so that a failover cannot lose an accepted task. 0 on a Cluster.
   * @defaultValue 1 on a Sentinel group, 0 otherwise
   */
  wait_replicas: z.number().int().min(0).optional(),
  /** A task whose caller's token expired meanwhile gets a fresh short-lived one (false: it fails with TOKEN_EXPIRED). @defaultValue true */
  refresh_expired_tokens: z.boolean().default(true),
  /** Lifetime in seconds of such a refreshed token. @defaultValue 300 */
  refreshed_token_lifetime: positiveInt.default(300),
  /** Seconds a worker waits for its active tasks on SIGTERM before leaving them to another worker. @defaultValue 30 */
  shutdown_timeout: z.number().positive().default(30),
  /**
   * Milliseconds a worker holds the lock of a running task (renewed every half of it). A worker that dies
   * mid-task leaves a lock that expires after this long; another worker then picks the task up (checked
   * every lock_duration ms). @defaultValue 30000
   */
  lock_duration: z.number().int().min(500).default(30000),
  /** Seconds finished tasks are kept (their status stays readable). @defaultValue 86400 */
  keep_finished: positiveInt.default(86400),
  /**
   * Claims that make a caller an admin of task resources (may read and cancel anyone's task), e.g.
   * `{ role: admin }`: every listed claim must equal the token's (or be in it, for an array claim).
   * @defaultValue none: only a task's owner sees it
   */
  admin_claim: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** The queue dashboard (Bull Board), served to callers whose claims match `admin_claim`. @defaultValue off */
  dashboard: dashboardSchema.default(() => dashboardSchema.parse({})),
}).superRefine((section, ctx) => {
  if (section.dashboard.enabled && (section.admin_claim === undefined || Object.keys(section.admin_claim).length === 0)) {
    ctx.addIssue({ code: 'custom', path: ['dashboard', 'enabled'], message: 'the dashboard is shown only to admins: set async.admin_claim (e.g. { role: admin }) too' });
  }
  if (isClusterUrl(section.redis_url) && (section.wait_replicas ?? 0) > 0) {
    ctx.addIssue({ code: 'custom', path: ['wait_replicas'], message: 'is not supported on a Redis Cluster (set 0, or leave it out)' });
  }
  if (isClusterUrl(section.redis_url) && hashTagOf(section.prefix) === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['prefix'],
      message: `must hold a hash tag on a Redis Cluster, e.g. "{${section.prefix.replace(/[{}]/g, '')}}": every key of the service then lands in one slot, as BullMQ's scripts need`,
    });
  }
});

/** Where pym serves the specs (`/openapi/<api>.json|yaml`): the docs page may not live there. */
export const SPECS_PATH = '/openapi';

/** The `docs` section: the served specs and the Swagger UI page. */
export const docsSectionSchema = z.strictObject({
  /** Serve the Swagger UI page at `path`. @defaultValue true, except with PYM_ENV `prod` (and when `specs` is false) */
  enabled: z.boolean().optional(),
  /** Path of the Swagger UI page (its files are served under it). @defaultValue `/docs` */
  path: z
    .string()
    .regex(/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/, 'must be a path such as /docs: "/" and letters, digits, ".", "_", "~" or "-" per segment (not starting with "."), no trailing "/"')
    .refine((value) => value !== SPECS_PATH && !value.startsWith(`${SPECS_PATH}/`), `is where pym serves the specs (${SPECS_PATH}/<api>.json): choose another path, e.g. /docs`)
    .default('/docs'),
  /** Serve every API's bundled spec at `/openapi/<api>.json` and `.yaml` (public, in every environment). @defaultValue true */
  specs: z.boolean().default(true),
});

const seconds = z.number().positive().max(86_400);

/** The `server` section: how long the HTTP server waits for clients. */
export const serverSectionSchema = z
  .strictObject({
    /** Seconds a client has to send the request line and headers (slow-header clients are cut). @defaultValue 10 */
    headers_timeout: seconds.default(10),
    /**
     * Seconds a client has to send its whole request, body included: raise it with `body_limit` for slow uploads.
     * @defaultValue 60
     */
    request_timeout: seconds.default(60),
    /**
     * Seconds an idle keep-alive connection is kept: above the idle timeout of the load balancer in front (60 s for
     * AWS ALB and nginx), which must close first, or it may send a request on a connection the server is closing.
     * @defaultValue 65
     */
    keep_alive_timeout: seconds.default(65),
  })
  .refine((server) => server.headers_timeout <= server.request_timeout, {
    message: 'headers_timeout must not be longer than request_timeout (the headers are part of the request)',
    path: ['headers_timeout'],
  });

/** The keys of pym-config.yaml after defaults are applied (before paths are resolved). */
export const configFileSchema = z.strictObject({
  /** The service's name, shown by `/version` and in logs. */
  name: z.string().min(1),
  /** The service's version. @defaultValue the version in the service root's package.json, else `0.0.0` */
  version: z.string().min(1).optional(),
  /** Public base URL of the service, used to build absolute links. */
  live_url: z.url().optional(),
  /** Names of environment variables: a config value equal to one of them is replaced by its value. */
  env_secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')).default([]),
  /** HMAC secret of the service's own JWTs (required to accept them, and to mint any: withBackendToken, refreshed task tokens). */
  jwt_secret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** `iss` of the tokens this service issues and accepts. */
  jwt_issuer: z.string().min(1).optional(),
  /** `aud` of the tokens this service issues and accepts. */
  jwt_audience: z.string().min(1).optional(),
  /** Lifetime in seconds of tokens made by generateToken. @defaultValue 86400 */
  jwt_token_timeout: positiveInt.default(86400),
  /** Clock tolerance in seconds when checking `exp`, `nbf` and `iat`. @defaultValue 300 */
  jwt_leeway: z.number().int().min(0).default(300),
  /** Accepted JWT algorithms (HMAC only: the key is `jwt_secret`). @defaultValue `[HS256]` */
  jwt_algorithms: z.array(z.enum(['HS256', 'HS384', 'HS512'])).min(1).default(['HS256']),
  /**
   * Identity providers whose tokens are accepted (RS*, PS*, ES*, keys from a JWKS or a PEM), each with its `issuer`,
   * `audience` and pinned `algorithms`; a token whose `iss` is none of them is verified with `jwt_secret`. @defaultValue `[]`
   */
  jwt_issuers: jwtIssuersSchema,
  /** User id of tokens minted for the service itself (withBackendToken, schedules). */
  default_user_id: z.string().min(1).optional(),
  /** Run task workers next to the HTTP server in `pym start`. @defaultValue false */
  with_async: z.boolean().default(false),
  /** TCP port of `pym start`. @defaultValue 8080 */
  port: z.number().int().min(0).max(65535).default(8080),
  /** Interface `pym start` listens on. @defaultValue `0.0.0.0` */
  host: z.string().min(1).default('0.0.0.0'),
  /** Folder holding the service's OpenAPI specs, relative to the config file. @defaultValue `apis` */
  apis: z.string().min(1).default('apis'),
  /** Service source root: `x-bind-server` modules are resolved from here. @defaultValue `src` */
  src: z.string().min(1).default('src'),
  /** Largest accepted request body, bytes or a size like `1mb`. @defaultValue `1mb` */
  body_limit: z.union([positiveInt, z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i, 'must be a size like 512kb or 1mb')]).default('1mb'),
  /** Validate every reply against the spec (a reply that breaks it becomes 500 BAD_RESPONSE). @defaultValue true */
  validate_responses: z.boolean().default(true),
  /** Show error messages and stacks in error bodies. Never in production. @defaultValue false */
  debug: z.boolean().default(false),
  /** Log level. @defaultValue `info` */
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HTTP server timeouts (seconds): `headers_timeout` 10, `request_timeout` 60, `keep_alive_timeout` 65. */
  server: serverSectionSchema.default(() => serverSectionSchema.parse({})),
  /** Seconds `pym start` waits for in-flight requests on SIGTERM before closing them. @defaultValue 10 */
  shutdown_timeout: z.number().positive().default(10),
  /**
   * Seconds between SIGTERM and closing the listener, during which `/ready` answers 503 while requests are still
   * served, so that a load balancer stops sending new ones first. @defaultValue 5; 0 when PYM_ENV is `dev` or `test`
   */
  shutdown_delay: z.number().min(0).optional(),
  /** The Prometheus endpoint. @defaultValue on, at `/metrics` on the API's port */
  metrics: metricsSchema.default(() => metricsSchema.parse({})),
  /** OpenTelemetry spans (a no-op until the service registers an OpenTelemetry SDK). @defaultValue on */
  tracing: tracingSchema.default(() => tracingSchema.parse({})),
  /** Cross-origin requests from browsers. @defaultValue off (no origin allowed) */
  cors: corsSchema.default(() => corsSchema.parse({})),
  /** Module exporting the service's hooks (`formatError`, `reportError`), as `<module>#<export>` relative to `src`. */
  hooks: z.string().regex(/^[^#]+#[A-Za-z_$][\w$]*$/, 'must be <module>#<export>').optional(),
  /** Served specs (`/openapi/<api>.json|yaml`) and the Swagger UI page (`/docs`). */
  docs: docsSectionSchema.default(() => docsSectionSchema.parse({})),
  /** Redis and task queue settings. */
  async: asyncSectionSchema.default(() => asyncSectionSchema.parse({})),
  /**
   * Scheduled runs of registered tasks, by schedule name: `{ nightly-report: { task: Reports.nightly, cron: "0 3 * * *" } }`
   * or `{ every: 60000 }` (milliseconds); `tz` is the cron pattern's time zone. Checked, and synced to Redis, when a worker starts.
   * @defaultValue `{}`
   */
  schedules: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, ".", "-" or "_"'),
      z.strictObject({ task: z.string().min(1), cron: z.string().min(1).optional(), every: positiveInt.optional(), tz: z.string().min(1).optional() }),
    )
    .default({}),
  /** The services this one calls, by client name: spec, base_url, identity forwarding, timeouts, retries. @defaultValue `{}` */
  clients: clientsSectionSchema,
  /** Folder of the generated clients (`<name>.client.ts`) and downloaded specs, relative to the config file. @defaultValue `clients` */
  clients_dir: z.string().min(1).default('clients'),
});

/** The config file's keys, defaults applied. */
export type ConfigFile = z.infer<typeof configFileSchema>;

/** The resolved `docs` section. */
export interface DocsConfig {
  /** Serve the Swagger UI page. */
  readonly enabled: boolean;
  /** Path of the Swagger UI page, e.g. `/docs`. */
  readonly path: string;
  /** Serve the specs at `/openapi/<api>.json|yaml`. */
  readonly specs: boolean;
}

/** The resolved, frozen configuration returned by `getConfig()`. */
export interface PymConfig extends ConfigFile {
  /** The service's version (from the file, else package.json, else `0.0.0`). */
  readonly version: string;
  /** The environment: `PYM_ENV`, `--env`, default `dev`. */
  readonly env: string;
  /** Absolute path of the config file that was loaded. */
  readonly file: string;
  /** Absolute path of the service root (the folder of the config file). */
  readonly root: string;
  /** Absolute path of the specs folder. */
  readonly apisDir: string;
  /** Absolute path of the service source root. */
  readonly srcDir: string;
  /** The `docs` section, `enabled` resolved from the environment when the file leaves it out. */
  readonly docs: DocsConfig;
  /** Absolute path of `clients_dir`. */
  readonly clientsDir: string;
  /** Values that came from `env_secrets`: redacted from logs and masked by `pym config`. */
  readonly secretValues: readonly string[];
}
