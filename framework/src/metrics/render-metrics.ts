// Render a scrape: the app's own registry, plus the metrics its worker processes sent, each set under its own labels.
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

/** Metrics of another process (`registry.getMetricsAsJSON()`), with the labels that tell its series apart. */
export interface LabelledMetrics {
  /** e.g. `{ worker: '0' }`: added to every series of the set. */
  labels: Record<string, string>;
  metrics: MetricObjectWithValues<MetricValue<string>>[];
}

/** Where a scrape gets other processes' metrics from (e.g. `pym start`'s worker processes). */
export type MetricsSource = () => Promise<LabelledMetrics[]>;

/** A rendered scrape. */
export interface RenderedMetrics {
  contentType: string;
  text: string;
}

/**
 * The text Prometheus reads. Without sources, the registry's own text. With sources, every set is merged into one
 * exposition: each other process's series carry its labels, so none is summed with another's. Summing (what
 * prom-client's cluster aggregation does) would make a restarted worker's counters drop back, which Prometheus
 * reads as a counter reset of the whole sum; kept apart, `sum(rate(...))` is right, and per-process gauges
 * (memory, event loop lag, start time) stay meaningful.
 */
export async function renderMetrics(registry: Registry, sources: readonly MetricsSource[]): Promise<RenderedMetrics> {
  if (sources.length === 0) return { contentType: registry.contentType, text: await registry.metrics() };
  const [own, ...others] = await Promise.all([registry.getMetricsAsJSON(), ...sources.map((source) => source())]);
  const sets = [own, ...others.flat().map(({ labels, metrics }) => metrics.map((metric) => withLabels(metric, labels)))];
  // Every series is distinct by then: 'first' keeps each as it is (and keeps metrics whose own aggregator is 'omit').
  const merged = AggregatorRegistry.aggregate(sets.map((set) => set.map((metric) => ({ ...metric, aggregator: 'first' as const }))));
  return { contentType: merged.contentType, text: await merged.metrics() };
}

function withLabels(metric: MetricObjectWithValues<MetricValue<string>>, labels: Record<string, string>): MetricObjectWithValues<MetricValue<string>> {
  return { ...metric, values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, ...labels } })) };
}
