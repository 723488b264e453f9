export {
  diffReconciliation,
  countReconciliation,
  diffCustomer,
  diffSubscriber,
  diffCustomers,
  diffSubscriberBatch,
  compareLines,
  PARKED_CUSTOMER_STATUSES,
  PARKED_SUBSCRIBER_STATUSES,
} from './diff-reconciliation.ts';
export type { LedgerPartner, ReconcileInput } from './diff-reconciliation.ts';
export { planWebexViews, ownOrgIds } from './plan-webex-views.ts';
export type { WebexViewPlan } from './plan-webex-views.ts';
export { runReconcile } from './run-reconcile.ts';
export { streamViewLines, RECONCILE_PREFETCH } from './stream-reconciliation.ts';
export type { ReconcileSource, ViewToReconcile } from './stream-reconciliation.ts';
export { checkReconcileTotals, emptyReconcileTotals, countLine } from './check-reconcile-totals.ts';
export type { ReconcileTotals } from './check-reconcile-totals.ts';
