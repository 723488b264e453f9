// Reads a downloaded billing report as it streams in: the header row is mapped through the alias
// table (billing-columns.ts), then each line becomes a record. Memory stays one line whatever the size.
import { Readable } from 'node:stream';
import { Parser } from 'csv-parse';
import { resolvePackage } from '../rules/index.ts';
import { mapBillingHeader, type BillingField, type BillingReportKind } from './billing-columns.ts';

/** Why a billing report cannot be read; the message names the line, column and value. */
export class BillingReportError extends Error {
  override readonly name = 'BillingReportError';
  constructor(
    readonly code: 'BILLING_COLUMNS' | 'BILLING_MALFORMED',
    message: string,
  ) {
    super(message);
  }
}

/** One line of a USER report. */
export interface BillingUserRecord {
  line: number;
  /** Lower case. */
  email: string;
  /** The API name when the report gave an API or display name we know; as given otherwise. */
  package: string;
  customerOrgId: string;
  customerExternalId: string | null;
  subscriberId: string | null;
  days: number | null;
}

/** One line of a CUSTOMER report: a customer's count of a package (on a day, when it says which). */
export interface BillingCustomerRecord {
  line: number;
  customerOrgId: string;
  customerExternalId: string | null;
  customerName: string | null;
  package: string;
  date: string | null;
  quantity: number;
}

type Columns = Partial<Record<BillingField, number>>;

/**
 * csv-parse handing each record on with the line it ended on. Its `info` option does the same with
 * an object of a dozen fields copied per record, which made reading a report twice as slow as
 * parsing it; the line is the same one (the parser's count when the record is pushed).
 */
class NumberedParser extends Parser {
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    return super.push(chunk === null ? null : { record: chunk, line: this.info.lines }, encoding);
  }
}

/** Rows per batch handed on by the readers below. */
export const BILLING_READ_BATCH = 2000;

/**
 * Rows of the CSV with their line numbers, in batches of up to BILLING_READ_BATCH, the header row
 * mapped first. The parser is read synchronously while it has records (an async iterator over it
 * cost a promise per record, which was a third of reading a report).
 */
async function* rowBatches(
  input: AsyncIterable<unknown>,
  kind: BillingReportKind,
): AsyncGenerator<{ rows: { line: number; record: string[] }[]; columns: Columns }> {
  const source = Readable.from(input);
  const parser = source.pipe(new NumberedParser({ bom: true, skip_empty_lines: true, trim: true }));
  source.once('error', (err) => parser.destroy(err));
  let columns: Columns | null = null;
  // Set by the parser's error event (a closure: its type is read back as the union).
  const state: { failed: Error | null } = { failed: null };
  let ended = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  parser.on('readable', signal);
  parser.once('end', () => {
    ended = true;
    signal();
  });
  parser.once('error', (err: Error) => {
    state.failed = err;
    signal();
  });
  try {
    for (;;) {
      let rows: { line: number; record: string[] }[] = [];
      for (;;) {
        const next = parser.read() as { record: string[]; line: number } | null;
        if (next === null) break;
        if (columns === null) {
          const mapped = mapBillingHeader(kind, next.record);
          if (mapped.problems !== null)
            throw new BillingReportError('BILLING_COLUMNS', mapped.problems);
          columns = mapped.columns;
          continue;
        }
        rows.push(next);
        if (rows.length >= BILLING_READ_BATCH) {
          yield { rows, columns };
          rows = [];
        }
      }
      if (rows.length > 0 && columns !== null) {
        yield { rows, columns };
        // Records that came while the consumer held this batch announced themselves then: read
        // them before waiting for the next announcement, which would not come.
        continue;
      }
      if (state.failed !== null) throw state.failed;
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } catch (err) {
    if (err instanceof BillingReportError) throw err;
    const e = err as { code?: string; message?: string; lines?: number };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_'))
      throw new BillingReportError(
        'BILLING_MALFORMED',
        `the ${kind} billing report is not well-formed CSV: ${e.message ?? e.code}`,
      );
    throw err;
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (columns === null)
    throw new BillingReportError(
      'BILLING_COLUMNS',
      `the ${kind} billing report is empty: no header row`,
    );
}

/** Package names as a report gives them, resolved; a report repeats a handful a million times. */
const PACKAGE_NAMES = new Map<string, string>();
const PACKAGE_NAMES_KEPT = 256;

/** The API name when the report gave an API or display name we know; as given otherwise. */
function packageName(given: string): string {
  let name = PACKAGE_NAMES.get(given);
  if (name === undefined) {
    name = resolvePackage(given) ?? given;
    if (PACKAGE_NAMES.size < PACKAGE_NAMES_KEPT) PACKAGE_NAMES.set(given, name);
  }
  return name;
}

function cell(cells: readonly string[], columns: Columns, field: BillingField): string | null {
  const index = columns[field];
  if (index === undefined) return null;
  const value = cells[index];
  return value === undefined || value === '' ? null : value;
}

function required(
  cells: readonly string[],
  columns: Columns,
  field: BillingField,
  line: number,
): string {
  const value = cell(cells, columns, field);
  if (value === null)
    throw new BillingReportError(
      'BILLING_MALFORMED',
      `billing report line ${line}: ${field} is empty`,
    );
  return value;
}

function wholeNumber(value: string | null, field: BillingField, line: number): number | null {
  if (value === null) return null;
  if (!/^\d+$/.test(value))
    throw new BillingReportError(
      'BILLING_MALFORMED',
      `billing report line ${line}, ${field}: '${value}' is not a whole number`,
    );
  return Number(value);
}

function userRecord(cells: readonly string[], columns: Columns, line: number): BillingUserRecord {
  const pkg = required(cells, columns, 'package', line);
  return {
    line,
    email: required(cells, columns, 'email', line).toLowerCase(),
    package: packageName(pkg),
    customerOrgId: required(cells, columns, 'customerOrgId', line),
    customerExternalId: cell(cells, columns, 'customerExternalId'),
    subscriberId: cell(cells, columns, 'subscriberId'),
    days: wholeNumber(cell(cells, columns, 'days'), 'days', line),
  };
}

/** The lines of a USER report in batches, as they stream in. Throws BillingReportError on a header or line it cannot read. */
export async function* readBillingUserReportBatches(
  input: AsyncIterable<unknown>,
): AsyncGenerator<BillingUserRecord[]> {
  for await (const { rows, columns } of rowBatches(input, 'USER'))
    yield rows.map((r) => userRecord(r.record, columns, r.line));
}

/** The lines of a USER report, as they stream in. Throws BillingReportError on a header or line it cannot read. */
export async function* readBillingUserReport(
  input: AsyncIterable<unknown>,
): AsyncGenerator<BillingUserRecord> {
  for await (const batch of readBillingUserReportBatches(input)) yield* batch;
}

/** The lines of a CUSTOMER report, as they stream in. */
export async function* readBillingCustomerReport(
  input: AsyncIterable<unknown>,
): AsyncGenerator<BillingCustomerRecord> {
  for await (const { rows, columns } of rowBatches(input, 'CUSTOMER'))
    for (const { line, record: cells } of rows) {
      const pkg = required(cells, columns, 'package', line);
      yield {
        line,
        customerOrgId: required(cells, columns, 'customerOrgId', line),
        customerExternalId: cell(cells, columns, 'customerExternalId'),
        customerName: cell(cells, columns, 'customerName'),
        package: packageName(pkg),
        date: cell(cells, columns, 'date'),
        quantity: wholeNumber(required(cells, columns, 'quantity', line), 'quantity', line) ?? 0,
      };
    }
}
