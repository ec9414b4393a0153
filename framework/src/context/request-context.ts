// The per-request (and per-task) context, carried by AsyncLocalStorage across awaits.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';
import type { JobContext } from '../tasks/job-context';
import type { AppScope } from './app-scope';

/** Claims of a verified JWT (`sub`, `iss`, `aud`, `exp`, `iat` and the service's own data). */
export interface TokenClaims {
  sub?: string;
  iss?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** What pym knows of the request (or of the request that enqueued the running task). */
export interface RequestContext {
  /** The request id: the caller's `X-Request-Id` when sane, else a UUID. */
  requestId: string;
  /** HTTP method of the request, e.g. `POST`. */
  method: string;
  /** The request's URL (path and query), e.g. `/v1/books?limit=2`. */
  url: string;
  /** The verified bearer token, when the operation required or received one. */
  token?: string;
  /** The verified token's claims. */
  claims?: TokenClaims;
  /** W3C trace context of the request, when the caller sent one. */
  traceparent?: string;
  /** The request's `Idempotency-Key` header: a task started by the request is enqueued once per (user, key). */
  idempotencyKey?: string;
  /**
   * pym's OpenTelemetry span of the request (server) or of the task run (consumer), when tracing is on: a no-op span
   * until the service registers an OpenTelemetry SDK. Its ids are on every log line written while it is open.
   */
  span?: Span;
}

/** The context as pym keeps it: the request's, plus the app it runs in (internal: never shown to a caller). */
export interface ContextState extends RequestContext {
  /** The app serving the request or running the task: its config, logger and task queue. */
  app?: AppScope;
  /** In a task run by a worker: its job (progress, cancel signal), in this one store rather than a second one. */
  job?: JobContext;
}

const storage = new AsyncLocalStorage<ContextState>();

/** Run `fn` with `context` as the current context (also across every await inside `fn`). */
export function runWithContext<T>(context: ContextState, fn: () => T): T {
  return storage.run(context, fn);
}

/** The live context object (internal: middleware fills in the token once verified). */
export function currentContext(): ContextState | undefined {
  return storage.getStore();
}

/** The scope of the app the current request or task belongs to, or undefined outside any. */
export function currentAppScope(): AppScope | undefined {
  return storage.getStore()?.app;
}

/** A copy of the current request context, or undefined outside any request or task. */
export function getRequestContext(): Readonly<RequestContext> | undefined {
  const context = storage.getStore();
  if (!context) return undefined;
  const { app: _app, job: _job, ...request } = context;
  return Object.freeze({ ...request, claims: request.claims && { ...request.claims } });
}

/** The caller's user id (the token's `sub`), or undefined when the request is anonymous. */
export function getUserId(): string | undefined {
  return storage.getStore()?.claims?.sub;
}

/** The caller's token claims, or undefined when the request is anonymous. */
export function getUserTokenData(): Readonly<TokenClaims> | undefined {
  const claims = storage.getStore()?.claims;
  return claims ? { ...claims } : undefined;
}

/** The caller's bearer token, or undefined when the request is anonymous. */
export function getUserToken(): string | undefined {
  return storage.getStore()?.token;
}
