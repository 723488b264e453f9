import type { Knex } from 'knex';
import type { Tx } from './db.ts';

export type ChangeEntity = 'customer' | 'subscriber';
export type ChangeAction = 'create' | 'update' | 'delete';
export type ChangeStatus = 'pending' | 'in_flight' | 'unknown' | 'awaiting' | 'done' | 'failed';
export type ChangeOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed' | 'pending';

export interface NewChange {
  partner: string;
  entity: ChangeEntity;
  entityId: number;
  entityKey: string;
  action: ChangeAction;
  idempotencyKey: string;
  desiredHash: string;
  payload: unknown;
  sourceRowId: number | null;
  runId: string;
}

export interface Change {
  id: number;
  partner: string;
  entity: ChangeEntity;
  entityId: number;
  entityKey: string;
  action: ChangeAction;
  idempotencyKey: string;
  desiredHash: string;
  payload: unknown;
  status: ChangeStatus;
  attempt: number;
  leaseOwner: string | null;
  webexId: string | null;
  trackingId: string | null;
  sourceRowId: number | null;
  outcome: ChangeOutcome | null;
  /** For a pending change: not before; for an awaiting one: the next look at Webex. */
  nextAttemptAt: string | null;
}

/** Statuses of a change still being worked on. */
export const OPEN_STATUSES: readonly ChangeStatus[] = [
  'pending',
  'in_flight',
  'unknown',
  'awaiting',
];

/**
 * Writes changes to the outbox before anything is sent; a change already there (same key) is kept
 * as it is. A create for an entity whose earlier create was ever sent starts `unknown`: that send
 * may have reached Webex (whatever became of its change since), so this one looks it up first.
 */
