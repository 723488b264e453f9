import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../reports/index.ts';
import { readJobRunFacts, type Db } from '../store/index.ts';
import { planMetrics, renderPrometheus, type JobMetrics } from './plan-metrics.ts';

/** Where node_exporter's textfile collector (or a symlink to it) finds the metrics. */
export const METRICS_FILE = path.join('var', 'metrics', 'rtm-batch.prom');

/** Every job's metrics, from the ledger (what `status --json` shows). */
export async function readMetrics(db: Db): Promise<JobMetrics[]> {
  return planMetrics(await readJobRunFacts(db));
}

/**
 * Writes var/metrics/rtm-batch.prom in one rename: the collector never reads half a file (its
 * temporary name does not end in .prom, so the collector skips it).
 */
export async function writeMetricsFile(home: string, db: Db, now: Date): Promise<string> {
  const target = path.join(home, METRICS_FILE);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFileAtomically(target, renderPrometheus(await readMetrics(db), now));
  return target;
}
