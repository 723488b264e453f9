import type { IssueCode } from '../rules/index.ts';
import type { HeaderMap } from '../sheets/index.ts';

/** What a workbook stored in a cell, where it matters for damage checks (a phone stored as a number). */
export type CellType = 'text' | 'number' | 'date' | 'boolean' | 'formula' | 'empty';

/** Cell conditions a workbook reader reports; the row is refused with this code for that column. */
export type CellFlag = 'FORMULA_WITHOUT_VALUE' | 'MERGED_CELLS';

/** One data row of a sheet, cells as text in header order. */
export interface SheetRow {
  /** Row number as a spreadsheet shows it (1-based, header counted). */
  row: number;
  cells: string[];
  /** Per cell, for workbooks: what the cell held. Absent for text files (every cell is text). */
  cellTypes?: CellType[];
  /** Per cell, for workbooks: a condition that makes the value untrustworthy. */
  cellFlags?: (CellFlag | null)[];
}

/** One sheet of a file, with its recognised header. */
export interface ParsedSheet {
  /** Worksheet name; '' for a text file. */
  name: string;
  header: string[];
  /** Row number of the header. */
  headerRow: number;
  map: HeaderMap;
  rows: SheetRow[];
}

/** What reading a workbook gave: its customer/subscriber sheets, or why the file is refused. */
export type WorkbookResult =
  | { ok: true; sheets: ParsedSheet[]; notes: string[] }
  | { ok: false; code: Extract<IssueCode, `FILE_${string}`>; message: string };
