import type { Clock } from '../clock/index.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import {
  emptyChangeCounts,
  emptyRowCounts,
  emptyRplCounts,
  type AttentionItem,
  type BillingSection,
  type ChangeCounts,
  type FileSummary,
  type IssueRecord,
  type RunJob,
  type PlanLine,
  type PlanSummary,
  type ReconcileCounts,
  type ReconcileLine,
  type RowCounts,
  type RplCounts,
  type RplDeprovisionLine,
} from '../reports/index.ts';
import type { Db, Tx } from '../store/index.ts';
import type { Progress } from './progress.ts';

/** What a use-case needs from the run it is part of. */
export interface RunContext {
  runId: string;
  /** As the ledger records it; the summary names summaryJob(job). */
  job: RunJob;
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  dryRun: boolean;
  partnerFilter: string | null;
  /** Aborted on SIGTERM/SIGINT or when the run's lease is lost: stop claiming new work. */
  signal: AbortSignal;
  tally: RunTally;
  /** Where the run shows how far it is (a bar or a periodic line); absent: nowhere. */
  progress?: Progress;
  /**
   * Renews the run's lock now (runJob sets it). On SQLite a file's transaction holds the only
   * connection, so the heartbeat cannot renew meanwhile: the import renews as soon as it commits.
   */
  renewLock?: () => Promise<void>;
  /**
   * Renews the run's lock inside `trx`, the transaction about to commit a file, and throws
   * LeaseLostError when another run holds it now: a run that lost its lock commits nothing more.
   */
  holdLock?: (trx: Tx) => Promise<void>;
  /** Where a dry run writes its plan, a line at a time as it is made (plan.csv); absent: nowhere. */
  planOut?: PlanOutput;
}

/** Takes a dry run's plan lines one by one; resolves when it can take the next. */
export interface PlanOutput {
  write(line: PlanLine): Promise<void>;
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
  /** What a person must act on (contract §4): makes the run end `attention`. */
  attention: AttentionItem[];
  /** A dry run's plan counts (its lines go to `planOut`, never all held here). */
  plan: PlanSummary | null;
  /** What a `deprovision --apply` did to each customer, for the RPL section of the reports. */
  rplDeprovisions: RplDeprovisionLine[];
  /** What `rtm-batch billing` found (issue 22), for the report's billing section. */
  billing?: BillingSection | null;
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
    attention: [],
    plan: null,
    rplDeprovisions: [],
  };
}
