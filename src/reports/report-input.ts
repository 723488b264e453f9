import type { Locale } from '../config/index.ts';
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
  /** Open and recently closed RPL checks, and deprovisioning outcomes. */
  rpl?: RplReport;
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

/** One open RPL check as the report lists it (R-RPL-3..5). */
export interface RplOpenLine {
  partner: string;
  externalId: string;
  customerName: string | null;
  trigger: string;
  openedAt: string;
  ageMinutes: number;
  lastStatus: string | null;
  attempts: number;
  unreachableAttempts: number;
  overdue: boolean;
  /** Why it is a deprovisioning candidate; empty when it is not one. */
  reasons: string[];
}

/** One RPL check that closed since the last run. */
export interface RplClosedLine {
  partner: string;
  externalId: string;
  trigger: string;
  openedAt: string;
  closedAt: string;
  reason: string | null;
}

/** What a `deprovision --apply` did to one customer. */
export interface RplDeprovisionLine {
  partner: string;
  externalId: string;
  outcome: string;
  subscribersDeleted: number;
  message: string | null;
}

/** The RPL section of a run's reports. */
export interface RplReport {
  open: RplOpenLine[];
  closedSinceLastRun: RplClosedLine[];
  deprovisions: RplDeprovisionLine[];
}
