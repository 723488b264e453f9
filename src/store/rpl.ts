import type { Tx } from './db.ts';
import { OPEN_STATUSES } from './outbox.ts';
import type { ResultMessage } from './ledger.ts';

/** An open RPL check with its customer and contact attempts, as ageing and reports need it. */
export interface OpenRplCheck {
  checkId: number;
  partner: string;
  customerId: number;
  externalId: string;
  customerName: string | null;
  webexId: string | null;
  /** The org id Webex showed, or the existing org the sheet attached (R-SELF-1 guard). */
  webexOrgId: string | null;
  desiredOrgId: string | null;
  trigger: string;
  openedAt: string;
  lastStatus: string | null;
  lastPolledAt: string | null;
  nextPollAt: string | null;
  attempts: number;
  unreachableAttempts: number;
  lastAttemptAt: string | null;
}

/** A check that closed, for "closed since the last run". */
export interface ClosedRplCheck {
  checkId: number;
  partner: string;
  externalId: string;
  trigger: string;
  openedAt: string;
  closedAt: string;
  closeReason: string | null;
}

type DbRow = Record<string, unknown>;

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

function desiredField(desired: unknown, field: 'name' | 'orgId'): string | null {
  if (typeof desired !== 'string') return null;
  try {
    const doc = JSON.parse(desired) as Record<string, unknown>;
    const v = doc[field];
    return typeof v === 'string' && v !== '' ? v : null;
  } catch {
    return null;
  }
}

/** Every open RPL check (of one partner, or all), oldest first, with its attempt counts. */
export async function loadOpenRplChecks(db: Tx, partner: string | null): Promise<OpenRplCheck[]> {
  const attempts = db('rpl_contact_attempts')
    .groupBy('check_id')
    .select(
      'check_id',
      db.raw('count(*) as total'),
      db.raw(`sum(case when outcome = 'unreachable' then 1 else 0 end) as unreachable`),
      db.raw('max(attempted_at) as last_at'),
    )
    .as('a');
  const q = db('rpl_checks as k')
    .join('customers as c', 'c.id', 'k.customer_id')
    .leftJoin(attempts, 'a.check_id', 'k.id')
    .whereNull('k.closed_at')
    .orderBy([
      { column: 'k.opened_at', order: 'asc' },
      { column: 'k.id', order: 'asc' },
    ])
    .select(
      'k.id as check_id',
      'k.partner_id',
      'k.customer_id',
      'k.trigger',
      'k.opened_at',
      'k.last_status',
      'k.last_polled_at',
      'k.next_poll_at',
      'c.external_id',
      'c.desired',
      'c.webex_id',
      'c.webex_org_id',
      'a.total',
      'a.unreachable',
      'a.last_at',
    );
  if (partner) void q.where('k.partner_id', partner);
  const rows = (await q) as DbRow[];
  return rows.map((r) => ({
    checkId: Number(r.check_id),
    partner: r.partner_id as string,
    customerId: Number(r.customer_id),
    externalId: r.external_id as string,
    customerName: desiredField(r.desired, 'name'),
    webexId: str(r.webex_id),
    webexOrgId: str(r.webex_org_id),
    desiredOrgId: desiredField(r.desired, 'orgId'),
    trigger: r.trigger as string,
    openedAt: r.opened_at as string,
    lastStatus: str(r.last_status),
    lastPolledAt: str(r.last_polled_at),
    nextPollAt: str(r.next_poll_at),
    attempts: Number(r.total ?? 0),
    unreachableAttempts: Number(r.unreachable ?? 0),
    lastAttemptAt: str(r.last_at),
  }));
}

/** Checks closed at or after `since` (of one partner, or all), in the order they closed. */
export async function loadClosedRplChecks(
  db: Tx,
  partner: string | null,
  since: string,
): Promise<ClosedRplCheck[]> {
  const q = db('rpl_checks as k')
    .join('customers as c', 'c.id', 'k.customer_id')
    .whereNotNull('k.closed_at')
    .where('k.closed_at', '>=', since)
    .orderBy([
      { column: 'k.closed_at', order: 'asc' },
      { column: 'k.id', order: 'asc' },
    ])
    .select(
      'k.id',
      'k.partner_id',
      'c.external_id',
      'k.trigger',
      'k.opened_at',
      'k.closed_at',
      'k.close_reason',
    );
  if (partner) void q.where('k.partner_id', partner);
  return ((await q) as DbRow[]).map((r) => ({
    checkId: Number(r.id),
    partner: r.partner_id as string,
    externalId: r.external_id as string,
    trigger: r.trigger as string,
    openedAt: r.opened_at as string,
    closedAt: r.closed_at as string,
    closeReason: str(r.close_reason),
  }));
}

