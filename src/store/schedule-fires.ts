import type { Tx } from './db.ts';

export type FireReason = 'scheduled' | 'catch-up' | 'resume';
export type FireStatus = 'running' | 'done' | 'skipped' | 'interrupted' | 'failed';

export interface FireRecord {
  job: string;
  scheduledAt: string;
  claimedBy: string;
  host: string;
  pid: number;
  reason: FireReason;
  status: FireStatus;
  claimedAt: string;
  finishedAt: string | null;
  runIds: string[];
  detail: string | null;
}

export interface FireClaim {
  job: string;
  scheduledAt: string;
  claimedBy: string;
  host: string;
  pid: number;
  reason: FireReason;
  now: string;
}

/**
 * Claims one fire for this scheduler: true when this call inserted its row (it runs the fire),
 * false when any scheduler had claimed it before, here or on another machine.
 */
export async function claimFire(db: Tx, claim: FireClaim): Promise<boolean> {
  const inserted = await db('schedule_fires')
    .insert({
      job: claim.job,
      scheduled_at: claim.scheduledAt,
      claimed_by: claim.claimedBy,
      host: claim.host,
      pid: claim.pid,
      reason: claim.reason,
      status: 'running',
      claimed_at: claim.now,
    })
    .onConflict(['job', 'scheduled_at'])
    .ignore()
    .returning('job');
  return inserted.length > 0;
}

/**
 * Takes over an interrupted fire to finish it (compare-and-set on its status and claimant): true
 * for the one scheduler that did.
 */
export async function resumeFire(
  db: Tx,
  fire: Pick<FireRecord, 'job' | 'scheduledAt' | 'claimedBy'>,
  claim: Pick<FireClaim, 'claimedBy' | 'host' | 'pid' | 'now'>,
): Promise<boolean> {
  const taken = await db('schedule_fires')
    .where({
      job: fire.job,
      scheduled_at: fire.scheduledAt,
      claimed_by: fire.claimedBy,
      status: 'interrupted',
    })
    .update({
      claimed_by: claim.claimedBy,
      host: claim.host,
      pid: claim.pid,
      reason: 'resume',
      status: 'running',
      claimed_at: claim.now,
      finished_at: null,
    });
  return taken === 1;
}

/** Records what became of a fire this scheduler claimed. */
export async function finishFire(
  db: Tx,
  key: { job: string; scheduledAt: string; claimedBy: string },
  end: { status: FireStatus; finishedAt: string; runIds: string[]; detail: string | null },
): Promise<void> {
  await db('schedule_fires')
    .where({ job: key.job, scheduled_at: key.scheduledAt, claimed_by: key.claimedBy })
    .update({
      status: end.status,
      finished_at: end.finishedAt,
      run_ids: JSON.stringify(end.runIds),
      detail: end.detail,
    });
}

/** The latest fire recorded for a job, or null when no scheduler ever fired it. */
export async function readLatestFire(db: Tx, job: string): Promise<FireRecord | null> {
  const row = (await db('schedule_fires')
    .where({ job })
    .orderBy('scheduled_at', 'desc')
    .first()) as FireRow | undefined;
  return row ? toRecord(row) : null;
}

/** Every fire of a job at or after `since`, oldest first (tests and status). */
export async function listFires(db: Tx, job: string, since = ''): Promise<FireRecord[]> {
  const rows = (await db('schedule_fires')
    .where({ job })
    .where('scheduled_at', '>=', since)
    .orderBy('scheduled_at', 'asc')) as FireRow[];
  return rows.map(toRecord);
}

/** The latest run of one of `jobs` started at or after `since` (ISO), or null. */
export async function readLatestRunOf(
  db: Tx,
  jobs: string[],
  since = '',
): Promise<{ id: string; job: string; status: string; startedAt: string } | null> {
  const row = (await db('runs')
    .whereIn('job', jobs)
    .where({ dry_run: false })
    .where('started_at', '>=', since)
    .orderBy('started_at', 'desc')
    .first('id', 'job', 'status', 'started_at')) as
    { id: string; job: string; status: string; started_at: string } | undefined;
  return row ? { id: row.id, job: row.job, status: row.status, startedAt: row.started_at } : null;
}

interface FireRow {
  job: string;
  scheduled_at: string;
  claimed_by: string;
  host: string;
  pid: number;
  reason: FireReason;
  status: FireStatus;
  claimed_at: string;
  finished_at: string | null;
  run_ids: string | null;
  detail: string | null;
}

function toRecord(r: FireRow): FireRecord {
  return {
    job: r.job,
    scheduledAt: r.scheduled_at,
    claimedBy: r.claimed_by,
    host: r.host,
    pid: Number(r.pid),
    reason: r.reason,
    status: r.status,
    claimedAt: r.claimed_at,
    finishedAt: r.finished_at,
    runIds: r.run_ids ? (JSON.parse(r.run_ids) as string[]) : [],
    detail: r.detail,
  };
}

/**
 * Marks a fire whose scheduler died while running it (known dead) as interrupted, so a scheduler
 * starting up can finish it; false when its row changed meanwhile.
 */
export async function markFireInterrupted(
  db: Tx,
  fire: Pick<FireRecord, 'job' | 'scheduledAt' | 'claimedBy'>,
  detail: string,
): Promise<boolean> {
  const changed = await db('schedule_fires')
    .where({
      job: fire.job,
      scheduled_at: fire.scheduledAt,
      claimed_by: fire.claimedBy,
      status: 'running',
    })
    .update({ status: 'interrupted', detail });
  return changed === 1;
}
