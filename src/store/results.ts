import type { Locale } from '../config/index.ts';
import type { Tx } from './db.ts';
import type { ResultMessage } from './ledger.ts';

/** A processed file as its results file needs it. */
export interface ResultsSource {
  id: number;
  partner: string;
  name: string;
  storedPath: string | null;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  /** `locale`: the language its results were written in, when the partner's is not configured. */
  details: {
    delimiter?: string;
    headerRow?: number;
    kind?: string;
    locale?: Locale;
    /** When retention removed the archived copy: the results file is final, never rewritten. */
    archivePrunedAt?: string;
  } | null;
}

/** What happened to one row: its outcome, provisioning result and every issue. */
export interface RowResult {
  sheet: string;
  row: number;
  outcome: 'accepted' | 'rejected';
  result: string | null;
  webexId: string | null;
  kind: 'customer' | 'subscriber';
  /** The row's issues as codes and values: results files render them in their own language. */
  issues: ResultIssue[];
  /** The code of Webex's refusal, when provisioning failed. */
  resultCode?: string | null;
  /** The provisioning result's message, rendered by the results file in its language. */
  resultMessage?: ResultMessage | null;
  /** A provisioning message written before result_params (migration 006), as it was rendered. */
  resultText?: string | null;
}

/** One issue of a row, as the check found it: what a message in any language needs. */
export interface ResultIssue {
  code: string;
  params: Record<string, string | number>;
  /** The canonical column it names (none: the row as a whole). */
  column: string | null;
}

/** The processed files with a row staged or given a result since `since`: their results files to write. */
export async function filesWithResultsSince(db: Tx, since: string): Promise<number[]> {
  // A row staged since counts too (no result yet): a nightly writes its files' results at the end.
  const rows = (await db('row_outcomes').where('updated_at', '>=', since).distinct('file_id')) as {
    file_id: number;
  }[];
  return rows.map((r) => r.file_id);
}

/** A processed file as far as its results file's name goes. */
export interface NamedFile {
  id: number;
  name: string;
  storedPath: string | null;
  format: 'csv' | 'xlsx' | null;
}

/**
 * Each of these processed files with the processed files of its partner that came later under the
 * same name (a re-upload): their results file may take the same name in outbox/.
 */
export async function readLaterNamesakes(
  db: Tx,
  fileIds: readonly number[],
): Promise<Map<number, { file: NamedFile; later: NamedFile[] }>> {
  const out = new Map<number, { file: NamedFile; later: NamedFile[] }>();
  if (fileIds.length === 0) return out;
  const rows = (await db('files as f')
    .leftJoin('files as l', function () {
      this.on('l.partner_id', '=', 'f.partner_id')
        .andOn('l.name', '=', 'f.name')
        .andOn('l.id', '>', 'f.id')
        .andOnVal('l.status', '=', 'processed');
    })
    .whereIn('f.id', [...fileIds])
    .where('f.status', 'processed')
    .select(
      'f.id',
      'f.name',
      'f.stored_path',
      'f.format',
      'l.id as later_id',
      'l.stored_path as later_stored_path',
      'l.format as later_format',
    )) as {
    id: number;
    name: string;
    stored_path: string | null;
    format: NamedFile['format'];
    later_id: number | null;
    later_stored_path: string | null;
    later_format: NamedFile['format'];
  }[];
  for (const r of rows) {
    const id = Number(r.id);
    const entry = out.get(id) ?? {
      file: { id, name: r.name, storedPath: r.stored_path, format: r.format },
      later: [],
    };
    if (r.later_id !== null)
      entry.later.push({
        id: Number(r.later_id),
        name: r.name,
        storedPath: r.later_stored_path,
        format: r.later_format,
      });
    out.set(id, entry);
  }
  return out;
}

/** A processed file's record. */
export async function readResultsSource(db: Tx, fileId: number): Promise<ResultsSource | null> {
  const r = (await db('files').where({ id: fileId, status: 'processed' }).first()) as
    Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    id: r.id as number,
    partner: r.partner_id as string,
    name: r.name as string,
    storedPath: (r.stored_path as string | null) ?? null,
    format: (r.format as 'csv' | 'xlsx' | null) ?? null,
    encoding: (r.encoding as string | null) ?? null,
    details: r.details ? (JSON.parse(r.details as string) as ResultsSource['details']) : null,
  };
}

/**
 * The results of one sheet's rows in row order, a page at a time: a results file is written
 * while its source is read again, without holding a million rows.
 */
