// The one place a billing report's headers are named: each field the comparison reads, and every
// header it is known by. Another header set (a real Webex's, a renamed column) is a line here, not code.
import { foldHeader } from '../sheets/index.ts';

/** Fields the comparison reads from a billing report. */
export type BillingField =
  | 'customerOrgId'
  | 'customerExternalId'
  | 'customerName'
  | 'subscriberId'
  | 'email'
  | 'package'
  | 'startDate'
  | 'endDate'
  | 'days'
  | 'date'
  | 'quantity';

/** Headers each field is known by; matched after folding case, spaces, `_` and `-` (as sheet headers are). */
export const BILLING_COLUMN_ALIASES: Readonly<Record<BillingField, readonly string[]>> = {
  customerOrgId: ['Customer Org ID', 'Customer Organization ID', 'Org ID', 'Organization ID'],
  customerExternalId: ['Customer External ID', 'External ID'],
  customerName: ['Customer Name', 'Organization Name', 'Org Name'],
  subscriberId: ['Subscriber ID', 'User ID', 'Person ID'],
  email: ['User Email', 'Email', 'Email Address', 'User Name', 'Username'],
  package: ['Package', 'Package Name', 'Subscription Package', 'Offer Name'],
  startDate: ['Start Date', 'Billing Start Date', 'Usage Start Date'],
  endDate: ['End Date', 'Billing End Date', 'Usage End Date'],
  days: ['Days', 'Billable Days', 'Usage Days'],
  date: ['Date', 'Usage Date', 'Billing Date'],
  quantity: ['Quantity', 'Count', 'Units', 'Licenses'],
};

/** Fields a report of each type must have; without one of them it is refused. */
export const REQUIRED_BILLING_FIELDS = {
  USER: ['customerOrgId', 'email', 'package'],
  CUSTOMER: ['customerOrgId', 'package', 'quantity'],
} as const satisfies Record<string, readonly BillingField[]>;

export type BillingReportKind = keyof typeof REQUIRED_BILLING_FIELDS;

const FIELD_BY_FOLDED = new Map<string, BillingField>();
for (const [field, aliases] of Object.entries(BILLING_COLUMN_ALIASES) as [
  BillingField,
  readonly string[],
][]) {
  for (const alias of [field, ...aliases]) FIELD_BY_FOLDED.set(foldHeader(alias), field);
}

/** The field a header names, or null when the table does not know it. */
export function billingFieldOf(header: string): BillingField | null {
  return FIELD_BY_FOLDED.get(foldHeader(header)) ?? null;
}

/** Where each field is in a header row: the column index per field, or the problems found. */
export function mapBillingHeader(
  kind: BillingReportKind,
  headers: readonly string[],
):
  | { columns: Partial<Record<BillingField, number>>; problems: null }
  | { columns: null; problems: string } {
  const columns: Partial<Record<BillingField, number>> = {};
  const duplicated: string[] = [];
  headers.forEach((header, index) => {
    const field = billingFieldOf(header);
    if (field === null) return;
    if (columns[field] !== undefined) duplicated.push(`'${header}' (${field})`);
    else columns[field] = index;
  });
  const missing = REQUIRED_BILLING_FIELDS[kind].filter((f) => columns[f] === undefined);
  if (missing.length === 0 && duplicated.length === 0) return { columns, problems: null };
  const parts: string[] = [];
  if (missing.length > 0) {
    const named = missing.map((f) => `${f} (one of: ${BILLING_COLUMN_ALIASES[f].join(', ')})`);
    parts.push(`required column(s) not found: ${named.join('; ')}`);
  }
  if (duplicated.length > 0) parts.push(`column(s) given twice: ${duplicated.join(', ')}`);
  const found = headers.map((h) => `'${h}'`).join(', ');
  return {
    columns: null,
    problems: `the ${kind} billing report's header ${parts.join('; ')}. Its header row is: ${found}. Add the report's names to BILLING_COLUMN_ALIASES (src/billing/billing-columns.ts) if they mean these fields.`,
  };
}
