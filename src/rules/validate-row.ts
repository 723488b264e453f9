import { validateAddress } from './address.ts';
import { checkCountry } from './country.ts';
import { meetingsDialIn } from './dial-in.ts';
import { makeIssue } from './issue.ts';
import { checkLanguage } from './language.ts';
import {
  CALLING_PACKAGES,
  CUSTOMER_PACKAGES,
  SUBSCRIBER_PACKAGES,
  resolvePackage,
  splitPackageList,
} from './packages.ts';
import { checkPhone, isExtension } from './phone.ts';
import { resolvePolicy, type RulePolicy } from './policy.ts';
import { certainTimeZone, checkTimeZone, exampleTimeZone } from './time-zone.ts';
import type {
  Action,
  CustomerDesired,
  CustomerVerdict,
  DefaultNote,
  RowIssue,
  RowRecord,
  RuleContext,
  SubscriberDesired,
  Validated,
} from './types.ts';

export { MAX_ADDRESS_LINE } from './address.ts';

/** R-CALL-1: the longest calling location name Webex accepts. */
export const MAX_LOCATION_NAME = 80;

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

/**
 * Checks one customer row and builds its desired state (row-local rules only). A delete row needs
 * only its external id. An accepted upsert also carries what R-CALL-1 defaulted and R-DIAL-1.
 */
export function validateCustomerRow(row: RowRecord, ctx: RuleContext): CustomerVerdict {
  const policy = resolvePolicy(ctx.policy);
  const issues: RowIssue[] = [];
  const get = (c: string) => row[c] ?? '';
  const action = parseAction(row.action, issues);
  if (action === 'delete') {
    if (!get('external_id')) issues.push(makeIssue('REQUIRED', 'external_id', null));
    if (issues.length > 0) return { value: null, issues, defaults: [], meetings: null };
    return { value: buildCustomer(row, ctx, action, [], {}), issues, defaults: [], meetings: null };
  }

  for (const c of CUSTOMER_REQUIRED) if (!get(c)) issues.push(makeIssue('REQUIRED', c, null));
  if (!get('provisioning_id') && !ctx.provisioningId && !ctx.provisioningIdLater)
    issues.push(makeIssue('REQUIRED', 'provisioning_id', null));
  const name = get('customer_name');
  if (name.includes('%')) issues.push(makeIssue('INVALID_NAME_CHAR', 'customer_name', name)); // R-NAME-1
  const email = get('primary_email');
  if (email && !EMAIL.test(email)) issues.push(makeIssue('INVALID_EMAIL', 'primary_email', email));

  let country = '';
  if (get('country')) {
    const checked = checkCountry(get('country')); // R-ADDR-2
    if (checked.ok) country = checked.code;
    else issues.push(makeIssue('INVALID_COUNTRY', 'country', get('country'), suggestion(checked)));
  }
  for (const c of ['language', 'location_language'] as const) {
    const checked = checkLanguage(get(c), policy.supportedLanguages); // R-LANG-1
    if (get(c) && !checked.ok)
      issues.push(makeIssue('INVALID_LANGUAGE', c, get(c), suggestion(checked)));
  }
  for (const c of ['location_timezone', 'meetings_timezone'] as const) {
    const checked = checkTimeZone(get(c));
    if (get(c) && !checked.ok)
      issues.push(makeIssue('INVALID_TIMEZONE', c, get(c), suggestion(checked)));
  }

  const before = issues.length;
  const packages = validatePackages(get('packages'), ctx, policy, issues);
  const packagesRead = issues.length === before && get('packages') !== '';
  const limits = validateLimits(row, issues);
  const hasCalling = packages.some((p) => CALLING_PACKAGES.has(p));
  issues.push(
    ...validateAddress(
      {
        address_line1: get('address_line1'),
        address_line2: get('address_line2'),
        state_or_province: get('state_or_province'),
        zip_or_postal_code: get('zip_or_postal_code'),
        country,
      },
      hasCalling,
      policy.addressPolicies,
    ),
  );
  const defaults = hasCalling ? callingLocation(row, country, policy, issues) : [];
  if (issues.length > 0)
    return {
      value: null,
      issues,
      defaults: [],
      meetings: null,
      parsed: { packages: packagesRead ? packages : null, limits },
    };

  const desired = buildCustomer(row, ctx, action, packages, limits);
  desired.address.country = country;
  const filled = (column: DefaultNote['column']) =>
    get(column) || defaults.find((d) => d.column === column)?.value || '';
  if (hasCalling || get('location_name')) {
    desired.location = compact({
      name: filled('location_name'),
      timezone: filled('location_timezone'),
      language: filled('location_language'),
    });
  }
  return { value: desired, issues, defaults, meetings: meetingsDialIn(country, policy) };
}

