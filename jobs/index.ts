export { importJob } from './import.ts';
export { provisionJob } from './provision.ts';
export { rplRecheckJob } from './rpl-recheck.ts';
export { reconcileJob } from './reconcile.ts';
export { nightlyJob } from './nightly.ts';
export { deprovisionJob } from './deprovision.ts';
export type { DeprovisionRequest } from './deprovision.ts';
export { billingJob } from './billing.ts';
