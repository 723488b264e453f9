import { recogniseHeader, type HeaderMap } from '../../sheets/index.ts';
import { MAX_TITLE_ROWS } from '../read-csv.ts';
import type { CellFlag, CellType, SheetRow } from '../sheet.ts';
import { TYPE_CODES } from './cell-text.ts';
import type { WorkbookLimits } from './limits.ts';
import { columnLetters, MergeIndex, type CellRange } from './merge-cells.ts';

/**
 * A non-empty row as the parse worker sends it: cells as text from column A up to the last
 * non-empty one, joined by CELL_SEPARATOR; their types one letter each (TYPE_CODES); flags only
 * when a cell has one.
 */
export interface WireRow {
  row: number;
  text: string;
  types: string;
  flags?: (CellFlag | null)[];
}

/** U+0000 cannot occur in XML 1.0, so no cell text holds it. */
export const CELL_SEPARATOR = '\u0000';

/** The recognised header of a sheet. */
export interface SheetHead {
  name: string;
  header: string[];
  headerRow: number;
  map: HeaderMap;
}

export interface SheetFailure {
  ok: false;
  code: 'FILE_LIMIT';
  message: string;
}

const TYPE_BY_CODE = new Map<string, CellType>(
  Object.entries(TYPE_CODES).map(([type, code]) => [code, type as CellType]),
);
const INTERNED_PATTERNS = 10_000;

/**
 * One worksheet's rows → its header and data rows: finds the header under up to MAX_TITLE_ROWS
 * title rows, cuts rows to the header's width, skips empty rows, flags merged cells and counts
 * rows against the limit. Pure; the shell feeds it rows as the worker sends them.
 */
export class SheetCollector {
  head: SheetHead | null = null;
  /** 'looking' until the header row is decided, then 'reading' or 'ignored'. */
  state: 'looking' | 'reading' | 'ignored' = 'looking';
  readonly notes: string[] = [];
  private readonly titleRows: WireRow[] = [];
  private readonly merges: MergeIndex;
  // cellTypes arrays are shared between rows of the same shape: a million rows cost a few arrays.
  private readonly typeArrays = new Map<string, CellType[]>();
  private out: SheetRow[] = [];
  private dataRows = 0;
  private wideRow = 0;

  constructor(
    readonly name: string,
    merges: readonly CellRange[],
    private readonly limits: WorkbookLimits,
  ) {
    this.merges = new MergeIndex(merges);
  }

  /** One non-empty row of the sheet; returns a failure that refuses the whole file. */
  add(row: WireRow): SheetFailure | null {
    if (this.state === 'looking') {
      if (row.row <= MAX_TITLE_ROWS + 1) {
        this.titleRows.push(row);
        return null;
      }
      const failure = this.decide();
      if (failure) return failure;
    }
    return this.state === 'reading' ? this.addData(row) : null;
  }

  /** The sheet ended: decides the header if there were too few rows to decide it earlier. */
  finish(): SheetFailure | null {
    const failure = this.state === 'looking' ? this.decide() : null;
    if (failure) return failure;
    if (this.wideRow > 0 && this.head)
      this.notes.push(
        `sheet '${this.name}': values right of the last named column (${columnLetters(this.head.header.length)}) were not read, the first in row ${this.wideRow}`,
      );
    return null;
  }

  /** Data rows collected since the last call. */
  take(): SheetRow[] {
    const rows = this.out;
    this.out = [];
    return rows;
  }

  private decide(): SheetFailure | null {
    let best: { row: number; map: HeaderMap; header: string[] } | null = null;
    for (const { row, text } of this.titleRows) {
      const header = trimTrailingEmpty(text.split(CELL_SEPARATOR));
      const map = recogniseHeader(header);
      if (map && map.matched > (best?.map.matched ?? 0)) best = { row, map, header };
    }
    const rows = this.titleRows.splice(0);
    if (!best) {
      this.state = 'ignored';
      this.notes.push(
        `sheet '${this.name}' has no header row we recognise in rows 1–${MAX_TITLE_ROWS + 1} and was not read`,
      );
      return null;
    }
    this.head = { name: this.name, header: best.header, headerRow: best.row, map: best.map };
    this.state = 'reading';
    for (const row of rows) {
      if (row.row <= best.row) continue;
      const failure = this.addData(row);
      if (failure) return failure;
    }
    return null;
  }

  private addData(wire: WireRow): SheetFailure | null {
    const width = (this.head as SheetHead).header.length;
    const all = wire.text.split(CELL_SEPARATOR);
    const cells = all.length === width ? all : fit(all, width, '');
    let flags =
      wire.flags && wire.flags.length !== width ? fit(wire.flags, width, null) : wire.flags;
    // A formula without a value is not known to be empty: its row is kept so it is refused, not lost.
    if (cells.every((c) => c.trim() === '') && !flags?.some((f) => f !== null)) {
      if (this.wideRow === 0 && all.length > width) this.wideRow = wire.row;
      return null;
    }
    if (this.wideRow === 0 && all.length > width && all.slice(width).some((c) => c.trim() !== ''))
      this.wideRow = wire.row;
    for (const range of this.merges.at(wire.row)) {
      for (let col = range.left; col <= Math.min(range.right, width); col++) {
        flags ??= new Array<CellFlag | null>(width).fill(null);
        flags[col - 1] = 'MERGED_CELLS';
      }
    }
    if (++this.dataRows > this.limits.maxRowsPerSheet)
      return {
        ok: false,
        code: 'FILE_LIMIT',
        message: `sheet '${this.name}' has more than ${this.limits.maxRowsPerSheet.toLocaleString('en-US')} data rows, the most we read from one sheet: split it into several files`,
      };
    const row: SheetRow = { row: wire.row, cells, cellTypes: this.types(wire.types, width) };
    if (flags) row.cellFlags = flags;
    this.out.push(row);
    return null;
  }

  private types(codes: string, width: number): CellType[] {
    const key =
      codes.length === width ? codes : codes.slice(0, width).padEnd(width, TYPE_CODES.empty);
    let types = this.typeArrays.get(key);
    if (!types) {
      types = Object.freeze(Array.from(key, (c) => TYPE_BY_CODE.get(c) ?? 'text')) as CellType[];
      if (this.typeArrays.size < INTERNED_PATTERNS) this.typeArrays.set(key, types);
    }
    return types;
  }
}

function fit<T>(values: readonly T[], width: number, filler: T): T[] {
  const out = values.slice(0, width);
  while (out.length < width) out.push(filler);
  return out;
}

function trimTrailingEmpty(cells: readonly string[]): string[] {
  let end = cells.length;
  while (end > 0 && (cells[end - 1] as string).trim() === '') end--;
  return cells.slice(0, end);
}