export async function* streamRowResults(
  db: Tx,
  fileId: number,
  sheet: string,
  pageSize = 5000,
): AsyncGenerator<RowResult> {
  let after = -1;
  for (;;) {
    const page = await readRowResultsPage(db, fileId, { sheet, afterRow: after, limit: pageSize });
    for (const r of page) yield r;
    if (page.length < pageSize) return;
    after = (page[page.length - 1] as RowResult).row;
  }
}

async function readRowResultsPage(
  db: Tx,
  fileId: number,
  page: { sheet: string; afterRow: number; limit: number },
): Promise<RowResult[]> {
  const query = db('row_outcomes')
    .where({ file_id: fileId, sheet: page.sheet })
    .andWhere('row_number', '>', page.afterRow)
    .orderBy('row_number')
    .limit(page.limit);
  const outcomes = (await query.select(
    'id',
    'sheet',
    'row_number',
    'kind',
    'outcome',
    'result',
    'webex_id',
    'result_code',
    'result_message',
    'result_params',
  )) as {
    id: number;
    sheet: string;
    row_number: number;
    kind: 'customer' | 'subscriber';
    outcome: 'accepted' | 'rejected';
    result: string | null;
    webex_id: string | null;
    result_code: string | null;
    result_message: string | null;
    result_params: string | null;
  }[];
  if (outcomes.length === 0) return [];
  const first = outcomes[0] as { row_number: number };
  const last = outcomes[outcomes.length - 1] as { row_number: number };
  const issueQuery = db('row_issues')
    .where({ file_id: fileId, sheet: page.sheet })
    .andWhere('row_number', '>=', first.row_number)
    .andWhere('row_number', '<=', last.row_number);
  const issues = (await issueQuery
    .orderBy('id')
    .select('row_outcome_id', 'code', 'params', 'column')) as {
    row_outcome_id: number | null;
    code: string;
    params: string | null;
    column: string | null;
  }[];
  const byOutcome = new Map<number, typeof issues>();
  for (const i of issues) {
    if (i.row_outcome_id === null) continue;
    const list = byOutcome.get(i.row_outcome_id) ?? [];
    list.push(i);
    byOutcome.set(i.row_outcome_id, list);
  }
  const out: RowResult[] = [];
  for (const o of outcomes) {
    const own = byOutcome.get(o.id) ?? [];
    const resultMessage = o.result_params ? (JSON.parse(o.result_params) as ResultMessage) : null;
    out.push({
      sheet: o.sheet,
      row: o.row_number,
      kind: o.kind,
      outcome: o.outcome,
      result: o.result,
      webexId: o.webex_id,
      issues: own.map((i) => ({
        code: i.code,
        params: i.params ? (JSON.parse(i.params) as ResultIssue['params']) : {},
        column: i.column,
      })),
      resultCode: o.result_code,
      resultMessage,
      // Written before result_params (migration 006): the message as it was rendered then.
      resultText: resultMessage ? null : o.result_message,
    });
  }
  return out;
}

/** A customer this run staged as an upsert, with where its row came from (R-DIAL-1 report). */
export interface StagedCustomer {
  partner: string;
  externalId: string;
  file: string | null;
  row: number | null;
  /** The accepted CustomerDesired document, with `meetingsDialIn` when the rules gave one. */
  desired: unknown;
}

/** The customers a run staged (upserts), by partner, file and row. */
export async function readCustomersStagedByRun(db: Tx, runId: string): Promise<StagedCustomer[]> {
  const rows = (await db('customers as c')
    .leftJoin('row_outcomes as o', 'o.id', 'c.source_row_id')
    .leftJoin('files as f', 'f.id', 'o.file_id')
    .where({ 'c.staged_run_id': runId, 'c.desired_action': 'upsert' })
    .orderBy([
      { column: 'c.partner_id' },
      { column: 'f.id' },
      { column: 'o.row_number' },
      { column: 'c.id' },
    ])
    .select(
      'c.partner_id',
      'c.external_id',
      'c.desired',
      'f.name as file_name',
      'o.row_number',
    )) as {
    partner_id: string;
    external_id: string;
    desired: string;
    file_name: string | null;
    row_number: number | null;
  }[];
  return rows.map((r) => ({
    partner: r.partner_id,
    externalId: r.external_id,
    file: r.file_name ?? null,
    row: r.row_number ?? null,
    desired: JSON.parse(r.desired) as unknown,
  }));
}
