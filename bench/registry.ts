import type { Benchmark } from './harness.ts';
import { ingestCsv } from './ingest-csv.bench.ts';
import { ingestXlsx } from './ingest-xlsx.bench.ts';
import { provisionAdaptiveBench, provisionBench } from './provision.bench.ts';
import { provisionE2eBench } from './provision-e2e.bench.ts';
import { reconcileBench } from './reconcile.bench.ts';
import { stagingSqlite } from './staging-sqlite.bench.ts';

/** Every benchmark `npm run bench` knows, by name. */
export const BENCHMARKS: Benchmark[] = [
  ingestCsv,
  ingestXlsx,
  stagingSqlite,
  provisionBench,
  provisionAdaptiveBench,
  provisionE2eBench,
  reconcileBench,
];
