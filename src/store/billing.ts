import type { Tx } from './db.ts';

/** Which billing report of a partner: type and period (YYYY-MM-DD, both days included). */
export interface BillingReportKey {
  partner: string;
  type: 'CUSTOMER' | 'USER';
  start: string;
  end: string;
}

/**
 * What the ledger remembers of a billing report asked for. `REQUESTED`: a create was about to be
 * sent and its answer never recorded (no id yet): Webex may have made the report.
 */
export interface BillingReportEntry {
  webexReportId: string;
  status: 'REQUESTED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'deleted';
  error: string | null;
  runId: string;
}

function where(key: BillingReportKey) {
  return {
    partner_id: key.partner,
    report_type: key.type,
    period_start: key.start,
    period_end: key.end,
  };
}

/** The report last asked for with this key, or null. */
export async function readBillingReportEntry(
  db: Tx,
  key: BillingReportKey,
): Promise<BillingReportEntry | null> {
  const row = (await db('billing_reports').where(where(key)).first()) as
    Record<string, unknown> | undefined;
  if (!row) return null;
  return {
    webexReportId: row.webex_report_id as string,
    status: row.status as BillingReportEntry['status'],
    error: (row.error as string | null) ?? null,
    runId: row.run_id as string,
  };
}

/** Records the report asked for with this key (replacing an earlier one) or its new status. */
export async function writeBillingReportEntry(
  db: Tx,
  key: BillingReportKey,
  entry: BillingReportEntry,
  now: string,
): Promise<void> {
  await db('billing_reports')
    .insert({
      ...where(key),
      webex_report_id: entry.webexReportId,
      status: entry.status,
      error: entry.error,
      run_id: entry.runId,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['partner_id', 'report_type', 'period_start', 'period_end'])
    .merge(['webex_report_id', 'status', 'error', 'run_id', 'updated_at']);
}

/** One line of a USER billing report, as the comparison reads it. */
export interface BillingUserLine {
  email: string;
  package: string;
  customerOrgId: string | null;
  customerExternalId: string | null;
  subscriberId: string | null;
  days: number | null;
}

function dialect(db: Tx): string {
  return (db as unknown as { client: { dialect: string } }).client.dialect;
}

/** A ledger subscriber as the billing comparison needs it. */
export interface BillingLedgerUser {
  partner: string;
  email: string;
  customerExternalId: string;
  /** The package the sheet asked for. */
  package: string | null;
  /** Whether Webex gave the user an id (it was provisioned there). */
  inWebex: boolean;
  webexStatus: string | null;
  /** When the ledger last heard from Webex about it (the removal's time when deleted), in ms since the epoch. */
  seenAtMs: number | null;
  createdAtMs: number;
}

/**
 * A ledger subscriber as billing reads it, as a tuple (no object with names per subscriber: at a
 * million, JSON objects and a string per time were most of the load's time and memory): email,
 * customer external id, the sheet's package (or null), 1 when Webex gave the user an id else 0,
 * Webex status (or null), last seen and created (ms since the epoch; seen may be null).
 */
export type BillingLedgerTuple = [
  email: string,
  customerExternalId: string,
  pkg: string | null,
  inWebex: 0 | 1,
  webexStatus: string | null,
  seenAtMs: number | null,
  createdAtMs: number,
];

/** A page of a partner's subscribers (readBillingLedgerPages). */
export type BillingLedgerPage = BillingLedgerTuple[];

/**
 * Subscribers per ledger page. On PostgreSQL, 20,000 made the peak RSS of a 1M comparison 526 MB,
 * 5,000 354 MB. On SQLite a page is one JSON text, copied a few times on its way here: at 5,000
 * subscribers (~500 KB) each copy was past glibc's mmap threshold, so every page was mapped and
 * unmapped afresh, page faults and all (1M subscribers: 2.4-2.9 s, a third of it in the kernel);
 * at 1,000 (~100 KB) 1.5-1.6 s.
 */
export const BILLING_LEDGER_PAGE_ROWS = { postgresql: 5000, sqlite: 1000 } as const;

// ?1 partner, ?2 after this id, ?3 rows. SQLite hands the page over as one JSON text built in its
// own thread (one string to parse here; node-sqlite3 made a row object per subscriber on this
// thread, 5 s at a million for two columns); the times as ms (julianday is exact to well under a
// millisecond at today's dates). Flattening the tuples in SQL (substr, ||) cost SQLite more than
// the parse saved.
const SQLITE_LEDGER_PAGE = `SELECT max(id) AS last, count(*) AS n, '[' || group_concat(j) || ']' AS cells
  FROM (SELECT id, json_array(email, customer_external_id, json_extract(desired, '$.package'),
      webex_id IS NOT NULL, webex_status,
      CAST(round((julianday(webex_seen_at) - 2440587.5) * 86400000) AS INTEGER),
      CAST(round((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER)) AS j
    FROM subscribers WHERE partner_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3)`;
const PG_LEDGER_PAGE = `SELECT id, email, customer_external_id AS c, (desired::json ->> 'package') AS p,
    (webex_id IS NOT NULL) AS w, webex_status AS s,
    round(extract(epoch from webex_seen_at::timestamptz) * 1000)::float8 AS seen,
    round(extract(epoch from created_at::timestamptz) * 1000)::float8 AS created
  FROM subscribers WHERE partner_id = ? AND id > ? ORDER BY id LIMIT ?`;

/** A partner's subscribers, in id order (the order of the primary key: no sort), a page at a time. */
export async function* readBillingLedgerPages(
  db: Tx,
  partner: string,
  pageRows: number = BILLING_LEDGER_PAGE_ROWS[
    dialect(db) === 'postgresql' ? 'postgresql' : 'sqlite'
  ],
): AsyncGenerator<BillingLedgerPage> {
  let after: number | string = 0;
  for (;;) {
    let cells: BillingLedgerPage;
    let rows: number;
    if (dialect(db) === 'postgresql') {
      const got = (await db.raw(PG_LEDGER_PAGE, [partner, after, pageRows])) as {
        rows: Record<string, string | number | boolean | null>[];
      };
      rows = got.rows.length;
      cells = got.rows.map((r) => [
        r.email as string,
        r.c as string,
        (r.p as string | null) ?? null,
        r.w ? 1 : 0,
        (r.s as string | null) ?? null,
        (r.seen as number | null) ?? null,
        r.created as number,
      ]);
      if (rows > 0) after = got.rows[rows - 1]?.id as string;
    } else {
      const [page] = (await db.raw(SQLITE_LEDGER_PAGE, [partner, after, pageRows])) as {
        last: number | null;
        n: number;
        cells: string | null;
      }[];
      rows = page?.n ?? 0;
      cells = rows > 0 ? (JSON.parse(page?.cells as string) as BillingLedgerPage) : [];
      if (rows > 0) after = page?.last as number;
    }
    if (rows > 0) yield cells;
    if (rows < pageRows) return;
  }
}
