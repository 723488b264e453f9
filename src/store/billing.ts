import type { Tx } from './db.ts';

/** Which billing report of a partner: type and period (YYYY-MM-DD, both days included). */
export interface BillingReportKey {
  partner: string;
  type: 'CUSTOMER' | 'USER';
  start: string;
  end: string;
}

/** What the ledger remembers of a billing report asked for. */
export interface BillingReportEntry {
  webexReportId: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'deleted';
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

/** One line of a USER billing report, as staged. */
export interface BillingUserLine {
  email: string;
  package: string;
  customerOrgId: string | null;
  customerExternalId: string | null;
  subscriberId: string | null;
  days: number | null;
}

/** Lines per staging statement (bound as one value per column, so no parameter limit applies). */
export const BILLING_LINES_PER_INSERT = 20_000;

/**
 * Stages a batch of a USER report's lines for a run and partner (emails lower-cased by the caller)
 * in one statement whatever its size: on SQLite the batch is bound as one JSON text that json_each
 * unpacks, on PostgreSQL each column as one array that unnest unpacks (the pattern of the import's
 * staging, src/store/staging.ts). The query builder's multi-row insert bound eight parameters per
 * line, and binding cost more than the insert (docs/architecture.md, billing at scale). The lines
 * go in (email, package) order, so the index is filled in order within a batch.
 */
export async function stageBillingUserLines(
  db: Tx,
  runId: string,
  partner: string,
  lines: readonly BillingUserLine[],
): Promise<void> {
  if (lines.length === 0) return;
  const sorted = [...lines].sort((a, b) =>
    a.email < b.email
      ? -1
      : a.email > b.email
        ? 1
        : a.package < b.package
          ? -1
          : a.package > b.package
            ? 1
            : 0,
  );
  const cells = (l: BillingUserLine) => [
    l.email,
    l.package,
    l.customerOrgId,
    l.customerExternalId,
    l.subscriberId,
    l.days,
  ];
  if (dialect(db) === 'postgresql') {
    const columns: unknown[][] = [[], [], [], [], [], []];
    for (const l of sorted) cells(l).forEach((v, c) => (columns[c] as unknown[]).push(v));
    await db.raw(PG_STAGE_LINES, [runId, partner, ...columns] as never[]);
  } else await db.raw(SQLITE_STAGE_LINES, [runId, partner, JSON.stringify(sorted.map(cells))]);
}

const STAGED_COLUMNS = `"run_id", "partner_id", "email", "package", "customer_org_id", "customer_external_id", "subscriber_id", "days"`;
// ?1 run id, ?2 partner, ?3 the lines as a JSON array of arrays, in order (json_each keeps it).
const SQLITE_STAGE_LINES = `INSERT INTO "billing_user_lines" (${STAGED_COLUMNS})
  SELECT ?1, ?2, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5
  FROM json_each(?3) AS j ORDER BY j.key`;
// Types spelled out: a parameter in a SELECT list has none of its own. WITH ORDINALITY keeps the order.
const PG_STAGE_LINES = `INSERT INTO "billing_user_lines" (${STAGED_COLUMNS})
  SELECT ?::text, ?::text, u.email, u.package, u.org, u.ext, u.sub, u.days
  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[]) WITH ORDINALITY
    AS u(email, package, org, ext, sub, days, n)
  ORDER BY u.n`;

function dialect(db: Tx): string {
  return (db as unknown as { client: { dialect: string } }).client.dialect;
}

/** Drops a run's staged lines of a partner (after the comparison, or before a retry). */
export async function clearBillingUserLines(db: Tx, runId: string, partner: string): Promise<void> {
  await db('billing_user_lines').where({ run_id: runId, partner_id: partner }).delete();
}

/**
 * The email column compared byte by byte: the comparison merges two lists read in this order, so
 * both must sort alike (PostgreSQL's default collation would follow the locale).
 */
function emailBytes(db: Tx): string {
  return dialect(db) === 'postgresql' ? 'email COLLATE "C"' : 'email';
}

/** Rows per page when staged lines or subscribers are read in email order. */
export const BILLING_PAGE_ROWS = 5000;

/**
 * A run's staged lines of a partner in (email, package) order, a page at a time (keyset on the
 * index), each row named as a line's fields and used as it arrives (no second object per line).
 */
export async function* readBillingUserLinePages(
  db: Tx,
  runId: string,
  partner: string,
  pageRows = BILLING_PAGE_ROWS,
): AsyncGenerator<(BillingUserLine & { id: number | string })[]> {
  let after: [string, string, number | string] | null = null;
  for (;;) {
    const query = db('billing_user_lines')
      .where({ run_id: runId, partner_id: partner })
      .orderByRaw(`${emailBytes(db)}, package, id`)
      .limit(pageRows)
      .select(
        'id',
        'email',
        'package',
        db.raw(`"customer_org_id" AS "customerOrgId"`),
        db.raw(`"customer_external_id" AS "customerExternalId"`),
        db.raw(`"subscriber_id" AS "subscriberId"`),
        'days',
      );
    if (after) query.whereRaw(`(${emailBytes(db)}, package, id) > (?, ?, ?)`, after);
    const rows = (await query) as (BillingUserLine & { id: number | string })[];
    if (rows.length > 0) yield rows;
    if (rows.length < pageRows) return;
    const last = rows[rows.length - 1] as BillingUserLine & { id: number | string };
    after = [last.email, last.package, last.id];
  }
}

/** A ledger subscriber as the billing comparison needs it. */
export interface BillingLedgerUser {
  partner: string;
  email: string;
  customerExternalId: string;
  /** The package the sheet asked for. */
  package: string | null;
  desiredAction: 'upsert' | 'delete';
  webexId: string | null;
  webexStatus: string | null;
  /** When the ledger last heard from Webex about it (the removal's time when deleted). */
  seenAt: string | null;
  createdAt: string;
}

/**
 * A partner's subscribers in (email, customer) order, a page at a time: keyset on the
 * (partner, email, customer) index, so no page sorts the partner's rows again. The columns come
 * named as the result's fields and the sheet's package is taken out of `desired` by the database,
 * so a row is used as it arrives: at a million rows, a second object and a JSON.parse per row were
 * much of the comparison's garbage.
 */
export async function* readBillingLedgerPages(
  db: Tx,
  partner: string,
  pageRows = BILLING_PAGE_ROWS,
): AsyncGenerator<BillingLedgerUser[]> {
  const pkg =
    dialect(db) === 'postgresql'
      ? `("desired"::json ->> 'package')`
      : `json_extract("desired", '$.package')`;
  let after: [string, string] | null = null;
  for (;;) {
    const query = db('subscribers')
      .where('partner_id', partner)
      .orderByRaw(`${emailBytes(db)}, customer_external_id`)
      .limit(pageRows)
      .select(
        db.raw(`"partner_id" AS "partner"`),
        'email',
        db.raw(`"customer_external_id" AS "customerExternalId"`),
        db.raw(`${pkg} AS "package"`),
        db.raw(`"desired_action" AS "desiredAction"`),
        db.raw(`"webex_id" AS "webexId"`),
        db.raw(`"webex_status" AS "webexStatus"`),
        db.raw(`"webex_seen_at" AS "seenAt"`),
        db.raw(`"created_at" AS "createdAt"`),
      );
    if (after) query.whereRaw(`(${emailBytes(db)}, customer_external_id) > (?, ?)`, after);
    const rows = (await query) as BillingLedgerUser[];
    if (rows.length > 0) yield rows;
    if (rows.length < pageRows) return;
    const last = rows[rows.length - 1] as BillingLedgerUser;
    after = [last.email, last.customerExternalId];
  }
}
