import type { SimulatorConfig } from '../../config/index.ts';
import type { CustomerRecord } from './state.ts';

/** A customer status of the spec, or `gone` once a delete has run its course. */
export type CustomerStatus =
  | 'provisioning'
  | 'updating'
  | 'deleting'
  | 'pending_rpl_review'
  | 'provisioned'
  | 'provisioned_with_errors'
  | 'error'
  | 'gone';

/** What decides how a customer moves through its statuses. */
export interface LifecyclePolicy {
  /** How long `provisioning`, `updating` and `deleting` last. */
  provisioningMs: number;
  /** How long a clean RPL review lasts once provisioning is done. */
  rplReviewMs: number;
  /** Customer names that stay in `pending_rpl_review` until the policy changes. */
  rplMatch: RegExp | null;
  /** Calling is "under maintenance": calling packages end with warning 2560. */
  callingMaintenance: boolean;
}

/** Packages that need Webex Calling (domain §4); they are the ones maintenance (2560) hits. */
export const CALLING_PACKAGES: ReadonlySet<string> = new Set([
  'webex_calling',
  'webex_suite',
  'webex_voice',
  'common_area_calling',
  'cx_essentials',
  'webex_calling_standard',
]);

/** The lifecycle policy of a simulator configuration. */
export function lifecyclePolicy(
  config: SimulatorConfig,
  provisionedWithErrors2560 = false,
): LifecyclePolicy {
  return {
    provisioningMs: config.provisioningSeconds * 1000,
    rplReviewMs: config.rplReviewMinutes * 60_000,
    rplMatch: config.rplMatch === null ? null : new RegExp(config.rplMatch),
    callingMaintenance: provisionedWithErrors2560,
  };
}

/** When the customer's current operation (create, update, delete) is over. */
export function operationEndsMs(c: CustomerRecord, policy: LifecyclePolicy): number {
  return c.operation.startedMs + policy.provisioningMs;
}

/** Whether the customer's last RPL check is still open at `nowMs` (R-RPL-2, R-RPL-3). */
export function rplPendingAt(c: CustomerRecord, nowMs: number, policy: LifecyclePolicy): boolean {
  // The policy is read now, not when the check began: changing rplMatch is how a review is "approved".
  if (policy.rplMatch?.test(c.customerInfo?.name ?? '') === true) return true;
  return nowMs < c.rplCheckMs + policy.provisioningMs + policy.rplReviewMs;
}

/** The status a customer shows at `nowMs`. */
export function customerStatusAt(
  c: CustomerRecord,
  nowMs: number,
  policy: LifecyclePolicy,
): CustomerStatus {
  const inProgress = nowMs < operationEndsMs(c, policy);
  switch (c.operation.kind) {
    case 'delete':
      return inProgress ? 'deleting' : 'gone';
    case 'create':
      if (inProgress) return 'provisioning';
      break;
    case 'update':
      if (inProgress) return 'updating';
      break;
  }
  if (rplPendingAt(c, nowMs, policy)) return 'pending_rpl_review';
  return finalStatus(c.packages, maintenanceHit(c, policy));
}

/** Whether Calling maintenance (2560) hit the customer's last operation; records made before the flag follow the policy. */
export function maintenanceHit(c: CustomerRecord, policy: LifecyclePolicy): boolean {
  return c.operation.callingMaintenance ?? policy.callingMaintenance;
}

/** The status a finished provisioning ends in. */
export function finalStatus(
  packages: readonly string[],
  callingMaintenance: boolean,
): 'provisioned' | 'provisioned_with_errors' {
  return callingMaintenance && packages.some((p) => CALLING_PACKAGES.has(p))
    ? 'provisioned_with_errors'
    : 'provisioned';
}

/** Statuses in which Webex is still working on the customer and refuses another change. */
export function isBusy(status: CustomerStatus): boolean {
  return status === 'provisioning' || status === 'updating' || status === 'deleting';
}

/** Statuses in which the orgId is shown: the spec presents it "only when status is provisioned". */
export function showsOrgId(status: CustomerStatus): boolean {
  return status === 'provisioned' || status === 'provisioned_with_errors';
}

/** Statuses in which the customer can take subscribers. */
export function acceptsSubscribers(status: CustomerStatus): boolean {
  return status === 'provisioned' || status === 'provisioned_with_errors';
}
