import type {
  FieldDiff,
  ReconcileCategory,
  ReconcileCounts,
  ReconcileLine,
  ReconcileReason,
} from '../reports/index.ts';
import type { CustomerDesired, SubscriberDesired } from '../rules/index.ts';
import type { CustomerRow, SubscriberRow } from '../store/index.ts';
import type { WebexCustomer, WebexSubscriber } from '../webex/index.ts';

/** Customer statuses under which Webex is still working: the customer is parked, not drifted. */
export const PARKED_CUSTOMER_STATUSES: ReadonlySet<string> = new Set([
  'provisioning',
  'updating',
  'pending_rpl_review',
]);

/** Subscriber statuses that wait on someone else: the user must consent to the migration. */
export const PARKED_SUBSCRIBER_STATUSES: ReadonlySet<string> = new Set(['pending_user_migration']);

/** Final customer statuses that are not a success: shown as drift with the status. */
const FAILED_CUSTOMER_STATUSES: ReadonlySet<string> = new Set([
  'error',
  'provisioned_with_errors',
  'deleting',
]);

/** The billing address fields Webex keeps, compared one by one. */
const ADDRESS_KEYS = [
  'addressLine1',
  'addressLine2',
  'city',
  'stateOrProvince',
  'zipOrPostalCode',
  'country',
] as const;

/** One partner of a Webex view: its ledger, and what marks its own organization (R-SELF-1). */
export interface LedgerPartner {
  id: string;
  /** Its lines go into the report; false for a partner left out by `--partner` that shares the view. */
  reported: boolean;
  /** Org ids that are the partner's own organization: config `orgId` and `webex.subPartnerOrgId`. */
  ownOrgIds: readonly string[];
  customers: readonly CustomerRow[];
  subscribers: readonly SubscriberRow[];
}

/**
 * What one Webex view lists now, and every partner that sees it. A view is what one token (and
 * sub-partner org) lists; partners that share one (the embedded simulator) are compared together,
 * so that one partner's customers are never another's orphans.
 */
export interface ReconcileInput {
  partners: readonly LedgerPartner[];
  webex: { customers: readonly WebexCustomer[]; subscribers: readonly WebexSubscriber[] };
}

/** The ledger (desired state and what it knew of Webex) against what Webex lists now → one line per entity. Pure. */
export function diffReconciliation(input: ReconcileInput): ReconcileLine[] {
  const customers = diffCustomers(input.partners, input.webex.customers);
  const subscribers = diffSubscriberBatch(
    customers.view,
    input.partners.flatMap((p) => p.subscribers.map((s) => ({ partner: p.id, row: s }))),
    input.webex.subscribers,
  );
  return [...customers.lines, ...subscribers].sort(compareLines);
}

/** What the subscribers of a view are compared against: its customers, paired, and who owns what. */
export interface CustomerView {
  reported: ReadonlySet<string>;
  viewLabel: string;
  /** Webex customer of each ledger customer, by partner and externalId (null: not in Webex). */
  customerOf: ReadonlyMap<string, WebexCustomer | null>;
  /** The partner whose ledger holds each paired Webex customer id. */
  ownerOf: ReadonlyMap<string, string>;
  /** Webex customers by id. */
  webexCustomers: ReadonlyMap<string, WebexCustomer>;
  /** Org id → partner whose own organization it is (R-SELF-1). */
  ownOrg: ReadonlyMap<string, string>;
}

/** A ledger subscriber with its partner. */
export interface LedgerSubscriber {
  partner: string;
  row: SubscriberRow;
}

/**
 * The customers of one view: one line per ledger customer of a reported partner and per Webex
 * customer left over (own org or orphan), and the pairing the subscribers are compared under.
 * Customers are held whole (a view has thousands, not millions); subscribers go by batches. Pure.
 */
