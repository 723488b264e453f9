/** The run summary of contract §6; its machine form is spec/summary.schema.json (a copy of the shared spec). */
export type JobName =
  'import' | 'provision' | 'rpl-recheck' | 'reconcile' | 'nightly' | 'deprovision';
/**
 * A run's job as the ledger records it (runs.job: `status`, metrics, the schedule's last run).
 * A billing run is summarised as `reconcile`, the schema's nearest job (summaryJob), but recorded
 * as `billing`, so that neither hides the other's last run.
 */
export type RunJob = JobName | 'billing';

/** The job a run's summary names (contract §6 lists no `billing`). */
export function summaryJob(job: RunJob): JobName {
  return job === 'billing' ? 'reconcile' : job;
}
export type RunStatus = 'ok' | 'attention' | 'partial' | 'failed';
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
  /** What needs a person after this run (contract §4): one entry per kind and partner. */
  attention: AttentionItem[];
  /** Added by us: what a person should read first (partners skipped, steps not built, run failure). */
  notes: string[];
  /** Added by us: the provisioning plan when the run planned without sending (`--dry-run`). */
  plan?: PlanSummary | null;
  /** Added by us: the failure that stopped the run, if any. */
  error?: string | null;
}

/**
 * Something a person must act on, one per kind and partner: the run still did what it could, but
 * ends `attention` (exit 1) so that cron mail and the report's badge say so.
 */
export interface AttentionItem {
  kind: AttentionKind;
  partner: string | null;
  count: number;
  message: string;
}

/** The kinds of attention (the schema leaves the list open; these are the ones we raise). */
export type AttentionKind =
  /** Changes staged and not sent because the run stopped (SIGTERM, lost lock). */
  | 'unsent_changes'
  /** Files left in the inbox unread because the run stopped. */
  | 'files_unread'
  /** Webex refused a partner's token: its work stopped. */
  | 'token_refused'
  /** A partner's Webex target could not be opened (no token, bad configuration). */
  | 'partner_unreachable'
  /** A partner folder the program could not use (a planted link or file where our folder goes). */
  | 'partner_folder'
  /** A file an interrupted run had claimed came back under another name. */
  | 'claim_renamed'
  /** A run that died left its work: this run recovered it. */
  | 'run_abandoned'
  /** Files still being written when the run looked: a later run reads them. */
  | 'files_waiting'
  /** Files in a format we do not read, quarantined FILE_FORMAT. */
  | 'files_unsupported'
  /** A partner's configuration lacks what its work needs (its onboarding template). */
  | 'partner_config'
  /** RPL reviews open past the usual time: contact the partner (R-RPL-3, R-RPL-4). */
  | 'rpl_overdue'
  /** Customers that became deprovisioning candidates since the previous run (R-RPL-5). */
  | 'deprovision_candidates_new'
  /** Every standing deprovisioning candidate, raised each run until it is reviewed (R-RPL-5). */
  | 'deprovision_candidates'
  /** Reconcile found Webex differing from the sheets. */
  | 'drift'
  /** Reconcile found customers or subscribers in Webex that are in no sheet. */
  | 'orphans'
  /** Webex's billing of the period differs from the sheets and the ledger (issue 22). */
  | 'billing_discrepancies'
  /** A billing report still IN_PROGRESS when the run stopped waiting: the next run follows it. */
  | 'billing_report_pending'
  /** Webex could not make a billing report (FAILED): the next run asks again. */
  | 'billing_report_failed';

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
}

/** A dry run's plan in the summary: totals, totals per entity, and the file listing every line. */
export interface PlanSummary extends PlanCounts {
  customers: PlanCounts;
  subscribers: PlanCounts;
  /** plan.csv in the run's report folder, one line per planned change; null when there is none. */
  file: string | null;
}

/** A plan with nothing in it. */
export function emptyPlanSummary(): PlanSummary {
  const none = (): PlanCounts => ({ create: 0, update: 0, delete: 0, unchanged: 0 });
  return { ...none(), customers: none(), subscribers: none(), file: null };
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

/**
 * The summary of a run that did nothing, ended `failed` with `error`: one that could not start (the
 * lock held, a workspace that cannot be written), or one found abandoned. Counts are zero.
 */
export function failedSummary(
  run: Pick<Summary, 'runId' | 'job' | 'startedAt' | 'finishedAt' | 'dryRun' | 'reportDir'>,
  exitCode: 3 | 75,
  error: string,
): Summary {
  return {
    ...run,
    status: 'failed',
    exitCode,
    files: [],
    rows: emptyRowCounts(),
    customers: emptyChangeCounts(),
    subscribers: emptyChangeCounts(),
    rpl: emptyRplCounts(),
    reconcile: null,
    issueCounts: {},
    attention: [],
    notes: [error],
    error,
  };
}

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

/**
 * Exit code and status of a finished run (contract §4): a run failure is `failed` (3); rejected rows
 * or files, or failed changes, make it `partial` (1); anything a person must act on makes it
 * `attention` (1), which wins over `partial` since it is the more urgent to read.
 */
export function decideOutcome(
  s: Pick<Summary, 'files' | 'rows' | 'customers' | 'subscribers' | 'attention'>,
  failed: boolean,
): {
  status: RunStatus;
  exitCode: ExitCode;
} {
  if (failed) return { status: 'failed', exitCode: 3 };
  if (s.attention.length > 0) return { status: 'attention', exitCode: 1 };
  const rejectedFiles = s.files.some((f) => f.status === 'quarantined');
  const problems =
    rejectedFiles || s.rows.rejected > 0 || s.customers.failed > 0 || s.subscribers.failed > 0;
  return problems ? { status: 'partial', exitCode: 1 } : { status: 'ok', exitCode: 0 };
}

/**
 * What does not add up in a run's counts (contract §6): each file's total is its accepted plus its
 * rejected rows, and the run's rows are its files' rows. [] when all add up.
 */
export function checkCounts(s: Pick<Summary, 'files' | 'rows'>): string[] {
  const problems: string[] = [];
  const add = (c: RowCounts) => c.accepted + c.rejected;
  for (const f of s.files)
    if (f.rows.total !== add(f.rows))
      problems.push(
        `file ${f.partner}/${f.name}: ${f.rows.total} rows read, ${f.rows.accepted} accepted + ${f.rows.rejected} rejected`,
      );
  const files = s.files.reduce((sum, f) => addRows(sum, f.rows), emptyRowCounts());
  if (s.rows.total !== add(s.rows))
    problems.push(
      `run: ${s.rows.total} rows read, ${s.rows.accepted} accepted + ${s.rows.rejected} rejected`,
    );
  if (
    files.total !== s.rows.total ||
    files.accepted !== s.rows.accepted ||
    files.rejected !== s.rows.rejected
  )
    problems.push(
      `run: ${JSON.stringify(s.rows)} rows, its files ${JSON.stringify(files)} between them`,
    );
  return problems;
}

/** Adds an attention item, merged with one of the same kind and partner (counts add up). */
export function addAttention(into: AttentionItem[], item: AttentionItem): void {
  const same = into.find((a) => a.kind === item.kind && a.partner === item.partner);
  if (!same) {
    into.push({ ...item });
    return;
  }
  same.count += item.count;
  if (!same.message.includes(item.message)) same.message = `${same.message} ${item.message}`;
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
