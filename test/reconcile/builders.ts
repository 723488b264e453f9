import type { LedgerPartner } from '../../src/reconcile/index.ts';
import type { CustomerDesired, SubscriberDesired } from '../../src/rules/index.ts';
import type { CustomerRow, SubscriberRow } from '../../src/store/index.ts';
import type { WebexCustomer, WebexSubscriber } from '../../src/webex/index.ts';

const ADDRESS = {
  addressLine1: '1 Main St',
  city: 'Austin',
  stateOrProvince: 'TX',
  zipOrPostalCode: '78701',
  country: 'US',
};

/** A ledger customer provisioned as its sheet asked: desired, applied, with a Webex id. */
export function aCustomer(
  externalId: string,
  overrides: Partial<CustomerRow> = {},
  desired: Partial<CustomerDesired> = {},
): CustomerRow {
  const doc: CustomerDesired = {
    externalId,
    action: 'upsert',
    provisioningId: 'P1',
    name: `Customer ${externalId}`,
    primaryEmail: `admin@${externalId}.example`,
    address: ADDRESS,
    packages: ['webex_meetings'],
    limits: {},
    ...desired,
  };
  return {
    id: 1,
    partnerId: 'acme',
    externalId,
    desired: doc,
    desiredHash: `h-${externalId}`,
    desiredAction: doc.action,
    sourceRowId: null,
    webexId: `W-${externalId}`,
    webexStatus: 'provisioned',
    webexOrgId: `ORG-${externalId}`,
    appliedHash: `h-${externalId}`,
    ...overrides,
  };
}

/** A ledger subscriber provisioned as its sheet asked. */
export function aSubscriber(
  customerExternalId: string,
  email: string,
  overrides: Partial<SubscriberRow> = {},
  desired: Partial<SubscriberDesired> = {},
): SubscriberRow {
  const doc: SubscriberDesired = {
    customerExternalId,
    email,
    action: 'upsert',
    package: 'webex_meetings',
    isAdmin: false,
    ...desired,
  };
  return {
    id: 1,
    partnerId: 'acme',
    customerExternalId,
    email,
    desired: doc,
    desiredHash: `h-${email}`,
    desiredAction: doc.action,
    sourceRowId: null,
    webexId: `S-${email}`,
    webexCustomerId: `W-${customerExternalId}`,
    webexStatus: 'provisioned',
    appliedHash: `h-${email}`,
    ...overrides,
  };
}

/** What Webex lists for a customer provisioned as `aCustomer` asked. */
export function aWebexCustomer(
  externalId: string,
  overrides: Partial<WebexCustomer> = {},
): WebexCustomer {
  return {
    id: `W-${externalId}`,
    orgId: `ORG-${externalId}`,
    externalId,
    address: ADDRESS,
    status: 'provisioned',
    packages: ['webex_meetings'],
    ...overrides,
  };
}

/** What Webex lists for a subscriber provisioned as `aSubscriber` asked. */
export function aWebexSubscriber(
  customerExternalId: string,
  email: string,
  overrides: Partial<WebexSubscriber> = {},
): WebexSubscriber {
  return {
    id: `S-${email}`,
    email,
    customerId: `W-${customerExternalId}`,
    externalCustomerId: customerExternalId,
    packages: ['webex_meetings'],
    status: 'provisioned',
    ...overrides,
  };
}

/** A reported partner with a ledger. */
export function aPartner(id: string, overrides: Partial<LedgerPartner> = {}): LedgerPartner {
  return { id, reported: true, ownOrgIds: [], customers: [], subscribers: [], ...overrides };
}
