import { hashDesired, type CustomerDesired, type SubscriberDesired } from '../rules/index.ts';
import type {
  ChangeAction,
  ChangeEntity,
  CustomerRow,
  NewChange,
  SubscriberRow,
} from '../store/index.ts';
import type { PlanCounts, PlanLine } from '../reports/index.ts';
import type { CustomerBody, CustomerUpdateBody, SubscriberBody } from '../webex/index.ts';

/** Customer statuses under which Webex accepts subscribers (domain §3). */
export const READY_FOR_SUBSCRIBERS: ReadonlySet<string> = new Set([
  'provisioned',
  'provisioned_with_errors',
]);

export interface PlanInput {
  partner: string;
  runId: string;
  customers: CustomerRow[];
  subscribers: SubscriberRow[];
  /** Entities with a change still open in the outbox: they are followed, not planned again. */
  openCustomers: ReadonlySet<number>;
  openSubscribers: ReadonlySet<number>;
  /** Subscribers whose change this run already completed: counted by that outcome, not planned again. */
  settledSubscribers?: ReadonlySet<number>;
  /** Customers whose change this run already completed (the run's closing count only). */
  settledCustomers?: ReadonlySet<number>;
  /** Per customer id: how many of its changes ended "retry later" (2560); each retry gets a new key. */
  retries?: ReadonlyMap<number, number>;
  /** Idempotency keys of changes Webex refused: the same change is not sent again. */
  refusedKeys?: ReadonlySet<string>;
}

export interface EntityPlan {
  changes: NewChange[];
  unchanged: number;
  /** Already in the outbox from an earlier run. */
  inFlight: number;
  /** Subscribers whose customer is not provisioned yet, and customers whose subscribers go first. */
  waiting: number;
  /** Keys of the waiting creates: a dry run lists them as creates (they follow their customer). */
  waitingCreates: string[];
  /** Keys of the customers whose delete waits for their subscribers to go: a dry run lists them. */
  waitingDeletes: string[];
  /**
   * The very change (same action, same desired state) was refused by Webex in an earlier run: it is
   * not sent again, and counts as failed until the sheet changes the row. Their idempotency keys.
   */
  refused: string[];
  /**
   * The sheet row each entity's desired state now comes from, by how the entity ends the run if
   * nothing else happens: unchanged; pending (waiting, in flight, or to be sent); refused before
   * (with the refused change's key). The run's closing plan gives these rows their result.
   */
  rows: {
    unchanged: number[];
    pending: number[];
    refused: { row: number; key: string }[];
    /** Entities whose change completed in this run and that need nothing more: the run's outcome. */
    settled: { row: number; entity: ChangeEntity; entityId: number }[];
  };
}

export interface ProvisioningPlan {
  customers: EntityPlan;
  subscribers: EntityPlan;
}

const emptyPlan = (): EntityPlan => ({
  changes: [],
  unchanged: 0,
  inFlight: 0,
  waiting: 0,
  waitingCreates: [],
  waitingDeletes: [],
  refused: [],
  rows: { unchanged: [], pending: [], refused: [], settled: [] },
});

/** Adds a planned change, or counts it refused when Webex already refused this very change. */
function push(input: PlanInput, plan: EntityPlan, planned: NewChange): void {
  const row = planned.sourceRowId;
  if (input.refusedKeys?.has(planned.idempotencyKey)) {
    plan.refused.push(planned.idempotencyKey);
    if (row !== null) plan.rows.refused.push({ row, key: planned.idempotencyKey });
  } else {
    plan.changes.push(planned);
    if (row !== null) plan.rows.pending.push(row);
  }
}

/**
 * An entity whose change completed earlier in this run is counted by that outcome. Its current row
 * may be a newer one, staged while the change was on its way: pending when it needs another change
 * (failed when Webex refused that very change before), else it asked for what the change applied
 * and ends with the change's outcome.
 */
function settledRow(
  input: PlanInput,
  plan: EntityPlan,
  entity: ChangeEntity,
  e: Pick<CustomerRow, 'id' | 'desiredHash' | 'sourceRowId'>,
  key: string,
  needed: ChangeAction | null,
): void {
  const row = e.sourceRowId;
  if (row === null) return;
  if (!needed) {
    plan.rows.settled.push({ row, entity, entityId: e.id });
    return;
  }
  const retry = entity === 'customer' ? (input.retries?.get(e.id) ?? 0) : 0;
  const ik = idempotencyKey(input.partner, entity, key, needed, e.desiredHash, retry);
  if (input.refusedKeys?.has(ik)) plan.rows.refused.push({ row, key: ik });
  else plan.rows.pending.push(row);
}

