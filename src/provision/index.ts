export { runProvision } from './run-provision.ts';
export { applyProvisioning, CLAIM_BATCH, MAX_UNKNOWN_ATTEMPTS } from './apply.ts';
export {
  planProvisioning,
  customerCreateBody,
  customerUpdateBody,
  subscriberCreateBody,
  idempotencyKey,
  READY_FOR_SUBSCRIBERS,
} from './plan.ts';
export type { PlanInput, ProvisioningPlan, EntityPlan } from './plan.ts';
