import type { Locale } from '../config/index.ts';
import type { DialInLine } from './render-dial-in-section.ts';
import type { IssueRecord, RunStatus, Summary } from './summary.ts';

/** One line of a dry run's provisioning plan, as the report lists it. */
export interface PlanLine {
  partner: string;
  entity: 'customer' | 'subscriber';
  key: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
}

/** What a run's reports are made of: the decided summary, every issue, the locale to write in. */
export interface ReportInput {
  summary: Summary;
  /** Every problem of the run, file- and row-level, in the order issues.csv should list them. */
  issues: IssueRecord[];
  locale: Locale;
  /** The provisioning plan of a dry run, when there is one. */
  plan?: PlanLine[];
  /** R-DIAL-1: the customers accepted in this run with location and dial-in (when imported). */
  dialIns?: DialInLine[];
}

/** One run as reports/index.html lists it. */
export interface RunListEntry {
  runId: string;
  /** The job name (display only: a runs-table value is shown as it is). */
  job: string;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus | 'running';
  exitCode: number | null;
  dryRun: boolean;
}
