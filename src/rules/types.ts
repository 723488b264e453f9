import type { Locale } from '../config/index.ts';

/** Row- and file-level codes of contract §6 (more may be added). */
export type IssueCode =
  | 'FILE_ENCODING'
  | 'FILE_FORMAT'
  | 'FILE_LIMIT'
  | 'FILE_MALFORMED'
  | 'FILE_HEADER'
  | 'FILE_EMPTY'
  | 'FILE_NOT_REGULAR'
  | 'FILE_DUPLICATE'
  | 'REQUIRED'
  | 'INVALID_EMAIL'
  | 'INVALID_COUNTRY'
  | 'INVALID_LANGUAGE'
  | 'INVALID_TIMEZONE'
  | 'INVALID_PHONE'
  | 'INVALID_POSTAL_CODE'
  | 'INVALID_NUMBER'
  | 'INVALID_BOOLEAN'
  | 'INVALID_ACTION'
  | 'ADDRESS_REQUIRED_FOR_COUNTRY'
  | 'ADDRESS_TOO_LONG'
  | 'INVALID_NAME_CHAR'
  | 'UNKNOWN_PACKAGE'
  | 'ONE_PACKAGE_PER_USER'
  | 'PACKAGE_NOT_ON_CUSTOMER'
  | 'QUOTA_EXCEEDED'
  | 'QUOTA_BELOW_ASSIGNED'
  | 'ADMIN_PACKAGE_MISMATCH'
  | 'ADMIN_DOWNGRADE'
  | 'ADDON_NOT_ENABLED'
  | 'ADDON_DEPENDENCY'
  | 'CALLING_LOCATION_REQUIRED'
  | 'PHONE_OR_EXTENSION_REQUIRED'
  | 'VALUE_DAMAGED'
  | 'FORMULA_WITHOUT_VALUE'
  | 'MERGED_CELLS'
  | 'DUPLICATE_ROW'
  | 'UNKNOWN_CUSTOMER'
  | 'CUSTOMER_REJECTED'
  | 'API_REJECTED';

export type IssueParams = Record<string, string | number>;

/** A problem with one cell or row: data, not an exception. */
export interface RowIssue {
  code: IssueCode;
  /** Canonical column name, or null for the whole row. */
  column: string | null;
  value: string | null;
  params: IssueParams;
}

/** One sheet row by canonical column name (values trimmed and NFKC-normalised). */
export type RowRecord = Readonly<Record<string, string>>;

export type Action = 'upsert' | 'delete';

export interface Address {
  addressLine1: string;
  addressLine2?: string;
  city: string;
  stateOrProvince?: string;
  zipOrPostalCode?: string;
  country: string;
}

/** What a partner's customer row asks for. */
export interface CustomerDesired {
  externalId: string;
  action: Action;
  provisioningId: string;
  name: string;
  primaryEmail: string;
  language?: string;
  orgId?: string;
  address: Address;
  packages: string[];
  limits: Record<string, number>;
  location?: { name: string; timezone?: string; language?: string };
  meetingsTimezone?: string;
}

/** What a partner's subscriber row asks for. */
export interface SubscriberDesired {
  customerExternalId: string;
  email: string;
  action: Action;
  firstName?: string;
  lastName?: string;
  package: string;
  isAdmin: boolean;
  phoneNumber?: string;
  extension?: string;
  locationId?: string;
}

export type Validated<T> = { value: T; issues: RowIssue[] } | { value: null; issues: RowIssue[] };

export interface RuleContext {
  locale: Locale;
  /** The partner's default onboarding template (contract §2 `provisioningId`). */
  provisioningId?: string | undefined;
}
