export { runJob, makeRunId, LockHeldError, PIPELINE_LOCK } from './run-job.ts';
export type { App, JobOptions } from './run-job.ts';
export { LeaseLostError, newTally } from './context.ts';
export { holderProcess } from './holder-process.ts';
export type { RunContext, RunTally } from './context.ts';