/** R-PKG-5 and package names: the customer's packages by API name, each once. */
function validatePackages(
  cell: string,
  ctx: RuleContext,
  policy: RulePolicy,
  issues: RowIssue[],
): string[] {
  const packages: string[] = [];
  for (const p of splitPackageList(cell)) {
    const api = resolvePackage(p);
    if (!api || !(api in CUSTOMER_PACKAGES))
      issues.push(makeIssue('UNKNOWN_PACKAGE', 'packages', p));
    else if (api in policy.addonDependencies && !ctx.addonsEnabled)
      issues.push(makeIssue('ADDON_NOT_ENABLED', 'packages', p, { package: api }));
    else if (!packages.includes(api)) packages.push(api);
  }
  for (const addon of packages) {
    const needs = policy.addonDependencies[addon];
    if (needs && !needs.some((n) => packages.includes(n)))
      issues.push(makeIssue('ADDON_DEPENDENCY', 'packages', addon, { needs: needs.join(', ') }));
  }
  return packages;
}

/** `limit_<package>` columns: whole numbers by API package name. */
function validateLimits(row: RowRecord, issues: RowIssue[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [column, value] of Object.entries(row)) {
    if (!column.startsWith(LIMIT_PREFIX) || value === '') continue;
    const api = resolvePackage(column.slice(LIMIT_PREFIX.length));
    if (!api) issues.push(makeIssue('UNKNOWN_PACKAGE', column, column.slice(LIMIT_PREFIX.length)));
    else if (!/^\d{1,9}$/.test(value)) issues.push(makeIssue('INVALID_NUMBER', column, value));
    else limits[api] = Number(value);
  }
  return limits;
}

/**
 * R-CALL-1: a calling customer's location needs a name, a time zone and a language. An empty
 * name becomes the customer's name (or the policy's fallback when that is too long), an empty
 * time zone the country's only zone, an empty language the customer's; anything else is refused.
 */
function callingLocation(
  row: RowRecord,
  country: string,
  policy: RulePolicy,
  issues: RowIssue[],
): DefaultNote[] {
  const get = (c: string) => row[c] ?? '';
  const defaults: DefaultNote[] = [];
  const note = (column: DefaultNote['column'], value: string, from: DefaultNote['from']) =>
    defaults.push({ rule: 'R-CALL-1', column, value, from });

  const name = get('location_name');
  const length = [...name].length;
  if (length > MAX_LOCATION_NAME) {
    issues.push(
      makeIssue('LOCATION_NAME_TOO_LONG', 'location_name', name, {
        length,
        max: MAX_LOCATION_NAME,
      }),
    );
  } else if (!name) {
    const customerName = get('customer_name');
    if (customerName && [...customerName].length <= MAX_LOCATION_NAME)
      note('location_name', customerName, 'customer_name');
    else note('location_name', policy.fallbackLocationName, 'policy');
  }

  if (!get('location_timezone') && country) {
    const zone = certainTimeZone(country, policy.countryTimeZones);
    if (zone) note('location_timezone', zone, 'country');
    else {
      const example = exampleTimeZone(country, policy.countryTimeZones);
      issues.push(
        makeIssue('CALLING_LOCATION_REQUIRED', 'location_timezone', null, {
          field: 'timezone',
          country,
          ...(example ? { example } : {}),
        }),
      );
    }
  }

  if (!get('location_language')) {
    const language = get('language');
    // Calling announcements are regional: `ja` in JP becomes `ja_JP` when that tag is supported
    const regional = policy.supportedLanguages.find(
      (t) => t.toLowerCase() === `${language}_${country}`.toLowerCase(),
    );
    if (language) note('location_language', regional ?? language, 'customer_language');
    else {
      const example =
        policy.supportedLanguages.find((t) => t.toUpperCase().endsWith(`_${country}`)) ?? 'en_US';
      issues.push(
        makeIssue('CALLING_LOCATION_REQUIRED', 'location_language', null, {
          field: 'language',
          country,
          example,
        }),
      );
    }
  }
  return defaults;
}

function buildCustomer(
  row: RowRecord,
  ctx: RuleContext,
  action: Action,
  packages: string[],
  limits: Record<string, number>,
): CustomerDesired {
  const get = (c: string) => row[c] ?? '';
  return {
    externalId: get('external_id'),
    action,
    provisioningId: get('provisioning_id') || ctx.provisioningId || '',
    name: get('customer_name'),
    primaryEmail: get('primary_email'),
    address: compact({
      addressLine1: get('address_line1'),
      addressLine2: get('address_line2'),
      city: get('city'),
      stateOrProvince: get('state_or_province'),
      zipOrPostalCode: get('zip_or_postal_code'),
      country: get('country').toUpperCase(),
    }),
    packages,
    limits,
    ...optional('language', get('language')),
    ...optional('orgId', get('org_id')),
    ...optional('meetingsTimezone', get('meetings_timezone')),
  };
}

/**
 * Checks one subscriber row and builds its desired state (row-local rules only). Phone numbers
 * are read with `ctx.customerCountry` as their region and stored in E.164.
 */
