/** The run summary of contract §6; its machine form is spec/summary.schema.json (a copy of the shared spec). */
export type JobName =
  'import' | 'provision' | 'rpl-recheck' | 'reconcile' | 'nightly' | 'deprovision';
export type RunStatus = 'ok' | 'partial' | 'failed';
export type ExitCode = 0 | 1 | 2 | 3 | 75;
export type FileStatus = 'processed' | 'duplicate' | 'quarantined' | 'skipped';

export interface RowCounts {
  total: number;
  accepted: number;
  rejected: number;
}

export interface ChangeCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  pending: number;
}

export interface FileSummary {
  partner: string;
  name: string;
  sha256: string | null;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  status: FileStatus;
  code: string | null;
  message: string | null;
  rows: RowCounts;
}

export interface RplCounts {
  pending: number;
  cleared: number;
  overdue: number;
  nonCompliant: number;
  deprovisionCandidates: number;
}

export interface ReconcileCounts {
  inSync: number;
  drifted: number;
  missingInWebex: number;
  orphansInWebex: number;
  parked: number;
  partnerOwnOrg: number;
}

export interface Summary {
  runId: string;
  job: JobName;
  startedAt: string;
  finishedAt: string;
  status: RunStatus;
  exitCode: ExitCode;
  dryRun: boolean;
  reportDir: string;
  files: FileSummary[];
  rows: RowCounts;
  customers: ChangeCounts;
  subscribers: ChangeCounts;
  rpl: RplCounts;
  reconcile: ReconcileCounts | null;
  issueCounts: Record<string, number>;
  /** Added by us: what a person should read first (partners skipped, steps not built, run failure). */
  notes: string[];
  /** Added by us: the provisioning plan when the run planned without sending (`--dry-run`). */
  plan?: PlanCounts | null;
  /** Added by us: the failure that stopped the run, if any. */
  error?: string | null;
}

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
}

/** One problem found in a sheet or file, as issues.csv lists it. */
export interface IssueRecord {
  partner: string;
  file: string | null;
  sheet: string | null;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export const emptyRowCounts = (): RowCounts => ({ total: 0, accepted: 0, rejected: 0 });
export const emptyChangeCounts = (): ChangeCounts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  failed: 0,
  pending: 0,
});
export const emptyRplCounts = (): RplCounts => ({
  pending: 0,
  cleared: 0,
  overdue: 0,
  nonCompliant: 0,
  deprovisionCandidates: 0,
});

/** Adds row counts. */
export function addRows(a: RowCounts, b: RowCounts): RowCounts {
  return {
    total: a.total + b.total,
    accepted: a.accepted + b.accepted,
    rejected: a.rejected + b.rejected,
  };
}

/** Adds change counts. */
export function addChanges(a: ChangeCounts, b: ChangeCounts): ChangeCounts {
  return {
    created: a.created + b.created,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    deleted: a.deleted + b.deleted,
    failed: a.failed + b.failed,
    pending: a.pending + b.pending,
  };
}

/** Exit code and status of a finished run: rejected rows or files, or failed changes, make it partial. */
export function decideOutcome(
  s: Pick<Summary, 'files' | 'rows' | 'customers' | 'subscribers'>,
  failed: boolean,
): {
  status: RunStatus;
  exitCode: ExitCode;
} {
  if (failed) return { status: 'failed', exitCode: 3 };
  const rejectedFiles = s.files.some((f) => f.status === 'quarantined');
  const problems =
    rejectedFiles || s.rows.rejected > 0 || s.customers.failed > 0 || s.subscribers.failed > 0;
  return problems ? { status: 'partial', exitCode: 1 } : { status: 'ok', exitCode: 0 };
}

/** The keys of each count group, in the order reports show them. */
export const CHANGE_KEYS: readonly (keyof ChangeCounts)[] = [
  'created',
  'updated',
  'unchanged',
  'deleted',
  'failed',
  'pending',
];
export const RPL_KEYS: readonly (keyof RplCounts)[] = [
  'pending',
  'cleared',
  'overdue',
  'nonCompliant',
  'deprovisionCandidates',
];
export const RECONCILE_KEYS: readonly (keyof ReconcileCounts)[] = [
  'inSync',
  'drifted',
  'missingInWebex',
  'orphansInWebex',
  'parked',
  'partnerOwnOrg',
];
export const PLAN_KEYS: readonly (keyof PlanCounts)[] = ['create', 'update', 'delete', 'unchanged'];
