import {
  countChangesByStatus,
  countForStatus,
  listRuns,
  readLease,
  type Db,
} from '../store/index.ts';
import { PIPELINE_LOCK } from '../runs/index.ts';

export interface StatusReport {
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
    startedAt: string;
    finishedAt: string | null;
  }[];
}

/** What is staged, in flight, pending, and the last runs. */
export async function readStatus(db: Db): Promise<StatusReport> {
  const counted = await countForStatus(db);
  const lease = await readLease(db, PIPELINE_LOCK);
  return {
    staged: { customers: counted.customers, subscribers: counted.subscribers },
    outbox: await countChangesByStatus(db),
    rplOpenChecks: counted.rplOpenChecks,
    lock: lease
      ? { owner: lease.owner, since: lease.acquiredAt, expiresAt: lease.expiresAt }
      : null,
    lastRuns: (await listRuns(db, 10)).map((r) => ({
      runId: r.id,
      job: r.job,
      status: r.status,
      exitCode: r.exitCode,
      dryRun: r.dryRun,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    })),
  };
}

/** The status as lines for a terminal. */
export function renderStatus(s: StatusReport): string {
  const lines = [
    `staged: ${s.staged.customers} customer(s), ${s.staged.subscribers} subscriber(s)`,
    `outbox: ${
      Object.entries(s.outbox)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'empty'
    }`,
    `open RPL checks: ${s.rplOpenChecks}`,
    `lock: ${s.lock ? `held by run ${s.lock.owner} since ${s.lock.since}` : 'free'}`,
    'last runs:',
    ...s.lastRuns.map(
      (r) =>
        `  ${r.runId}  ${r.status}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}${r.dryRun ? '  dry run: nothing changed' : ''}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