export async function enqueueChanges(db: Tx, changes: NewChange[], now: string): Promise<void> {
  for (let i = 0; i < changes.length; i += 200) {
    const batch = changes.slice(i, i + 200);
    await db('changes')
      .insert(
        batch.map((c) => ({
          partner_id: c.partner,
          entity: c.entity,
          entity_id: c.entityId,
          entity_key: c.entityKey,
          action: c.action,
          idempotency_key: c.idempotencyKey,
          desired_hash: c.desiredHash,
          payload: JSON.stringify(c.payload),
          status: 'pending',
          attempt: 0,
          source_row_id: c.sourceRowId,
          run_id: c.runId,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict('idempotency_key')
      .ignore();
    const creates = batch.filter((c) => c.action === 'create').map((c) => c.idempotencyKey);
    if (creates.length === 0) continue;
    await db('changes')
      .whereIn('idempotency_key', creates)
      .where({ action: 'create', status: 'pending', attempt: 0 })
      .whereExists((earlier) => {
        void earlier
          .select(db.raw('1'))
          .from('changes as earlier')
          .whereRaw('earlier.entity = changes.entity')
          .whereRaw('earlier.entity_id = changes.entity_id')
          .whereRaw('earlier.id <> changes.id')
          .where('earlier.action', 'create')
          .where('earlier.attempt', '>', 0);
      })
      .update({ status: 'unknown', updated_at: now });
  }
}

/** Entity ids with a change still open, per entity kind. */
export async function openChangeEntities(
  db: Tx,
  partner: string,
  entity: ChangeEntity,
): Promise<Set<number>> {
  const rows = (await db('changes')
    .where({ partner_id: partner, entity })
    .whereIn('status', OPEN_STATUSES)
    .select('entity_id')) as { entity_id: number }[];
  return new Set(rows.map((r) => r.entity_id));
}

/** What a claim asks for. */
export interface ClaimRequest {
  partner: string;
  entity: ChangeEntity;
  /** The claimer: a run id or a worker id, holding a live row in `leases` while it works. */
  owner: string;
  /** The program's clock (RTM_NOW), for `next_attempt_at`. */
  now: string;
  /** Wall-clock now and claim expiry: leases never follow RTM_NOW. */
  wallNow: string;
  leaseUntil: string;
  limit: number;
  statuses?: ChangeStatus[];
}

/**
 * Claims up to `limit` changes ready to send: pending, unknown, or in flight under a claim whose
 * holder is gone (its lease in `leases` expired or was released, or the claim itself expired; the
 * outcome of such a change is unknown). Each claim bumps the attempt: the fencing token. On
 * PostgreSQL one statement picks rows with FOR UPDATE SKIP LOCKED, so workers on several machines
 * take disjoint batches; SQLite has one writer and compares-and-sets row by row.
 */
/**
 * The ready changes on SQLite, one indexed range per status (changes_claim_idx), oldest first:
 * SQLite's planner turns the OR of the general query into a walk over every change by id.
 */
async function readyOnSqlite(db: Tx, opts: ClaimRequest): Promise<ChangeRowDb[]> {
  const base = () =>
    db('changes')
      .where({ partner_id: opts.partner, entity: opts.entity })
      .orderBy('id')
      .limit(opts.limit);
  const parts = await Promise.all([
    ...(opts.statuses ?? ['pending', 'unknown']).map(
      (status) =>
        base()
          .where({ status })
          .where((n) => {
            void n.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', opts.now);
          }) as unknown as Promise<ChangeRowDb[]>,
    ),
    base().where({ status: 'in_flight' }).where(senderGone(db, opts)) as unknown as Promise<
      ChangeRowDb[]
    >,
  ]);
  return parts
    .flat()
    .sort((a, b) => Number(a.id) - Number(b.id))
    .slice(0, opts.limit);
}

/**
 * An in-flight change whose sender is gone: its claim expired, or its holder has no live lease.
 * A claimer never takes back its own changes before their claim expires: they are still being
 * sent, and a create taken back while its POST is on the wire would be looked up too early and
 * sent twice. (A run whose lease renewal was late, or a caller without a lease, did that.)
 */
function senderGone(db: Tx, opts: ClaimRequest) {
  return (l: Knex.QueryBuilder): void => {
    void l.where('lease_expires_at', '<', opts.wallNow).orWhere((gone) => {
      void gone
        .where((other) => void other.whereNull('lease_owner').orWhereNot('lease_owner', opts.owner))
        .whereNotExists((live) => {
          void live
            .select(db.raw('1'))
            .from('leases')
            .whereRaw('leases.owner = changes.lease_owner')
            .where('leases.expires_at', '>', opts.wallNow);
        });
    });
  };
}

export async function claimChanges(db: Tx, opts: ClaimRequest): Promise<Change[]> {
  const ready = (q: Knex.QueryBuilder) =>
    q
      .where({ partner_id: opts.partner, entity: opts.entity })
      .where((w) => {
        void w
          .where((p) => {
            void p.whereIn('status', opts.statuses ?? ['pending', 'unknown']).where((n) => {
              void n.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', opts.now);
            });
          })
          .orWhere((p) => {
            void p.where('status', 'in_flight').where(senderGone(db, opts));
          });
      })
      .orderBy('id')
      .limit(opts.limit);
  if (isPostgres(db)) return claimSkipLocked(db, opts, ready);
  const rows = await readyOnSqlite(db, opts);
  const claimed: Change[] = [];
  for (const row of rows) {
    const updated = await db('changes')
      .where({ id: row.id, attempt: row.attempt, status: row.status })
      .update(claimColumns(opts, row.attempt + 1));
    if (updated === 1) claimed.push(asClaimed(row, row.status, opts.owner));
  }
  return claimed;
}

async function claimSkipLocked(
  db: Tx,
  opts: ClaimRequest,
  ready: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
): Promise<Change[]> {
  return db.transaction(async (trx) => {
    // Rows another worker has locked are skipped, not waited for: each claim gets its own batch.
    const rows = (await ready(trx('changes')).forUpdate().skipLocked()) as ChangeRowDb[];
    if (rows.length === 0) return [];
    await trx('changes')
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({ ...claimColumns(opts, 0), attempt: trx.raw('attempt + 1') });
    return rows.map((r) => asClaimed(r, r.status, opts.owner));
  });
}

function claimColumns(opts: ClaimRequest, attempt: number) {
  return {
    status: 'in_flight',
    attempt,
    lease_owner: opts.owner,
    lease_expires_at: opts.leaseUntil,
    updated_at: opts.now,
  };
}

/** A claimed row as the sender sees it: a change left in flight by someone gone comes back unknown. */
function asClaimed(row: ChangeRowDb, previous: ChangeStatus, owner: string): Change {
  const status: ChangeStatus = previous === 'in_flight' ? 'unknown' : previous;
  return { ...toChange(row), status, attempt: row.attempt + 1, leaseOwner: owner };
}

function isPostgres(db: Tx): boolean {
  return (db.client as { config: Knex.Config }).config.client === 'pg';
}

/** Gives back a claimed change that was not sent (the run is stopping), as it was before the claim. */
export async function releaseClaim(db: Tx, change: Change, now: string): Promise<boolean> {
  return recordChange(db, change, { status: change.status }, now);
}

/** Changes of a partner and entity still being sent by someone (in flight under a live claim). */
export async function countInFlight(
  db: Tx,
  partner: string,
  entity: ChangeEntity,
): Promise<number> {
  const [row] = (await db('changes')
    .where({ partner_id: partner, entity, status: 'in_flight' })
    .count({ n: '*' })) as { n: number | string }[];
  return Number(row?.n ?? 0);
}

/** When the next pending or unknown change of a partner and entity may be sent; null when none waits. */
export async function nextAttemptAt(
  db: Tx,
  partner: string,
  entity: ChangeEntity,
): Promise<string | null> {
  const row = (await db('changes')
    .where({ partner_id: partner, entity })
    .whereIn('status', ['pending', 'unknown'])
    .min({ at: 'next_attempt_at' })
    .first()) as { at: string | null } | undefined;
  return row?.at ?? null;
}

/** Per entity id, how many of its changes ended "retry later" (Webex 2560): each retry gets a new key. */
export async function retryGenerations(
  db: Tx,
  partner: string,
  entity: ChangeEntity,
): Promise<Map<number, number>> {
  const rows = (await db('changes')
    .where({ partner_id: partner, entity, status: 'done', outcome: 'pending' })
    .select('entity_id')
    .count({ n: '*' })
    .groupBy('entity_id')) as { entity_id: number; n: number | string }[];
  return new Map(rows.map((r) => [Number(r.entity_id), Number(r.n)]));
}

/** Idempotency keys of a partner's changes that Webex refused (status failed). */
export async function refusedChangeKeys(db: Tx, partner: string): Promise<Set<string>> {
  const rows = (await db('changes')
    .where({ partner_id: partner, status: 'failed' })
    .select('idempotency_key')) as { idempotency_key: string }[];
  return new Set(rows.map((r) => r.idempotency_key));
}

/** Entity ids whose change a run has completed: the run counts them by that outcome. */
export async function entitiesCompletedInRun(
  db: Tx,
  partner: string,
  entity: ChangeEntity,
  runId: string,
): Promise<Set<number>> {
  const rows = (await db('changes')
    .where({ partner_id: partner, entity, completed_run_id: runId })
    .distinct('entity_id')) as { entity_id: number }[];
  return new Set(rows.map((r) => Number(r.entity_id)));
}

/** Outcomes a run completed, per entity and outcome, with the failed ones' details. */
export async function completedOutcomes(
  db: Tx,
  partner: string,
  runId: string,
): Promise<{ entity: ChangeEntity; outcome: ChangeOutcome; n: number }[]> {
  const rows = (await db('changes')
    .where({ partner_id: partner, completed_run_id: runId })
    .select('entity', 'outcome')
    .count({ n: '*' })
    .groupBy('entity', 'outcome')) as {
    entity: ChangeEntity;
    outcome: ChangeOutcome;
    n: number | string;
  }[];
  return rows.map((r) => ({ entity: r.entity, outcome: r.outcome, n: Number(r.n) }));
}

/** The failed changes a run completed, for issues.csv. */
export async function failedChanges(
  db: Tx,
  partner: string,
  runId: string,
): Promise<(Change & { errorCode: string | null; errorMessage: string | null })[]> {
  const rows = (await db('changes')
    .where({ partner_id: partner, completed_run_id: runId, outcome: 'failed' })
    .orderBy('id')) as (ChangeRowDb & {
    error_code: string | null;
    error_message: string | null;
  })[];
  return rows.map((r) => ({
    ...toChange(r),
    errorCode: r.error_code,
    errorMessage: r.error_message,
  }));
}

/** A partner's refused changes with these idempotency keys, with Webex's error. */
export async function changesByKey(
  db: Tx,
  partner: string,
  keys: readonly string[],
): Promise<(Change & { errorCode: string | null; errorMessage: string | null })[]> {
  const out: (Change & { errorCode: string | null; errorMessage: string | null })[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const rows = (await db('changes')
      .where({ partner_id: partner, status: 'failed' })
      .whereIn('idempotency_key', keys.slice(i, i + 500))
      .orderBy('id')) as (ChangeRowDb & {
      error_code: string | null;
      error_message: string | null;
    })[];
    for (const r of rows)
      out.push({ ...toChange(r), errorCode: r.error_code, errorMessage: r.error_message });
  }
  return out;
}

/** Changes accepted by Webex whose final state is still to be seen. */
export async function listAwaiting(
  db: Tx,
  partner: string,
  entity: ChangeEntity,
): Promise<Change[]> {
  const rows = (await db('changes')
    .where({ partner_id: partner, entity, status: 'awaiting' })
    .orderBy('id')) as ChangeRowDb[];
  return rows.map(toChange);
}

export interface ChangePatch {
  status: ChangeStatus;
  outcome?: ChangeOutcome | null;
  webexId?: string | null;
  trackingId?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  nextAttemptAt?: string | null;
  completedRunId?: string | null;
}

/**
 * Records what happened to a claimed change. Fenced: only the holder of the claim (same owner and
 * attempt) can write; a stale worker's late answer changes nothing and returns false.
 */
export async function recordChange(
  db: Tx,
  change: Pick<Change, 'id' | 'attempt' | 'leaseOwner'>,
  patch: ChangePatch,
  now: string,
): Promise<boolean> {
  const row: Record<string, unknown> = { status: patch.status, updated_at: now };
  if (patch.status !== 'in_flight') {
    row.lease_owner = null;
    row.lease_expires_at = null;
  }
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.webexId !== undefined) row.webex_id = patch.webexId;
  if (patch.trackingId !== undefined) row.tracking_id = patch.trackingId;
  if (patch.errorCode !== undefined) row.error_code = patch.errorCode;
  if (patch.errorMessage !== undefined) row.error_message = patch.errorMessage;
  if (patch.nextAttemptAt !== undefined) row.next_attempt_at = patch.nextAttemptAt;
  if (patch.completedRunId !== undefined) row.completed_run_id = patch.completedRunId;
  const updated = await db('changes')
    .where({ id: change.id, attempt: change.attempt, lease_owner: change.leaseOwner })
    .update(row);
  return updated === 1;
}

/** Records the end of an awaited change (no claim is held while awaiting). */
export async function finishAwaiting(
  db: Tx,
  id: number,
  patch: ChangePatch,
  now: string,
): Promise<boolean> {
  const row: Record<string, unknown> = { status: patch.status, updated_at: now };
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.errorCode !== undefined) row.error_code = patch.errorCode;
  if (patch.errorMessage !== undefined) row.error_message = patch.errorMessage;
  if (patch.completedRunId !== undefined) row.completed_run_id = patch.completedRunId;
  if (patch.nextAttemptAt !== undefined) row.next_attempt_at = patch.nextAttemptAt;
  const updated = await db('changes').where({ id, status: 'awaiting' }).update(row);
  return updated === 1;
}

/** An awaited change Webex is still working on: looked at again at `nextAttemptAt`. */
export async function deferAwaiting(
  db: Tx,
  id: number,
  nextAttemptAt: string,
  now: string,
): Promise<void> {
  await db('changes')
    .where({ id, status: 'awaiting' })
    .update({ next_attempt_at: nextAttemptAt, updated_at: now });
}

/** Counts of the outbox by status, for `status`. */
export async function countChangesByStatus(db: Tx): Promise<Record<string, number>> {
  const rows = (await db('changes').select('status').count({ n: '*' }).groupBy('status')) as {
    status: string;
    n: number | string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

interface ChangeRowDb {
  id: number;
  partner_id: string;
  entity: ChangeEntity;
  entity_id: number;
  entity_key: string;
  action: ChangeAction;
  idempotency_key: string;
  desired_hash: string;
  payload: string;
  status: ChangeStatus;
  attempt: number;
  lease_owner: string | null;
  webex_id: string | null;
  tracking_id: string | null;
  source_row_id: number | null;
  outcome: ChangeOutcome | null;
  next_attempt_at: string | null;
}

function toChange(r: ChangeRowDb): Change {
  return {
    id: r.id,
    partner: r.partner_id,
    entity: r.entity,
    entityId: r.entity_id,
    entityKey: r.entity_key,
    action: r.action,
    idempotencyKey: r.idempotency_key,
    desiredHash: r.desired_hash,
    payload: JSON.parse(r.payload) as unknown,
    status: r.status,
    attempt: r.attempt,
    leaseOwner: r.lease_owner,
    webexId: r.webex_id,
    trackingId: r.tracking_id,
    sourceRowId: r.source_row_id,
    outcome: r.outcome,
    nextAttemptAt: r.next_attempt_at,
  };
}
