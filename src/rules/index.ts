export {
  validateCustomerRow,
  validateSubscriberRow,
  parseBoolean,
  MAX_ADDRESS_LINE,
} from './validate-row.ts';
export {
  CUSTOMER_PACKAGES,
  SUBSCRIBER_PACKAGES,
  CALLING_PACKAGES,
  resolvePackage,
  splitPackageList,
} from './packages.ts';
export { describeIssue, renderRowMessage, DESCRIBED_CODES } from './messages.ts';
export type * from './types.ts';
export { hashDesired } from './desired-hash.ts';
