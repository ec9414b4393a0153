// createApp: config + specs + handlers → an Express 5 app, every binding checked before it serves.
import cookieParser from 'cookie-parser';
import bytes from 'bytes';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { loadClientSpecs } from '../clients/client-specs';
import { installClients } from '../clients/load-clients';
import { acceptsTokens, createServiceVerifier } from '../auth/service-verifier';
import type { PymConfig } from '../config/config-schema';
import { loadConfig, type LoadConfigOptions } from '../config/load-config';
import { loadServiceHooks } from '../config/load-hooks';
import { createAppScope, type AppScope } from '../context/app-scope';
import { checkBuiltinApiName, checkDocsCollisions } from '../docs/docs-collisions';
import { docsRoutes, serveDocs } from '../docs/docs-middleware';
import { servedSpecs } from '../docs/served-specs';
import type { ErrorFormatter } from '../errors/format-error';
import type { ErrorReporter } from '../errors/report-error';
import { createLogger } from '../logging/logger';
import { registerApiModels } from '../models/model-registry';
import { apiFromDocument } from '../openapi/load-apis';
import { loadApis } from '../openapi/load-apis';
import { listOperations } from '../openapi/list-operations';
import { resolveHandlers } from '../openapi/resolve-handlers';
import { createRouteMatcher } from '../openapi/route-matcher';
import { createBullmqBackend } from '../tasks/bullmq-backend';
import { queueNames } from '../tasks/queue-names';
import { listTasks } from '../tasks/task-registry';
import { httpMetrics } from '../metrics/http-metrics.middleware';
import { metricsRoute } from '../metrics/metrics-route.middleware';
import { PymMetrics, type AppMetrics } from '../metrics/pym-metrics';
import { registerQueueDepth } from '../metrics/queue-depth';
import { pymTracer } from '../tracing/pym-tracer';
import { traceRequest } from '../tracing/trace-request.middleware';
import type { BoundOperation, LoadedApi } from '../openapi/types';
import { createApiValidator } from './api-validator';
import { accessLog } from './access-log.middleware';
import { authenticate } from './authenticate.middleware';
import { builtinDocument, builtinHandlers } from './builtin-api';
import { chain } from './chain';
import { crossOrigin } from './cors.middleware';
import { dispatch } from './dispatch.middleware';
import { errorHandler } from './error-handler';
import { weakEtag } from './etag';
import { listenWithPymServer } from './http-server';
import type { RequestHandlerFunction } from './handler';
import { matchOperation } from './match-operation.middleware';
import { negotiate } from './negotiate.middleware';
import { parseBody } from './parse-body.middleware';
import { queueDashboard } from './queue-dashboard';
import { Readiness } from './readiness';
import { rejectMalformed } from './reject-malformed.middleware';
import { requestContext } from './request-context.middleware';

/** Options of `createApp`. */
export interface CreateAppOptions extends LoadConfigOptions {
  /** An already loaded config; when absent, `loadConfig(options)` loads one. */
  config?: PymConfig;
  /** Turns an error into the JSON body sent to the client. @defaultValue pym's error shape */
  formatError?: ErrorFormatter;
  /** Called (never awaited) with every 5xx, with its error_id. */
  reportError?: ErrorReporter;
  /** The logger. @defaultValue JSON to stdout; pretty in dev on a terminal */
  logger?: Logger;
}

/** A created app and what it was built from. */
export interface PymApp {
  /** The Express app: `app.listen()` it, or give it to supertest-like clients. */
  app: Express;
  config: PymConfig;
  logger: Logger;
  /** The service's APIs (the built-in one excluded). */
  apis: readonly LoadedApi[];
  /** Every bound operation, built-ins included. */
  operations: readonly BoundOperation[];
  /**
   * What the app owns (config, logger, task queue): its requests reach it through their context, so that
   * `getConfig()` in a handler is this app's config even with other apps in the process.
   */
  scope: AppScope;
  /** Run `fn` as code of this app outside any request: `getConfig()`, `getLogger()` and task calls are this app's. */
  run<T>(fn: () => T): T;
  /** Release what the app holds besides its server (the task queue connection, the clients' connections). */
  close(): Promise<void>;
  /** What `GET /ready` answers; `readiness.drain()` on SIGTERM turns it 503 while requests are still served. */
  readiness: Readiness;
  /** The app's Prometheus metrics (its own registry); absent when `metrics.enabled` is false. */
  metrics?: AppMetrics;
}

/** The built-in API's name: its spec is served as `/openapi/pym.json`. */
const BUILTIN_API = 'pym';

/** The built-in API and the handlers of its operations. */
async function loadBuiltins(scope: AppScope, apis: readonly LoadedApi[], readiness: Readiness) {
  checkBuiltinApiName(apis, BUILTIN_API);
  const api = await apiFromDocument(builtinDocument(acceptsTokens(scope.config)), { name: BUILTIN_API, file: '<builtin>' });
  return { api, handlers: builtinHandlers(scope, apis, readiness) };
}

/** The hooks given in code (they win over the config's `hooks` module). */
function definedHooks(options: CreateAppOptions) {
  return Object.fromEntries(
    Object.entries({ formatError: options.formatError, reportError: options.reportError }).filter(([, hook]) => hook !== undefined),
  );
}

function defaultLogger(config: PymConfig): Logger {
  return createLogger({
    level: config.log_level,
    pretty: config.env === 'dev' && process.stdout.isTTY === true,
    secretValues: config.secretValues,
    base: { service: config.name },
  });
}

