import type { Clock } from '../clock/index.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type {
  ChangeCounts,
  FileSummary,
  IssueRecord,
  JobName,
  PlanCounts,
  ReconcileCounts,
  RowCounts,
  RplCounts,
} from '../reports/summary.ts';
import type { ReconcileLine } from '../reports/report-input.ts';
import type { RplDeprovisionLine } from '../reports/report-input.ts';
import { emptyChangeCounts, emptyRowCounts, emptyRplCounts } from '../reports/summary.ts';
import type { Db } from '../store/index.ts';

/** What a use-case needs from the run it is part of. */
export interface RunContext {
  runId: string;
  job: JobName;
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  dryRun: boolean;
  partnerFilter: string | null;
  /** Aborted on SIGTERM/SIGINT or when the run's lease is lost: stop claiming new work. */
  signal: AbortSignal;
  tally: RunTally;
}

/** What a run found and did, gathered for its summary and reports. */
export interface RunTally {
  files: FileSummary[];
  rows: RowCounts;
  customers: ChangeCounts;
  subscribers: ChangeCounts;
  rpl: RplCounts;
  reconcile: ReconcileCounts | null;
  /** Every line of the reconciliation (reconciliation.csv), when the run reconciled. */
  reconciliation: ReconcileLine[];
  issues: IssueRecord[];
  notes: string[];
  plan: PlanCounts | null;
  /** What a `deprovision --apply` did to each customer, for the RPL section of the reports. */
  rplDeprovisions: RplDeprovisionLine[];
}

/** An empty tally. */
export function newTally(): RunTally {
  return {
    files: [],
    rows: emptyRowCounts(),
    customers: emptyChangeCounts(),
    subscribers: emptyChangeCounts(),
    rpl: emptyRplCounts(),
    reconcile: null,
    reconciliation: [],
    issues: [],
    notes: [],
    plan: null,
    rplDeprovisions: [],
  };
}