/** Notes the entity's current sheet row under how it ends the run. */
function rowOf(
  plan: EntityPlan,
  how: 'unchanged' | 'pending',
  e: { sourceRowId: number | null },
): void {
  if (e.sourceRowId !== null) plan.rows[how].push(e.sourceRowId);
}

/**
 * Desired state against what the ledger knows of Webex → the changes to make. Pure. Deletes go
 * subscribers first: a customer marked for deletion takes its known subscribers with it, and is
 * deleted once none of them is left in Webex.
 */
export function planProvisioning(input: PlanInput): ProvisioningPlan {
  const byExternalId = new Map(input.customers.map((c) => [c.externalId, c]));
  const occupied = new Set<string>();
  const subscribers = planSubscribers(input, input.subscribers, byExternalId, occupied);
  const customers = planCustomers(input, input.customers, occupied);
  return { customers, subscribers };
}

/** What planSubscribers needs to know of a subscriber's customer. */
export type CustomerFacts = Pick<CustomerRow, 'desiredAction' | 'webexId' | 'webexStatus'>;

/**
 * The subscribers' part of planProvisioning, for some of them (a page): `customers` by external
 * id; `occupied` gathers the customers that still have a subscriber in Webex (or on its way there
 * or out), which planCustomers needs. Pure but for adding to `occupied`.
 */
export function planSubscribers(
  input: PlanInput,
  list: readonly SubscriberRow[],
  customers: ReadonlyMap<string, CustomerFacts>,
  occupied: Set<string>,
): EntityPlan {
  const subscribers = emptyPlan();
  for (const s of list) {
    const customer = customers.get(s.customerExternalId);
    const customerGoes = customer?.desiredAction === 'delete';
    if (s.webexId || input.openSubscribers.has(s.id)) occupied.add(s.customerExternalId);
    if (input.openSubscribers.has(s.id)) {
      subscribers.inFlight += 1;
      rowOf(subscribers, 'pending', s);
      continue;
    }
    const action = customerGoes ? (s.webexId ? 'delete' : null) : neededAction(s);
    if (input.settledSubscribers?.has(s.id)) {
      settledRow(input, subscribers, 'subscriber', s, `${s.customerExternalId}/${s.email}`, action);
      continue;
    }
    if (!action) {
      subscribers.unchanged += 1;
      rowOf(subscribers, 'unchanged', s);
      continue;
    }
    const desired = s.desired as SubscriberDesired;
    const key = `${s.customerExternalId}/${s.email}`;
    let payload: unknown = {};
    if (action === 'create') {
      if (!customer?.webexId || !READY_FOR_SUBSCRIBERS.has(customer.webexStatus ?? '')) {
        subscribers.waiting += 1; // Webex refuses subscribers of a customer that is not provisioned
        subscribers.waitingCreates.push(key);
        rowOf(subscribers, 'pending', s);
        continue;
      }
      payload = subscriberCreateBody(desired, customer.webexId);
    } else if (action === 'update') {
      payload = { packages: [desired.package] };
    }
    // A delete for a customer's sake carries the subscriber's own hash: one delete per state.
    push(
      input,
      subscribers,
      change(input, 'subscriber', s.id, key, action, s.desiredHash, payload, s.sourceRowId),
    );
  }
  return subscribers;
}

/**
 * The customers' part of planProvisioning, for some of them (a page), once every subscriber was
 * planned: a customer in `occupied` is deleted only after its subscribers. Pure.
 */
export function planCustomers(
  input: PlanInput,
  list: readonly CustomerRow[],
  occupied: ReadonlySet<string>,
): EntityPlan {
  const customers = emptyPlan();
  for (const c of list) {
    if (input.openCustomers.has(c.id)) {
      customers.inFlight += 1;
      rowOf(customers, 'pending', c);
      continue;
    }
    const action = neededAction(c);
    if (input.settledCustomers?.has(c.id)) {
      settledRow(input, customers, 'customer', c, c.externalId, action);
      continue;
    }
    if (!action) {
      customers.unchanged += 1;
      rowOf(customers, 'unchanged', c);
      continue;
    }
    if (action === 'delete' && occupied.has(c.externalId)) {
      customers.waiting += 1; // its subscribers are deleted first
      customers.waitingDeletes.push(c.externalId);
      rowOf(customers, 'pending', c);
      continue;
    }
    const desired = c.desired as CustomerDesired;
    const payload =
      action === 'create'
        ? customerCreateBody(desired)
        : action === 'update'
          ? customerUpdateBody(desired)
          : {};
    // A retry after "retry later" (2560) is a new change of the same state: a new key.
    const retry = input.retries?.get(c.id) ?? 0;
    push(
      input,
      customers,
      change(
        input,
        'customer',
        c.id,
        c.externalId,
        action,
        c.desiredHash,
        payload,
        c.sourceRowId,
        retry,
      ),
    );
  }
  return customers;
}

