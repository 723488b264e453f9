export { applyRetention } from './apply-retention.ts';
export type { RetentionInput } from './apply-retention.ts';
export {
  describePrune,
  isExpired,
  noPrune,
  planCutoffs,
  REPORT_FOLDER,
  RESULTS_FILE,
} from './plan-retention.ts';
export type { PruneCounts, RetentionKind } from './plan-retention.ts';
export { runPrune, runRetention } from './run-retention.ts';
