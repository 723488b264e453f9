import type { Tx } from './db.ts';

/** A customer as the ledger knows it: desired state plus last known Webex state. */
export interface CustomerRow {
  id: number;
  partnerId: string;
  externalId: string;
  desired: unknown;
  desiredHash: string;
  desiredAction: 'upsert' | 'delete';
  sourceRowId: number | null;
  webexId: string | null;
  webexStatus: string | null;
  webexOrgId: string | null;
  appliedHash: string | null;
}

export interface SubscriberRow {
  id: number;
  partnerId: string;
  customerExternalId: string;
  email: string;
  desired: unknown;
  desiredHash: string;
  desiredAction: 'upsert' | 'delete';
  sourceRowId: number | null;
  webexId: string | null;
  webexCustomerId: string | null;
  webexStatus: string | null;
  appliedHash: string | null;
}

type DbRow = Record<string, unknown>;

/** The columns customers and subscribers share: desired state and what Webex last said. */
function ledgerFields(r: DbRow) {
  return {
    id: r.id as number,
    partnerId: r.partner_id as string,
    desired: JSON.parse(r.desired as string) as unknown,
    desiredHash: r.desired_hash as string,
    desiredAction: r.desired_action as 'upsert' | 'delete',
    sourceRowId: (r.source_row_id as number | null) ?? null,
    webexId: (r.webex_id as string | null) ?? null,
    webexStatus: (r.webex_status as string | null) ?? null,
    appliedHash: (r.applied_hash as string | null) ?? null,
  };
}

/** A customer's Webex id and the address Webex last said it has. */
export async function readCustomerWebexState(
  db: Tx,
  customerId: number,
): Promise<{ webexId: string | null; address: Record<string, unknown> | null }> {
  const row = (await db('customers').where({ id: customerId }).first('webex_id', 'webex_state')) as
    { webex_id: string | null; webex_state: string | null } | undefined;
  const state = row?.webex_state
    ? (JSON.parse(row.webex_state) as { address?: Record<string, unknown> })
    : null;
  return { webexId: row?.webex_id ?? null, address: state?.address ?? null };
}

/** A subscriber's Webex id, once Webex gave one. */
export async function readSubscriberWebexId(db: Tx, subscriberId: number): Promise<string | null> {
  const row = (await db('subscribers').where({ id: subscriberId }).first('webex_id')) as
    { webex_id: string | null } | undefined;
  return row?.webex_id ?? null;
}

/** Every customer of a partner. */
export async function loadCustomers(db: Tx, partner: string): Promise<CustomerRow[]> {
  const rows = (await db('customers').where({ partner_id: partner }).orderBy('id')) as DbRow[];
  return rows.map(toCustomerRow);
}

/**
 * Up to `limit` customers of a partner after external id `after` (null: from the first), in
 * external id order: the ledger a page at a time. Keyed on the unique (partner, external id) index,
 * so each page is a range of the index (ordered by id, SQLite sorted the partner's every row per page).
 */
export async function loadCustomersPage(
  db: Tx,
  partner: string,
  after: string | null,
  limit: number,
): Promise<CustomerRow[]> {
  const q = db('customers').where({ partner_id: partner });
  if (after !== null) q.andWhere('external_id', '>', after);
  const rows = (await q.orderBy('external_id').limit(limit)) as DbRow[];
  return rows.map(toCustomerRow);
}

/**
 * Up to `limit` subscribers of a partner after `after` (null: from the first), in (customer
 * external id, email) order: a range of the unique index each page, like loadCustomersPage.
 */
export async function loadSubscribersPage(
  db: Tx,
  partner: string,
  after: { customerExternalId: string; email: string } | null,
  limit: number,
): Promise<SubscriberRow[]> {
  const q = db('subscribers').where({ partner_id: partner });
  if (after !== null)
    q.andWhereRaw('(customer_external_id, email) > (?, ?)', [
      after.customerExternalId,
      after.email,
    ]);
  const rows = (await q.orderBy(['customer_external_id', 'email']).limit(limit)) as DbRow[];
  return rows.map(toSubscriberRow);
}

function toCustomerRow(r: DbRow): CustomerRow {
  return {
    ...ledgerFields(r),
    externalId: r.external_id as string,
    webexOrgId: (r.webex_org_id as string | null) ?? null,
  };
}

/** Every subscriber of a partner. */
export async function loadSubscribers(db: Tx, partner: string): Promise<SubscriberRow[]> {
  const rows = (await db('subscribers').where({ partner_id: partner }).orderBy('id')) as DbRow[];
  return rows.map(toSubscriberRow);
}

/** A `subscribers` row as the ledger's SubscriberRow. */
export function toSubscriberRow(r: DbRow): SubscriberRow {
  return {
    ...ledgerFields(r),
    customerExternalId: r.customer_external_id as string,
    email: r.email as string,
    webexCustomerId: (r.webex_customer_id as string | null) ?? null,
  };
}

