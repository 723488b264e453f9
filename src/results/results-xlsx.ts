import { once, type EventEmitter } from 'node:events';
import type ExcelJS from 'exceljs';
import type { RowResult } from '../store/index.ts';
import type { SheetRow } from '../ingest/sheet.ts';
import { columnLetters, readWorkbookInBatches, type SheetHead } from '../ingest/xlsx/index.ts';
import { partnerColumnCount } from './result-columns.ts';

/** What a results workbook cell holds: the partner's value as read, or one of our words. */
export type ResultsCell = string | number | boolean | null;

/** One row of a results workbook: its cells, and the refused cells to mark with their messages. */
export interface ResultsRowPlan {
  row: number;
  cells: ResultsCell[];
  /** 0-based columns of the partner's cells an issue names, with the messages for that cell. */
  marks: { col: number; note: string }[];
}

/** Columns a spreadsheet damages when it treats them as numbers: written back formatted as Text. */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set(['phone_number', 'zip_or_postal_code']);

/** The deflate level of a results workbook: it is written once per file, during the import. */
const RESULTS_ZIP_LEVEL = 1;

/** The fill of a refused cell (Excel's "light red fill"). */
export const REFUSED_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFFFC7CE' },
};

/**
 * The styles of cells written through exceljs (the header's Text style id, rows with a refused
 * cell), one object each: exceljs finds a style it has seen by the object's identity, and otherwise
 * works its XML out again for every cell (a cell of its own gets a copy of its column's style).
 */
const PLAIN_STYLE: Partial<ExcelJS.Style> = Object.freeze({});
const TEXT_STYLE: Partial<ExcelJS.Style> = Object.freeze({ numFmt: '@' });
const REFUSED_STYLE: Partial<ExcelJS.Style> = Object.freeze({ fill: REFUSED_FILL });
const REFUSED_TEXT_STYLE: Partial<ExcelJS.Style> = Object.freeze({
  numFmt: '@',
  fill: REFUSED_FILL,
});

// XML 1.0 cannot hold these; a reader turns _x0001_ escapes into them.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as a string cell value: never a formula, never a character XML cannot carry. */
export function textCell(text: string): string {
  return text.replace(NOT_XML, '\uFFFD');
}

/**
 * A data row of a results workbook (pure): the partner's cells as the reader gave them (numbers and
 * booleans as such, everything else as text, Text columns always as text), then `resultCells`.
 */
export function planResultsRow(
  head: SheetHead,
  sheetRow: SheetRow,
  result: RowResult | undefined,
  labels: ResultLabels,
): ResultsRowPlan {
  const { columns } = head.map;
  const partnerColumns = head.header.slice(0, partnerColumnCount(head.header));
  const cells: ResultsCell[] = partnerColumns.map((_, i) => {
    const text = sheetRow.cells[i] ?? '';
    if (text === '') return null;
    const type = sheetRow.cellTypes?.[i];
    const canonical = columns[i] ?? null;
    if (type === 'number' && !(canonical && TEXT_COLUMNS.has(canonical))) {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
    }
    if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
    return textCell(text);
  });
  cells.push(...labels.cells(result).map((t) => (t === '' ? null : textCell(t))));
  const notes = new Map<number, string[]>();
  if (result) {
    // Each refused cell is noted with its issues' messages (a provisioning message names no cell).
    const messages = labels.issueMessages(result);
    result.issues.forEach(({ column }, i) => {
      const col = column === null ? -1 : columns.indexOf(column);
      if (col < 0) return;
      const list = notes.get(col) ?? [];
      list.push(messages[i] ?? '');
      notes.set(col, list);
    });
  }
  const marks = [...notes].map(([col, list]) => ({ col, note: textCell(list.join('\n')) }));
  return { row: sheetRow.row, cells, marks };
}

/**
 * Writes a results workbook for a partner's workbook: each sheet that was read, its header and data
 * rows where they were (so "row 14" in a message is row 14 here), the result columns added, refused
 * cells filled and noted. Streams both ways: `resultsOf` gives a sheet's row results in row order,
 * and text goes into each cell (inline strings), not into a shared-strings table that would hold
 * every string of the workbook until the end. `target` should be a temporary name the caller renames.
 */
export async function writeXlsxResults(
  archived: string,
  target: string,
  resultsOf: (sheet: string) => AsyncIterable<RowResult>,
  labels: ResultLabels,
  labelsFor?: (head: SheetHead) => ResultLabels,
): Promise<void> {
  const writer = await XlsxResultsWriter.open(target, labels);
  let resultFor: (row: number) => Promise<RowResult | undefined> = () => Promise.resolve(undefined);
  const outcome = await readWorkbookInBatches(archived, {
    sheet(next) {
      writer.sheet(next, labelsFor?.(next));
      resultFor = rowCursor(resultsOf(next.name));
    },
    rows: (batch) => writer.rows(batch, resultFor),
  });
  if (!outcome.ok)
    throw new Error(`cannot read back ${archived}: ${outcome.code} ${outcome.message}`);
  await writer.end();
}

