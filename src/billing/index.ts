// Billing reconciliation (issue 22): Webex's billing reports held against the ledger and the sheets.
export {
  runBilling,
  BILLING_CSV,
  billingCsvRow,
  billingSection,
  compareUsers,
  indexUsers,
} from './run-billing.ts';
export type { BillingLine, BillingOutcome, BillingRunScope } from './run-billing.ts';
export { followBillingReport, releaseBillingReport } from './follow-billing-report.ts';
export type { FollowedReport, FollowDeps } from './follow-billing-report.ts';
export {
  BillingReportError,
  readBillingCustomerReport,
  readBillingUserReport,
  readBillingUserReportBatches,
} from './read-billing-report.ts';
export { BillingUserIndex } from './billing-user-index.ts';
export { readUserReportInWorker, type BilledLine } from './read-user-report-in-worker.ts';
export { BILLING_COLUMN_ALIASES, REQUIRED_BILLING_FIELDS } from './billing-columns.ts';
export {
  checkBillingTotals,
  classifyBillingCustomer,
  classifyBillingUser,
  countBillingUser,
  emptyBillingUserCounts,
} from './compare-billing.ts';
export type {
  BillingCustomerResult,
  BillingPeriod,
  BillingUserCounts,
  BillingUserResult,
} from './compare-billing.ts';
export { billingPeriod } from './billing-period.ts';
