import { billingBench } from './billing.bench.ts';
import type { Benchmark } from './harness.ts';
import { ingestCsv } from './ingest-csv.bench.ts';
import { ingestXlsx } from './ingest-xlsx.bench.ts';
import { provisionAdaptiveBench, provisionBench } from './provision.bench.ts';
import { provisionE2eBench } from './provision-e2e.bench.ts';
import { provisionWorkersBench } from './provision-workers.bench.ts';
import { reconcileBench } from './reconcile.bench.ts';
import { stagingPg } from './staging-pg.bench.ts';
import { stagingScale } from './staging-scale.bench.ts';
import { stagingSqlite } from './staging-sqlite.bench.ts';

/** The benchmarks that need a PostgreSQL server (DATABASE_URL). */
const ON_POSTGRES = [stagingPg, provisionWorkersBench];
const hasPostgres = Boolean(process.env.DATABASE_URL);

/** Every benchmark `npm run bench` knows, by name: those on PostgreSQL when DATABASE_URL names one. */
export const BENCHMARKS: Benchmark[] = [
  ingestCsv,
  ingestXlsx,
  stagingSqlite,
  stagingScale,
  ...(hasPostgres ? [stagingPg] : []),
  provisionBench,
  provisionAdaptiveBench,
  provisionE2eBench,
  ...(hasPostgres ? [provisionWorkersBench] : []),
  reconcileBench,
  billingBench,
];

/** Benchmarks left out for want of DATABASE_URL, named so that asking for one says why. */
export const SKIPPED: string[] = hasPostgres ? [] : ON_POSTGRES.map((b) => b.name);
