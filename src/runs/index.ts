export { runJob, makeRunId, LockHeldError, PIPELINE_LOCK } from './run-job.ts';
export type { App, JobOptions } from './run-job.ts';
export { LeaseLostError, newTally } from './context.ts';
export type { RunContext, RunTally } from './context.ts';
export { noProgress } from './progress.ts';
export type { Progress, ProgressFigures } from './progress.ts';