/**
 * A results workbook written sheet by sheet, row by row, as the rows are read: by
 * writeXlsxResults from the archived copy and the ledger, or by the import in the same pass that
 * checks the rows. Sheets come one after another; each sheet's rows in row order.
 */
/** A sheet's result columns and how a row's result reads, in the sheet's language. */
export interface ResultLabels {
  headers: readonly string[];
  cells: (r: RowResult | undefined) => string[];
  /** The row's issues' messages, in the order of its issues (a refused cell's note). */
  issueMessages: (r: RowResult) => string[];
}

export class XlsxResultsWriter {
  private current: { ws: ExcelJS.Worksheet; head: SheetHead; labels: ResultLabels } | null = null;
  /** 0-based columns of the current sheet formatted as Text. */
  private readonly textColumns = new Set<number>();

  /**
   * Opens `target` for writing. exceljs is loaded here, when a workbook is first written, not with
   * the CLI: a night of CSV files never loads it (about 12 MB of RSS).
   */
  static async open(target: string, labels: ResultLabels): Promise<XlsxResultsWriter> {
    const { default: Excel } = await import('exceljs');
    const wb = new Excel.stream.xlsx.WorkbookWriter({
      filename: target,
      useStyles: true,
      useSharedStrings: false,
      // zlib's fastest level: about 6 times the speed of the default 6 on a results sheet's XML,
      // for a file about a fifth larger (measured on 100k rows: 575 against 100 MB/s).
      zip: { zlib: { level: RESULTS_ZIP_LEVEL } },
    });
    return new XlsxResultsWriter(wb, Excel.ValueType.RichText, labels);
  }

  /**
   * Rejects when the file cannot be written (a full disk). exceljs listens for its file's errors
   * only once the workbook is committed; until then a write that failed left rows() waiting for a
   * 'drain' that never comes, and the run hung with the lock held.
   */
  private readonly failed: Promise<never>;

  private constructor(
    private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter,
    /** exceljs's ValueType.RichText, the type its style ids are asked for. */
    private readonly richText: ExcelJS.ValueType,
    private readonly labels: ResultLabels,
  ) {
    const { stream, zip } = wb as unknown as WorkbookWriterInternals;
    this.failed = new Promise<never>((_resolve, reject) => {
      stream.once('error', reject);
      zip.once('error', reject);
    });
    this.failed.catch(() => undefined); // raced by rows() and end()
  }

  /**
   * A sheet starts: the previous one is committed, this one's header written. `labels`: its result
   * columns and words when they are not the workbook's (a sheet in another language).
   */
  sheet(head: SheetHead, labels?: ResultLabels): void {
    const own = labels ?? this.labels;
    this.current?.ws.commit();
    const ws = this.wb.addWorksheet(head.name);
    this.textColumns.clear();
    head.map.columns.forEach((canonical, i) => {
      if (!canonical || !TEXT_COLUMNS.has(canonical)) return;
      ws.getColumn(i + 1).numFmt = '@';
      this.textColumns.add(i);
    });
    const header = ws.getRow(head.headerRow);
    const partnerColumns = head.header.slice(0, partnerColumnCount(head.header));
    header.values = [...partnerColumns.map(textCell), ...own.headers].map(inline);
    header.font = { bold: true };
    header.commit();
    this.current = { ws, head, labels: own };
  }

  /**
   * Data rows of the current sheet, in row order, each with its result (undefined: none). A row
   * without a refused cell (nearly all of them) is written as XML here (plainRowXml); one with a
   * refused cell goes through exceljs, which also writes its notes.
   */
  async rows(
    batch: readonly SheetRow[],
    resultFor: (row: number) => RowResult | undefined | Promise<RowResult | undefined>,
  ): Promise<void> {
    if (!this.current) return;
    const { ws, head, labels } = this.current;
    const sheet = ws as unknown as SheetWriterInternals;
    let xml = '';
    for (const sheetRow of batch) {
      const plan = planResultsRow(head, sheetRow, await resultFor(sheetRow.row), labels);
      if (plan.marks.length === 0) {
        xml += this.plainRowXml(plan);
        // exceljs finds a row by its number less the first one it has not written yet.
        sheet._rowZero = plan.row + 1;
        continue;
      }
      if (xml) sheet.stream.write(xml);
      xml = '';
      const row = ws.getRow(plan.row);
      plan.cells.forEach((value, i) => {
        if (value === null) return;
        const cell = row.getCell(i + 1);
        cell.value = inline(value);
        cell.style = this.textColumns.has(i) ? TEXT_STYLE : PLAIN_STYLE;
      });
      for (const mark of plan.marks) {
        const cell = row.getCell(mark.col + 1);
        cell.style = this.textColumns.has(mark.col) ? REFUSED_TEXT_STYLE : REFUSED_STYLE;
        cell.note = mark.note;
      }
      row.commit();
    }
    if (xml) sheet.stream.write(xml);
    await Promise.race([zipCaughtUp(ws), this.failed]);
  }

