import type { Tx } from './db.ts';
import { migrationSource } from './migrations/index.ts';

/** Every partner the ledger has seen (a file read, a customer staged), sorted. */
export async function listPartnerIds(db: Tx): Promise<string[]> {
  const rows = (await db('partners').orderBy('id').select('id')) as { id: string }[];
  return rows.map((r) => r.id);
}

/** What the ledger holds now, for one partner or all: staged rows, changes by status, open RPL checks. */
export async function countLedgerState(
  db: Tx,
  partner: string | null,
): Promise<{
  customers: number;
  subscribers: number;
  outbox: Record<string, number>;
  rplOpenChecks: number;
}> {
  const mine = (table: string) => {
    const q = db(table);
    if (partner !== null) void q.where({ partner_id: partner });
    return q;
  };
  const count = async (q: ReturnType<typeof mine>) => {
    const [row] = (await q.count({ n: '*' })) as { n: number | string }[];
    return Number(row?.n ?? 0);
  };
  const byStatus = (await mine('changes').select('status').count({ n: '*' }).groupBy('status')) as {
    status: string;
    n: number | string;
  }[];
  return {
    customers: await count(mine('customers')),
    subscribers: await count(mine('subscribers')),
    outbox: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
    rplOpenChecks: await count(mine('rpl_checks').whereNull('closed_at')),
  };
}

/** The newest migration applied to the ledger: its schema version (null before any). */
export async function readSchemaVersion(db: Tx): Promise<string | null> {
  const row = (await db('knex_migrations').orderBy('name', 'desc').first('name')) as
    { name: string } | undefined;
  return row?.name ?? null;
}

/** The schema versions (migrations) this program knows, oldest first. */
export async function listSchemaVersions(): Promise<string[]> {
  return migrationSource.getMigrations([]);
}

/** Answers when the database does (a round trip that reads nothing). */
export async function pingDb(db: Tx): Promise<void> {
  await db.raw('select 1');
}