/**
 * Build the service's app: load the config and every spec, import and check every `x-bind-server`
 * handler and `x-parent` model mixin, then wire request ids, JWT, validation, handlers and errors.
 * Anything unresolved throws here, before the app serves a request.
 *
 * @example
 * const { app, config } = await createApp({ reportError: (report) => sentry.capture(report) });
 * app.listen(config.port);
 */
export async function createApp(options: CreateAppOptions = {}): Promise<PymApp> {
  const config = options.config ?? loadConfig(options);
  const logger = options.logger ?? defaultLogger(config);
  const metrics = config.metrics.enabled ? new PymMetrics() : undefined;
  const tracer = pymTracer(config);
  const scope = createAppScope(config, logger, () => createBullmqBackend(config, logger, { metrics, tracer }));
  const backend = () => scope.taskBackend().bullmq;

  const apis = await loadApis(config.apisDir);
  // Redis is checked where tasks are used: with_async, or a task its handler modules import (pym start's rule too).
  let usesTasks = config.with_async;
  const readiness = new Readiness({ logger, redis: () => (usesTasks ? backend()?.redis : undefined) });
  const builtins = await loadBuiltins(scope, apis, readiness);
  const operations = listOperations([...apis, builtins.api]);
  const userOperations = operations.filter((operation) => operation.api !== builtins.api);
  // The service's modules are imported inside the app's scope: code they run as they load sees its config.
  const handlers = scope.run(
    () => new Map<BoundOperation, RequestHandlerFunction>(resolveHandlers(userOperations, config.srcDir) as Map<BoundOperation, RequestHandlerFunction>),
  );
  for (const operation of operations) {
    if (operation.api === builtins.api) handlers.set(operation, builtins.handlers[operation.operationId]!);
  }
  const clientSpecs = await loadClientSpecs(config, apis);
  const hooks = scope.run(() => {
    registerApiModels(apis, config.srcDir, clientSpecs.map((spec) => spec.api));
    return { ...loadServiceHooks(config), ...definedHooks(options) };
  });
  const clients = installClients(config, clientSpecs);
  usesTasks ||= listTasks().length > 0;
  const queues = queueNames(config);
  if (metrics && usesTasks) registerQueueDepth(metrics.registry, { queues, queue: (name) => backend()?.queue(name), logger });

  const needsJwt = operations.some((operation) => operation.auth !== 'none') || config.async.dashboard.enabled;
  const verify = needsJwt ? createServiceVerifier(config) : undefined;
  const matcher = createRouteMatcher(operations);
  const cors = crossOrigin(config.cors, matcher);
  const bodyLimit = bodyLimitBytes(config.body_limit);
  const validators = await Promise.all(
    [...apis, builtins.api].map((api) => createApiValidator(api, { validateResponses: config.validate_responses, bodyLimit })),
  );

  const docs = docsMiddleware(config, [...apis, builtins.api], operations);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', weakEtag); // Express's default ETag, cheaper to compute
  // pym's own middlewares run as one Express layer each side of the dashboard's router (chain: no per-layer routing).
  const front: RequestHandler[] = [requestContext(scope)];
  if (tracer) front.push(traceRequest(tracer));
  if (metrics) front.push(httpMetrics(metrics));
  front.push(accessLog(logger), rejectMalformed());
  if (metrics && config.metrics.port === undefined) front.push(metricsRoute(config.metrics.path, () => metrics.render()));
  if (cors) front.push(cors); // before JWT: a preflight carries no token
  if (docs) front.push(docs);
  const served: RequestHandler[] = [
    matchOperation(matcher),
    cookieParser(),
    authenticate(verify),
    negotiate(),
    parseBody({ limit: bodyLimit }),
    ...validators,
    dispatch(handlers),
  ];
  if (config.async.dashboard.enabled) {
    app.use(chain(front));
    app.use(queueDashboard({ config, verify: verify!, queues, queue: (name) => backend()!.queue(name) }));
    app.use(chain(served));
  } else {
    app.use(chain([...front, ...served]));
  }
  app.use(errorHandler({ logger, debug: config.debug, formatError: hooks.formatError, reportError: hooks.reportError }));
  // app.listen() (pym start, serve(), a service's own call) makes a server with the config's timeouts.
  const { headers_timeout, request_timeout, keep_alive_timeout } = config.server;
  listenWithPymServer(app, {
    headersTimeoutMs: headers_timeout * 1000,
    requestTimeoutMs: request_timeout * 1000,
    keepAliveTimeoutMs: keep_alive_timeout * 1000,
    bodyLimit,
    logger,
    formatError: hooks.formatError,
  });
  const close = async () => {
    await scope.closeTaskBackend();
    await clients.close();
  };
  return { app, config, logger, apis, operations, scope, run: scope.run, close, readiness, metrics };
}

/** The served specs and the docs page (`docs` config), checked against the operations whose URLs they would hide. */
function docsMiddleware(config: PymConfig, apis: readonly LoadedApi[], operations: readonly BoundOperation[]) {
  const routes = docsRoutes({ docs: config.docs, title: `${config.name} API docs`, specs: config.docs.specs ? servedSpecs(apis) : new Map() });
  checkDocsCollisions(operations, routes.keys(), config.docs.path);
  return serveDocs(routes);
}

/** `body_limit` in bytes (a number, or a size like `1mb`: the config schema checked its form). */
function bodyLimitBytes(limit: number | string): number {
  return typeof limit === 'number' ? limit : bytes.parse(limit) ?? 0;
}
