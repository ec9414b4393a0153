// The Prometheus metrics of one app or worker: its own prom-client registry (never the global one) and pym's instruments.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { renderMetrics, type MetricsSource, type RenderedMetrics } from './render-metrics';

/** How a task attempt ended, as `pym_task_runs_total{outcome}` counts it. */
export type TaskOutcome = 'completed' | 'failed' | 'retried' | 'stalled' | 'cancelled' | 'rejected';

/** Buckets (seconds) of task durations: from a few milliseconds to a quarter of an hour. */
const TASK_SECONDS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Buckets (seconds) of waits in the queue and of lateness: from a millisecond to five minutes. */
const WAIT_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Requests observed between two flushes into http_request_duration_seconds: prom-client's observe validates and
 * hashes the labels and looks the bucket up on every call, so the requests are recorded in a buffer and observed in
 * a batch (cheaper: the same code and data, hot) when it is full and at every scrape (the histogram's collect).
 */
const PENDING_REQUESTS = 256;

/** The labels of http_request_duration_seconds. */
interface HttpLabels {
  operation: string;
  method: string;
  status: number;
}

/** The request methods kept as a label value; any other is `_OTHER` (OpenTelemetry's convention), so the label stays bounded. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT']);

/** An app's metrics as a service sees them: its registry, and the other processes a scrape also reports. */
export interface AppMetrics {
  /** The app's registry: add the service's own metrics to it (`registers: [registry]`). */
  readonly registry: Registry;
  /** Merge another source's metrics into every scrape (pym start adds its worker processes'). */
  addSource(source: MetricsSource): void;
  /** One scrape: the registry's metrics and every source's. */
  render(): Promise<RenderedMetrics>;
}

/**
 * pym's instruments in a registry of their own: two apps (or an app and a worker) in one process never share a
 * metric. Label values are bounded: operations by operationId, tasks by registered name.
 */
export class PymMetrics implements AppMetrics {
  /** The registry a scrape reads (pym's metrics and the process's default ones). */
  readonly registry = new Registry();

  private readonly sources: MetricsSource[] = [];

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by operation (operationId, or a fixed label for what no operation serves), method and status',
    labelNames: ['operation', 'method', 'status'],
    registers: [this.registry],
    collect: () => this.flushRequests(),
  });

  /** Requests not yet observed in httpDuration (see PENDING_REQUESTS): their labels and durations, `pendingCount` of them. */
  private readonly pendingLabels: HttpLabels[] = [];
  private readonly pendingSeconds = new Float64Array(PENDING_REQUESTS);
  private pendingCount = 0;

  private readonly enqueued = new Counter({
    name: 'pym_tasks_enqueued_total',
    help: 'Tasks added to their queue',
    labelNames: ['task'],
    registers: [this.registry],
  });

  private readonly enqueueFailures = new Counter({
    name: 'pym_task_enqueue_failures_total',
    help: 'Task calls whose enqueue failed (TASK_QUEUE_UNAVAILABLE)',
    labelNames: ['task'],
    registers: [this.registry],
  });

  private readonly runs = new Counter({
    name: 'pym_task_runs_total',
    help: 'Task attempts by outcome: completed, failed (for good), retried, stalled, cancelled, rejected (envelope refused)',
    labelNames: ['task', 'outcome'],
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'pym_task_duration_seconds',
    help: 'Duration of task attempts, by task and outcome',
    labelNames: ['task', 'outcome'],
    buckets: TASK_SECONDS,
    registers: [this.registry],
  });

  private readonly queueWait = new Histogram({
    name: 'pym_task_queue_wait_seconds',
    help: 'Time from enqueue to the start of the first attempt, for tasks without a delay',
    labelNames: ['task'],
    buckets: WAIT_SECONDS,
    registers: [this.registry],
  });

  private readonly lateness = new Histogram({
    name: 'pym_task_start_lateness_seconds',
    help: 'Time from the due time of a delayed or scheduled task to the start of its first attempt',
    labelNames: ['task'],
    buckets: WAIT_SECONDS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  addSource(source: MetricsSource): void {
    this.sources.push(source);
  }

  render(): Promise<RenderedMetrics> {
    return renderMetrics(this.registry, this.sources);
  }

  /** One served request (observed in http_request_duration_seconds by the next flush, at the latest at the next scrape). */
  observeRequest(operation: string, method: string, status: number, seconds: number): void {
    this.pendingLabels[this.pendingCount] = { operation, method: KNOWN_METHODS.has(method) ? method : '_OTHER', status };
    this.pendingSeconds[this.pendingCount] = seconds;
    if (++this.pendingCount === PENDING_REQUESTS) this.flushRequests();
  }

  private flushRequests(): void {
    for (let index = 0; index < this.pendingCount; index++) this.httpDuration.observe(this.pendingLabels[index]!, this.pendingSeconds[index]!);
    this.pendingCount = 0;
  }

  /** A task call whose job was added. */
  taskEnqueued(task: string): void {
    this.enqueued.inc({ task });
  }

  /** A task call whose enqueue failed. */
  taskEnqueueFailed(task: string): void {
    this.enqueueFailures.inc({ task });
  }

  /** A task attempt ended (`seconds` absent when it never ran: a refused envelope, a stall). */
  taskRun(task: string, outcome: TaskOutcome, seconds?: number): void {
    this.runs.inc({ task, outcome });
    if (seconds !== undefined) this.duration.observe({ task, outcome }, seconds);
  }

  /** A first attempt started `seconds` after its enqueue (no delay) or after its due time (delayed, scheduled). */
  taskStarted(task: string, delayed: boolean, seconds: number): void {
    (delayed ? this.lateness : this.queueWait).observe({ task }, Math.max(0, seconds));
  }
}
