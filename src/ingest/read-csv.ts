import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { recogniseHeader, type HeaderMap } from './headers.ts';
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
  | { ok: false; code: 'FILE_MALFORMED' | 'FILE_HEADER'; message: string };

/** csv-parse options every read shares: strict quotes and column counts, any line ending. */
export const CSV_OPTIONS = {
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: MAX_RECORD_BYTES,
  relax_quotes: false,
  relax_column_count: false,
  // Blank lines stay records so row numbers match what a spreadsheet shows; they are skipped below.
  skip_empty_lines: false,
};

/** Reads a decoded CSV text: finds the delimiter and the header row, then every data row. */
export async function readCsv(text: string): Promise<CsvResult> {
  let body = text;
  let forced: string | null = null;
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep) {
    forced = sep[1] as string;
    body = text.slice(sep[0].length);
  }
  const found = findHeader(body, forced ? [forced] : DELIMITERS);
  if (!found) {
    return {
      ok: false,
      code: 'FILE_HEADER',
      message:
        'no header row we recognise in the first rows: the first row should name the columns (for example External ID, Customer name)',
    };
  }
  const rows: SheetRow[] = [];
  // Where the last whole record ended: a quote left open starts the record after it.
  let lastLine = 0;
  const parser = Readable.from([body]).pipe(
    parse({
      ...CSV_OPTIONS,
      delimiter: found.delimiter,
      info: true,
      relax_column_count: true,
      // Seen as each record is parsed, before the stream hands it on or fails.
      on_record: (record: string[], context: { lines: number }) => {
        lastLine = context.lines;
        return record;
      },
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { records: number; lines: number };
    }>) {
      if (info.records <= found.headerIndex + 1) continue;
      if (record.every((c) => c.trim() === '')) continue;
      if (record.length !== found.header.length) {
        return {
          ok: false,
          code: 'FILE_MALFORMED',
          message: `line ${info.lines} has ${record.length} fields where the header has ${found.header.length}: check for a stray delimiter or quote`,
        };
      }
      rows.push({ row: info.records, cells: record });
    }
  } catch (err) {
    return { ok: false, code: 'FILE_MALFORMED', message: describeCsvError(err, lastLine + 1) };
  }
  return {
    ok: true,
    sheet: {
      delimiter: found.delimiter,
      header: found.header,
      headerRow: found.headerIndex + 1,
      map: found.map,
      rows,
    },
  };
}

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
      return `${where}a record is longer than ${MAX_RECORD_BYTES} bytes: an unclosed quote or wrong delimiter`;
    default:
      return `${where}${e.message ?? String(err)}`;
  }
}