export interface WebexStatePatch {
  webexId?: string | null;
  webexStatus?: string | null;
  webexOrgId?: string | null;
  webexCustomerId?: string | null;
  webexPersonId?: string | null;
  state?: unknown;
  appliedHash?: string | null;
  seenAt: string;
}

/** Records what Webex last said about a customer or subscriber. */
export async function updateWebexState(
  db: Tx,
  entity: 'customer' | 'subscriber',
  id: number,
  patch: WebexStatePatch,
): Promise<void> {
  const row: Record<string, unknown> = { webex_seen_at: patch.seenAt, updated_at: patch.seenAt };
  if (patch.webexId !== undefined) row.webex_id = patch.webexId;
  if (patch.webexStatus !== undefined) row.webex_status = patch.webexStatus;
  if (patch.state !== undefined) row.webex_state = JSON.stringify(patch.state);
  if (patch.appliedHash !== undefined) row.applied_hash = patch.appliedHash;
  if (entity === 'customer' && patch.webexOrgId !== undefined) row.webex_org_id = patch.webexOrgId;
  if (entity === 'subscriber') {
    if (patch.webexCustomerId !== undefined) row.webex_customer_id = patch.webexCustomerId;
    if (patch.webexPersonId !== undefined) row.webex_person_id = patch.webexPersonId;
  }
  await db(entity === 'customer' ? 'customers' : 'subscribers')
    .where({ id })
    .update(row);
}

/**
 * A result's message as a template code and its values: rendered in the results file's language
 * by src/results when the file is written, never here.
 */
export interface ResultMessage {
  template: string;
  params: Record<string, string | number>;
}

/** Records a row's provisioning result for the partner's results file and reports. */
export async function setRowResult(
  db: Tx,
  rowId: number,
  result: {
    result: string;
    webexId: string | null;
    trackingId: string | null;
    code: string | null;
    message: ResultMessage | null;
    at: string;
  },
): Promise<void> {
  await db('row_outcomes')
    .where({ id: rowId })
    .update({
      result: result.result,
      webex_id: result.webexId,
      tracking_id: result.trackingId,
      result_code: result.code,
      result_message: null,
      result_params: result.message === null ? null : JSON.stringify(result.message),
      updated_at: result.at,
    });
}

/**
 * Gives rows that have no result yet the outcome their entity ends a run with (unchanged, pending,
 * or failed as Webex refused it before); a row that already has a result keeps it.
 */
export async function fillRowResults(
  db: Tx,
  rowIds: readonly number[],
  result: {
    result: 'unchanged' | 'pending' | 'failed' | 'created' | 'updated' | 'deleted';
    code: string | null;
    message: ResultMessage | null;
    trackingId: string | null;
    at: string;
    /** Kept as it is when not given. */
    webexId?: string | null;
  },
): Promise<void> {
  for (let i = 0; i < rowIds.length; i += 500)
    await db('row_outcomes')
      .whereIn('id', rowIds.slice(i, i + 500))
      .where('outcome', 'accepted')
      .whereNull('result')
      .update({
        result: result.result,
        result_code: result.code,
        result_message: null,
        result_params: result.message === null ? null : JSON.stringify(result.message),
        tracking_id: result.trackingId,
        updated_at: result.at,
        ...(result.webexId !== undefined ? { webex_id: result.webexId } : {}),
      });
}

/** The latest change of an entity that a run completed: its outcome, Webex id and tracking id. */
export async function completedChangeOf(
  db: Tx,
  entity: 'customer' | 'subscriber',
  entityId: number,
  runId: string,
): Promise<{ outcome: string | null; webexId: string | null; trackingId: string | null } | null> {
  const r = (await db('changes')
    .where({ entity, entity_id: entityId, completed_run_id: runId })
    .orderBy('id', 'desc')
    .first('outcome', 'webex_id', 'tracking_id')) as
    { outcome: string | null; webex_id: string | null; tracking_id: string | null } | undefined;
  return r ? { outcome: r.outcome, webexId: r.webex_id, trackingId: r.tracking_id } : null;
}

/** Where a row came from, for messages and issues.csv. */
export async function readRowSource(
  db: Tx,
  rowId: number,
): Promise<{ file: string; sheet: string; row: number } | null> {
  const r = (await db('row_outcomes as o')
    .join('files as f', 'f.id', 'o.file_id')
    .where('o.id', rowId)
    .first('f.name as file', 'o.sheet as sheet', 'o.row_number as row')) as
    { file: string; sheet: string; row: number } | undefined;
  return r ?? null;
}

