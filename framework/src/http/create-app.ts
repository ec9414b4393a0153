// createApp: config + specs + handlers → an Express 5 app, every binding checked before it serves.
import cookieParser from 'cookie-parser';
import bytes from 'bytes';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { createTokenVerifier } from '../auth/verify-token';
import { jwtSettingsFrom } from '../auth/jwt-settings';
import type { PymConfig } from '../config/config-schema';
import { setConfig } from '../config/config-store';
import { loadConfig, type LoadConfigOptions } from '../config/load-config';
import { loadServiceHooks } from '../config/load-hooks';
import type { ErrorFormatter } from '../errors/format-error';
import type { ErrorReporter } from '../errors/report-error';
import { createLogger, setLogger } from '../logging/logger';
import { registerApiModels } from '../models/model-registry';
import { apiFromDocument } from '../openapi/load-apis';
import { loadApis } from '../openapi/load-apis';
import { listOperations } from '../openapi/list-operations';
import { resolveHandlers } from '../openapi/resolve-handlers';
import { createRouteMatcher } from '../openapi/route-matcher';
import { createBullmqBackend } from '../tasks/bullmq-backend';
import { closeTaskBackend, setTaskBackendFactory, type TaskBackend } from '../tasks/task-backend';
import type { BoundOperation, LoadedApi } from '../openapi/types';
import { createApiValidator } from './api-validator';
import { accessLog } from './access-log.middleware';
import { authenticate } from './authenticate.middleware';
import { builtinDocument, builtinHandlers } from './builtin-api';
import { dispatch } from './dispatch.middleware';
import { errorHandler } from './error-handler';
import type { RequestHandlerFunction } from './handler';
import { matchOperation } from './match-operation.middleware';
import { negotiate } from './negotiate.middleware';
import { parseBody } from './parse-body.middleware';
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
  /**
   * Where the tasks the app's handlers call go. `@pym/framework/testing` passes one that runs them in this process.
   * @defaultValue the BullMQ queues of `async.redis_url`
   */
  taskBackend?: TaskBackend;
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
  /** Release what the app holds besides its server (the task queue connection). */
  close(): Promise<void>;
}

/** The built-in API and the handlers of its operations. */
async function loadBuiltins(config: PymConfig, apis: readonly LoadedApi[]) {
  const api = await apiFromDocument(builtinDocument(config.jwt_secret !== undefined), { name: 'pym', file: '<builtin>' });
  return { api, handlers: builtinHandlers(config, apis) };
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
  setConfig(config);
  const logger = options.logger ?? defaultLogger(config);
  setLogger(logger);

  const apis = await loadApis(config.apisDir);
  const builtins = await loadBuiltins(config, apis);
  const operations = listOperations([...apis, builtins.api]);
  const userOperations = operations.filter((operation) => operation.api !== builtins.api);
  const handlers = new Map<BoundOperation, RequestHandlerFunction>(
    resolveHandlers(userOperations, config.srcDir) as Map<BoundOperation, RequestHandlerFunction>,
  );
  for (const operation of operations) {
    if (operation.api === builtins.api) handlers.set(operation, builtins.handlers[operation.operationId]!);
  }
  registerApiModels(apis, config.srcDir);
  const hooks = { ...loadServiceHooks(config), ...definedHooks(options) };
  setTaskBackendFactory(() => options.taskBackend ?? createBullmqBackend(config, logger));

  const needsJwt = operations.some((operation) => operation.auth !== 'none');
  const verify = needsJwt ? createTokenVerifier(jwtSettingsFrom(config)) : undefined;
  const bodyLimit = bodyLimitBytes(config.body_limit);
  const validators = await Promise.all(
    [...apis, builtins.api].map((api) => createApiValidator(api, { validateResponses: config.validate_responses, bodyLimit })),
  );

  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext());
  app.use(accessLog(logger));
  app.use(matchOperation(createRouteMatcher(operations)));
  app.use(cookieParser());
  app.use(authenticate(verify));
  app.use(negotiate());
  app.use(parseBody({ limit: bodyLimit }));
  app.use(validators);
  app.use(dispatch(handlers));
  app.use(errorHandler({ logger, debug: config.debug, formatError: hooks.formatError, reportError: hooks.reportError }));
  return { app, config, logger, apis, operations, close: closeTaskBackend };
}

/** `body_limit` in bytes (a number, or a size like `1mb`: the config schema checked its form). */
function bodyLimitBytes(limit: number | string): number {
  return typeof limit === 'number' ? limit : bytes.parse(limit) ?? 0;
}
