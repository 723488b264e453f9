import { emptyPlanSummary, type PlanCounts } from '../reports/index.ts';
import type { RunContext } from '../runs/context.ts';
import {
  entitiesCompletedInRun,
  loadCustomersPage,
  loadSubscribersPage,
  openChangeEntities,
  refusedChangeKeys,
  retryGenerations,
  type ChangeEntity,
  type CustomerRow,
  type SubscriberRow,
  type Tx,
} from '../store/index.ts';
import {
  entityPlanCounts,
  entityPlanLines,
  planCustomers,
  planSubscribers,
  type CustomerFacts,
  type EntityPlan,
  type PlanInput,
} from './plan.ts';
import { noteTemplateWait, waitingForTemplate } from './template-wait.ts';

/** Ledger rows a dry run plans at once: its memory holds a page, never the whole ledger. */
export const DRY_RUN_PAGE = 2_000;

/**
 * What a dry run's import accepted but did not stage (a dry run writes nothing), as staging would
 * have written it (doc = the `desired` JSON): `runImport` returns it, the planner lays it over the
 * ledger.
 */
export interface DryRunDesired {
  customers: {
    partnerId: string;
    externalId: string;
    desired: unknown;
    desiredHash: string;
    desiredAction: 'upsert' | 'delete';
    sourceRowId?: number | null;
  }[];
  subscribers: {
    partnerId: string;
    customerExternalId: string;
    /** Lower case, as staged. */
    email: string;
    desired: unknown;
    desiredHash: string;
    desiredAction: 'upsert' | 'delete';
    sourceRowId?: number | null;
  }[];
}

/**
 * A dry run of one partner's provisioning: plans as the real run would, from the ledger read a page
 * at a time with what the dry import accepted (`imported`) laid over it, sends nothing. The counts
 * go to `ctx.tally.plan`, every line to `ctx.planOut` as it is made (plan.csv), nothing is kept.
 * Subscribers are planned first: a customer's delete waits for its subscribers (planCustomers).
 */
export async function planDryRun(
  ctx: RunContext,
  partner: string,
  imported: DryRunDesired | undefined,
): Promise<void> {
  const [openCustomers, openSubscribers, settledSubscribers, retries, refusedKeys] =
    await Promise.all([
      openChangeEntities(ctx.db, partner, 'customer'),
      openChangeEntities(ctx.db, partner, 'subscriber'),
      entitiesCompletedInRun(ctx.db, partner, 'subscriber', ctx.runId),
      retryGenerations(ctx.db, partner, 'customer'),
      refusedChangeKeys(ctx.db, partner),
    ]);
  const input: PlanInput = {
    partner,
    runId: ctx.runId,
    customers: [],
    subscribers: [],
    openCustomers,
    openSubscribers,
    settledSubscribers,
    retries,
    refusedKeys,
  };
  const overlay = new Overlay(partner, imported);
  const plan = (ctx.tally.plan ??= emptyPlanSummary());
  const emit = async (entity: ChangeEntity, part: EntityPlan) => {
    add(plan, entityPlanCounts(part));
    add(entity === 'customer' ? plan.customers : plan.subscribers, entityPlanCounts(part));
    for (const line of entityPlanLines(partner, entity, part)) await ctx.planOut?.write(line);
  };

  // What subscribers need to know of their customer, for every customer: a few fields each.
  const facts = new Map<string, CustomerFacts>();
  const known = (c: CustomerRow) =>
    facts.set(c.externalId, {
      desiredAction: c.desiredAction,
      webexId: c.webexId,
      webexStatus: c.webexStatus,
    });
  for await (const page of customerPages(ctx.db, partner))
    for (const c of overlay.customers(page, false)) known(c);
  for (const page of overlay.newCustomers(false)) for (const c of page) known(c);

  const occupied = new Set<string>();
  for await (const page of subscriberPages(ctx.db, partner))
    await emit('subscriber', planSubscribers(input, overlay.subscribers(page), facts, occupied));
  for (const page of overlay.newSubscribers())
    await emit('subscriber', planSubscribers(input, page, facts, occupied));

  // What the real run would say of customers that wait for an onboarding template.
  let template = 0;
  const customers = async (list: CustomerRow[]) => {
    const part = planCustomers(input, list, occupied);
    template += waitingForTemplate(ctx.config, partner, part.changes);
    await emit('customer', part);
  };
  for await (const page of customerPages(ctx.db, partner))
    await customers(overlay.customers(page, true));
  for (const page of overlay.newCustomers(true)) await customers(page);
  noteTemplateWait(ctx, partner, template);
}

function add(into: PlanCounts, counts: PlanCounts): void {
  into.create += counts.create;
  into.update += counts.update;
  into.delete += counts.delete;
  into.unchanged += counts.unchanged;
}

