import type { Locale } from '../config/index.ts';
import type { IssueRecord, ReconcileCounts, RunStatus, Summary } from './summary.ts';
import type { BillingSection } from './render-billing-section.ts';
import type { DialInLine } from './render-dial-in-section.ts';

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
  /** Files the run wrote into its report folder besides the reports (deprovision-candidates.csv), to link. */
  runFiles?: string[];
  /** Every line of the reconciliation, when the run reconciled (summary.reconcile not null). */
  reconciliation?: ReconcileLine[];
  /** R-DIAL-1: the customers accepted in this run with location and dial-in (when imported). */
  dialIns?: DialInLine[];
  /** Open and recently closed RPL checks, and deprovisioning outcomes. */
  rpl?: RplReport;
  /** The changes the run staged, per partner, entity and outcome (partner sections, outcome picture). */
  partnerChanges?: PartnerChangeCount[];
  /** Results files the run wrote into outbox/<partner>/, named and linked per partner. */
  resultsFiles?: ResultsFileLink[];
  /** R-PKG-3 as the ledger sees it: each customer's package limits and how many hold each. */
  quotaUse?: QuotaUseLine[];
  /** The IANA time zone dates are shown in (config schedule.timezone); UTC when absent. */
  timeZone?: string;
  /** What `rtm-batch billing` found (issue 22). */
  billing?: BillingSection;
}

/** One customer's package quota: its limit and how many of its subscribers hold it. */
export interface QuotaUseLine {
  partner: string;
  customer: string;
  package: string;
  limit: number;
  assigned: number;
}

/** One partner's changes of one entity and outcome. */
export interface PartnerChangeCount {
  partner: string;
  entity: 'customer' | 'subscriber';
  outcome: string;
  count: number;
}

/** A results file in outbox/<partner>/: `name` is its file name there, `source` the partner's file. */
export interface ResultsFileLink {
  partner: string;
  source: string;
  name: string;
}

/** A reconciliation category: one key of summary.reconcile. */
export type ReconcileCategory = keyof ReconcileCounts;

/** Why a line has its category; reports turn it into localized text. */
export type ReconcileReason =
  | 'same' // in sync: Webex matches the sheet
  | 'deleted' // in sync: the sheet asked for a delete and Webex no longer has it
  | 'deleting' // in sync: the sheet asked for a delete and Webex is deleting it
  | 'differs' // drifted: fields differ (see diffs)
  | 'status' // drifted: Webex reports a failed or partial status, or is deleting it
  | 'notDeleted' // drifted: the sheet asked for a delete and Webex still has it
  | 'neverCreated' // missing: the ledger never got a Webex id for it
  | 'goneFromWebex' // missing: the ledger had a Webex id, Webex no longer lists it
  | 'customerMissing' // missing: a subscriber whose customer is missing in Webex
  | 'inProgress' // parked: Webex is still working on it (see status)
  | 'customerInProgress' // parked: a subscriber waiting for its customer
  | 'notInSheets' // orphan: in Webex, in no sheet and not in the ledger
  | 'ownOrg'; // partnerOwnOrg: R-SELF-1

/** One field that differs between Webex and what the sheet (or, for `id`, the ledger) expects. */
export interface FieldDiff {
  /** `packages`, `address.city`, `externalId`, `id`… */
  field: string;
  webex: string;
  expected: string;
}

/** One customer or subscriber as reconciliation.csv lists it. */
export interface ReconcileLine {
  /** The partner, or the partners sharing one Webex view (an orphan of a shared view). */
  partner: string;
  entity: 'customer' | 'subscriber';
  /** A customer's external id; a subscriber's `<customer external id>/<email>`. */
  key: string;
  webexId: string | null;
  category: ReconcileCategory;
  reason: ReconcileReason;
  /** The Webex status, when Webex lists it. */
  status: string | null;
  diffs: FieldDiff[];
  /** Drifted while a change of the sheet is still waiting to be sent (false: changed outside rtm-batch). */
  pendingChange: boolean;
}

/** One run as reports/index.html lists it. */
export interface RunListEntry {
  runId: string;
  /** The job name (display only: a runs-table value is shown as it is). */
  job: string;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus | 'running' | 'abandoned';
  exitCode: number | null;
  dryRun: boolean;
  /** What the run's summary.json counted, when it has one. */
  totals?: RunTotals;
  /** Whether its report.html is there; false: pruned by retention or never written (no link). */
  hasReport?: boolean;
}

/** A run's headline counts for reports/index.html, from its summary.json. */
export interface RunTotals {
  rows: number;
  refused: number;
  created: number;
  failed: number;
  attention: number;
  rplOpen: number;
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
  /** R-RPL-3 and R-RPL-5: when a review is overdue and when its customer becomes a candidate. */
  limits?: { overdueMinutes: number; candidateDays: number };
  closedSinceLastRun: RplClosedLine[];
  deprovisions: RplDeprovisionLine[];
}
