import {
  countLedgerState,
  listRuns,
  readLease,
  readSchemaVersion,
  type Db,
} from '../store/index.ts';
import { PIPELINE_LOCK } from '../runs/index.ts';

export interface StatusReport {
  /** The partner the report is limited to (`--partner`), or null for all. */
  partner: string | null;
  /** The newest migration applied to the ledger. */
  schemaVersion: string | null;
  staged: { customers: number; subscribers: number };
  outbox: Record<string, number>;
  rplOpenChecks: number;
  lock: { owner: string; since: string; expiresAt: string } | null;
  lastRuns: {
    runId: string;
    job: string;
    status: string;
    exitCode: number | null;
    /** A dry run changed nothing: said so, so that it is never taken for a real run. */
    dryRun: boolean;
    partner: string | null;
    startedAt: string;
    finishedAt: string | null;
  }[];
}

/** What is staged, in flight, pending, and the last runs (of one partner, or all). */
export async function readStatus(db: Db, partner: string | null = null): Promise<StatusReport> {
  const state = await countLedgerState(db, partner);
  const lease = await readLease(db, PIPELINE_LOCK);
  return {
    partner,
    schemaVersion: await readSchemaVersion(db),
    staged: { customers: state.customers, subscribers: state.subscribers },
    outbox: state.outbox,
    rplOpenChecks: state.rplOpenChecks,
    lock: lease
      ? { owner: lease.owner, since: lease.acquiredAt, expiresAt: lease.expiresAt }
      : null,
    lastRuns: (await listRuns(db, 10, partner)).map((r) => ({
      runId: r.id,
      job: r.job,
      status: r.status,
      exitCode: r.exitCode,
      dryRun: r.dryRun,
      partner: r.partnerFilter,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    })),
  };
}

/** The status as lines for a terminal. */
export function renderStatus(s: StatusReport): string {
  const lines = [
    ...(s.partner ? [`partner: ${s.partner}`] : []),
    `staged: ${s.staged.customers} customer(s), ${s.staged.subscribers} subscriber(s)`,
    `outbox: ${
      Object.entries(s.outbox)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'empty'
    }`,
    `open RPL checks: ${s.rplOpenChecks}`,
    `lock: ${s.lock ? `held by run ${s.lock.owner} since ${s.lock.since}` : 'free'}`,
    `schema version: ${s.schemaVersion ?? 'none'}`,
    'last runs:',
    ...s.lastRuns.map(
      (r) =>
        `  ${r.runId}  ${r.status}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}${r.dryRun ? '  dry run: nothing changed' : ''}${r.partner ? `  partner ${r.partner}` : ''}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
