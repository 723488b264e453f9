export { runScheduler, JOB_RUNS, SCHEDULER_POLICY } from './scheduler.ts';
export { cronTimes, planCatchUp, CATCH_UP_LOOKBACK_MS } from './fire-times.ts';
export type { CatchUp, CronTimes } from './fire-times.ts';
