// Metrics of supervised worker processes over their IPC channel: the worker answers, `pym start`'s supervisor asks.
import type { ChildProcess } from 'node:child_process';
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

const REQUEST = 'pym:metrics-request';
const REPLY = 'pym:metrics-reply';

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsReply {
  type: typeof REPLY;
  id: number;
  metrics: MetricsJson;
}

function isReply(message: unknown): message is MetricsReply {
  return typeof message === 'object' && message !== null && (message as MetricsReply).type === REPLY;
}

/**
 * In a worker process started with an IPC channel: answer the supervisor's metrics requests with `registry`'s
 * metrics. The channel does not keep the process alive.
 */
export function answerMetricsRequests(registry: Registry): void {
  if (!process.send) return;
  process.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null || (message as MetricsRequest).type !== REQUEST) return;
    const { id } = message as MetricsRequest;
    void registry.getMetricsAsJSON().then(
      (metrics) => process.connected && process.send!({ type: REPLY, id, metrics } satisfies MetricsReply, undefined, undefined, () => undefined),
      () => undefined,
    );
  });
  process.channel?.unref();
}

/**
 * Ask a worker process for its metrics; resolves undefined when it does not answer within `timeoutMs` (busy, dying,
 * or not a pym worker), so that one stuck worker never hangs a scrape.
 */
export function requestMetrics(child: ChildProcess, id: number, timeoutMs: number): Promise<MetricsJson | undefined> {
  if (!child.connected) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (metrics: MetricsJson | undefined) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('disconnect', onGone);
      resolve(metrics);
    };
    const onMessage = (message: unknown) => {
      if (isReply(message) && message.id === id) done(message.metrics);
    };
    const onGone = () => done(undefined);
    const timer = setTimeout(onGone, timeoutMs);
    child.on('message', onMessage);
    child.once('disconnect', onGone);
    child.send({ type: REQUEST, id } satisfies MetricsRequest, (error) => error && onGone());
  });
}
