import type { Tx } from './db.ts';

export interface LeaseHolder {
  name: string;
  owner: string;
  host: string;
  pid: number;
  acquiredAt: string;
  expiresAt: string;
}

export interface LeaseClaim {
  name: string;
  owner: string;
  host: string;
  pid: number;
  /** Wall-clock now: leases use real time, never RTM_NOW, so a moved clock cannot break a lock. */
  now: Date;
  ttlMs: number;
  /**
   * What is known of the holder's process: `dead` frees the lease at once; `alive` keeps it past
   * its expiry (a live run's renewals can be held up: on SQLite a long file transaction holds the
   * only connection, and nobody may take the lock from a run that still works).
   */
  holderProcess?: (holder: LeaseHolder) => 'alive' | 'dead' | 'unknown';
}

export type LeaseResult = { acquired: true } | { acquired: false; holder: LeaseHolder };

/**
 * Takes the named lease if it is free, expired (and its holder not known to be alive), or held by
 * a process known dead (compare-and-set).
 */
export async function acquireLease(db: Tx, claim: LeaseClaim): Promise<LeaseResult> {
  const now = claim.now.toISOString();
  const expires = new Date(claim.now.getTime() + claim.ttlMs).toISOString();
  const row = {
    name: claim.name,
    owner: claim.owner,
    host: claim.host,
    pid: claim.pid,
    acquired_at: now,
    renewed_at: now,
    expires_at: expires,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db('leases').insert(row).onConflict('name').ignore().returning('name');
    if (inserted.length > 0) return { acquired: true };
    const current = await readLease(db, claim.name);
    if (!current) continue; // released between our insert and read: try again
    const process = claim.holderProcess?.(current) ?? 'unknown';
    const stale = process === 'dead' || (current.expiresAt <= now && process !== 'alive');
    if (!stale) return { acquired: false, holder: current };
    // Only the process that still sees the same holder and expiry wins the takeover.
    const taken = await db('leases')
      .where({ name: claim.name, owner: current.owner, expires_at: current.expiresAt })
      .update(row);
    if (taken === 1) return { acquired: true };
  }
  const holder = await readLease(db, claim.name);
  return holder ? { acquired: false, holder } : acquireLease(db, claim);
}

/** Extends a lease this owner holds; false when it was lost (expired and taken over). */
export async function renewLease(
  db: Tx,
  name: string,
  owner: string,
  now: Date,
  ttlMs: number,
): Promise<boolean> {
  const updated = await db('leases')
    .where({ name, owner })
    .update({
      renewed_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    });
  return updated === 1;
}

/** Gives a lease back; a lease already taken over by another owner is left alone. */
export async function releaseLease(db: Tx, name: string, owner: string): Promise<void> {
  await db('leases').where({ name, owner }).delete();
}

/** The current holder of a lease, if any. */
export async function readLease(db: Tx, name: string): Promise<LeaseHolder | null> {
  const r = (await db('leases').where({ name }).first()) as LeaseRow | undefined;
  if (!r) return null;
  return {
    name: r.name,
    owner: r.owner,
    host: r.host,
    pid: r.pid,
    acquiredAt: r.acquired_at,
    expiresAt: r.expires_at,
  };
}

interface LeaseRow {
  name: string;
  owner: string;
  host: string;
  pid: number;
  acquired_at: string;
  expires_at: string;
}
