import { parse as parseSync } from 'csv-parse/sync';
import { recogniseHeader, type HeaderMap } from '../sheets/index.ts';
import type { SheetRow } from './sheet.ts';

export type { SheetRow };

/** The longest record we buffer: a wrong delimiter or an open quote must not swallow a file. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Title rows a partner may put above the header. */
export const MAX_TITLE_ROWS = 5;
const DELIMITERS = [',', ';', '\t'] as const;

export interface CsvSheet {
  delimiter: string;
  header: string[];
  headerRow: number;
  map: HeaderMap;
  rows: SheetRow[];
}

export type CsvResult =
  | { ok: true; sheet: CsvSheet }
  | { ok: false; code: 'FILE_MALFORMED' | 'FILE_HEADER' | 'FILE_LIMIT'; message: string };

/** csv-parse options every read shares: strict quotes and column counts, any line ending. */
export const CSV_OPTIONS = {
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: MAX_RECORD_BYTES,
  relax_quotes: false,
  relax_column_count: false,
  // Blank lines stay records so row numbers match what a spreadsheet shows; they are skipped below.
  skip_empty_lines: false,
};

/** FILE_HEADER when no row of the first ones names our columns. */
export const NO_HEADER_MESSAGE =
  'no header row we recognise in the first rows: the first row should name the columns (for example External ID, Customer name)';

export interface FoundHeader {
  delimiter: string;
  header: string[];
  headerIndex: number;
  map: HeaderMap;
}

/** Whether the first rows of a text hold a header we recognise, under any delimiter. */
export function hasRecognisableHeader(text: string): boolean {
  return findHeader(text.replace(/^sep=.\r?\n/i, ''), DELIMITERS) !== null;
}

/** The best header row in the first rows of a text, under each delimiter allowed. */
export function findHeader(
  body: string,
  delimiters: readonly string[] = DELIMITERS,
): FoundHeader | null {
  let best: FoundHeader | null = null;
  for (const delimiter of delimiters) {
    // Records before a syntax error still count: the error is reported once the header is known.
    const records: string[][] = [];
    try {
      parseSync(body, {
        ...CSV_OPTIONS,
        delimiter,
        to_line: MAX_TITLE_ROWS + 1,
        relax_column_count: true,
        on_record: (record: string[]) => {
          records.push(record);
          return record;
        },
      });
    } catch {
      // the full read below reports it with its line
    }
    records.forEach((cells, index) => {
      const map = recogniseHeader(cells);
      if (map && map.matched > (best?.map.matched ?? 0))
        best = { delimiter, header: cells, headerIndex: index, map };
    });
  }
  return best;
}

/** A parse error as a sentence a partner can act on; `recordLine`: where the failing record began. */
export function describeCsvError(err: unknown, recordLine: number): string {
  const e = err as { code?: string; lines?: number; message?: string };
  const where = e.lines ? `line ${e.lines}: ` : '';
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // csv-parse names the last line of the file; the partner needs the line where the quote opened.
      return `line ${recordLine}: a quoted field is never closed (its quote opens on this line): the file may be cut short or have a stray "`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${where}characters follow a closing quote: a " inside a field must be doubled ("")`;
    case 'CSV_MAX_RECORD_SIZE':
      // Said only when the rest of the file could not be read to tell a long row from an open quote.
      return `${where}a record is longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes: an unclosed quote or a cell too long`;
    default:
      return `${where}${e.message ?? String(err)}`;
  }
}

/**
 * FILE_LIMIT for a row whose quotes do close but which is longer than MAX_RECORD_BYTES: `row` as
 * a spreadsheet numbers it, `column` the header of the cell being read when the limit was passed.
 */
export function describeLongRecord(row: number, column: string | undefined): string {
  const where = column?.trim() ? `row ${row}, column ${column.trim()}` : `row ${row}`;
  return `${where}: the row is longer than the ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes (${MAX_RECORD_BYTES / 1024 / 1024} MB) a row may hold: shorten the cell, or split what it holds across rows`;
}
