// The embedded Webex Wholesale simulator (contract §5): customers and subscribers per the published
// OpenAPI spec, the asynchronous status lifecycle, paging, rate limits and injected faults.
export { startSimulator, PERSIST_DEBOUNCE_MS } from './server.ts';
export type { RunningSimulator, SimulatorOptions, SimulatorStats } from './server.ts';
export { customerStatusAt, lifecyclePolicy, CALLING_PACKAGES } from './lifecycle.ts';
export type { CustomerStatus, LifecyclePolicy } from './lifecycle.ts';
export { LIST_POLICY } from './answers.ts';
export { EMAIL_TAKEN_CODE, subscriberKey } from './subscriber-api.ts';
export { emptyState, loadState, SubscriberMap, writeState } from './state.ts';
export type { Address, CustomerRecord, SimulatorState, SubscriberRecord } from './state.ts';
export { validateSpecSchema, validateRequestBody } from './spec.ts';
export type { SpecOperation, SpecSchemaName } from './spec.ts';
export { CALLING_MAINTENANCE_WARNING } from './views.ts';
export type {
  WebexCustomer,
  WebexErrorBody,
  WebexErrorItem,
  WebexPackageDetail,
  WebexSubscriber,
} from './views.ts';
export { webexId } from './ids.ts';
