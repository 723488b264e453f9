import type { RetentionConfig } from '../config/index.ts';

/** What retention prunes, each after its own number of days (config `retention.days`). */
export type RetentionKind = keyof RetentionConfig['days'];

/** What one prune removed (or, in a dry run, would remove). */
export interface PruneCounts {
  /** reports/<runId>/ folders. */
  reports: number;
  /** Archived copies of retired files. */
  archive: number;
  quarantine: number;
  /** Results files in outbox/<partner>/. */
  outbox: number;
  /** Row outcomes of retired files. */
  rows: number;
  runs: number;
  fires: number;
  /** Links and other entries that are not ours, found where retention looked: never touched. */
  leftAlone: number;
}

/** Nothing pruned. */
export function noPrune(): PruneCounts {
  return {
    reports: 0,
    archive: 0,
    quarantine: 0,
    outbox: 0,
    rows: 0,
    runs: 0,
    fires: 0,
    leftAlone: 0,
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** Per kind, what is older than this instant goes; null: that kind is kept for ever. */
export function planCutoffs(
  days: RetentionConfig['days'],
  now: Date,
): Record<RetentionKind, Date | null> {
  const at = (n: number | null) => (n === null ? null : new Date(now.getTime() - n * DAY_MS));
  return {
    reports: at(days.reports),
    archive: at(days.archive),
    quarantine: at(days.quarantine),
    outbox: at(days.outbox),
    ledger: at(days.ledger),
  };
}

/**
 * Whether a file or folder is older than `cutoff`, counted from the later of its modification and
 * change times: a partner's file keeps its own modification time when it is moved into
 * quarantine/, but the move sets its change time, so a file quarantined today is young.
 */
export function isExpired(st: { mtimeMs: number; ctimeMs: number }, cutoff: Date): boolean {
  return Math.max(st.mtimeMs, st.ctimeMs) < cutoff.getTime();
}

/** The name of a run's report folder (makeRunId): the only entries of reports/ pruned. */
export const REPORT_FOLDER = /^\d{8}T\d{6}Z-[a-z-]+-[0-9a-f]{6}$/;
/** The name of a results file we write in outbox/<partner>/ (never its temporary file). */
export const RESULTS_FILE = /\.results\.(csv|xlsx)$/;

/** One line saying what a prune removed (or would), or null when it removed nothing. */
export function describePrune(c: PruneCounts, dryRun: boolean): string | null {
  const parts = [
    [c.reports, 'report folder(s)'],
    [c.archive, 'archived file(s)'],
    [c.quarantine, 'quarantined file(s)'],
    [c.outbox, 'results file(s)'],
    [c.rows, 'row outcome(s)'],
    [c.runs, 'run(s)'],
    [c.fires, 'schedule fire(s)'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${String(n)} ${String(what)}`);
  const left =
    c.leftAlone > 0
      ? ` ${c.leftAlone} link(s) or other entries that rtm-batch did not write were left alone.`
      : '';
  if (parts.length === 0) return left ? `retention: nothing to prune;${left}` : null;
  return `retention${dryRun ? ' (dry run): would prune' : ': pruned'} ${parts.join(', ')}.${left}`;
}
