import {
  CUSTOMER_PACKAGES,
  SUBSCRIBER_PACKAGES,
  resolvePackage,
  splitPackageList,
} from './packages.ts';
import type {
  Action,
  CustomerDesired,
  IssueCode,
  RowIssue,
  RowRecord,
  RuleContext,
  SubscriberDesired,
  Validated,
} from './types.ts';

/** R-ADDR-1: the longest address line Webex accepts. */
export const MAX_ADDRESS_LINE = 50;

const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:]{2,}$/;
const LIMIT_PREFIX = 'limit_';

/** Customer columns that must hold a value. */
export const CUSTOMER_REQUIRED = [
  'external_id',
  'customer_name',
  'primary_email',
  'address_line1',
  'city',
  'country',
  'packages',
] as const;
/** Subscriber columns that must hold a value. */
export const SUBSCRIBER_REQUIRED = ['customer_external_id', 'email', 'package'] as const;

const issue = (
  code: IssueCode,
  column: string | null,
  value: string | null,
  params: Record<string, string | number> = {},
): RowIssue => ({
  code,
  column,
  value,
  params: value === null ? params : { value, ...params },
});

/** Checks one customer row and builds its desired state (row-local rules only). */
export function validateCustomerRow(row: RowRecord, ctx: RuleContext): Validated<CustomerDesired> {
  const issues: RowIssue[] = [];
  const action = parseAction(row.action, issues);
  const get = (c: string) => row[c] ?? '';
  if (action === 'delete') {
    if (!get('external_id')) issues.push(issue('REQUIRED', 'external_id', null));
  } else {
    for (const c of CUSTOMER_REQUIRED) if (!get(c)) issues.push(issue('REQUIRED', c, null));
    const provisioningId = get('provisioning_id') || ctx.provisioningId || '';
    if (!provisioningId) issues.push(issue('REQUIRED', 'provisioning_id', null));
  }
  const name = get('customer_name');
  if (name.includes('%')) issues.push(issue('INVALID_NAME_CHAR', 'customer_name', name)); // R-NAME-1
  const email = get('primary_email');
  if (email && !EMAIL.test(email)) issues.push(issue('INVALID_EMAIL', 'primary_email', email));
  const country = get('country').toUpperCase();
  if (country && !/^[A-Z]{2}$/.test(country))
    issues.push(issue('INVALID_COUNTRY', 'country', get('country')));
  for (const c of ['address_line1', 'address_line2'] as const) {
    const line = get(c);
    if ([...line].length > MAX_ADDRESS_LINE) {
      issues.push(
        issue('ADDRESS_TOO_LONG', c, line, { length: [...line].length, max: MAX_ADDRESS_LINE }),
      );
    }
  }
  const packages: string[] = [];
  for (const p of splitPackageList(get('packages'))) {
    const api = resolvePackage(p);
    if (!api || !(api in CUSTOMER_PACKAGES)) issues.push(issue('UNKNOWN_PACKAGE', 'packages', p));
    else if (!packages.includes(api)) packages.push(api);
  }
  const limits: Record<string, number> = {};
  for (const [column, value] of Object.entries(row)) {
    if (!column.startsWith(LIMIT_PREFIX) || value === '') continue;
    const api = resolvePackage(column.slice(LIMIT_PREFIX.length));
    if (!api) issues.push(issue('UNKNOWN_PACKAGE', column, column.slice(LIMIT_PREFIX.length)));
    else if (!/^\d{1,9}$/.test(value)) issues.push(issue('INVALID_NUMBER', column, value));
    else limits[api] = Number(value);
  }
  if (issues.length > 0) return { value: null, issues };

  const desired: CustomerDesired = {
    externalId: get('external_id'),
    action,
    provisioningId: get('provisioning_id') || ctx.provisioningId || '',
    name,
    primaryEmail: email,
    address: compact({
      addressLine1: get('address_line1'),
      addressLine2: get('address_line2'),
      city: get('city'),
      stateOrProvince: get('state_or_province'),
      zipOrPostalCode: get('zip_or_postal_code'),
      country,
    }),
    packages,
    limits,
    ...optional('language', get('language')),
    ...optional('orgId', get('org_id')),
    ...optional('meetingsTimezone', get('meetings_timezone')),
  };
  if (get('location_name')) {
    desired.location = compact({
      name: get('location_name'),
      timezone: get('location_timezone'),
      language: get('location_language'),
    });
  }
  return { value: desired, issues };
}

/** Checks one subscriber row and builds its desired state (row-local rules only). */
export function validateSubscriberRow(
  row: RowRecord,
  _ctx: RuleContext,
): Validated<SubscriberDesired> {
  const issues: RowIssue[] = [];
  const get = (c: string) => row[c] ?? '';
  const action = parseAction(row.action, issues);
  const required =
    action === 'delete' ? (['customer_external_id', 'email'] as const) : SUBSCRIBER_REQUIRED;
  for (const c of required) if (!get(c)) issues.push(issue('REQUIRED', c, null));
  const email = get('email').toLowerCase();
  if (email && !EMAIL.test(email)) issues.push(issue('INVALID_EMAIL', 'email', get('email')));
  const listed = splitPackageList(get('package'));
  let pkg = '';
  if (listed.length > 1) {
    issues.push(issue('ONE_PACKAGE_PER_USER', 'package', get('package'), { count: listed.length })); // R-PKG-1
  } else if (listed.length === 1) {
    const api = resolvePackage(listed[0] as string);
    if (!api || !SUBSCRIBER_PACKAGES.includes(api))
      issues.push(issue('UNKNOWN_PACKAGE', 'package', listed[0] as string));
    else pkg = api;
  }
  const isAdmin = parseBoolean(get('is_admin'), 'is_admin', issues);
  if (issues.length > 0) return { value: null, issues };
  return {
    value: {
      customerExternalId: get('customer_external_id'),
      email,
      action,
      package: pkg,
      isAdmin,
      ...optional('firstName', get('first_name')),
      ...optional('lastName', get('last_name')),
      ...optional('phoneNumber', get('phone_number')),
      ...optional('extension', get('extension')),
      ...optional('locationId', get('location_id')),
    },
    issues,
  };
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'はい', 'sim', 's']);
const FALSE = new Set(['false', 'no', 'n', '0', 'いいえ', 'não', 'nao']);

/** Booleans of contract §3; empty is false. */
export function parseBoolean(value: string, column: string, issues: RowIssue[]): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || FALSE.has(v)) return false;
  if (TRUE.has(v)) return true;
  issues.push(issue('INVALID_BOOLEAN', column, value));
  return false;
}

function parseAction(value: string | undefined, issues: RowIssue[]): Action {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'upsert') return 'upsert';
  if (v === 'delete') return 'delete';
  issues.push(issue('INVALID_ACTION', 'action', value ?? ''));
  return 'upsert';
}

function optional<K extends string>(key: K, value: string): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

function compact<T extends object>(obj: T): T {
  return Object.fromEntries(
    Object.entries(obj).filter(([, val]) => val !== '' && val !== undefined),
  ) as T;
}
