export {
  diffReconciliation,
  countReconciliation,
  diffCustomer,
  diffSubscriber,
  PARKED_CUSTOMER_STATUSES,
  PARKED_SUBSCRIBER_STATUSES,
} from './diff-reconciliation.ts';
export type { LedgerPartner, ReconcileInput } from './diff-reconciliation.ts';
export { planWebexViews, ownOrgIds } from './plan-webex-views.ts';
export type { WebexViewPlan } from './plan-webex-views.ts';
export { runReconcile } from './run-reconcile.ts';
