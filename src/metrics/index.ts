export { planMetrics, renderPrometheus } from './plan-metrics.ts';
export type { JobMetrics } from './plan-metrics.ts';
export { readMetrics, writeMetricsFile, METRICS_FILE } from './write-metrics.ts';
