export { runJob, makeRunId, LockHeldError, PIPELINE_LOCK } from './run-job.ts';
export type { App, JobOptions } from './run-job.ts';
export { newTally } from './context.ts';
export { LeaseLostError } from '../faults/index.ts';
export { holderProcess } from './holder-process.ts';
export type { RunContext, RunTally } from './context.ts';
export { UsageError } from './usage-error.ts';
export { noProgress } from './progress.ts';
export type { Progress, ProgressFigures } from './progress.ts';
