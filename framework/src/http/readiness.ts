// Readiness: can this server take traffic now? Answers /ready (cheap, bounded) and turns "no" from the moment it drains.
import type { RedisClient } from '../tasks/redis-client';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import type { ErrorDetail } from '../errors/pym-error';
import { whenReady } from '../tasks/redis-connection';
import { withTimeout } from '../tasks/with-timeout';

/** Longest a readiness check waits for Redis' PONG: under Kubernetes' default probe timeout of 1 s. */
export const READY_PING_TIMEOUT_MS = 500;
/** How long a successful Redis check is reused (probes from several load balancers cost one PING a second). */
export const READY_CACHE_MS = 1000;

/**
 * Seconds `pym start` keeps serving after SIGTERM with `/ready` answering 503, before it stops accepting
 * (`shutdown_delay`): 5 by default, 0 in dev and test, where nothing balances the load and Ctrl-C should be quick.
 */
export function shutdownDelaySeconds(config: PymConfig): number {
  return config.shutdown_delay ?? (config.env === 'dev' || config.env === 'test' ? 0 : 5);
}

/** Options of `Readiness`. */
export interface ReadinessOptions {
  /** Where each change of readiness is logged (once, not per probe). */
  logger: Logger;
  /**
   * The Redis connection tasks are enqueued on, when the service uses tasks (`with_async`, or a task its handlers
   * import) through Redis; undefined when it does not (no tasks, or the dev in-process fallback).
   */
  redis(): RedisClient | undefined;
}

/** What `/ready` reports: the problems that keep this server from serving (none: ready). */
export class Readiness {
  private draining = false;
  private okUntil = 0;
  private failing = false;
  private pending: Promise<ErrorDetail[]> | undefined;

  constructor(private readonly options: ReadinessOptions) {}

  /** From now on the server is not ready (it is shutting down): a load balancer stops sending it requests. */
  drain(): void {
    if (!this.draining) this.options.logger.info('draining: /ready answers 503 from now on');
    this.draining = true;
  }

  /** True once `drain()` was called. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * The reasons the server cannot serve, empty when it can. The specs need no check: the server listens only once
   * they are loaded. Redis is PINGed on the task queue's own connection (a down connection fails at once, a slow
   * one after 500 ms); concurrent checks share one PING, and a success is reused for a second.
   */
  async problems(): Promise<ErrorDetail[]> {
    if (this.draining) return [{ path: 'shutdown', message: 'the service is shutting down' }];
    const redis = this.options.redis();
    // A connection that dropped since the last success is checked again at once (and fails at once).
    if (!redis || (redis.status === 'ready' && Date.now() < this.okUntil)) return [];
    this.pending ??= this.pingRedis(redis)
      .then((problems) => this.logChange(problems))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  private logChange(problems: ErrorDetail[]): ErrorDetail[] {
    const failing = problems.length > 0;
    if (failing && !this.failing) this.options.logger.warn({ problems }, 'not ready: /ready answers 503');
    if (!failing && this.failing) this.options.logger.info('ready again: /ready answers 200');
    this.failing = failing;
    return problems;
  }

  private async pingRedis(redis: RedisClient): Promise<ErrorDetail[]> {
    try {
      await withTimeout(
        whenReady(redis, READY_PING_TIMEOUT_MS).then(() => redis.ping()),
        READY_PING_TIMEOUT_MS,
        () => new Error('PING timed out'),
      );
      this.okUntil = Date.now() + READY_CACHE_MS;
      return [];
    } catch {
      // Not the driver's message: it may name internal hosts, and /ready answers anyone.
      return [{ path: 'redis', message: `the task queue's Redis did not answer PING within ${READY_PING_TIMEOUT_MS} ms` }];
    }
  }
}
