import type { Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RetentionConfig } from '../config/index.ts';
import {
  deleteFileRows,
  listRetiredFiles,
  markArchivePruned,
  pruneRuns,
  pruneScheduleFires,
  type Db,
} from '../store/index.ts';
import {
  isExpired,
  noPrune,
  planCutoffs,
  REPORT_FOLDER,
  RESULTS_FILE,
  type PruneCounts,
} from './plan-retention.ts';

/** What a prune works on. */
export interface RetentionInput {
  home: string;
  db: Db;
  days: RetentionConfig['days'];
  now: Date;
  /** Count what would go; remove nothing. */
  dryRun: boolean;
  /** The run pruning, whose report folder is being written (never pruned). */
  runId?: string;
}

/**
 * Removes what is older than its kind's number of days: report folders, quarantined and results
 * files by their age on disk; archived copies and row outcomes of files nothing needs any more
 * (listRetiredFiles: never a customer's or user's current state, an open change or a pending
 * row); old run history. Only regular files rtm-batch writes, in its own folders, are removed:
 * links and anything else found there are left alone (lstat, never followed).
 */
export async function applyRetention(input: RetentionInput): Promise<PruneCounts> {
  const cut = planCutoffs(input.days, input.now);
  const counts = noPrune();
  const { home, dryRun } = input;
  if (cut.reports) await pruneReports(input, cut.reports, counts);
  for (const [area, cutoff] of [
    ['quarantine', cut.quarantine],
    ['outbox', cut.outbox],
  ] as const)
    if (cutoff) await prunePartnerFiles(home, area, cutoff, dryRun, counts);
  if (cut.archive) await pruneArchive(input, cut.archive.toISOString(), counts);
  if (cut.ledger) {
    const before = cut.ledger.toISOString();
    const retired = await listRetiredFiles(input.db, before);
    const ids = retired.filter((f) => f.hasRows).map((f) => f.id);
    counts.rows = await deleteFileRows(input.db, ids, dryRun);
    counts.runs = await pruneRuns(input.db, before, dryRun);
    counts.fires = await pruneScheduleFires(input.db, before, dryRun);
  }
  return counts;
}

/** reports/<runId>/ folders older than the cutoff, but the pruning run's own. */
async function pruneReports(
  { home, dryRun, runId }: RetentionInput,
  cutoff: Date,
  counts: PruneCounts,
): Promise<void> {
  const dir = path.join(home, 'reports');
  if (!(await isOwnFolder(dir))) return;
  for (const name of await fs.readdir(dir)) {
    if (!REPORT_FOLDER.test(name) || name === runId) continue;
    const entry = path.join(dir, name);
    const st = await lstat(entry);
    if (!st) continue;
    if (!st.isDirectory()) {
      counts.leftAlone += 1;
      continue;
    }
    if (!isExpired(st, cutoff)) continue;
    if (dryRun) counts.reports += 1;
    else {
      const left = await removeOwnTree(entry);
      counts.leftAlone += left;
      if (left === 0) counts.reports += 1;
    }
  }
}

/** quarantine/<partner>/* or outbox/<partner>/*.results.* files older than the cutoff. */
async function prunePartnerFiles(
  home: string,
  area: 'quarantine' | 'outbox',
  cutoff: Date,
  dryRun: boolean,
  counts: PruneCounts,
): Promise<void> {
  const root = path.join(home, area);
  if (!(await isOwnFolder(root))) return;
  for (const partner of await fs.readdir(root)) {
    const dir = path.join(root, partner);
    if (!(await isOwnFolder(dir))) continue;
    for (const name of await fs.readdir(dir)) {
      if (area === 'outbox' && !RESULTS_FILE.test(name)) continue;
      const file = path.join(dir, name);
      const st = await lstat(file);
      if (!st) continue;
      if (!st.isFile()) {
        counts.leftAlone += 1;
        continue;
      }
      if (!isExpired(st, cutoff)) continue;
      if (!dryRun) await fs.unlink(file);
      counts[area] += 1;
    }
  }
}

/**
 * Archived copies of the files nothing needs any more. The ledger records each removal, so that
 * the file's results are never rewritten from a copy that is gone (they cannot change any more).
 */
async function pruneArchive(input: RetentionInput, before: string, counts: PruneCounts) {
  const archive = path.join(input.home, 'archive');
  if (!(await isOwnFolder(archive))) return;
  for (const f of await listRetiredFiles(input.db, before)) {
    if (f.archivePruned || !f.storedPath) continue;
    const dir = path.join(archive, f.partner);
    const file = path.resolve(input.home, f.storedPath);
    // Only a copy where the import puts them, in a folder that is not a link.
    if (path.dirname(file) !== dir || !(await isOwnFolder(dir))) continue;
    const st = await lstat(file);
    if (st && !st.isFile()) {
      counts.leftAlone += 1;
      continue;
    }
    if (st) counts.archive += 1;
    if (input.dryRun) continue;
    if (st) await fs.unlink(file);
    await markArchivePruned(input.db, f.id, input.now.toISOString());
  }
}

/**
 * Removes a folder of ours and the regular files and folders in it; anything else (a link) stays,
 * with the folders holding it. Returns how many such entries were left.
 */
async function removeOwnTree(dir: string): Promise<number> {
  let left = 0;
  for (const name of await fs.readdir(dir)) {
    const entry = path.join(dir, name);
    const st = await lstat(entry);
    if (!st) continue;
    if (st.isDirectory()) left += await removeOwnTree(entry);
    else if (st.isFile()) await fs.unlink(entry);
    else left += 1;
  }
  if (left === 0) await fs.rmdir(dir);
  return left;
}

/** A folder that is not a link (a link put where our folder belongs is never followed). */
async function isOwnFolder(dir: string): Promise<boolean> {
  return (await lstat(dir))?.isDirectory() ?? false;
}

async function lstat(p: string): Promise<Stats | null> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
