import { decodeWebexId, webexId } from './ids.ts';
import {
  CALLING_PACKAGES,
  customerStatusAt,
  showsOrgId,
  type CustomerStatus,
  type LifecyclePolicy,
} from './lifecycle.ts';
import { SUBSCRIBER_SINGLE_PACKAGES } from './spec.ts';
import type { Address, CustomerRecord, SubscriberRecord } from './state.ts';

/** One entry of `errors` / `warnings` in Webex answers. */
export interface WebexErrorItem {
  description: string;
  errorCode?: number;
}

/** The body of every Webex error answer. */
export interface WebexErrorBody {
  message: string;
  errors: WebexErrorItem[];
  trackingId: string;
}

/** `resourceDetails.packages[]` of a customer (spec schema Package). */
export interface WebexPackageDetail {
  name: string;
  status: 'provisioned' | 'provisioning' | 'deleting' | 'error';
  warnings?: WebexErrorItem[];
  licenseIds?: string[];
}

/** A customer as the API shows it (spec schema Customer). */
export interface WebexCustomer {
  id: string;
  orgId?: string;
  externalId: string;
  address: Address;
  status: Exclude<CustomerStatus, 'gone'>;
  packages: string[];
  resourceDetails: { packages: WebexPackageDetail[] };
}

/** A subscriber as the API shows it (spec schema Subscriber). */
export interface WebexSubscriber {
  id: string;
  personId?: string;
  email: string;
  customerId: string;
  externalCustomerId: string;
  package?: string;
  packages: string[];
  status: SubscriberRecord['status'];
  created: string;
  lastStatusChange: string;
}

/** Warning 2560 as Webex words it (spec example of a customer provisioned with errors). */
export const CALLING_MAINTENANCE_WARNING: WebexErrorItem = {
  errorCode: 2560,
  description:
    'One or more Webex Calling services are unavailable due to maintenance, unable to start provisioning. ' +
    'Consult status.webex.com and retry later.',
};

/** Add-ons a subscriber holds beside its one package (R-PKG-1, R-PKG-5). */
export const SUBSCRIBER_ADDONS: ReadonlySet<string> = new Set(['attendant_console']);

const ADDRESS_KEYS = [
  'addressLine1',
  'addressLine2',
  'city',
  'stateOrProvince',
  'zipOrPostalCode',
  'country',
] as const;

/** The address fields Webex keeps, in its order; anything else sent is dropped. */
export function pickAddress(a: Address): Address {
  const out: Record<string, string> = {};
  for (const k of ADDRESS_KEYS) if (typeof a[k] === 'string') out[k] = a[k];
  return out as Address;
}

/** Whether two addresses differ in a field Webex keeps (a change triggers an RPL check). */
export function addressChanged(a: Address, b: Address): boolean {
  return ADDRESS_KEYS.some((k) => (a[k] ?? '') !== (b[k] ?? ''));
}

function packageDetail(
  c: CustomerRecord,
  name: string,
  status: Exclude<CustomerStatus, 'gone'>,
  withLicenses: boolean,
): WebexPackageDetail {
  if (status === 'deleting') return { name, status: 'deleting' };
  if (status === 'provisioning' || status === 'updating' || status === 'pending_rpl_review')
    return { name, status: 'provisioning' };
  // Webex marks the package hit by maintenance `error` and gives the reason as a warning.
  if (status === 'provisioned_with_errors' && CALLING_PACKAGES.has(name)) {
    return { name, status: 'error', warnings: [CALLING_MAINTENANCE_WARNING] };
  }
  const detail: WebexPackageDetail = { name, status: 'provisioned' };
  if (withLicenses)
    detail.licenseIds = [
      webexId('LICENSE', `${decodeWebexId(c.id)?.split('/').pop() ?? c.id}:${name}`),
    ];
  return detail;
}

/** The customer as GET shows it at `nowMs`; null once a delete has finished. */
export function renderCustomer(
  c: CustomerRecord,
  nowMs: number,
  policy: LifecyclePolicy,
  withLicenses = false,
): WebexCustomer | null {
  const status = customerStatusAt(c, nowMs, policy);
  if (status === 'gone') return null;
  const view: WebexCustomer = {
    id: c.id,
    externalId: c.externalId,
    address: pickAddress(c.address),
    status,
    packages: [...c.packages],
    resourceDetails: { packages: c.packages.map((p) => packageDetail(c, p, status, withLicenses)) },
  };
  if (showsOrgId(status)) view.orgId = c.orgId;
  return view;
}

/** The subscriber as GET shows it, with its customer's current external id. */
export function renderSubscriber(s: SubscriberRecord, customer: CustomerRecord): WebexSubscriber {
  const view: WebexSubscriber = {
    id: s.id,
    email: s.email,
    customerId: s.customerId,
    externalCustomerId: customer.externalId,
    packages: [...s.packages],
    status: s.status,
    created: new Date(s.createdMs).toISOString(),
    lastStatusChange: new Date(s.lastStatusChangeMs).toISOString(),
  };
  // The legacy single `package` field only knows the older packages; newer ones appear in `packages` only.
  const main = s.packages.find((p) => !SUBSCRIBER_ADDONS.has(p));
  if (main !== undefined && SUBSCRIBER_SINGLE_PACKAGES.includes(main)) view.package = main;
  // The spec: personId is "only presented when status is provisioned".
  if (s.status === 'provisioned') view.personId = s.personId;
  return view;
}
