// @pym/framework: the public API. Everything a service imports comes from here; the rest is internal.
import 'reflect-metadata';

// ── Server ────────────────────────────────────────────────────────────────────
/** Build the Express app of a service from its config, specs and handlers. */
export { createApp, type CreateAppOptions, type PymApp } from './http/create-app';
/** Listen with graceful shutdown. */
export { serve, type ServeOptions, type RunningServer } from './http/serve';
/** Operations: what /ready answers (drain it on SIGTERM), the app's Prometheus metrics. */
export type { Readiness } from './http/readiness';
export type { AppMetrics } from './metrics/pym-metrics';
export type { MetricsSource, LabelledMetrics, RenderedMetrics } from './metrics/render-metrics';
/** Handler contract and reply helpers (choose status and headers). */
export type { HandlerInput, RequestHandlerFunction } from './http/handler';
export { reply, created, accepted, noContent, isReply, type Reply } from './http/reply';

// ── Config ────────────────────────────────────────────────────────────────────
export { loadConfig, type LoadConfigOptions, type ConfigOverrides } from './config/load-config';
/** getConfig(): the config of the app whose request or task runs; setConfig(): the config of a script. */
export { getConfig, setConfig, hasConfig } from './config/config-store';
export { ConfigError, type ConfigProblem } from './config/config-error';
export type { PymConfig } from './config/config-schema';

// ── Errors ────────────────────────────────────────────────────────────────────
export { PymError, isPymError, MAX_ERROR_DETAILS, type ErrorDetail, type PymErrorOptions } from './errors/pym-error';
export { defineError, type DefinedErrorClass } from './errors/define-error';
export { listErrorCodes, type ErrorCodeInfo } from './errors/error-registry';
export * from './errors/builtin-errors';
export { formatError, type ErrorBody, type ErrorFormatter, type FormatErrorContext } from './errors/format-error';
export type { ErrorReport, ErrorReporter } from './errors/report-error';

// ── Auth and request context ──────────────────────────────────────────────────
export { generateToken, type GenerateTokenOptions } from './auth/generate-token';
export { withBackendToken, type BackendTokenOptions } from './auth/with-backend-token';
export {
  getRequestContext,
  getUserId,
  getUserToken,
  getUserTokenData,
  type RequestContext,
  type TokenClaims,
} from './context/request-context';

// ── Models ────────────────────────────────────────────────────────────────────
export * from './models';

// ── Tasks ─────────────────────────────────────────────────────────────────────
/** Background tasks: decorate a static method, call it to enqueue, run workers with `pym worker`. */
export { asyncTask } from './tasks/async-task.decorator';
export { cron, type CronOptions } from './tasks/cron.decorator';
export type { AsyncTaskOptions } from './tasks/task-options';
export { taskRef, isTaskRef, type TaskRef } from './tasks/task-ref';
export { runTask } from './tasks/run-task';
/** Release the task queue connection (scripts that enqueue, then exit). */
export { closeTasks } from './tasks/task-backend';
export { startWorker, type StartWorkerOptions, type RunningWorker } from './tasks/start-worker';
export { TaskArgumentInvalid, TaskQueueUnavailable, TaskEnvelopeRejected, TaskTimedOut, TaskStalled } from './tasks/task-errors';
/** Task resources: inside a task, report progress, a resource, a user-facing failure; honour cancels. */
export { setProgress, progressItems, failOnError, setResourceUrl, getTaskSignal, TaskFailed } from './tasks/task-progress';
export { TaskNotFound, TaskAlreadyFinished } from './tasks/task-resources';
export type { TaskStatus, TaskStatusName, TaskLink } from './tasks/task-status';
export type { ServiceHooks } from './config/load-hooks';

// ── Calling other services ──────────────────────────────────────────────────────
/** Generated clients (`pym gen`, one per entry of the config's `clients`) are built on pymClient; failures throw RemoteErrors. */
export { pymClient, type ClientOf, type ClientMethod, type ClientArgs, type ClientOperationTypes } from './clients/define-client';
export type { CallOptions } from './clients/call-operation';
export type { ClientReply } from './clients/read-reply';
export { ClientInputError } from './clients/build-request';
export { RemoteError, UpstreamError, UpstreamBadResponse, UpstreamUnavailable, UpstreamTimeout, type RemoteReply } from './clients/remote-error';
/** node:diagnostics_channel names of client attempts and calls (for metrics), and what they publish. */
export { CLIENT_ATTEMPT_CHANNEL, CLIENT_CALL_CHANNEL, type ClientAttemptEvent, type ClientCallEvent } from './clients/client-events';

// ── Logging ───────────────────────────────────────────────────────────────────
export { getLogger, createLogger, type Logger, type LoggerOptions } from './logging/logger';

// ── CLI ───────────────────────────────────────────────────────────────────────
/** The `pym` command line; bin/pym calls it. */
export { runCli } from './cli/run-cli';

// Internal on purpose: the OpenAPI loader, route matcher, middlewares and config plumbing may change
// between minor versions; services reach them through createApp and the CLI.