/** R-RPL-1: opens an RPL check for a customer unless one is already open. */
export async function openRplCheck(
  db: Tx,
  check: {
    partner: string;
    customerId: number;
    trigger: 'create' | 'address_change';
    addressHash: string;
    status: string;
    at: string;
    runId: string;
  },
): Promise<void> {
  const open = (await db('rpl_checks')
    .where({ customer_id: check.customerId })
    .whereNull('closed_at')
    .first('id')) as { id: number } | undefined;
  if (open) return;
  const [row] = (await db('rpl_checks')
    .insert({
      partner_id: check.partner,
      customer_id: check.customerId,
      trigger: check.trigger,
      address_hash: check.addressHash,
      opened_at: check.at,
      last_status: check.status,
      last_polled_at: check.at,
      run_id: check.runId,
    })
    .returning('id')) as { id: number }[];
  await db('rpl_status_changes').insert({
    check_id: (row as { id: number }).id,
    status: check.status,
    observed_at: check.at,
    run_id: check.runId,
  });
}

/** Customer statuses under which an RPL check is not over yet. */
export const RPL_IN_PROGRESS: ReadonlySet<string> = new Set([
  'pending_rpl_review',
  'provisioning',
  'updating',
  'deleting',
]);

/** Records a customer's status as the open RPL check saw it; closes the check once review is over. */
export async function observeRplStatus(
  db: Tx,
  customerId: number,
  status: string,
  at: string,
  runId: string,
): Promise<'opened' | 'changed' | 'closed' | 'none'> {
  const open = (await db('rpl_checks')
    .where({ customer_id: customerId })
    .whereNull('closed_at')
    .first('id', 'last_status')) as { id: number; last_status: string | null } | undefined;
  if (!open) return 'none';
  const update: Record<string, unknown> = { last_polled_at: at, last_status: status };
  let result: 'changed' | 'closed' | 'none' = 'none';
  if (open.last_status !== status) {
    await db('rpl_status_changes').insert({
      check_id: open.id,
      status,
      observed_at: at,
      run_id: runId,
    });
    result = 'changed';
  }
  // Still in progress (R-RPL-2: the review follows provisioning or an update): the check stays open.
  if (!RPL_IN_PROGRESS.has(status)) {
    update.closed_at = at;
    update.close_reason = status === 'error' ? 'error' : 'cleared';
    result = 'closed';
  }
  await db('rpl_checks').where({ id: open.id }).update(update);
  return result;
}

/** Counts of open RPL checks for the summary (ageing and candidates come with the RPL issue). */
export async function countOpenRplChecks(
  db: Tx,
  partner: string | null,
  overdueBefore: string,
): Promise<{ pending: number; overdue: number }> {
  const base = () => {
    const q = db('rpl_checks').whereNull('closed_at');
    return partner ? q.where({ partner_id: partner }) : q;
  };
  const [pending] = (await base().count({ n: '*' })) as { n: number | string }[];
  const [overdue] = (await base().where('opened_at', '<', overdueBefore).count({ n: '*' })) as {
    n: number | string;
  }[];
  return { pending: Number(pending?.n ?? 0), overdue: Number(overdue?.n ?? 0) };
}

/** Checks closed as cleared by a run (of one partner when given). */
export async function countClearedRplChecks(
  db: Tx,
  since: string,
  partner: string | null = null,
): Promise<number> {
  const q = db('rpl_checks').where('closed_at', '>=', since).where({ close_reason: 'cleared' });
  if (partner) void q.where({ partner_id: partner });
  const [row] = (await q.count({ n: '*' })) as { n: number | string }[];
  return Number(row?.n ?? 0);
}

/** R-RPL-5: open checks older than `before`, or with `attempts` unreachable contact attempts. */
export async function countRplCandidates(
  db: Tx,
  partner: string | null,
  before: string,
  attempts: number,
): Promise<number> {
  const unreachable = db('rpl_contact_attempts')
    .where({ outcome: 'unreachable' })
    .groupBy('check_id')
    .havingRaw('count(*) >= ?', [attempts])
    .select('check_id');
  const q = db('rpl_checks')
    .whereNull('closed_at')
    .where((w) => {
      void w.where('opened_at', '<', before).orWhereIn('id', unreachable);
    });
  if (partner) void q.where({ partner_id: partner });
  const [row] = (await q.count({ n: '*' })) as { n: number | string }[];
  return Number(row?.n ?? 0);
}

/** How many customers and subscribers the ledger holds for a partner: what a run's counts add up to. */
export async function countEntities(
  db: Tx,
  partner: string,
): Promise<{ customer: number; subscriber: number }> {
  const count = async (table: string) =>
    Number(
      ((await db(table).where({ partner_id: partner }).count({ n: '*' })) as { n: number }[])[0]
        ?.n ?? 0,
    );
  return { customer: await count('customers'), subscriber: await count('subscribers') };
}
