import { billingBench } from './billing.bench.ts';
import type { Benchmark } from './harness.ts';
import { ingestCsv } from './ingest-csv.bench.ts';
import { ingestXlsx } from './ingest-xlsx.bench.ts';
import { provisionAdaptiveBench, provisionBench } from './provision.bench.ts';
import { provisionE2eBench } from './provision-e2e.bench.ts';
import { reconcileBench } from './reconcile.bench.ts';
import { stagingPg } from './staging-pg.bench.ts';
import { stagingScale } from './staging-scale.bench.ts';
import { stagingSqlite } from './staging-sqlite.bench.ts';

/** Every benchmark `npm run bench` knows, by name. */
export const BENCHMARKS: Benchmark[] = [
  ingestCsv,
  ingestXlsx,
  stagingSqlite,
  stagingScale,
  // The PostgreSQL floor needs a server: listed when DATABASE_URL names one.
  ...(process.env.DATABASE_URL ? [stagingPg] : []),
  provisionBench,
  provisionAdaptiveBench,
  provisionE2eBench,
  reconcileBench,
  billingBench,
];
