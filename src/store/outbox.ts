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
}

/** Statuses of a change still being worked on. */
export const OPEN_STATUSES: readonly ChangeStatus[] = [
  'pending',
  'in_flight',
  'unknown',
  'awaiting',
];

/** Writes changes to the outbox before anything is sent; a change already there (same key) is kept as it is. */
export async function enqueueChanges(db: Tx, changes: NewChange[], now: string): Promise<void> {
  for (let i = 0; i < changes.length; i += 200) {
    await db('changes')
      .insert(
        changes.slice(i, i + 200).map((c) => ({
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

/**
 * Claims up to `limit` changes ready to send: pending, unknown, or in flight under an expired lease
 * (a crashed worker; its outcome is unknown). Each claim bumps the attempt: the fencing token.
 */
export async function claimChanges(
  db: Tx,
  opts: {
    partner: string;
    entity: ChangeEntity;
    owner: string;
    now: string;
    leaseUntil: string;
    limit: number;
    statuses?: ChangeStatus[];
    exclusive?: boolean;
  },
): Promise<Change[]> {
  const ready = (await db('changes')
    .where({ partner_id: opts.partner, entity: opts.entity })
    .where((q) => {
      void q
        .where((p) => {
          void p.whereIn('status', opts.statuses ?? ['pending', 'unknown']).where((n) => {
            void n.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', opts.now);
          });
        })
        .orWhere((p) => {
          void p.where('status', 'in_flight').where((l) => {
            void l.where('lease_expires_at', '<', opts.now);
            // With the run lock held, nobody else works: any other owner's claim is a crashed run's.
            if (opts.exclusive) void l.orWhereNot('lease_owner', opts.owner);
          });
        });
    })
    .orderBy('id')
    .limit(opts.limit)) as ChangeRowDb[];
  const claimed: Change[] = [];
  for (const row of ready) {
    // An in-flight change whose lease expired may have been sent: it comes back as unknown.
    const status: ChangeStatus = row.status === 'in_flight' ? 'unknown' : row.status;
    const updated = await db('changes')
      .where({ id: row.id, attempt: row.attempt, status: row.status })
      .update({
        status: 'in_flight',
        attempt: row.attempt + 1,
        lease_owner: opts.owner,
        lease_expires_at: opts.leaseUntil,
        updated_at: opts.now,
      });
    if (updated === 1)
      claimed.push({ ...toChange(row), status, attempt: row.attempt + 1, leaseOwner: opts.owner });
  }
  return claimed;
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
  const updated = await db('changes').where({ id, status: 'awaiting' }).update(row);
  return updated === 1;
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
  };
}
