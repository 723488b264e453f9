// Rules Webex applies beyond the JSON schema (spec descriptions and domain.md §4-5). Pure: each
// check returns the descriptions of what is wrong, [] when the request may go ahead.
import { CALLING_PACKAGES } from './lifecycle.ts';
import type { Address, CustomerProvisioningParameters, CustomerRecord } from './state.ts';
import { SUBSCRIBER_ADDONS } from './views.ts';

/** A customer create or update body that passed the spec schema. */
export interface CustomerBody {
  provisioningId?: string;
  packages: string[];
  orgId?: string;
  externalId?: string;
  address?: Address;
  customerInfo?: { name?: string; primaryEmail: string; language?: string };
  provisioningParameters?: CustomerProvisioningParameters;
  subPartnerAdminEmail?: string;
}

/** A subscriber create or update body that passed the spec schema. */
export interface SubscriberBody {
  customerId?: string;
  email?: string;
  package?: string;
  packages?: string[];
  provisioningParameters?: {
    primaryPhoneNumber?: string;
    extension?: string;
    [key: string]: unknown;
  };
}

/** Add-ons and the packages one of which they need (domain §4 R-PKG-5; the 2026 list for attendant_console). */
export const ADDON_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  cisco_calling_plan: [
    'common_area_calling',
    'webex_calling',
    'webex_suite',
    'webex_voice',
    'cx_essentials',
    'webex_calling_standard',
  ],
  attendant_console: ['webex_calling', 'webex_suite', 'cx_essentials', 'webex_voice'],
};

/** Longest address line and location name Webex takes. */
export const TEXT_LIMITS = { addressLine: 50, locationName: 80 } as const;

function checkAddress(where: string, a: Address | undefined): string[] {
  if (a === undefined) return [];
  const issues: string[] = [];
  for (const key of ['addressLine1', 'addressLine2'] as const) {
    const line = a[key];
    if (line !== undefined && line.length > TEXT_LIMITS.addressLine) {
      issues.push(
        `${where}.${key} is ${line.length} characters long; at most ${TEXT_LIMITS.addressLine} are allowed`,
      );
    }
  }
  if (!/^[A-Z]{2}$/.test(a.country)) {
    issues.push(
      `${where}.country '${a.country}' is not an ISO 3166-1 alpha-2 code such as US or BR`,
    );
  }
  return issues;
}

function checkAddons(packages: readonly string[]): string[] {
  const issues: string[] = [];
  for (const [addon, needs] of Object.entries(ADDON_DEPENDENCIES)) {
    if (packages.includes(addon) && !packages.some((p) => needs.includes(p))) {
      issues.push(`package ${addon} needs one of ${needs.join(', ')} beside it`);
    }
  }
  return issues;
}

function checkCalling(
  packages: readonly string[],
  params: CustomerProvisioningParameters | undefined,
): string[] {
  const calling = packages.filter((p) => CALLING_PACKAGES.has(p));
  if (calling.length === 0) return [];
  const location = params?.calling?.location;
  if (location === undefined) {
    return [
      `provisioningParameters.calling.location is required for calling packages (${calling.join(', ')})`,
    ];
  }
  const issues = checkAddress('provisioningParameters.calling.location.address', location.address);
  if ((location.name?.length ?? 0) > TEXT_LIMITS.locationName) {
    issues.push(
      `provisioningParameters.calling.location.name is longer than ${TEXT_LIMITS.locationName} characters`,
    );
  }
  return issues;
}

function checkLimits(
  params: CustomerProvisioningParameters | undefined,
  assigned: ReadonlyMap<string, number>,
): string[] {
  const issues: string[] = [];
  for (const [pkg, limit] of Object.entries(params?.packages?.limits ?? {})) {
    if (!Number.isInteger(limit) || limit < 0) {
      issues.push(
        `provisioningParameters.packages.limits.${pkg} is ${limit}; it must be a whole number, 0 or more`,
      );
    } else if ((assigned.get(pkg) ?? 0) > limit) {
      // R-PKG-3: a quantity is never lowered below what is already assigned.
      issues.push(
        `provisioningParameters.packages.limits.${pkg} is ${limit} but ${assigned.get(pkg)} subscribers hold it`,
      );
    }
  }
  return issues;
}

