import type { ChangeCounts, RowCounts } from '../reports/index.ts';
import type { JobRunFacts } from '../store/index.ts';

/** What monitoring reads of one job: its latest finished run and its latest completed one. */
export interface JobMetrics {
  job: string;
  runId: string;
  status: string;
  exitCode: number | null;
  finishedAt: string;
  durationSeconds: number;
  rows: RowCounts;
  /** Issues that refused rows or files, by code. */
  refusals: Record<string, number>;
  changes: { customer: ChangeCounts; subscriber: ChangeCounts };
  attention: Record<string, number>;
  lastSuccessAt: string | null;
}

const RUN_STATUSES = ['ok', 'attention', 'partial', 'failed', 'abandoned'] as const;
const CHANGE_OUTCOMES = [
  'created',
  'updated',
  'unchanged',
  'deleted',
  'failed',
  'pending',
] as const;

interface StoredCounts {
  rows?: RowCounts;
  customers?: ChangeCounts;
  subscribers?: ChangeCounts;
  attention?: Record<string, number>;
  issueCounts?: Record<string, number>;
}

/** Shapes the ledger's facts into per-job metrics (runs recorded before these counts: zeros). */
export function planMetrics(facts: JobRunFacts[]): JobMetrics[] {
  return facts.map((f) => {
    const c = (f.counts ?? {}) as StoredCounts;
    return {
      job: f.job,
      runId: f.runId,
      status: f.status,
      exitCode: f.exitCode,
      finishedAt: f.finishedAt,
      durationSeconds: Math.max(0, (Date.parse(f.finishedAt) - Date.parse(f.startedAt)) / 1000),
      rows: c.rows ?? { total: 0, accepted: 0, rejected: 0 },
      refusals: c.issueCounts ?? {},
      changes: {
        customer: c.customers ?? zeroChanges(),
        subscriber: c.subscribers ?? zeroChanges(),
      },
      attention: c.attention ?? {},
      lastSuccessAt: f.lastSuccessAt,
    };
  });
}

function zeroChanges(): ChangeCounts {
  return { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, pending: 0 };
}

interface Family {
  name: string;
  help: string;
  samples: [labels: Record<string, string>, value: number][];
}

/**
 * The Prometheus text exposition (version 0.0.4) of the metrics, for node_exporter's textfile
 * collector: gauges only, one family per name with its HELP and TYPE, label values escaped.
 */
export function renderPrometheus(jobs: JobMetrics[], writtenAt: Date): string {
  const fam = (name: string, help: string): Family => ({ name, help, samples: [] });
  const finished = fam(
    'rtm_batch_last_run_finished_timestamp_seconds',
    'When the job last finished a run (dry runs left out).',
  );
  const duration = fam(
    'rtm_batch_last_run_duration_seconds',
    "How long the job's latest run took.",
  );
  const status = fam(
    'rtm_batch_last_run_status',
    "The latest run's status: 1 for the one it ended with.",
  );
  const exit = fam('rtm_batch_last_run_exit_code', "The latest run's exit code.");
  const rows = fam(
    'rtm_batch_last_run_rows',
    'Rows the latest run read, by outcome (accepted, rejected, total).',
  );
  const refusals = fam(
    'rtm_batch_last_run_refusals',
    'Issues that refused rows or files in the latest run, by code.',
  );
  const changes = fam(
    'rtm_batch_last_run_changes',
    'Changes of the latest run by entity and outcome.',
  );
  const attention = fam(
    'rtm_batch_last_run_attention',
    'What needs a person after the latest run, by kind.',
  );
  const success = fam(
    'rtm_batch_last_success_timestamp_seconds',
    'When the job last completed a run (ok, attention or partial).',
  );
  const written = fam('rtm_batch_metrics_written_timestamp_seconds', 'When this file was written.');
  for (const j of jobs) {
    const job = { job: j.job };
    finished.samples.push([job, seconds(j.finishedAt)]);
    duration.samples.push([job, j.durationSeconds]);
    for (const s of new Set<string>([...RUN_STATUSES, j.status]))
      status.samples.push([{ ...job, status: s }, s === j.status ? 1 : 0]);
    if (j.exitCode !== null) exit.samples.push([job, j.exitCode]);
    for (const outcome of ['accepted', 'rejected', 'total'] as const)
      rows.samples.push([{ ...job, outcome }, j.rows[outcome]]);
    for (const [code, n] of Object.entries(j.refusals).sort())
      refusals.samples.push([{ ...job, code }, n]);
    for (const entity of ['customer', 'subscriber'] as const)
      for (const outcome of CHANGE_OUTCOMES)
        changes.samples.push([{ ...job, entity, outcome }, j.changes[entity][outcome]]);
    for (const [kind, n] of Object.entries(j.attention).sort())
      attention.samples.push([{ ...job, kind }, n]);
    if (j.lastSuccessAt) success.samples.push([job, seconds(j.lastSuccessAt)]);
  }
  written.samples.push([{}, writtenAt.getTime() / 1000]);
  const families = [
    finished,
    duration,
    status,
    exit,
    rows,
    refusals,
    changes,
    attention,
    success,
    written,
  ];
  return (
    families
      .filter((f) => f.samples.length > 0)
      .flatMap((f) => [
        `# HELP ${f.name} ${escapeHelp(f.help)}`,
        `# TYPE ${f.name} gauge`,
        ...f.samples.map(
          ([labels, value]) => `${f.name}${renderLabels(labels)} ${renderValue(value)}`,
        ),
      ])
      .join('\n') + '\n'
  );
}

function seconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

function renderLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/** Label values escape backslash, double quote and line feed (exposition format). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function renderValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}