/** What a customer or subscriber needs: create, update, delete, or nothing. */
function neededAction(
  e: Pick<CustomerRow, 'desiredAction' | 'webexId' | 'appliedHash' | 'desiredHash'>,
): ChangeAction | null {
  if (e.desiredAction === 'delete') return e.webexId ? 'delete' : null;
  if (!e.webexId) return 'create';
  return e.appliedHash === e.desiredHash ? null : 'update';
}

/**
 * One entity's plan totals as the summary shows them: subscribers waiting for a planned customer
 * count as creates, customers waiting for their subscribers to go as deletes.
 */
export function entityPlanCounts(plan: EntityPlan): PlanCounts {
  const count = (a: ChangeAction) => plan.changes.filter((c) => c.action === a).length;
  return {
    create: count('create') + plan.waitingCreates.length,
    update: count('update'),
    delete: count('delete') + plan.waitingDeletes.length,
    unchanged: plan.unchanged,
  };
}

/** One entity's plan as report lines. */
export function* entityPlanLines(
  partner: string,
  entity: ChangeEntity,
  plan: EntityPlan,
): Generator<PlanLine> {
  for (const c of plan.changes) yield { partner, entity, key: c.entityKey, action: c.action };
  for (const key of plan.waitingCreates) yield { partner, entity, key, action: 'create' };
  for (const key of plan.waitingDeletes) yield { partner, entity, key, action: 'delete' };
}

/** The idempotency key: one per partner, entity, key, action and desired state. */
export function idempotencyKey(
  partner: string,
  entity: ChangeEntity,
  key: string,
  action: ChangeAction,
  desiredHash: string,
  retry = 0,
): string {
  const base = `${partner}:${entity}:${hashDesired(key).slice(0, 24)}:${action}:${desiredHash.slice(0, 32)}`;
  return retry > 0 ? `${base}:r${retry}` : base;
}

function change(
  input: PlanInput,
  entity: ChangeEntity,
  entityId: number,
  key: string,
  action: ChangeAction,
  desiredHash: string,
  payload: unknown,
  sourceRowId: number | null,
  retry = 0,
): NewChange {
  return {
    partner: input.partner,
    entity,
    entityId,
    entityKey: key,
    action,
    idempotencyKey: idempotencyKey(input.partner, entity, key, action, desiredHash, retry),
    desiredHash,
    payload,
    sourceRowId,
    runId: input.runId,
  };
}

/** POST /wholesale/customers body for a desired customer. */
export function customerCreateBody(d: CustomerDesired): CustomerBody {
  const body: CustomerBody = {
    provisioningId: d.provisioningId,
    packages: d.packages,
    externalId: d.externalId,
    address: d.address,
    ...(d.orgId
      ? { orgId: d.orgId }
      : {
          customerInfo: {
            name: d.name,
            primaryEmail: d.primaryEmail,
            ...(d.language ? { language: d.language } : {}),
          },
        }),
  };
  const params = provisioningParameters(d);
  if (params) body.provisioningParameters = params;
  return body;
}

/** PUT body: the whole package list (PUT replaces it) with limits and address. */
export function customerUpdateBody(d: CustomerDesired): CustomerUpdateBody {
  const body: CustomerUpdateBody = {
    packages: d.packages,
    externalId: d.externalId,
    address: d.address,
  };
  const params = provisioningParameters(d);
  if (params) body.provisioningParameters = params;
  return body;
}

function provisioningParameters(
  d: CustomerDesired,
): CustomerBody['provisioningParameters'] | undefined {
  const params: NonNullable<CustomerBody['provisioningParameters']> = {};
  if (Object.keys(d.limits).length > 0) params.packages = { limits: d.limits };
  if (d.location?.timezone && d.location.language) {
    params.calling = {
      location: {
        name: d.location.name,
        address: d.address,
        timezone: d.location.timezone,
        language: d.location.language,
      },
    };
  }
  if (d.meetingsTimezone) params.meetings = { timezone: d.meetingsTimezone };
  return Object.keys(params).length > 0 ? params : undefined;
}

/** POST /wholesale/subscribers body. */
export function subscriberCreateBody(
  d: SubscriberDesired,
  webexCustomerId: string,
): SubscriberBody {
  const p: SubscriberBody['provisioningParameters'] = {};
  if (d.firstName) p.firstName = d.firstName;
  if (d.lastName) p.lastName = d.lastName;
  if (d.phoneNumber) p.primaryPhoneNumber = d.phoneNumber;
  if (d.extension) p.extension = d.extension;
  if (d.locationId) p.locationId = d.locationId;
  return {
    customerId: webexCustomerId,
    email: d.email,
    packages: [d.package],
    provisioningParameters: p,
  };
}