export function diffCustomers(
  partners: readonly Omit<LedgerPartner, 'subscribers'>[],
  webexCustomers: readonly WebexCustomer[],
): { lines: ReconcileLine[]; view: CustomerView } {
  const lines: ReconcileLine[] = [];
  const reported = new Set(partners.filter((p) => p.reported).map((p) => p.id));
  const viewLabel = partners
    .map((p) => p.id)
    .sort(compareText)
    .join(', ');

  // Customers: by the Webex id the ledger kept first, then by externalId, so that two partners
  // of one view with the same externalId each keep their own customer.
  const customerPairs = pair(
    partners.flatMap((p) => p.customers.map((c) => ({ partner: p.id, row: c }))),
    webexCustomers,
    (e) => e.row.webexId,
    (e) => `${e.row.externalId}`,
    (w) => w.externalId ?? null,
  );
  const customerOf = new Map<string, WebexCustomer | null>();
  const ownerOf = new Map<string, string>();
  for (const { entry, webex } of customerPairs.matched) {
    customerOf.set(entityKey(entry.partner, entry.row.externalId), webex);
    if (webex) ownerOf.set(webex.id, entry.partner);
    if (reported.has(entry.partner)) lines.push(customerLine(entry.partner, entry.row, webex));
  }

  // Left in Webex: the partner's own organization (R-SELF-1), or orphans.
  const ownOrg = new Map<string, string>();
  for (const p of partners) for (const org of p.ownOrgIds) ownOrg.set(org, p.id);
  const view: CustomerView = {
    reported,
    viewLabel,
    customerOf,
    ownerOf,
    webexCustomers: new Map(webexCustomers.map((w) => [w.id, w])),
    ownOrg,
  };
  for (const w of customerPairs.unmatched) {
    const self = ownOrgOf(view, w);
    if (self !== undefined) {
      if (reported.has(self)) lines.push(webexOnlyLine(self, 'customer', w.externalId ?? '', w));
    } else if (reported.size > 0) {
      lines.push(webexOnlyLine(viewLabel, 'customer', w.externalId ?? '', w, 'orphan'));
    }
  }
  return { lines, view };
}

/** The Webex customer a ledger subscriber belongs under: its paired customer, else the id the ledger kept. */
export function webexCustomerIdOf(view: CustomerView, s: LedgerSubscriber): string | null {
  return (
    view.customerOf.get(entityKey(s.partner, s.row.customerExternalId))?.id ?? s.row.webexCustomerId
  );
}

/**
 * Subscribers of a view, a batch at a time: the ledger subscribers and the Webex subscribers of
 * the same customers (a streaming run passes one customer's). Lines for reported partners only.
 * Pure.
 */
export function diffSubscriberBatch(
  view: CustomerView,
  ledger: readonly LedgerSubscriber[],
  webex: readonly WebexSubscriber[],
): ReconcileLine[] {
  const lines: ReconcileLine[] = [];
  const { reported, customerOf, ownerOf } = view;
  const subscriberPairs = pair(
    ledger,
    webex,
    (e) => e.row.webexId,
    (e) => {
      const customerId = webexCustomerIdOf(view, e);
      return customerId ? subscriberKey(customerId, e.row.email) : null;
    },
    (w) => subscriberKey(w.customerId, w.email),
  );
  for (const { entry, webex: w } of subscriberPairs.matched) {
    if (!reported.has(entry.partner)) continue;
    const customerKey = entityKey(entry.partner, entry.row.customerExternalId);
    const customer = customerOf.get(customerKey);
    lines.push(
      subscriberLine(entry.partner, entry.row, w, {
        known: customerOf.has(customerKey),
        webex: customer ?? null,
      }),
    );
  }
  for (const w of subscriberPairs.unmatched) {
    const customer = view.webexCustomers.get(w.customerId);
    const key = `${w.externalCustomerId ?? customer?.externalId ?? ''}/${w.email}`;
    const self = ownOrgOf(view, customer);
    if (self !== undefined) {
      if (reported.has(self)) lines.push(webexOnlyLine(self, 'subscriber', key, w));
      continue;
    }
    // A user added by hand to a partner's customer is that partner's orphan.
    const owner = ownerOf.get(w.customerId);
    if (owner === undefined ? reported.size > 0 : reported.has(owner)) {
      lines.push(webexOnlyLine(owner ?? view.viewLabel, 'subscriber', key, w, 'orphan'));
    }
  }
  return lines;
}

function ownOrgOf(view: CustomerView, w: WebexCustomer | undefined): string | undefined {
  return w?.orgId !== undefined && !view.ownerOf.has(w.id) ? view.ownOrg.get(w.orgId) : undefined;
}

