export { runProvision } from './run-provision.ts';
export {
  applyProvisioning,
  drain,
  followCustomers,
  followSubscribers,
  sendChange,
  CLAIM_BATCH,
  MAX_UNKNOWN_ATTEMPTS,
  RETRY_LATER_CODE,
  RPL_POLL_MS,
} from './apply.ts';
export type { Engine } from './apply.ts';
export { planDryRun, DRY_RUN_PAGE } from './dry-run.ts';
export type { DryRunDesired } from './dry-run.ts';
export { runWorker } from './worker.ts';
export {
  planProvisioning,
  customerCreateBody,
  customerUpdateBody,
  subscriberCreateBody,
  idempotencyKey,
  planCustomers,
  planSubscribers,
  entityPlanCounts,
  entityPlanLines,
  READY_FOR_SUBSCRIBERS,
} from './plan.ts';
export type { PlanInput, ProvisioningPlan, EntityPlan } from './plan.ts';
