import { runImport } from '../src/ingest/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, type App, type JobOptions } from '../src/runs/index.ts';

/** `rtm-batch import`: pick up, parse, validate and stage partner files. */
export async function importJob(app: App, opts: Omit<JobOptions, 'job'>): Promise<Summary> {
  return runJob(app, { ...opts, job: 'import' }, (ctx) => runImport(ctx));
}
