import type { Locale } from '../config/index.ts';
import type { MeetingsDialIn } from './dial-in.ts';
import type { RulePolicy } from './policy.ts';

/** Row- and file-level codes of contract §6, then ours. Every code has a message in each locale. */
export const ISSUE_CODES = [
  'FILE_ENCODING',
  'FILE_FORMAT',
  'FILE_LIMIT',
  'FILE_MALFORMED',
  'FILE_HEADER',
  'FILE_EMPTY',
  'FILE_NOT_REGULAR',
  'FILE_DUPLICATE',
  'REQUIRED',
  'INVALID_EMAIL',
  'INVALID_COUNTRY',
  'INVALID_LANGUAGE',
  'INVALID_TIMEZONE',
  'INVALID_PHONE',
  'INVALID_POSTAL_CODE',
  'INVALID_NUMBER',
  'INVALID_BOOLEAN',
  'INVALID_ACTION',
  'ADDRESS_REQUIRED_FOR_COUNTRY',
  'ADDRESS_TOO_LONG',
  'INVALID_NAME_CHAR',
  'UNKNOWN_PACKAGE',
  'ONE_PACKAGE_PER_USER',
  'PACKAGE_NOT_ON_CUSTOMER',
  'QUOTA_EXCEEDED',
  'QUOTA_BELOW_ASSIGNED',
  'ADMIN_PACKAGE_MISMATCH',
  'ADMIN_DOWNGRADE',
  'ADDON_NOT_ENABLED',
  'ADDON_DEPENDENCY',
  'CALLING_LOCATION_REQUIRED',
  'LOCATION_NAME_TOO_LONG',
  'PHONE_OR_EXTENSION_REQUIRED',
  'VALUE_DAMAGED',
  'FORMULA_WITHOUT_VALUE',
  'MERGED_CELLS',
  'DUPLICATE_ROW',
  'UNKNOWN_CUSTOMER',
  'CUSTOMER_REJECTED',
  'CUSTOMER_DELETED',
  'API_REJECTED',
  'RPL_DEPROVISIONED',
  'PRECHECK_REJECTED',
  'PRECHECK_INFO',
  'LOCATION_DEFAULTED',
] as const;

/**
 * A code of contract §6, plus ours: LOCATION_NAME_TOO_LONG, CUSTOMER_DELETED, RPL_DEPROVISIONED
 * (the customer was removed after its RPL review, R-RPL-5), PRECHECK_REJECTED
 * (Webex's /validate refused the row), PRECHECK_INFO and LOCATION_DEFAULTED (informational).
 */
export type IssueCode = (typeof ISSUE_CODES)[number];

/**
 * Codes that inform without refusing the row: it is staged all the same, and the issue shows in
 * issues.csv and the results file. Every other code refuses its row.
 */
export const INFO_CODES: ReadonlySet<IssueCode> = new Set<IssueCode>([
  'PRECHECK_INFO',
  'LOCATION_DEFAULTED',
]);

/** `error` refuses the row; `info` is said and the row goes on. */
export type IssueSeverity = 'error' | 'info';

/** The severity of a code (a property of the code, so stored issues keep it without a column). */
export function issueSeverity(code: string): IssueSeverity {
  return INFO_CODES.has(code as IssueCode) ? 'info' : 'error';
}

/** Whether an issue refuses its row. */
export function refuses(issue: { code: string }): boolean {
  return issueSeverity(issue.code) === 'error';
}

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
  /** E.164. */
  phoneNumber?: string;
  extension?: string;
  locationId?: string;
}

export type Validated<T> = { value: T; issues: RowIssue[] } | { value: null; issues: RowIssue[] };

/** A value the rules filled in because the row left it empty (R-CALL-1); reports list them. */
export interface DefaultNote {
  rule: 'R-CALL-1';
  column: 'location_name' | 'location_timezone' | 'location_language';
  value: string;
  /** Where it came from: the customer's name or language, the country's only time zone, or policy. */
  from: 'customer_name' | 'customer_language' | 'country' | 'policy';
}

/** A customer row's verdict: desired state or issues, plus what was defaulted and R-DIAL-1. */
export type CustomerVerdict = Validated<CustomerDesired> & {
  /** Empty when the row is refused. */
  defaults: DefaultNote[];
  /** R-DIAL-1 for an accepted upsert; null otherwise. */
  meetings: MeetingsDialIn | null;
  /**
   * A refused upsert's packages and limits as far as their own cells read, so the cross-row
   * rules (R-PKG-3) still speak for the row: every problem at once. Packages only when their cell
   * was right.
   */
  parsed?: { packages: string[] | null; limits: Record<string, number> };
};

export interface RuleContext {
  locale: Locale;
  /** The partner's default onboarding template (contract §2 `provisioningId`). */
  provisioningId?: string | undefined;
  /**
   * Nobody configured the partner's onboarding template yet, against a real Webex: a row without
   * a Provisioning ID is not the partner's to fix. It is accepted, and its customer waits for the
   * operator to set `partners.<id>.provisioningId` (one attention item per partner, not a refusal
   * per row).
   */
  provisioningIdLater?: boolean;
  /** R-PKG-5: the partner may order add-ons (partner config `addons`). Absent means no. */
  addonsEnabled?: boolean | undefined;
  /** Subscriber rows: the customer's country (alpha-2), the region of national phone numbers. */
  customerCountry?: string | undefined;
  /** Policy tables replacing the shipped defaults (see RulePolicy). */
  policy?: Partial<RulePolicy> | undefined;
}
