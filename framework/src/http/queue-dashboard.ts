// The queue dashboard: Bull Board on the service's queues, at async.dashboard.path, for admins only (others: 404).
import type { createBullBoard as CreateBullBoard } from '@bull-board/api';
import type { BullMQAdapter as BullMQAdapterClass } from '@bull-board/api/bullMQAdapter';
import type { ExpressAdapter as ExpressAdapterClass } from '@bull-board/express';
import type { Queue } from 'bullmq';
import cookieParser from 'cookie-parser';
import { Router, type RequestHandler } from 'express';
import { readBearerToken } from '../auth/read-bearer-token';
import { ConfigError } from '../config/config-error';
import type { PymConfig } from '../config/config-schema';
import { NotFound } from '../errors/builtin-errors';
import { labelRequest } from '../metrics/http-metrics.middleware';
import { openEnvelope } from '../tasks/envelope';
import { envelopeKeysFor } from '../tasks/envelope-keys-from-config';
import { isTaskAdmin } from '../tasks/task-resources';
import type { TokenVerifier } from './authenticate.middleware';

/** Options of `queueDashboard`. */
export interface QueueDashboardOptions {
  config: PymConfig;
  /** Verifies the caller's token (the app's verifier). */
  verify: TokenVerifier;
  /** The queues shown. */
  queues: readonly string[];
  /** The Queue of a name (the app's task backend's). */
  queue(name: string): Queue;
}

/**
 * A router serving Bull Board under `async.dashboard.path`. Every request to it (the page, its scripts, its API
 * calls) needs a token, in the Authorization header or the `token` cookie (a browser sends the cookie with each
 * of them), whose claims match `async.admin_claim`. Anyone else gets the 404 NOT_FOUND any unknown path gets, so the
 * dashboard's existence is not revealed. Jobs show what their sealed envelope holds, minus the caller's token.
 */
export function queueDashboard(options: QueueDashboardOptions): Router {
  const { config } = options;
  const settings = config.async.dashboard;
  const { createBullBoard, BullMQAdapter, ExpressAdapter } = loadBullBoard(config);
  const serverAdapter = new ExpressAdapter().setBasePath(settings.path);
  const adapters = options.queues.map((name) => {
    const adapter = new BullMQAdapter(options.queue(name), { readOnlyMode: settings.read_only });
    adapter.setFormatter('data', (data: unknown) => readableJobData(data, config));
    return adapter;
  });
  createBullBoard({ queues: adapters, serverAdapter, options: { uiConfig: { boardTitle: config.name } } });
  const router = Router();
  router.use(settings.path, cookieParser(), adminsOnly(options), serverAdapter.getRouter() as RequestHandler);
  return router;
}

/** The Bull Board version pym is tested with (both packages, one copy of the api). */
export const BULL_BOARD_VERSION = '9.10.1';

/**
 * Bull Board, from the service's own dependencies: an optional peer of the framework (only a service that turns the
 * dashboard on needs it; as a dependency, its optional peer `typescript` would stay in every service's production
 * install). Missing: a startup error with the command that installs it.
 */
function loadBullBoard(config: PymConfig) {
  const paths = [config.root, process.cwd(), __dirname];
  try {
    const load = (name: string) => require(require.resolve(name, { paths })) as Record<string, unknown>;
    return {
      createBullBoard: load('@bull-board/api').createBullBoard as typeof CreateBullBoard,
      BullMQAdapter: load('@bull-board/api/bullMQAdapter').BullMQAdapter as typeof BullMQAdapterClass,
      ExpressAdapter: load('@bull-board/express').ExpressAdapter as typeof ExpressAdapterClass,
    };
  } catch {
    throw new ConfigError(config.file, [
      {
        key: 'async.dashboard.enabled',
        message: `the queue dashboard needs Bull Board in the service's dependencies: npm install @bull-board/api@${BULL_BOARD_VERSION} @bull-board/express@${BULL_BOARD_VERSION} (or turn the dashboard off)`,
      },
    ]);
  }
}

/** Lets a request through only with a verified token whose claims match `async.admin_claim`; else 404. */
function adminsOnly(options: QueueDashboardOptions): RequestHandler {
  return async function dashboardAdminsOnly(req, _res, next) {
    labelRequest(req, '(dashboard)');
    const raw = (req.cookies as Record<string, unknown> | undefined)?.token;
    try {
      const claims = await options.verify(readBearerToken(req.headers.authorization, typeof raw === 'string' ? raw : undefined));
      if (isTaskAdmin(claims, options.config.async.admin_claim)) return next();
    } catch {
      // no token, or an invalid one (or one whose provider's keys are unavailable): the same 404 as a non-admin's
    }
    throw new NotFound(`No operation at ${req.method} ${req.originalUrl.split("?")[0]}`);
  };
}

/** What the dashboard shows of a job's data: the envelope opened (task, arguments, caller), without the token. */
function readableJobData(data: unknown, config: PymConfig): unknown {
  try {
    const envelope = openEnvelope(data, envelopeKeysFor(config));
    const { token: _token, claims, ...caller } = envelope.context;
    return { task: envelope.task, args: envelope.args, caller: { ...caller, userId: claims?.sub } };
  } catch (error) {
    return { unreadable: `the envelope could not be opened (${(error as Error).message})` };
  }
}
