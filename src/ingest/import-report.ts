import {
  addAttention,
  addRows,
  emptyRowCounts,
  type AttentionItem,
  type FileSummary,
  type IssueRecord,
  type RowCounts,
} from '../reports/index.ts';
import type { DryRunDesired } from '../provision/index.ts';
import type { RunContext, RunTally } from '../runs/index.ts';

/**
 * What an import did, returned by `runImport`: each file's outcome, the rows counted, every issue
 * (in the report's language), the notes and what needs a person; in a dry run, the rows it accepted
 * and did not stage, for the planner to lay over the ledger.
 */
export interface ImportReport {
  files: FileSummary[];
  rows: RowCounts;
  issues: IssueRecord[];
  notes: string[];
  attention: AttentionItem[];
  desired: DryRunDesired;
}

export function emptyImportReport(): ImportReport {
  return {
    files: [],
    rows: emptyRowCounts(),
    issues: [],
    notes: [],
    attention: [],
    desired: { customers: [], subscribers: [] },
  };
}

/** How a job runs its import. */
export interface ImportOptions {
  /**
   * The job writes the results files itself once it has provisioned (nightly): the import writes
   * none, so each file's results are written once, from the ledger, at the end of the run.
   * Otherwise (import) each file's results are written in the pass that reads its rows.
   */
  resultsAtEnd?: boolean;
}

/** The run as the import's stages see it: the run's context, and the import's own report. */
export type ImportContext = Omit<RunContext, 'tally'> & {
  readonly out: ImportReport;
  readonly resultsAtEnd: boolean;
};

/** The import's view of a run: everything but the run's tally, and a report of its own. */
export function importContext(run: RunContext, opts: ImportOptions = {}): ImportContext {
  const view: Partial<RunContext> = { ...run };
  delete view.tally;
  return {
    ...(view as Omit<RunContext, 'tally'>),
    out: emptyImportReport(),
    resultsAtEnd: opts.resultsAtEnd ?? false,
  };
}

/**
 * An import that failed part-way (the ledger, a full disk, a bug): `partial` is what it did before,
 * so the failed run still reports the files it finished. The message is the cause's.
 */
export class ImportFailedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly partial: ImportReport,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ImportFailedError';
  }
}

/** Adds an import's report to the run's tally (the summary and reports read the tally). */
export function addImportReport(tally: RunTally, report: ImportReport): void {
  tally.files.push(...report.files);
  tally.rows = addRows(tally.rows, report.rows);
  tally.issues.push(...report.issues);
  tally.notes.push(...report.notes);
  for (const item of report.attention) addAttention(tally.attention, item);
}