/** When the last finished run before `runId` ended; null when there is none. */
export async function readPreviousRunEnd(db: Tx, runId: string): Promise<string | null> {
  const r = (await db('runs')
    .whereNot({ id: runId })
    .where({ dry_run: false })
    .whereNotNull('finished_at')
    .orderBy('finished_at', 'desc')
    .first('finished_at')) as { finished_at: string } | undefined;
  return r ? r.finished_at : null;
}

/** Sets when an open check is polled next. */
export async function setRplNextPoll(db: Tx, checkId: number, nextPollAt: string): Promise<void> {
  await db('rpl_checks').where({ id: checkId }).update({ next_poll_at: nextPollAt });
}

/** Closes an open check for a reason other than a status Webex showed (customer gone). */
export async function closeRplCheck(
  db: Tx,
  checkId: number,
  reason: 'deleted' | 'deprovisioned',
  at: string,
  runId: string,
): Promise<void> {
  await db('rpl_checks')
    .where({ id: checkId })
    .whereNull('closed_at')
    .update({ closed_at: at, close_reason: reason, last_polled_at: at });
  await db('rpl_status_changes').insert({
    check_id: checkId,
    status: reason,
    observed_at: at,
    run_id: runId,
  });
}

/** A ledger customer by partner and external id, with its open check if it has one. */
export async function findCustomerRplCheck(
  db: Tx,
  partner: string,
  externalId: string,
): Promise<{ customerId: number; openCheckId: number | null } | null> {
  const c = (await db('customers')
    .where({ partner_id: partner, external_id: externalId })
    .first('id')) as { id: number } | undefined;
  if (!c) return null;
  const k = (await db('rpl_checks')
    .where({ customer_id: c.id })
    .whereNull('closed_at')
    .first('id')) as { id: number } | undefined;
  return { customerId: Number(c.id), openCheckId: k ? Number(k.id) : null };
}

/** R-RPL-4: records one attempt to reach the partner about an open check. */
export async function recordRplContactAttempt(
  db: Tx,
  attempt: {
    checkId: number;
    outcome: 'reached' | 'unreachable';
    note: string | null;
    at: string;
    runId: string | null;
  },
): Promise<void> {
  await db('rpl_contact_attempts').insert({
    check_id: attempt.checkId,
    attempted_at: attempt.at,
    outcome: attempt.outcome,
    note: attempt.note,
    run_id: attempt.runId,
  });
}

/** A stored deprovisioning plan: only entries it holds may ever be applied. */
export interface StoredDeprovisionPlan {
  id: string;
  runId: string;
  createdAt: string;
  sha256: string;
  entries: unknown[];
}

/** Stores a plan as written. */
export async function saveDeprovisionPlan(db: Tx, plan: StoredDeprovisionPlan): Promise<void> {
  await db('rpl_deprovision_plans').insert({
    id: plan.id,
    run_id: plan.runId,
    created_at: plan.createdAt,
    sha256: plan.sha256,
    entries: JSON.stringify(plan.entries),
  });
}

/** A stored plan by id, or null. */
export async function loadDeprovisionPlan(
  db: Tx,
  id: string,
): Promise<StoredDeprovisionPlan | null> {
  const r = (await db('rpl_deprovision_plans').where({ id }).first()) as DbRow | undefined;
  if (!r) return null;
  return {
    id: r.id as string,
    runId: r.run_id as string,
    createdAt: r.created_at as string,
    sha256: r.sha256 as string,
    entries: JSON.parse(r.entries as string) as unknown[],
  };
}

/** The customer ids a plan already removed (an apply may be repeated after a cap or a failure). */
export async function deprovisionedCustomers(db: Tx, planId: string): Promise<Set<number>> {
  const rows = (await db('rpl_deprovisions')
    .where({ plan_id: planId, outcome: 'deleted' })
    .select('customer_id')) as { customer_id: number | string }[];
  return new Set(rows.map((r) => Number(r.customer_id)));
}

export type DeprovisionOutcome =
  | 'deleted'
  | 'failed'
  | 'skipped_cleared'
  | 'skipped_not_candidate'
  | 'skipped_own_org'
  | 'skipped_cap'
  | 'skipped_gone'
  | 'skipped_done';

/** One customer's outcome in an apply. */
export interface DeprovisionRecord {
  planId: string;
  runId: string;
  partner: string;
  customerId: number;
  checkId: number | null;
  externalId: string;
  webexId: string | null;
  outcome: DeprovisionOutcome;
  subscribersDeleted: number;
  message: string | null;
  trackingId: string | null;
  at: string;
  /**
   * What the rows of a removed customer and of its users say when they were still waiting for a
   * change (pending, or no result yet): it will never come. In the report's locale.
   */
  rowMessage?: ResultMessage;
}