/** Counts per category for summary.reconcile: customers and subscribers together. */
export function countReconciliation(lines: readonly ReconcileLine[]): ReconcileCounts {
  const counts: ReconcileCounts = {
    inSync: 0,
    drifted: 0,
    missingInWebex: 0,
    orphansInWebex: 0,
    parked: 0,
    partnerOwnOrg: 0,
  };
  for (const line of lines) counts[line.category] += 1;
  return counts;
}

function customerLine(partner: string, c: CustomerRow, w: WebexCustomer | null): ReconcileLine {
  const line = (category: ReconcileCategory, reason: ReconcileReason, diffs: FieldDiff[] = []) =>
    makeLine(partner, 'customer', c.externalId, c, w, category, reason, diffs);
  if (c.desiredAction === 'delete') {
    if (!w) return line('inSync', 'deleted');
    return w.status === 'deleting' ? line('inSync', 'deleting') : line('drifted', 'notDeleted');
  }
  if (!w) return line('missingInWebex', c.webexId ? 'goneFromWebex' : 'neverCreated');
  if (PARKED_CUSTOMER_STATUSES.has(w.status)) return line('parked', 'inProgress');
  const diffs = diffCustomer(c.desired as CustomerDesired, w, c.webexId);
  if (FAILED_CUSTOMER_STATUSES.has(w.status)) return line('drifted', 'status', diffs);
  return diffs.length > 0 ? line('drifted', 'differs', diffs) : line('inSync', 'same');
}

function subscriberLine(
  partner: string,
  s: SubscriberRow,
  w: WebexSubscriber | null,
  customer: { known: boolean; webex: WebexCustomer | null },
): ReconcileLine {
  const key = `${s.customerExternalId}/${s.email}`;
  const line = (category: ReconcileCategory, reason: ReconcileReason, diffs: FieldDiff[] = []) =>
    makeLine(partner, 'subscriber', key, s, w, category, reason, diffs);
  if (s.desiredAction === 'delete')
    return line(w ? 'drifted' : 'inSync', w ? 'notDeleted' : 'deleted');
  if (!w) {
    if (customer.known && customer.webex === null) return line('missingInWebex', 'customerMissing');
    // Webex takes subscribers only once their customer is provisioned.
    if (customer.webex && PARKED_CUSTOMER_STATUSES.has(customer.webex.status))
      return line('parked', 'customerInProgress');
    return line('missingInWebex', s.webexId ? 'goneFromWebex' : 'neverCreated');
  }
  if (PARKED_SUBSCRIBER_STATUSES.has(w.status)) return line('parked', 'inProgress');
  const diffs = diffSubscriber(s.desired as SubscriberDesired, w, s.webexId, customer.webex);
  if (w.status === 'error') return line('drifted', 'status', diffs);
  return diffs.length > 0 ? line('drifted', 'differs', diffs) : line('inSync', 'same');
}

function makeLine(
  partner: string,
  entity: ReconcileLine['entity'],
  key: string,
  row: Pick<CustomerRow, 'webexId' | 'appliedHash' | 'desiredHash'>,
  w: { id: string; status: string } | null,
  category: ReconcileCategory,
  reason: ReconcileReason,
  diffs: FieldDiff[],
): ReconcileLine {
  return {
    partner,
    entity,
    key,
    webexId: w?.id ?? row.webexId,
    category,
    reason,
    status: w?.status ?? null,
    diffs,
    // Only worth saying where the sheet and Webex disagree: was the sheet's change sent yet?
    pendingChange:
      (category === 'drifted' || category === 'missingInWebex') &&
      row.appliedHash !== row.desiredHash,
  };
}

function webexOnlyLine(
  partner: string,
  entity: ReconcileLine['entity'],
  key: string,
  w: { id: string; status: string },
  kind: 'self' | 'orphan' = 'self',
): ReconcileLine {
  return {
    partner,
    entity,
    key,
    webexId: w.id,
    category: kind === 'orphan' ? 'orphansInWebex' : 'partnerOwnOrg',
    reason: kind === 'orphan' ? 'notInSheets' : 'ownOrg',
    status: w.status,
    diffs: [],
    pendingChange: false,
  };
}

