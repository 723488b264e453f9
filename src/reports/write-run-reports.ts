import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locale } from '../config/index.ts';
import { redact } from '../log/index.ts';
import { RECONCILE_FILES, REPORT_FILES, renderReportHtml } from './render-report-html.ts';
import { renderReportsIndexHtml } from './render-reports-index.ts';
import type { ReportInput, RunListEntry, RunTotals } from './report-input.ts';
import type { Summary } from './summary.ts';
import { writeFileAtomically } from './write-atomically.ts';
import { writeIssuesCsv } from './write-issues-csv.ts';
import { PLAN_FILE } from './open-plan-csv.ts';
import { writeReconciliationCsv } from './write-reconciliation-csv.ts';
import { writeReportXlsx } from './write-report-xlsx.ts';

/**
 * Writes a run's report folder: issues.csv, reconciliation.csv when the run reconciled, report.xlsx,
 * report.html, then summary.json last, so a folder with a summary.json holds a complete report. Each file is renamed into place when whole.
 * `secrets` (config.secrets), bearer tokens and URL passwords are masked in everything written: the
 * Webex client masks the error text it reads, and this is the last guard for any text that
 * reached a run by another way.
 */
export async function writeRunReports(
  reportDir: string,
  unmasked: ReportInput,
  secrets: readonly string[],
): Promise<void> {
  const input = redact(unmasked, secrets) as ReportInput;
  await mkdir(reportDir, { recursive: true });
  await writeIssuesCsv(path.join(reportDir, REPORT_FILES.issues), input.issues, input.locale);
  const reconciliationCsv = path.join(reportDir, RECONCILE_FILES.reconciliation);
  // Reconcile streams reconciliation.csv itself (a line per entity, a million of them); the run
  // keeps only the lines that differ, so the file is written here only when reconcile did not.
  if (input.summary.reconcile !== null && !(await exists(reconciliationCsv))) {
    await writeReconciliationCsv(reconciliationCsv, input.reconciliation ?? [], input.locale);
    // deprovision-candidates.csv is written by the run itself (src/rpl, from rpl-recheck and reconcile).
  }
  // The run's own files in the folder (deprovision-candidates.csv), linked from report.html.
  const present = await Promise.all(
    Object.values(RECONCILE_FILES).map(async (f) =>
      (await exists(path.join(reportDir, f))) ? [f] : [],
    ),
  );
  input.runFiles = [
    ...present.flat(),
    // A dry run's plan.csv (written as it was planned, src/runs): every line the report only samples.
    ...((await exists(path.join(reportDir, PLAN_FILE))) ? [PLAN_FILE] : []),
  ];
  await writeReportXlsx(path.join(reportDir, REPORT_FILES.xlsx), input);
  await writeFileAtomically(path.join(reportDir, REPORT_FILES.html), renderReportHtml(input));
  await writeFileAtomically(
    path.join(reportDir, REPORT_FILES.summary),
    `${JSON.stringify(input.summary, null, 2)}\n`,
  );
}

/** Writes reports/index.html listing the runs newest first. */
export async function writeReportsIndex(
  reportsRoot: string,
  runs: readonly RunListEntry[],
  locale: Locale,
  timeZone?: string,
): Promise<void> {
  await mkdir(reportsRoot, { recursive: true });
  const withTotals = await Promise.all(
    runs.map(async (r) => {
      const totals = await readRunTotals(reportsRoot, r.runId);
      // A run whose folder retention pruned (or that never wrote one) is listed without a link.
      const hasReport =
        SAFE_FOLDER.test(r.runId) &&
        (await exists(path.join(reportsRoot, r.runId, REPORT_FILES.html)));
      return { ...r, hasReport, ...(totals ? { totals } : {}) };
    }),
  );
  await writeFileAtomically(
    path.join(reportsRoot, 'index.html'),
    renderReportsIndexHtml(withTotals, locale, timeZone),
  );
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** A run id that names a folder of reports/ (never `.`, `..` or a path). */
const SAFE_FOLDER = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

/** A run's headline counts from its summary.json; null when it has none (still running, died, not ours). */
async function readRunTotals(reportsRoot: string, runId: string): Promise<RunTotals | null> {
  if (!SAFE_FOLDER.test(runId)) return null;
  try {
    const s = JSON.parse(
      await readFile(path.join(reportsRoot, runId, REPORT_FILES.summary), 'utf8'),
    ) as Summary;
    return {
      rows: s.rows.total,
      refused: s.rows.rejected,
      created: s.customers.created + s.subscribers.created,
      failed: s.customers.failed + s.subscribers.failed,
      attention: s.attention.length,
      rplOpen: s.rpl.pending,
    };
  } catch {
    return null;
  }
}