/** What Webex refuses in the fields a customer precheck body names (all of them are optional there). */
export function checkCustomerPrecheck(body: Partial<CustomerBody>): string[] {
  const packages = body.packages ?? [];
  const issues: string[] = [];
  if (body.customerInfo?.name?.includes('%') === true)
    issues.push(`customerInfo.name '${body.customerInfo.name}' must not contain '%'`);
  issues.push(...checkAddress('address', body.address));
  issues.push(...checkAddons(packages));
  issues.push(...checkCalling(packages, body.provisioningParameters));
  issues.push(...checkLimits(body.provisioningParameters, new Map()));
  return issues;
}

/** What Webex refuses in a customer POST body. */
export function checkCustomerCreate(body: CustomerBody): string[] {
  const issues: string[] = [];
  if (body.orgId === undefined && body.customerInfo === undefined) {
    issues.push(
      'customerInfo is required for a new customer (or give the orgId of an existing organization)',
    );
  }
  if (body.packages.length === 0) issues.push('packages must list at least one package');
  return [...issues, ...checkCustomerPrecheck(body)];
}

/** What Webex refuses in a customer PUT body, given the customer and its subscribers per package. */
export function checkCustomerUpdate(
  body: CustomerBody,
  existing: CustomerRecord,
  assigned: ReadonlyMap<string, number>,
): string[] {
  const issues: string[] = [];
  if (body.packages.length === 0) issues.push('packages must list at least one package');
  issues.push(...checkAddress('address', body.address));
  issues.push(...checkAddons(body.packages));
  const params = body.provisioningParameters ?? existing.provisioningParameters;
  issues.push(...checkCalling(body.packages, params));
  issues.push(...checkLimits(body.provisioningParameters, assigned));
  return issues;
}

/** The packages a subscriber body asks for, or why it names none or both ways. */
export function subscriberPackagesOf(
  body: SubscriberBody,
): { packages: string[]; issue: null } | { packages: null; issue: string } {
  const hasOne = body.package !== undefined;
  const hasList = body.packages !== undefined;
  if (hasOne === hasList)
    return { packages: null, issue: 'Either packages or package field is required but not both.' };
  return { packages: hasOne ? [body.package as string] : [...new Set(body.packages)], issue: null };
}

/** What Webex refuses about a subscriber's packages on this customer (R-PKG-1, R-PKG-2, R-PKG-3, R-CALL-1). */
export function checkSubscriberPackages(
  packages: readonly string[],
  customer: CustomerRecord,
  assignedToOthers: ReadonlyMap<string, number>,
  params: SubscriberBody['provisioningParameters'],
): string[] {
  const issues: string[] = [];
  const foreign = packages.filter((p) => !customer.packages.includes(p));
  if (foreign.length > 0) {
    issues.push(
      `package ${foreign.join(', ')} is not one of the customer's packages (${customer.packages.join(', ')})`,
    );
  }
  const main = packages.filter((p) => !SUBSCRIBER_ADDONS.has(p));
  if (main.length !== 1)
    issues.push(
      `a subscriber holds exactly one package besides add-ons (got ${main.join(', ') || 'none'})`,
    );
  issues.push(...checkAddons(packages));
  const calling = packages.find((p) => CALLING_PACKAGES.has(p));
  if (calling !== undefined && !params?.primaryPhoneNumber && !params?.extension) {
    issues.push(
      `provisioningParameters.primaryPhoneNumber or extension is required for calling package ${calling}`,
    );
  }
  const limits = customer.provisioningParameters?.packages?.limits ?? {};
  for (const p of packages) {
    const limit = limits[p];
    if (limit !== undefined && (assignedToOthers.get(p) ?? 0) + 1 > limit) {
      issues.push(`package ${p} is at its limit of ${limit} subscribers on this customer`);
    }
  }
  return issues;
}