/** Fields of a customer where Webex differs from the sheet. Webex's customer has no name (spec schema Customer), so the name is not compared. */
export function diffCustomer(
  d: CustomerDesired,
  w: WebexCustomer,
  ledgerWebexId: string | null,
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (ledgerWebexId && ledgerWebexId !== w.id)
    diffs.push({ field: 'id', webex: w.id, expected: ledgerWebexId });
  if ((w.externalId ?? '') !== d.externalId)
    diffs.push({ field: 'externalId', webex: w.externalId ?? '', expected: d.externalId });
  const packages = diffPackages(w.packages ?? [], d.packages ?? []);
  if (packages) diffs.push(packages);
  for (const k of ADDRESS_KEYS) {
    const webex = (w.address?.[k] ?? '').trim();
    const expected = (d.address?.[k] ?? '').trim();
    if (webex !== expected) diffs.push({ field: `address.${k}`, webex, expected });
  }
  // An existing org attached by id must stay that org (orgId shows once provisioned).
  if (d.orgId && w.orgId !== undefined && w.orgId !== d.orgId)
    diffs.push({ field: 'orgId', webex: w.orgId, expected: d.orgId });
  return diffs;
}

/** Fields of a subscriber where Webex differs from the sheet: its package (R-PKG-1) and where it sits. */
export function diffSubscriber(
  d: SubscriberDesired,
  w: WebexSubscriber,
  ledgerWebexId: string | null,
  customer: WebexCustomer | null,
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (ledgerWebexId && ledgerWebexId !== w.id)
    diffs.push({ field: 'id', webex: w.id, expected: ledgerWebexId });
  const held = w.packages ?? (w.package ? [w.package] : []);
  const packages = diffPackages(held, [d.package]);
  if (packages) diffs.push(packages);
  if (customer && w.customerId !== customer.id)
    diffs.push({ field: 'customerId', webex: w.customerId, expected: customer.id });
  return diffs;
}

/** Package lists compared as sets (Webex keeps its own order). */
function diffPackages(webex: readonly string[], expected: readonly string[]): FieldDiff | null {
  const a = [...new Set(webex)].sort(compareText);
  const b = [...new Set(expected)].sort(compareText);
  if (a.length === b.length && a.every((p, i) => p === b[i])) return null;
  return { field: 'packages', webex: a.join(', '), expected: b.join(', ') };
}

/**
 * Pairs ledger entries with Webex records: first by the Webex id the ledger kept, then by a
 * natural key among what is left. Each Webex record pairs at most once.
 */
function pair<E, W extends { id: string }>(
  entries: readonly E[],
  records: readonly W[],
  idOf: (e: E) => string | null,
  keyOf: (e: E) => string | null,
  recordKey: (w: W) => string | null,
): { matched: { entry: E; webex: W | null }[]; unmatched: W[] } {
  const byId = new Map(records.map((w) => [w.id, w]));
  const taken = new Set<string>();
  const found = entries.map((e) => {
    const id = idOf(e);
    const w = id ? byId.get(id) : undefined;
    if (w && !taken.has(w.id)) {
      taken.add(w.id);
      return w;
    }
    return null;
  });
  const byKey = new Map<string, W[]>();
  for (const w of records) {
    const key = recordKey(w);
    if (key === null || taken.has(w.id)) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), w]);
  }
  const matched = entries.map((entry, i) => {
    let webex = found[i] ?? null;
    if (webex === null) {
      const key = keyOf(entry);
      const candidates = key === null ? undefined : byKey.get(key);
      webex = candidates?.find((w) => !taken.has(w.id)) ?? null;
      if (webex) taken.add(webex.id);
    }
    return { entry, webex };
  });
  return { matched, unmatched: records.filter((w) => !taken.has(w.id)) };
}

function entityKey(partner: string, externalId: string): string {
  return `${partner}\u0000${externalId}`;
}

function subscriberKey(customerId: string, email: string): string {
  return `${customerId}\u0000${email.toLowerCase()}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ENTITY_ORDER = { customer: 0, subscriber: 1 } as const;

export function compareLines(a: ReconcileLine, b: ReconcileLine): number {
  return (
    compareText(a.partner, b.partner) ||
    ENTITY_ORDER[a.entity] - ENTITY_ORDER[b.entity] ||
    compareText(a.key, b.key)
  );
}