/**
 * What a subscriber row's cells say that the cross-row rules need, read even when other cells are
 * wrong: so a row with no phone is also told that its package is not on its customer, in the
 * same results file, not the next night. Empty where the cell itself is wrong.
 */
export interface ParsedSubscriber {
  email: string;
  /** The API name of the row's one package. */
  package: string;
  isAdmin: boolean;
}

export type SubscriberVerdict = Validated<SubscriberDesired> & { parsed: ParsedSubscriber };

export function validateSubscriberRow(row: RowRecord, ctx: RuleContext): SubscriberVerdict {
  const policy = resolvePolicy(ctx.policy);
  const issues: RowIssue[] = [];
  const get = (c: string) => row[c] ?? '';
  const action = parseAction(row.action, issues);
  const required =
    action === 'delete' ? (['customer_external_id', 'email'] as const) : SUBSCRIBER_REQUIRED;
  for (const c of required) if (!get(c)) issues.push(makeIssue('REQUIRED', c, null));
  const email = get('email').toLowerCase();
  if (email && !EMAIL.test(email)) issues.push(makeIssue('INVALID_EMAIL', 'email', get('email')));

  let pkg = '';
  let phoneNumber = '';
  let isAdmin = false;
  if (action === 'upsert') {
    const listed = splitPackageList(get('package'));
    if (listed.length > 1) {
      issues.push(
        makeIssue('ONE_PACKAGE_PER_USER', 'package', get('package'), { count: listed.length }),
      ); // R-PKG-1
    } else if (listed.length === 1) {
      const name = listed[0] ?? '';
      const api = resolvePackage(name);
      if (!api || !SUBSCRIBER_PACKAGES.includes(api))
        issues.push(makeIssue('UNKNOWN_PACKAGE', 'package', name));
      else if (api in policy.addonDependencies && !ctx.addonsEnabled)
        issues.push(makeIssue('ADDON_NOT_ENABLED', 'package', name, { package: api }));
      else pkg = api;
    }
    isAdmin = parseBoolean(get('is_admin'), 'is_admin', issues);
    if (get('phone_number')) {
      const checked = checkPhone(get('phone_number'), ctx.customerCountry);
      if (checked.ok) phoneNumber = checked.e164;
      else {
        const { ok: _ok, code, ...params } = checked;
        issues.push(makeIssue(code, 'phone_number', get('phone_number'), definedParams(params)));
      }
    }
    if (get('extension') && !isExtension(get('extension')))
      issues.push(makeIssue('INVALID_PHONE', 'extension', get('extension'), { what: 'extension' }));
    if (CALLING_PACKAGES.has(pkg) && !get('phone_number') && !get('extension'))
      issues.push(makeIssue('PHONE_OR_EXTENSION_REQUIRED', 'phone_number', null, { package: pkg })); // R-CALL-1
  }
  const parsed = {
    email: issues.some((i) => i.column === 'email') ? '' : email,
    package: pkg,
    isAdmin,
  };
  if (issues.length > 0) return { value: null, issues, parsed };
  // Members set one by one, empty ones left out (as optional() would): this runs for every row of
  // a million-row sheet, and five spread objects a row were a tenth of its cost.
  const value: SubscriberDesired = {
    customerExternalId: get('customer_external_id'),
    email,
    action,
    package: pkg,
    isAdmin,
  };
  const firstName = get('first_name');
  if (firstName) value.firstName = firstName;
  const lastName = get('last_name');
  if (lastName) value.lastName = lastName;
  if (phoneNumber) value.phoneNumber = phoneNumber;
  const extension = get('extension');
  if (extension) value.extension = extension;
  const locationId = get('location_id');
  if (locationId) value.locationId = locationId;
  return { value, issues, parsed };
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'はい', 'sim', 's']);
const FALSE = new Set(['false', 'no', 'n', '0', 'いいえ', 'não', 'nao']);

/** Booleans of contract §3; empty is false. */
export function parseBoolean(value: string, column: string, issues: RowIssue[]): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || FALSE.has(v)) return false;
  if (TRUE.has(v)) return true;
  issues.push(makeIssue('INVALID_BOOLEAN', column, value));
  return false;
}

function parseAction(value: string | undefined, issues: RowIssue[]): Action {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'upsert') return 'upsert';
  if (v === 'delete') return 'delete';
  issues.push(makeIssue('INVALID_ACTION', 'action', value ?? ''));
  return 'upsert';
}

function suggestion(checked: { suggestion?: string | null }): Record<string, string> {
  return checked.suggestion ? { suggestion: checked.suggestion } : {};
}

function definedParams(params: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== null),
  );
}

function optional<K extends string>(key: K, value: string): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

function compact<T extends object>(obj: T): T {
  return Object.fromEntries(
    Object.entries(obj).filter(([, val]) => val !== '' && val !== undefined),
  ) as T;
}
