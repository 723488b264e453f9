import { countChangesByStatus, listRuns, readLease, type Db } from '../store/index.ts';
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
    startedAt: string;
    finishedAt: string | null;
  }[];
}

/** What is staged, in flight, pending, and the last runs. */
export async function readStatus(db: Db): Promise<StatusReport> {
  const count = async (table: string, onlyOpen = false) => {
    const q = db(table);
    if (onlyOpen) void q.whereNull('closed_at');
    const [row] = (await q.count({ n: '*' })) as { n: number | string }[];
    return Number(row?.n ?? 0);
  };
  const lease = await readLease(db, PIPELINE_LOCK);
  return {
    staged: { customers: await count('customers'), subscribers: await count('subscribers') },
    outbox: await countChangesByStatus(db),
    rplOpenChecks: await count('rpl_checks', true),
    lock: lease
      ? { owner: lease.owner, since: lease.acquiredAt, expiresAt: lease.expiresAt }
      : null,
    lastRuns: (await listRuns(db, 10)).map((r) => ({
      runId: r.id,
      job: r.job,
      status: r.status,
      exitCode: r.exitCode,
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
      (r) => `  ${r.runId}  ${r.status}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