  /**
   * A row's XML as exceljs would write it (inline strings, Text columns with their style), built
   * as one string: going through exceljs's row and cell objects took a fifth of the import's time
   * on a large workbook.
   */
  private plainRowXml(plan: ResultsRowPlan): string {
    let xml = `<row r="${plan.row}">`;
    plan.cells.forEach((value, i) => {
      if (value === null) return;
      const ref = `${(this.letters[i] ??= columnLetters(i + 1))}${plan.row}`;
      const style = this.textColumns.has(i) ? ` s="${this.textStyleId()}"` : '';
      if (typeof value === 'string') {
        const space = /^\s|\n|\s$/.test(value) ? ' xml:space="preserve"' : '';
        xml += `<c r="${ref}"${style} t="inlineStr"><is><r><t${space}>${escapeXml(value)}</t></r></is></c>`;
      } else if (typeof value === 'boolean') {
        xml += `<c r="${ref}"${style} t="b"><v>${value ? 1 : 0}</v></c>`;
      } else {
        xml += `<c r="${ref}"${style}><v>${value}</v></c>`;
      }
    });
    return `${xml}</row>`;
  }

  /** Column letters by 0-based column, worked out once. */
  private readonly letters: string[] = [];
  private textStyle: number | null = null;
  /** The workbook's style id of a Text cell, asked of exceljs once. */
  private textStyleId(): number {
    this.textStyle ??= (this.wb as unknown as WorkbookWriterInternals).styles.addStyleModel(
      TEXT_STYLE,
      this.richText,
    );
    return this.textStyle;
  }

  /** Commits the last sheet and the workbook: the file is whole once this resolves. */
  async end(): Promise<void> {
    this.current?.ws.commit();
    this.current = null;
    await Promise.race([this.wb.commit(), this.failed]);
  }
}

/** The parts of exceljs's streaming sheet writer that rows() writes beside it (exceljs 4.4). */
interface SheetWriterInternals {
  stream: { write(text: string): unknown };
  _rowZero: number;
}
interface WorkbookWriterInternals {
  styles: { addStyleModel(style: Partial<ExcelJS.Style>, type: ExcelJS.ValueType): number };
  /** The file written (fs.WriteStream) and the zip (archiver) that feeds it. */
  stream: EventEmitter;
  zip: EventEmitter;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => XML_ENTITIES[c] as string);
}
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/**
 * exceljs hands a sheet's XML to the zip without waiting for it (its StreamBuf ignores
 * backpressure), so rows written faster than they are compressed queue in memory: about 500 MB at
 * 1,000,000 rows. Waits until the zip's entry stream has drained what it was given.
 */
async function zipCaughtUp(ws: ExcelJS.Worksheet): Promise<void> {
  const sink = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as
    (EventEmitter & { _writableState?: { needDrain?: boolean } }) | undefined;
  if (sink?._writableState?.needDrain) await once(sink, 'drain');
}

/**
 * A string as one run of rich text, which exceljs writes as an inline string (`t="inlineStr"`):
 * a plain string without shared strings would be written `t="str"`, the type of a formula's result.
 */
function inline(value: ResultsCell): ExcelJS.CellValue {
  return typeof value === 'string' ? { richText: [{ text: value }] } : value;
}

/**
 * Row results read in row order, asked for by row number in increasing order: the result of that
 * row, or undefined when it has none (a blank row, or a row the results do not cover).
 */
export function rowCursor(
  results: AsyncIterable<RowResult>,
): (row: number) => Promise<RowResult | undefined> {
  const cursor = results[Symbol.asyncIterator]();
  let pending: RowResult | null = null;
  let exhausted = false;
  return async (row) => {
    while (!exhausted && (!pending || pending.row < row)) {
      const next = await cursor.next();
      if (next.done) exhausted = true;
      else pending = next.value;
    }
    return pending?.row === row ? pending : undefined;
  };
}