/** A partner's ledger rows of one table, a page at a time, each page after the last's key. */
async function* pages<T, K>(
  load: (after: K | null) => Promise<T[]>,
  keyOf: (row: T) => K,
): AsyncGenerator<T[]> {
  let after: K | null = null;
  for (;;) {
    const page = await load(after);
    if (page.length === 0) return;
    yield page;
    after = keyOf(page[page.length - 1] as T);
  }
}

const customerPages = (db: Tx, partner: string) =>
  pages(
    (after: string | null) => loadCustomersPage(db, partner, after, DRY_RUN_PAGE),
    (c) => c.externalId,
  );

const subscriberPages = (db: Tx, partner: string) =>
  pages(
    (after: { customerExternalId: string; email: string } | null) =>
      loadSubscribersPage(db, partner, after, DRY_RUN_PAGE),
    (s) => ({ customerExternalId: s.customerExternalId, email: s.email }),
  );

const subKey = (customerExternalId: string, email: string) =>
  `${customerExternalId}\u0000${email.toLowerCase()}`;

/**
 * A dry run's desired documents laid over the ledger, a page at a time, as if the import had
 * staged them: a known customer or subscriber takes the new desired state and keeps what Webex
 * last said; one the ledger does not have comes after the pages, with no Webex state. The ids of
 * new rows are negative so they never meet a ledger id.
 */
class Overlay {
  private readonly desiredCustomers = new Map<string, DryRunDesired['customers'][number]>();
  private readonly desiredSubscribers = new Map<string, DryRunDesired['subscribers'][number]>();
  /** Keys the ledger had, per pass over the customers (two passes) and over the subscribers. */
  private readonly seen = {
    customers: [new Set<string>(), new Set<string>()],
    subscribers: new Set<string>(),
  };

  constructor(
    private readonly partner: string,
    desired: DryRunDesired | undefined,
  ) {
    for (const d of desired?.customers ?? [])
      if (d.partnerId === partner) this.desiredCustomers.set(d.externalId, d);
    for (const d of desired?.subscribers ?? [])
      if (d.partnerId === partner)
        this.desiredSubscribers.set(subKey(d.customerExternalId, d.email), d);
  }

  customers(page: CustomerRow[], second: boolean): CustomerRow[] {
    const seen = this.seen.customers[second ? 1 : 0] as Set<string>;
    return page.map((c) => {
      const d = this.desiredCustomers.get(c.externalId);
      if (!d) return c;
      seen.add(c.externalId);
      return { ...c, ...fieldsOf(d, c.sourceRowId) };
    });
  }

  *newCustomers(second: boolean): Generator<CustomerRow[]> {
    const seen = this.seen.customers[second ? 1 : 0] as Set<string>;
    let id = 0;
    let out: CustomerRow[] = [];
    for (const d of this.desiredCustomers.values()) {
      id -= 1;
      if (seen.has(d.externalId)) continue;
      out.push({
        id,
        partnerId: this.partner,
        externalId: d.externalId,
        ...fieldsOf(d, null),
        webexId: null,
        webexStatus: null,
        webexOrgId: null,
        appliedHash: null,
      });
      if (out.length === DRY_RUN_PAGE) {
        yield out;
        out = [];
      }
    }
    yield out;
  }

  subscribers(page: SubscriberRow[]): SubscriberRow[] {
    return page.map((s) => {
      const key = subKey(s.customerExternalId, s.email);
      const d = this.desiredSubscribers.get(key);
      if (!d) return s;
      this.seen.subscribers.add(key);
      return { ...s, ...fieldsOf(d, s.sourceRowId) };
    });
  }

  *newSubscribers(): Generator<SubscriberRow[]> {
    let id = -this.desiredCustomers.size;
    let out: SubscriberRow[] = [];
    for (const [key, d] of this.desiredSubscribers) {
      id -= 1;
      if (this.seen.subscribers.has(key)) continue;
      out.push({
        id,
        partnerId: this.partner,
        customerExternalId: d.customerExternalId,
        email: d.email.toLowerCase(),
        ...fieldsOf(d, null),
        webexId: null,
        webexCustomerId: null,
        webexStatus: null,
        appliedHash: null,
      });
      if (out.length === DRY_RUN_PAGE) {
        yield out;
        out = [];
      }
    }
    yield out;
  }
}

function fieldsOf(
  d: DryRunDesired['customers'][number] | DryRunDesired['subscribers'][number],
  knownRow: number | null,
) {
  return {
    desired: d.desired,
    desiredHash: d.desiredHash,
    desiredAction: d.desiredAction,
    sourceRowId: d.sourceRowId ?? knownRow ?? null,
  };
}
