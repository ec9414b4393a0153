// Delayed tasks start on time without tuning Redis: wake Redis up when a delayed task is due.
import { isCluster, type RedisClient } from './redis-client';

/** Wake-ups of one producer connection. */
export interface DelayWakeups {
  /** Wake Redis up at `dueAt` (epoch ms), the time a delayed job becomes due. */
  schedule(dueAt: number): void;
  close(): void;
}

/** Options of createDelayWakeups. */
export interface DelayWakeupOptions {
  /** Delays longer than this are not tracked (the process is likely to have restarted by then). @defaultValue 3600000 */
  maxDelayMs?: number;
  /** Due times tracked at once (two timers each); beyond, delayed tasks start when Redis' own timer says. @defaultValue 10000 */
  maxPending?: number;
  /** Called after each wake-up is answered, with the due time it is for (observability and tests). */
  onWake?: (dueAt: number) => void;
  /**
   * On a Cluster, a key in the queues' slot: the wake-up reads its length (STRLEN), which goes to the node the workers
   * block on, where a PING would go to any node (STRLEN: a cheap read that neither pym nor BullMQ sends otherwise, so
   * wake-ups can be told apart in INFO commandstats). Required on a Cluster.
   */
  slotKey?: string;
}

/**
 * Wake-ups go out just after the due time, so that the worker's blocking timeout has expired when Redis looks
 * at it (a Node timer may fire up to a millisecond early: it counts from the event loop's cached clock), and
 * once more a little later, in case the first one still came too early.
 */
const AFTER_DUE_MS = [2, 10];

/**
 * A worker waiting for a delayed job blocks in Redis with a timeout, and an idle Redis looks at expired
 * timeouts only `hz` times a second (10 by default: up to 100 ms late). Any command wakes it up, so the
 * process that enqueued a delayed job sends a PING when the job is due (on a Cluster, a read of a key in the
 * queues' slot, so that it reaches their node). Timers per due millisecond, not per
 * job (unref'd: they never keep a process alive); a wake-up lost with its process only costs the lateness back.
 */
export function createDelayWakeups(redis: RedisClient, options: DelayWakeupOptions = {}): DelayWakeups {
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const maxPending = options.maxPending ?? 10_000;
  const timers = new Map<number, NodeJS.Timeout[]>();
  const slotKey = options.slotKey;
  if (isCluster(redis) && slotKey === undefined) throw new Error('createDelayWakeups: a Cluster needs the slotKey of its queues');
  const send = isCluster(redis) ? () => redis.strlen(slotKey!) : () => redis.ping();
  const wake = (dueAt: number, last: boolean) => {
    if (last) timers.delete(dueAt);
    if (redis.status !== 'ready') return;
    send().then(() => options.onWake?.(dueAt), () => undefined);
  };
  return {
    schedule(dueAt) {
      const inMs = dueAt - Date.now();
      if (inMs <= 0 || inMs > maxDelayMs || timers.has(dueAt) || timers.size >= maxPending) return;
      const pending = AFTER_DUE_MS.map((after, index) => setTimeout(wake, inMs + after, dueAt, index === AFTER_DUE_MS.length - 1).unref());
      timers.set(dueAt, pending);
    },
    close() {
      for (const pending of timers.values()) pending.forEach(clearTimeout);
      timers.clear();
    },
  };
}
