import type { Clock } from '../clock/index.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type {
  AttentionItem,
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
import type { PlanLine } from '../reports/report-input.ts';
import type { Db, Tx } from '../store/index.ts';
import type { Progress } from './progress.ts';

/** The run's lock was taken over by another run: this one stops touching shared state (exit 3). */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(runId: string) {
    super(
      `run ${runId} lost its lock to another run (its lease expired and was taken over); it stopped and committed nothing more`,
    );
  }
}

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
  /**
   * A dry run's desired state accepted by this run's import but not staged (a dry run writes
   * nothing): rows in the shape staging writes to `customers` / `subscribers`. The planner lays
   * them over the ledger.
   */
  dryRunDesired?: DryRunDesired;
}

/** Desired documents of one run, as staging would write them (doc = the `desired` JSON). */
export interface DryRunDesired {
  customers: {
    partnerId: string;
    externalId: string;
    desired: unknown;
    desiredHash: string;
    desiredAction: 'upsert' | 'delete';
    sourceRowId?: number | null;
  }[];
  subscribers: {
    partnerId: string;
    customerExternalId: string;
    /** Lower case, as staged. */
    email: string;
    desired: unknown;
    desiredHash: string;
    desiredAction: 'upsert' | 'delete';
    sourceRowId?: number | null;
  }[];
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
  plan: PlanCounts | null;
  /** What a `deprovision --apply` did to each customer, for the RPL section of the reports. */
  rplDeprovisions: RplDeprovisionLine[];
  /** A dry run's plan, line by line, for the report. */
  planLines: PlanLine[];
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
    planLines: [],
  };
}