/**
 * Records an outcome; a removal also retires the customer and its subscribers in the ledger, and
 * their rows still waiting for a change end failed (RPL_DEPROVISIONED) instead of pending for ever.
 */
export async function recordDeprovision(db: Tx, rec: DeprovisionRecord): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('rpl_deprovisions').insert({
      plan_id: rec.planId,
      run_id: rec.runId,
      partner_id: rec.partner,
      customer_id: rec.customerId,
      check_id: rec.checkId,
      external_id: rec.externalId,
      webex_id: rec.webexId,
      outcome: rec.outcome,
      subscribers_deleted: rec.subscribersDeleted,
      message: rec.message,
      tracking_id: rec.trackingId,
      at: rec.at,
    });
    if (rec.outcome !== 'deleted' && rec.outcome !== 'skipped_gone') return;
    // Desired becomes delete so that the next provision does not create the customer again;
    // a later sheet row for it is a new, explicit decision (and a new RPL check, R-RPL-1).
    const retired = {
      desired_action: 'delete',
      webex_id: null,
      webex_status: 'deleted',
      webex_seen_at: rec.at,
      updated_at: rec.at,
    };
    await trx('customers')
      .where({ id: rec.customerId })
      .update({ ...retired, webex_org_id: null });
    const subs = trx('subscribers').where({
      partner_id: rec.partner,
      customer_external_id: rec.externalId,
    });
    const subIds = ((await subs.clone().select('id')) as { id: number | string }[]).map((r) =>
      Number(r.id),
    );
    await subs.clone().update(retired);
    // The rows the customer and its users come from, and the rows of their open changes.
    const rows = [
      ...((await trx('customers')
        .where({ id: rec.customerId })
        .whereNotNull('source_row_id')
        .pluck('source_row_id')) as number[]),
      ...((await subs.clone().whereNotNull('source_row_id').pluck('source_row_id')) as number[]),
    ];
    const openChanges = (entity: 'customer' | 'subscriber', ids: number[]) =>
      trx('changes')
        .where({ partner_id: rec.partner, entity })
        .whereIn('entity_id', ids)
        .whereIn('status', OPEN_STATUSES);
    for (const [entity, ids] of [
      ['customer', [rec.customerId]],
      ['subscriber', subIds],
    ] as const)
      for (let i = 0; i < ids.length; i += 500)
        rows.push(
          ...((await openChanges(entity, ids.slice(i, i + 500))
            .whereNotNull('source_row_id')
            .pluck('source_row_id')) as number[]),
        );
    for (let i = 0; i < rows.length; i += 500)
      await trx('row_outcomes')
        .whereIn('id', rows.slice(i, i + 500).map(Number))
        .where('outcome', 'accepted')
        .where((q) => {
          void q.whereNull('result').orWhere('result', 'pending');
        })
        .update({
          result: 'failed',
          result_code: 'RPL_DEPROVISIONED',
          result_message: null,
          result_params: rec.rowMessage ? JSON.stringify(rec.rowMessage) : null,
          updated_at: rec.at,
        });
    // Changes still open for these entities can only fail against a removed customer.
    const settle = (entity: 'customer' | 'subscriber', ids: number[]) =>
      openChanges(entity, ids).update({
        status: 'failed',
        outcome: 'failed',
        error_code: 'RPL_DEPROVISIONED',
        error_message: 'the customer was deprovisioned after its RPL review (R-RPL-5)',
        completed_run_id: rec.runId,
        updated_at: rec.at,
      });
    await settle('customer', [rec.customerId]);
    if (subIds.length > 0) await settle('subscriber', subIds);
    if (rec.checkId !== null) {
      await trx('rpl_checks')
        .where({ id: rec.checkId })
        .whereNull('closed_at')
        .update({ closed_at: rec.at, close_reason: 'deprovisioned', last_polled_at: rec.at });
      await trx('rpl_status_changes').insert({
        check_id: rec.checkId,
        status: 'deprovisioned',
        observed_at: rec.at,
        run_id: rec.runId,
      });
    }
  });
}

/** What the ledger recorded for a customer's deprovisioning, newest first. */
export async function readDeprovisions(
  db: Tx,
  customerId: number,
): Promise<
  { outcome: string; planId: string; runId: string; at: string; subscribersDeleted: number }[]
> {
  const rows = (await db('rpl_deprovisions')
    .where({ customer_id: customerId })
    .orderBy('id', 'desc')) as DbRow[];
  return rows.map((r) => ({
    outcome: r.outcome as string,
    planId: r.plan_id as string,
    runId: r.run_id as string,
    at: r.at as string,
    subscribersDeleted: Number(r.subscribers_deleted),
  }));
}
